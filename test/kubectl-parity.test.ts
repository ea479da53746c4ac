import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { RegistryCredentials, RegistrySecret } from '../src';
import { describeWithTools } from './support/tools';

/**
 * Byte parity with the real `kubectl create secret docker-registry` on this
 * machine. Skips locally when kubectl is missing; fails when CI=true.
 */
const describeWithKubectl = (title: string, fn: () => void) => describeWithTools(['kubectl'], title, fn);

interface ParityCase {
  readonly title: string;
  readonly server?: string;
  readonly username: string;
  readonly password: string;
  readonly email?: string;
}

const CASES: ParityCase[] = [
  { title: 'default server (Docker Hub)', username: 'user', password: 'pass' },
  { title: 'quay.io', server: 'quay.io', username: 'robot+ci', password: 'tok3n' },
  { title: 'host:port', server: 'registry.example.com:5000', username: 'u', password: 'p' },
  { title: 'scheme and path', server: 'https://registry.example.com/v2/team', username: 'u', password: 'p' },
  { title: 'email', server: 'ghcr.io', username: 'octo', password: 'ghp_x', email: 'octo@example.com' },
  { title: 'password with : kept', server: 'quay.io', username: 'u', password: 'a:b:c' },
  { title: 'password with < > &', server: 'quay.io', username: 'u', password: '<script>&amp;</script>' },
  { title: 'password with " and \\', server: 'quay.io', username: 'u', password: 'q"uo\\te\\"' },
  { title: 'non-ASCII', server: 'quay.io', username: 'jürgen', password: 'pässwörd-密码-😀' },
  { title: 'U+2028 and U+2029', server: 'quay.io', username: 'u', password: 'line\u2028para\u2029end' },
  { title: 'control characters', server: 'quay.io', username: 'u', password: 'tab\there\u0001\u007f' },
  { title: 'email with < & >', server: 'quay.io', username: 'u', password: 'p', email: 'a<b>&c@example.com' },
];

function kubectlSecret(c: ParityCase, extraArgs: string[] = []): any {
  const args = ['create', 'secret', 'docker-registry', 'parity', '-n', 'default',
    `--docker-username=${c.username}`, `--docker-password=${c.password}`, '--dry-run=client', '-o', 'json', ...extraArgs];
  if (c.server !== undefined) args.push(`--docker-server=${c.server}`);
  if (c.email !== undefined) args.push(`--docker-email=${c.email}`);
  return JSON.parse(execFileSync('kubectl', args, { encoding: 'utf8' }));
}

function ourSecret(c: ParityCase, appendHash = false): any {
  const chart = new Chart(Testing.app(), 'parity');
  new RegistrySecret(chart, 'secret', {
    name: 'parity',
    namespace: 'default',
    server: c.server,
    credentials: RegistryCredentials.fromUsernamePassword(c.username, c.password, { email: c.email }),
    appendHash,
  });
  return Testing.synth(chart)[0];
}

describeWithKubectl('parity with kubectl create secret docker-registry', () => {
  test.each(CASES.map((c) => [c.title, c]))('%s: decoded .dockerconfigjson is byte-equal', (_title, c) => {
    const theirs = Buffer.from(kubectlSecret(c).data['.dockerconfigjson'], 'base64');
    const ours = Buffer.from(ourSecret(c).data['.dockerconfigjson'], 'base64');
    expect(ours.equals(theirs)).toBe(true);
    expect(ours.toString('utf8')).toEqual(theirs.toString('utf8'));
  });

  test.each(CASES.map((c) => [c.title, c]))('%s: same type, data keys, name and namespace', (_title, c) => {
    const theirs = kubectlSecret(c);
    const ours = ourSecret(c);
    expect(ours.type).toBe(theirs.type);
    expect(Object.keys(ours.data)).toEqual(Object.keys(theirs.data));
    expect(ours.metadata).toEqual({ name: theirs.metadata.name, namespace: theirs.metadata.namespace });
  });

  test.each(CASES.map((c) => [c.title, c]))('%s: --append-hash gives the same name', (_title, c) => {
    expect(ourSecret(c, true).metadata.name).toBe(kubectlSecret(c, ['--append-hash']).metadata.name);
  });
});

describeWithKubectl('parity with kubectl --from-file=.dockerconfigjson', () => {
  test('the docker config file is stored byte for byte', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parity-'));
    try {
      const file = path.join(dir, 'config.json');
      // Pretty-printed with a trailing newline, as `docker login` writes it.
      fs.writeFileSync(file, '{\n\t"auths": {\n\t\t"quay.io": {\n\t\t\t"auth": "dTpw"\n\t\t}\n\t}\n}\n');
      const theirs = JSON.parse(execFileSync('kubectl', ['create', 'secret', 'generic', 'parity', '-n', 'default',
        '--type=kubernetes.io/dockerconfigjson', `--from-file=.dockerconfigjson=${file}`, '--dry-run=client', '-o', 'json'], { encoding: 'utf8' }));
      const chart = new Chart(Testing.app(), 'parity');
      new RegistrySecret(chart, 'secret', { name: 'parity', namespace: 'default', credentials: RegistryCredentials.fromDockerConfigFile(file) });
      const ours = Testing.synth(chart)[0];
      expect(ours.data).toEqual(theirs.data);
      expect(ours.type).toBe(theirs.type);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
