/**
 * Helpers of the Sealed Secrets suites: sealed credentials for a test key
 * pair and state file, the plain secret's bytes for the same inputs, and
 * stderr captured while synthesizing.
 */
import { Chart, Testing } from 'cdk8s';
import { SealingKeyPair } from './sealing-keys';
import { RegistryCredentials, RegistrySecret, SealingCertificate, SealingScope } from '../../src';

/** The password of the Sealed Secrets suites' credentials. */
export const SEALED_PASSWORD = 'S3aled-Pa55word';

/** `inner` sealed for `keys` with `stateFile`. */
export function sealedWith(keys: SealingKeyPair, stateFile: string, inner: RegistryCredentials, scope?: SealingScope): RegistryCredentials {
  return RegistryCredentials.sealed(inner, { certificate: SealingCertificate.fromPem(keys.certificatePem), scope, stateFile });
}

/** The SealedSecrets in `manifests`. */
export const sealedSecretsIn = (manifests: any[]) => manifests.filter((o) => o.kind === 'SealedSecret');

/** The sealed `.dockerconfigjson` of a SealedSecret. */
export const sealedValueOf = (sealedSecret: any): string => sealedSecret.spec.encryptedData['.dockerconfigjson'];

/** The `.dockerconfigjson` bytes the unsealed RegistrySecret emits for the same inputs (kubectl's bytes). */
export function plainPayload(credentials: RegistryCredentials, server?: string): Buffer {
  const chart = new Chart(Testing.app(), 'plain');
  new RegistrySecret(chart, 's', { credentials, server });
  return Buffer.from(Testing.synth(chart)[0].data['.dockerconfigjson'], 'base64');
}

/** Runs `fn` and returns its result with the lines it wrote to stderr. */
export function withStderr<T>(fn: () => T): { result: T; lines: string[] } {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const result = fn();
    return { result, lines: written.join('').split('\n').filter((line) => line !== '') };
  } finally {
    spy.mockRestore();
  }
}

/** Sets environment variables for the duration of `fn` (undefined deletes). */
export function withEnv<T>(env: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key]; else process.env[key] = value;
    }
  };
  set(env);
  try {
    return fn();
  } finally {
    set(saved);
  }
}
