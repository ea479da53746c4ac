/**
 * External Secrets Operator sources (public options) — STUB, to be filled
 * in: see issue "Passwords out of Git (1/2)".
 */
import { CredentialSource } from './emit/credential-source';

/** A SecretStore or ClusterSecretStore of External Secrets Operator. */
export class ExternalSecretStore {
  /** A ClusterSecretStore, usable from every namespace. */
  public static cluster(name: string): ExternalSecretStore {
    return new ExternalSecretStore('ClusterSecretStore', name);
  }

  /** A SecretStore, which must exist in the namespace of each secret that uses it. */
  public static namespaced(name: string): ExternalSecretStore {
    return new ExternalSecretStore('SecretStore', name);
  }

  private constructor(
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: string,
    /** The store's name. */
    public readonly name: string,
  ) {}
}

/** Props for {@link RegistryCredentials.fromExternalSecret}. */
export interface ExternalSecretCredentialsProps {
  /** The store holding the credential. */
  readonly store: ExternalSecretStore;
  /** The key of the credential in the store. */
  readonly remoteKey: string;
}

/** Props for {@link RegistryCredentials.fromEcrAuthorizationToken}. */
export interface EcrAuthorizationTokenProps {
  /** The AWS region of the registry. */
  readonly region: string;
}

/** Props for {@link RegistryCredentials.fromGcrAccessToken}. */
export interface GcrAccessTokenProps {
  /** The Google Cloud project id. */
  readonly projectId: string;
}

/** Props for {@link RegistryCredentials.fromAcrAccessToken}. */
export interface AcrAccessTokenProps {
  /** The Azure tenant id. */
  readonly tenantId: string;
}

/** The source behind {@link RegistryCredentials.fromExternalSecret}. */
export function externalSecretSource(_props: ExternalSecretCredentialsProps): CredentialSource {
  throw new Error('not implemented yet');
}

/** The source behind {@link RegistryCredentials.fromEcrAuthorizationToken}. */
export function ecrAuthorizationTokenSource(_props: EcrAuthorizationTokenProps): CredentialSource {
  throw new Error('not implemented yet');
}

/** The source behind {@link RegistryCredentials.fromGcrAccessToken}. */
export function gcrAccessTokenSource(_props: GcrAccessTokenProps): CredentialSource {
  throw new Error('not implemented yet');
}

/** The source behind {@link RegistryCredentials.fromAcrAccessToken}. */
export function acrAccessTokenSource(_props: AcrAccessTokenProps): CredentialSource {
  throw new Error('not implemented yet');
}
