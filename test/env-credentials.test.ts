import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, RegistryCredentials, RegistrySecret } from '../src';
import { withEnv } from './support/sealed';
import { CredentialsUnavailableError } from '../src/sources/credential-source';

/** The error of reading `credentials` for the construct `c/s` (a RegistrySecret reports it at validation instead: below). */
function errorOf(credentials: RegistryCredentials): Error {
  try {
    credentials._servers(new Construct(new Chart(Testing.app(), 'c'), 's'), undefined);
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

describe('every unset variable of the app in one synth', () => {
  const VARIABLES = ['QUAY_U_MISSING', 'QUAY_P_MISSING', 'GHCR_U_MISSING', 'GHCR_P_MISSING', 'PROJ_U_MISSING', 'PROJ_P_MISSING'];
  beforeEach(() => { for (const variable of VARIABLES) delete process.env[variable]; });

  test('secrets and project registries in both modes report together, and nothing is written', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    new RegistrySecret(chart, 'quay', { server: 'quay.io', credentials: RegistryCredentials.fromEnv('QUAY_U_MISSING', 'QUAY_P_MISSING') });
    new RegistrySecret(chart, 'ghcr', { server: 'ghcr.io', credentials: RegistryCredentials.fromEnv('GHCR_U_MISSING', 'GHCR_P_MISSING') });
    const project = new Project(chart, 'team', { namespaces: ['a', 'b'], clusterId: 'c-abc12', projectId: 'p-xyz34' });
    new ProjectRegistry(chart, 'copies', { project, name: 'copies', server: 'registry.example.com', credentials: RegistryCredentials.fromEnv('PROJ_U_MISSING', 'PROJ_P_MISSING') });
    new ProjectRegistry(chart, 'rancher', {
      project,
      name: 'rancher',
      server: 'registry.example.com',
      mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
      credentials: RegistryCredentials.fromEnv('PROJ_U_MISSING', 'PROJ_P_MISSING'),
    });
    new PrivateImageWorkload(chart, 'web', { image: 'quay.io/org/web:1' });
    try {
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('[apps/quay] environment variables QUAY_U_MISSING and QUAY_P_MISSING are not set. Fix: export QUAY_U_MISSING and QUAY_P_MISSING');
      expect(message).toContain('[apps/ghcr] environment variables GHCR_U_MISSING and GHCR_P_MISSING are not set');
      expect(message).toContain('[apps/copies] environment variables PROJ_U_MISSING and PROJ_P_MISSING are not set');
      expect(message).toContain('[apps/rancher] environment variables PROJ_U_MISSING and PROJ_P_MISSING are not set');
      // One error per registry, not one per copy.
      expect(message.match(/PROJ_U_MISSING and PROJ_P_MISSING are not set/g)).toHaveLength(2);
      expect(fs.readdirSync(app.outdir).filter((file) => file.endsWith('.yaml'))).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
