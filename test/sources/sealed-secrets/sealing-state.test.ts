import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Project, ProjectRegistry, RegistryCredentials, RegistrySecret, SealingCertificate, SealingScope } from '../../../src';
import { secretHashSuffix } from '../../../src/rules/append-hash';
import { resolveSealingStatePath } from '../../../src/sources/sealed-secrets/sealing-state';
import { plainPayload, SEALED_PASSWORD, sealedSecretsIn, sealedValueOf, sealedWith, withEnv, withStderr } from '../../support/sealed';
import { makeSealingKeyPair, SealingKeyPair, tempDir } from '../../support/sealing-keys';
import { synthError } from '../../support/synth';
import { unsealDockerConfig } from '../../support/unseal';

let keys: SealingKeyPair;
let otherKeys: SealingKeyPair;
let dir: string;
let removeDir: () => void;
let stateFile: string;
beforeAll(() => {
  keys = makeSealingKeyPair();
  otherKeys = makeSealingKeyPair();
  ({ dir, remove: removeDir } = tempDir('sealing-state-'));
});
afterAll(() => removeDir());
let run = 0;
beforeEach(() => {
  stateFile = path.join(dir, `state-${run++}.json`);
});

/** One registry secret of an app: its construct id is also its name. */
interface SecretSpec {
  readonly id: string;
  readonly namespace?: string;
  readonly password?: string;
  readonly scope?: SealingScope;
  readonly keys?: SealingKeyPair;
  /** Read from $<ID>_USER / $<ID>_PASS instead of a literal. */
  readonly env?: boolean;
}

/** An app as a user's program builds it on each `cdk8s synth`: a fresh App, the same state file. */
function appWith(secrets: readonly SecretSpec[]): App {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace: 'team-a' });
  for (const spec of secrets) {
    const variable = spec.id.toUpperCase().replace(/-/g, '_');
    const inner = spec.env
      ? RegistryCredentials.fromEnv(`${variable}_USER`, `${variable}_PASS`)
      : RegistryCredentials.fromUsernamePassword('robot', spec.password ?? SEALED_PASSWORD);
    new RegistrySecret(chart, spec.id, {
      name: spec.id, namespace: spec.namespace, server: 'quay.io', credentials: sealedWith(spec.keys ?? keys, stateFile, inner, spec.scope),
    });
  }
  return app;
}

/** Synthesizes like `cdk8s synth`: the YAML, and the state file's bytes afterwards. */
function synth(secrets: readonly SecretSpec[]): { yaml: string; state: string; values: Record<string, string> } {
  const app = appWith(secrets);
  const yaml = app.synthYaml();
  const values = Object.fromEntries(sealedSecretsIn(app.charts.flatMap((chart) => chart.toJson())).map((o) => [o.metadata.name, sealedValueOf(o)]));
  return { yaml, state: fs.readFileSync(stateFile, 'utf8'), values };
}

const stateOf = (text: string) => JSON.parse(text).secrets;

