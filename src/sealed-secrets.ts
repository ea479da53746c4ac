/**
 * Sealed Secrets (public options) — STUB, to be filled in: see issue
 * "Passwords out of Git (2/2)".
 */
import { IConstruct } from 'constructs';
import { CredentialSource } from './emit/credential-source';

/** The scope a sealed value may be opened in (the OAEP label kubeseal uses). */
export enum SealingScope {
  /** Only as a secret of this name in this namespace (the default). */
  STRICT = 'STRICT',
  /** As a secret of any name in this namespace. */
  NAMESPACE_WIDE = 'NAMESPACE_WIDE',
  /** As a secret of any name in any namespace. */
  CLUSTER_WIDE = 'CLUSTER_WIDE',
}

/** The Sealed Secrets controller's public certificate. */
export class SealingCertificate {
  /** Reads the PEM (as `kubeseal --fetch-cert` prints it) from a file at synth. */
  public static fromFile(path: string): SealingCertificate {
    return new SealingCertificate(path, undefined);
  }

  /** A PEM given inline. */
  public static fromPem(pem: string): SealingCertificate {
    return new SealingCertificate(undefined, pem);
  }

  private constructor(private readonly path: string | undefined, private readonly pem: string | undefined) {}

  /**
   * Where the certificate comes from, for messages (never its content).
   * @internal
   */
  public _describe(): string {
    return this.path !== undefined ? `certificate file "${this.path}"` : `an inline certificate (${this.pem?.length ?? 0} characters)`;
  }
}

/** Options for {@link RegistryCredentials.sealed}. */
export interface SealedCredentialsOptions {
  /** The controller's public certificate. */
  readonly certificate: SealingCertificate;
  /**
   * Where the sealed value may be opened.
   * @default SealingScope.STRICT
   */
  readonly scope?: SealingScope;
}

/** Reads the inner credentials' plaintext payload (may throw CredentialsUnavailableError). */
export type PlaintextReader = (scope: IConstruct, server: string | undefined) => { readonly base64: string; readonly servers: string[] };

/** The source behind {@link RegistryCredentials.sealed}. */
export function sealedSource(_options: SealedCredentialsOptions, _readInner: PlaintextReader): CredentialSource {
  throw new Error('not implemented yet');
}
