/**
 * A credential read at synth (literals, environment variables, a docker
 * config file): its payload goes into a plain `kubernetes.io/dockerconfigjson`
 * Secret, as kubectl makes it.
 */
import { IConstruct } from 'constructs';
import { MAX_SECRET_DATA_BYTES } from '../../rules/dockerconfigjson';
import { constructError } from '../../wiring/construct-errors';
import { CredentialSource, DockerConfigPayload, PlaintextReader } from '../credential-source';
import { emitDockerConfigSecret } from '../docker-config-secret';
import { EmittedPullSecret, PullSecretTarget } from '../pull-secret-target';

/** A {@link CredentialSource} whose payload `read` produces at synth, once per server. */
export class PlainSource implements CredentialSource {
  public readonly holdsFixedPassword = true;
  /** Payloads already read are kept in a closure, so printing the source shows nothing of them. */
  public readonly plaintext: PlaintextReader;

  public constructor(read: PlaintextReader) {
    const payloads = new Map<string | undefined, DockerConfigPayload>();
    this.plaintext = (scope, server) => {
      let payload = payloads.get(server);
      if (payload === undefined) {
        payload = read(scope, server);
        payloads.set(server, payload);
      }
      return payload;
    };
  }

  public emit(target: PullSecretTarget): EmittedPullSecret {
    return emitDockerConfigSecret(target, this.plaintext(target.scope, target.server));
  }

  public servers(scope: IConstruct, server: string | undefined): string[] {
    return this.plaintext(scope, server).servers;
  }
}

/** The payload of `bytes`, which the API server accepts only up to 1 MiB; `fix` fits the source. */
export function payloadOf(scope: IConstruct, bytes: Buffer, servers: string[], fix: string): DockerConfigPayload {
  if (bytes.length > MAX_SECRET_DATA_BYTES) {
    throw constructError(scope, `the .dockerconfigjson payload is ${bytes.length} bytes; the API server rejects Secrets over ${MAX_SECRET_DATA_BYTES} bytes (1 MiB)`, fix);
  }
  return { base64: bytes.toString('base64'), servers };
}