describe('stable output', () => {
  test('two synths with unchanged inputs give identical manifests and state, byte for byte', () => {
    const inputs = [{ id: 'quay' }, { id: 'ghcr', scope: SealingScope.CLUSTER_WIDE }];
    const first = synth(inputs);
    const second = synth(inputs);
    expect(second.yaml).toBe(first.yaml);
    expect(second.state).toBe(first.state);
  });

  test('a changed password re-seals only its secret', () => {
    const first = synth([{ id: 'quay' }, { id: 'ghcr' }]);
    const second = synth([{ id: 'quay', password: 'R0tated-Pa55' }, { id: 'ghcr' }]);
    expect(second.values.ghcr).toBe(first.values.ghcr);
    expect(second.values.quay).not.toBe(first.values.quay);
    expect(stateOf(second.state)['team-a/ghcr']).toEqual(stateOf(first.state)['team-a/ghcr']);
    expect(stateOf(second.state)['team-a/quay'].plaintextHash).not.toBe(stateOf(first.state)['team-a/quay'].plaintextHash);
  });

  test.each([
    ['certificate', (): Partial<SecretSpec> => ({ keys: otherKeys })],
    ['scope', (): Partial<SecretSpec> => ({ scope: SealingScope.NAMESPACE_WIDE })],
  ])('a changed %s re-seals that secret only', (_what, change) => {
    const first = synth([{ id: 'quay' }, { id: 'ghcr' }]);
    const second = synth([{ id: 'quay', ...change() }, { id: 'ghcr' }]);
    expect(second.values.ghcr).toBe(first.values.ghcr);
    expect(second.values.quay).not.toBe(first.values.quay);
    // The credential did not change: the entry keeps its salted hash.
    expect(stateOf(second.state)['team-a/quay'].plaintextHash).toBe(stateOf(first.state)['team-a/quay'].plaintextHash);
  });

  test('a changed name or namespace is a new secret: sealed for it, and the old entry is dropped', () => {
    const first = synth([{ id: 'quay' }, { id: 'ghcr' }]);
    const second = synth([{ id: 'quay', namespace: 'team-b' }, { id: 'ghcr' }]);
    expect(Object.keys(stateOf(second.state))).toEqual(['team-a/ghcr', 'team-b/quay']);
    expect(second.values.ghcr).toBe(first.values.ghcr);
    const third = synth([{ id: 'quay-2', namespace: 'team-b' }, { id: 'ghcr' }]);
    expect(Object.keys(stateOf(third.state))).toEqual(['team-a/ghcr', 'team-b/quay-2']);
  });

  test('an entry for a secret that no longer exists is dropped', () => {
    synth([{ id: 'quay' }, { id: 'ghcr' }]);
    expect(Object.keys(stateOf(synth([{ id: 'ghcr' }]).state))).toEqual(['team-a/ghcr']);
  });

  test('the file is written only when its bytes change', () => {
    synth([{ id: 'quay' }]);
    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(stateFile, past, past);
    synth([{ id: 'quay' }]);
    expect(fs.statSync(stateFile).mtime).toEqual(past);
  });

  test('the state file holds no plaintext and no fast hash of it', () => {
    const { state } = synth([{ id: 'quay' }, { id: 'ghcr', scope: SealingScope.CLUSTER_WIDE }]);
    const payload = plainPayload(RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD), 'quay.io');
    const auth = Buffer.from(`robot:${SEALED_PASSWORD}`);
    const fast = [payload, auth, Buffer.from(SEALED_PASSWORD)].flatMap((bytes) => ['md5', 'sha1', 'sha256', 'sha512'].flatMap((algorithm) => {
      const digest = crypto.createHash(algorithm).update(bytes).digest();
      return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64').replace(/=+$/, '')];
    }));
    const kubectlSuffix = secretHashSuffix({ name: 'quay', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': payload.toString('base64') } });
    for (const secret of [SEALED_PASSWORD, auth.toString('base64'), payload.toString('base64'), payload.toString('utf8'), 'robot', kubectlSuffix, ...fast]) {
      expect(state).not.toContain(secret);
    }
    for (const entry of Object.values<any>(stateOf(state))) {
      expect(Object.keys(entry)).toEqual(['namespace', 'name', 'scope', 'server', 'servers', 'certificate', 'plaintextHash', 'sealed']);
      expect(entry.plaintextHash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    }
  });
});

describe('CI without the credential', () => {
  const env = (values: Record<string, string | undefined>) => ({ QUAY_USER: undefined, QUAY_PASS: undefined, ...values });

  test('unset variables and a sealed value in the state: reused as is, said in one line', () => {
    const sealed = withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: SEALED_PASSWORD }), () => synth([{ id: 'quay', env: true }]));
    const { result, lines } = withStderr(() => withEnv(env({}), () => synth([{ id: 'quay', env: true }])));
    expect(result.yaml).toBe(sealed.yaml);
    expect(result.state).toBe(sealed.state);
    expect(lines).toEqual([
      // The file is outside the working directory here, so it is named by its absolute path.
      `[chart/quay] $QUAY_USER, $QUAY_PASS not set: reusing the sealed value of "team-a/quay" from ${stateFile} (set them and synth again to re-seal it)`,
    ]);
  });

  test('unset variables and no sealed value: the usual missing-variable error, every variable at once', () => {
    const expected = '[chart/quay] environment variables QUAY_USER and QUAY_PASS are not set. Fix: export QUAY_USER and QUAY_PASS before running cdk8s synth';
    // Reported when the app is validated, with every other secret's, before anything is written.
    expect(() => withEnv(env({}), () => appWith([{ id: 'quay', env: true }]).synthYaml())).toThrow(expected);
    // The same error as the same credentials unsealed.
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    withEnv(env({}), () => new RegistrySecret(chart, 'quay', { name: 'quay', credentials: RegistryCredentials.fromEnv('QUAY_USER', 'QUAY_PASS') }));
    expect(() => Testing.synth(chart)).toThrow(expected);
  });

  test('unset variables and a value sealed for another certificate: an error saying why it cannot be reused', () => {
    withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: SEALED_PASSWORD }), () => synth([{ id: 'quay', env: true }]));
    const error = withEnv(env({}), () => {
      try {
        appWith([{ id: 'quay', env: true, keys: otherKeys }]);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    });
    expect(error).toContain('[chart/quay] $QUAY_USER, $QUAY_PASS not set, and the sealed value of "team-a/quay" in ');
    expect(error).toContain('was sealed for another certificate, so it cannot be reused. Fix: export QUAY_USER and QUAY_PASS before running cdk8s synth');
  });

  test('rotation is one step: set the new credential and synth; the new value opens to the new bytes', () => {
    withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: SEALED_PASSWORD }), () => synth([{ id: 'quay', env: true }]));
    const before = JSON.parse(fs.readFileSync(stateFile, 'utf8')).secrets['team-a/quay'];
    const rotated = withEnv(env({ QUAY_USER: 'robot', QUAY_PASS: 'R0tated-Pa55' }), () => synth([{ id: 'quay', env: true }]));
    expect(rotated.values.quay).not.toBe(before.sealed);
    expect(stateOf(rotated.state)['team-a/quay'].plaintextHash).not.toBe(before.plaintextHash);
    const reused = withStderr(() => withEnv(env({}), () => synth([{ id: 'quay', env: true }]))).result;
    expect(reused.values.quay).toBe(rotated.values.quay);
    const app = appWith([{ id: 'quay', password: 'R0tated-Pa55' }]);
    const [sealedSecret] = sealedSecretsIn(Testing.synth(app.node.findChild('chart') as Chart));
    expect(unsealDockerConfig(keys.privateKey, sealedSecret)).toEqual(plainPayload(RegistryCredentials.fromUsernamePassword('robot', 'R0tated-Pa55'), 'quay.io'));
  });
});

