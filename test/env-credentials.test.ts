import { Chart, Testing } from 'cdk8s';
import { RegistryCredentials, RegistrySecret } from '../src';
import { withEnv } from './support/sealed';
import { CredentialsUnavailableError } from '../src/emit/credential-source';

/** The error of a RegistrySecret reading `credentials`. */
function errorOf(credentials: RegistryCredentials): Error {
  const chart = new Chart(Testing.app(), 'c');
  try {
    new RegistrySecret(chart, 's', { credentials });
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('RegistryCredentials.fromEnv without its variables', () => {
  test.each([
    ['one unset', { U: 'robot', P: undefined, E: 'e@x' }, 'environment variable P is not set. Fix: export P before running cdk8s synth', ['P']],
    ['all unset', { U: undefined, P: undefined, E: undefined },
      'environment variables U, P and E are not set. Fix: export U, P and E before running cdk8s synth', ['U', 'P', 'E']],
    ['unset and empty', { U: '', P: undefined, E: '' },
      'environment variable P is not set; environment variables U and E are empty. Fix: export P, U and E before running cdk8s synth', ['P', 'U', 'E']],
  ])('%s: every missing or empty variable at once, as CredentialsUnavailableError', (_t, env, message, variables) => {
    const error = withEnv(env, () => errorOf(RegistryCredentials.fromEnv('U', 'P', { emailVariable: 'E' })));
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect(error.message).toBe(`[c/s] ${message}`);
    expect((error as CredentialsUnavailableError).variables).toEqual(variables);
  });
});
