/**
 * Hostile and careless input to the constructs: each row must fail with a
 * construct-path error that says what to fix, never quoting a password, or
 * (last rows) must synthesize what Kubernetes accepts.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Project, ProjectRegistry, ProjectRegistryMode, PullSecretWiring, PrivateImageWorkload, RegistryCredentials, RegistrySecret, RegistryServer,
  WorkloadKind,
} from '../src';

const PASSWORD = 'hunter2pw-Adversarial';
const AUTH = Buffer.from(`robot:${PASSWORD}`).toString('base64');
const literal = () => RegistryCredentials.fromUsernamePassword('robot', PASSWORD);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const full = path.join(dir, name);
  fs.writeFileSync(full, content);
  return full;
}

function chart(): Chart {
  return new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
}

/** What a row throws (at construction or synth), or fails the test when nothing does. */
function failure(build: (c: Chart) => void): string {
  const c = chart();
  try {
    build(c);
    (c.node.root as App).synthYaml();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const nonString = (value: unknown) => value as string;

describe('constructs refuse bad input with the construct path and a fix, never quoting a credential', () => {
  test.each<[string, (c: Chart) => void, string[]]>([
    ['server with user info', (c) => new RegistrySecret(c, 's', { server: `https://robot:${PASSWORD}@reg.example.com`, credentials: literal() }),
      ['[chart/s]', 'registry server "https://***@reg.example.com" contains user info', 'Fix: remove "user:password@"']],
    ['imported server with user info', (c) => RegistrySecret.fromSecretName(c, 'i', 'x', { servers: [`robot:${PASSWORD}@reg.example.com`] }),
      ['[chart/i]', 'contains user info']],
    ['project registry server with user info, no namespaces, copy mode', (c) => new ProjectRegistry(c, 'p', {
      project: new Project(c, 'proj'), server: `https://robot:${PASSWORD}@reg.example.com/v2/`, credentials: literal(),
    }), ['[chart/p]', 'contains user info']],
    ['project registry malformed server, Rancher mode', (c) => new ProjectRegistry(c, 'p', {
      project: new Project(c, 'proj', { clusterId: 'c-abc12', projectId: 'p-xyz34', namespaces: ['a'] }),
      server: 'reg example.com',
      credentials: literal(),
      mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
    }), ['[chart/p]', 'contains whitespace']],
    ['number as username', (c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromUsernamePassword(nonString(42), PASSWORD) }),
      ['[chart/s]', 'the username must be a plain string known at synth, not a number']],
    ['token as password', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromUsernamePassword('robot', nonString(Lazy.any({ produce: () => PASSWORD }))),
    }), ['[chart/s]', 'the password must be a plain string known at synth, not a cdk8s token (Lazy)']],
    ['number as server', (c) => new RegistrySecret(c, 's', { server: nonString(5000), credentials: literal() }),
      ['[chart/s]', 'registry server must be a plain string known at synth, not a number']],
    ['token as secret name', (c) => new RegistrySecret(c, 's', { name: nonString(Lazy.any({ produce: () => 'x' })), credentials: literal() }),
      ['[chart/s]', 'secret name must be a plain string known at synth, not a cdk8s token (Lazy)']],
    ['number as namespace', (c) => new RegistrySecret(c, 's', { namespace: nonString(7), credentials: literal() }),
      ['[chart/s]', 'namespace must be a plain string known at synth, not a number']],
    ['token as image', (c) => new PrivateImageWorkload(c, 'w', { image: nonString(Lazy.any({ produce: () => 'quay.io/a/b:1' })) }),
      ['[chart/w]', 'image must be a plain string known at synth, not a cdk8s token (Lazy)']],
    ['servers not a list', (c) => RegistrySecret.fromSecretName(c, 'i', 'x', { servers: nonString('quay.io') as unknown as string[] }),
      ['[chart/i]', 'servers must be a list of plain strings']],
    ['docker config: auth not base64', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromDockerConfigFile(file('not-b64.json', `{"auths":{"quay.io":{"auth":"${PASSWORD}!!"}}}`)),
    }), ['[chart/s]', 'not-b64.json', 'the "auths" entry "quay.io" has an "auth" that is not base64']],
    ['docker config: auth without colon', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromDockerConfigFile(file('no-colon.json', `{"auths":{"quay.io":{"auth":"${Buffer.from(PASSWORD).toString('base64')}"}}}`)),
    }), ['the "auths" entry "quay.io" has an "auth" that is not base64 of "username:password"']],
    ['docker config: not UTF-8', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromDockerConfigFile(file('latin1.json', Buffer.concat([Buffer.from(`{"auths":{"quay.io":{"auth":"${AUTH}","x":"`), Buffer.from([0xe9]), Buffer.from('"}}}')]))),
    }), ['latin1.json', 'is not UTF-8 text']],
    ['docker config: key is no server', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromDockerConfigFile(file('bad-key.json', `{"auths":{"robot:${PASSWORD}@quay.io":{"auth":"${AUTH}"}}}`)),
    }), ['bad-key.json', 'the "auths" entry "***@quay.io" is not a registry server the kubelet can match: it contains user info']],
    ['docker config: a folder', (c) => new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(dir) }),
      ['is not a regular file']],
    ['docker config: a FIFO does not hang', (c) => {
      const fifo = path.join(dir, 'fifo');
      if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
      new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(fifo) });
    }, ['is not a regular file']],
    ['docker config: over 1 MiB, not read', (c) => {
      const big = path.join(dir, 'big.json');
      fs.writeFileSync(big, '');
      fs.truncateSync(big, 64 * 1024 * 1024 * 1024);
      new RegistrySecret(c, 's', { credentials: RegistryCredentials.fromDockerConfigFile(big) });
    }, ['a Secret holds at most 1048576 bytes']],
    ['payload too large from literals: the fix fits the source', (c) => new RegistrySecret(c, 's', {
      credentials: RegistryCredentials.fromUsernamePassword('robot', PASSWORD.repeat(60_000)),
    }), ['the .dockerconfigjson payload is', 'use a shorter user name and password']],
    ['service on a Deployment', (c) => new PrivateImageWorkload(c, 'w', {
      image: 'quay.io/a/b:1', service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }),
    }), ['[chart/w]', '`service` only applies to STATEFUL_SET']],
    ['raw pod spec with containers that is not a list: one error', (c) => {
      new RegistrySecret(c, 's', { server: 'quay.io', credentials: literal() });
      new ApiObject(c, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' }, spec: { template: { spec: { containers: 'notalist' } } } });
      PullSecretWiring.applyTo(c);
    }, ['[chart/raw]', 'the pod spec\'s "containers" (at /spec/template/spec/containers) is not a list']],
  ])('%s', (_name, build, expected) => {
    const message = failure(build);
    for (const part of expected) expect(message).toContain(part);
    expect(message).toContain('Fix: ');
    for (const secret of [PASSWORD, AUTH]) expect(message).not.toContain(secret);
  });

  test('a raw pod spec whose containers is not a list gives exactly one error', () => {
    const message = failure((c) => {
      new RegistrySecret(c, 's', { server: 'quay.io', credentials: literal() });
      new ApiObject(c, 'raw', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' }, spec: { template: { spec: { containers: 'notalist' } } } });
      PullSecretWiring.applyTo(c);
    });
    expect(message.match(/is not a list/g)).toHaveLength(1);
    expect(message).not.toContain('container "undefined"');
  });
});