describe('CI without the credential, in a project', () => {
  const projectApp = (namespaces: string[], scope: SealingScope) => {
    const chart = new Chart(Testing.app(), 'chart');
    const project = new Project(chart, 'team', { namespaces });
    const credentials = sealedWith(keys, stateFile, RegistryCredentials.fromEnv('GHCR_USER', 'GHCR_PASS'), scope);
    new ProjectRegistry(chart, 'ghcr', { project, name: 'ghcr-pull', server: 'ghcr.io', credentials });
    return chart;
  };
  const values = (chart: Chart) => sealedSecretsIn(Testing.synth(chart)).map(sealedValueOf);

  test('CLUSTER_WIDE: a namespace added later gets the value its siblings carry, without the credential', () => {
    const first = withEnv({ GHCR_USER: 'robot', GHCR_PASS: SEALED_PASSWORD }, () => values(projectApp(['team-a', 'team-b'], SealingScope.CLUSTER_WIDE)));
    const { result, lines } = withStderr(() => withEnv({ GHCR_USER: undefined, GHCR_PASS: undefined },
      () => values(projectApp(['team-a', 'team-b', 'team-c'], SealingScope.CLUSTER_WIDE))));
    expect(result).toEqual([first[0], first[0], first[0]]);
    expect(lines).toHaveLength(3);
  });

  test('STRICT: a namespace added later needs the credential, since its copy is sealed for that namespace', () => {
    withEnv({ GHCR_USER: 'robot', GHCR_PASS: SEALED_PASSWORD }, () => values(projectApp(['team-a'], SealingScope.STRICT)));
    expect(() => withStderr(() => withEnv({ GHCR_USER: undefined, GHCR_PASS: undefined }, () => Testing.synth(projectApp(['team-a', 'team-b'], SealingScope.STRICT)))))
      .toThrow('[chart/ghcr/team-b] environment variables GHCR_USER and GHCR_PASS are not set');
  });
});

