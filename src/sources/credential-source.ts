/**
 * Where a registry credential comes from, seen by the secrets that use it:
 * a source emits the pull secret for a target (a plain Secret, an
 * ExternalSecret, a SealedSecret) and knows which `auths` keys it serves.
 */
import { IConstruct } from 'constructs';
import { EmittedPullSecret, PullSecretTarget } from './pull-secret-target';

/** A credential source behind {@link RegistryCredentials}. */
export interface CredentialSource {
  /**
   * Reads the payload at synth, once per server; absent for sources whose
   * secret the cluster produces (External Secrets), which have none.
   */
  readonly plaintext?: PlaintextReader;
  /** Whether the secret holds a password fixed at synth, which the cluster never renews. */
  readonly holdsFixedPassword: boolean;
  /** Emits the pull secret for `target` (objects go under `target.scope`). */
  emit(target: PullSecretTarget): EmittedPullSecret;
  /** The `auths` keys a secret from this source holds, for the server the user declared. */
  servers(scope: IConstruct, server: string | undefined): string[];
}

/** The `.dockerconfigjson` payload a secret stores, and the servers it serves. */
export interface DockerConfigPayload {
  /** The payload bytes, base64-encoded (standard alphabet, padded) as in a Secret's `data`. */
  readonly base64: string;
  /** The `auths` keys with a usable credential, in payload order. */
  readonly servers: string[];
}

/**
 * Reads a source's payload for the server the user declared; `scope` is the
 * secret, for error messages. Throws {@link CredentialsUnavailableError} when
 * its inputs are absent.
 */
export type PlaintextReader = (scope: IConstruct, server: string | undefined) => DockerConfigPayload;

/**
 * Thrown when a credential cannot be read at synth because its inputs are
 * absent (environment variables unset). Sealed credentials may fall back to
 * a value sealed before; everything else reports it.
 */
export class CredentialsUnavailableError extends Error {
  /** The environment variables that are unset or empty. */
  public readonly variables: readonly string[];

  public constructor(message: string, variables: readonly string[]) {
    super(message);
    this.name = 'CredentialsUnavailableError';
    this.variables = variables;
  }
}