describe('RegistryServer presets name the preset and the fix', () => {
  test.each<[string, () => string, string]>([
    ['custom with a space', () => RegistryServer.custom('a b'), 'RegistryServer.custom(): registry server "a b" contains whitespace. Fix: '],
    ['custom with a bad port', () => RegistryServer.custom('reg.io', 70000), 'RegistryServer.custom(): the port must be a whole number from 1 to 65535. Fix: '],
    ['ecr with a short account', () => RegistryServer.ecr('1234', 'eu-west-1'), 'RegistryServer.ecr(): the account id must be 12 digits. Fix: '],
    ['ecr with a bad region', () => RegistryServer.ecr('123456789012', 'Europe'), 'RegistryServer.ecr(): the region is not an AWS region name. Fix: '],
    ['azure with a short name', () => RegistryServer.azure('ab'), 'RegistryServer.azure(): the registry name must be 5 to 50 letters or digits. Fix: '],
    ['artifact registry with a bad location', () => RegistryServer.artifactRegistry('EU WEST'), 'RegistryServer.artifactRegistry(): the location is not'],
  ])('%s', (_name, call, expected) => {
    expect(call).toThrow(expected);
  });
});

describe('printing credentials never shows the password', () => {
  const env = { ADV_USER: 'robot', ADV_PASS: PASSWORD };
  beforeAll(() => Object.assign(process.env, env));
  afterAll(() => { for (const key of Object.keys(env)) delete process.env[key]; });

  test.each<[string, () => RegistryCredentials]>([
    ['literal', literal],
    ['environment', () => RegistryCredentials.fromEnv('ADV_USER', 'ADV_PASS')],
    ['docker config file', () => RegistryCredentials.fromDockerConfigFile(file('ok.json', `{"auths":{"quay.io":{"auth":"${AUTH}"}}}`))],
  ])('%s, before and after a secret read it', (_name, make) => {
    const credentials = make();
    const shown = () => [inspect(credentials, { depth: 10 }), JSON.stringify(credentials), String(credentials)].join('\n');
    expect(shown()).not.toContain(PASSWORD);
    new RegistrySecret(chart(), 's', { server: 'quay.io', credentials });
    expect(shown()).not.toContain(PASSWORD);
    expect(shown()).not.toContain(AUTH);
  });
});

describe('a StatefulSet needs no ports', () => {
  const statefulSet = (props: { ports?: kplus.ContainerPort[]; service?: (c: Chart) => kplus.Service }) => {
    const c = chart();
    new RegistrySecret(c, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: literal() });
    new PrivateImageWorkload(c, 'worker', {
      image: 'quay.io/org/worker:1', kind: WorkloadKind.STATEFUL_SET, ports: props.ports, service: props.service?.(c),
    });
    return Testing.synth(c);
  };

  test('without ports: a headless Service without ports governs it, and it is wired', () => {
    const manifests = statefulSet({});
    const service = manifests.find((o) => o.kind === 'Service');
    const set = manifests.find((o) => o.kind === 'StatefulSet');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.ports).toBeUndefined();
    expect(service.spec.selector).toEqual(set.spec.selector.matchLabels);
    expect(set.spec.serviceName).toBe(service.metadata.name);
    expect(set.spec.template.spec.imagePullSecrets).toEqual([{ name: 'quay-pull' }]);
  });

  test('with ports: cdk8s-plus derives its headless Service as before', () => {
    const service = statefulSet({ ports: [{ number: 8080 }] }).find((o) => o.kind === 'Service');
    expect(service.spec.ports).toEqual([expect.objectContaining({ port: 8080 })]);
  });

  test('an existing Service given as `service` is the one it uses', () => {
    const manifests = statefulSet({ service: (c) => new kplus.Service(c, 'governing', { metadata: { name: 'workers' }, clusterIP: 'None', ports: [{ port: 9000 }] }) });
    expect(manifests.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['workers']);
    expect(manifests.find((o) => o.kind === 'StatefulSet').spec.serviceName).toBe('workers');
  });
});