describe('where the state lives', () => {
  test('$CDK8S_PRIVATE_REGISTRY_SEAL_STATE, then the option, override the default, both from the working folder', () => {
    withEnv({ CDK8S_PRIVATE_REGISTRY_SEAL_STATE: 'ci/state.json' }, () => {
      expect(resolveSealingStatePath(undefined)).toBe(path.join(process.cwd(), 'ci/state.json'));
      expect(resolveSealingStatePath('/x/y.json')).toBe('/x/y.json');
      expect(resolveSealingStatePath('mine.json', '/somewhere')).toBe('/somewhere/mine.json');
    });
  });

  test('the environment variable is used when the app names no file', () => {
    const file = path.join(dir, 'from-env.json');
    withEnv({ CDK8S_PRIVATE_REGISTRY_SEAL_STATE: file }, () => {
      const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
      const credentials = RegistryCredentials.sealed(RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD), { certificate: SealingCertificate.fromPem(keys.certificatePem) });
      new RegistrySecret(chart, 'quay', { name: 'quay', credentials });
      Testing.synth(chart);
    });
    expect(Object.keys(stateOf(fs.readFileSync(file, 'utf8')))).toEqual(['team-a/quay']);
  });

  test('a state file that is not a sealing state is an error naming the file and the fix', () => {
    fs.writeFileSync(stateFile, '{ not json');
    expect(() => appWith([{ id: 'quay' }])).toThrow(`[chart/quay] sealing state file "${stateFile}" is not valid JSON. Fix: restore it from version control`);
    fs.writeFileSync(stateFile, '{"version": 7}');
    expect(() => appWith([{ id: 'quay' }])).toThrow('is not a version 1 sealing state. Fix: restore it from version control');
  });

  test('a state file that is a FIFO or a device is refused at once, never read (the one bounded reader)', () => {
    stateFile = path.join(dir, 'state.fifo');
    execFileSync('mkfifo', [stateFile]);
    expect(() => appWith([{ id: 'quay' }])).toThrow(`[chart/quay] sealing state file "${stateFile}" is not a regular file (it is a FIFO (named pipe)). Fix: restore it`);
    stateFile = '/dev/zero';
    expect(() => appWith([{ id: 'quay' }])).toThrow('is not a regular file (it is a character device)');
  });

  test('a malformed entry is no entry: the secret is sealed afresh', () => {
    const first = synth([{ id: 'quay' }]);
    const state = JSON.parse(first.state);
    state.secrets['team-a/quay'].plaintextHash = '$scrypt$ln=4,r=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    fs.writeFileSync(stateFile, JSON.stringify(state));
    expect(synth([{ id: 'quay' }]).values.quay).not.toBe(first.values.quay);
  });

  test('an unwritable folder is a synth error naming the fix', () => {
    stateFile = path.join(dir, 'no-such-folder', 'state.json');
    expect(synthError(appWith([{ id: 'quay' }]))).toContain('cannot write the sealing state file');
  });
});
