import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { RegistryCredentials, RegistrySecret } from '../src';

const PASSWORD = 'env-S3cret-PW';

function synthSecret(credentials: RegistryCredentials, server?: string): any {
  const chart = new Chart(Testing.app(), 'c');
  new RegistrySecret(chart, 's', { credentials, server });
  return Testing.synth(chart)[0];
}

function errorOf(credentials: RegistryCredentials, server?: string): string {
  try {
    synthSecret(credentials, server);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

function payload(manifest: any): string {
  return Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString('utf8');
}

describe('RegistryCredentials.fromEnv', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  test('reads the variables when the secret is built, same bytes as literals', () => {
    const credentials = RegistryCredentials.fromEnv('REG_USER', 'REG_PASS', { emailVariable: 'REG_EMAIL' });
    process.env.REG_USER = 'robot';
    process.env.REG_PASS = PASSWORD;
    process.env.REG_EMAIL = 'ci@example.com';
    const fromEnv = payload(synthSecret(credentials, 'quay.io'));
    const literal = payload(synthSecret(RegistryCredentials.fromUsernamePassword('robot', PASSWORD, { email: 'ci@example.com' }), 'quay.io'));
    expect(fromEnv).toEqual(literal);
  });

  test.each([
    // Every missing variable is named at once (the e-mail variable is unset in these rows too).
    ['username missing', { REG_PASS: PASSWORD }, 'environment variables REG_USER and REG_EMAIL are not set', 'export REG_USER and REG_EMAIL'],
    ['password missing', { REG_USER: 'robot' }, 'environment variables REG_PASS and REG_EMAIL are not set', 'export REG_PASS and REG_EMAIL'],
    ['password empty', { REG_USER: 'robot', REG_PASS: '' }, 'environment variable REG_EMAIL is not set; environment variable REG_PASS is empty', 'export REG_EMAIL and REG_PASS'],
    ['email missing', { REG_USER: 'robot', REG_PASS: PASSWORD }, 'environment variable REG_EMAIL is not set', 'export REG_EMAIL'],
  ])('%s is an error naming the variable', (_t, env, problem, fix) => {
    delete process.env.REG_USER; delete process.env.REG_PASS; delete process.env.REG_EMAIL;
    Object.assign(process.env, env);
    const error = errorOf(RegistryCredentials.fromEnv('REG_USER', 'REG_PASS', { emailVariable: 'REG_EMAIL' }));
    expect(error).toContain(`[c/s] ${problem}`);
    expect(error).toContain(fix);
    expect(error).not.toContain(PASSWORD);
  });

  test('a username with ":" from the environment names the variable, not the value', () => {
    process.env.REG_USER = 'a:b';
    process.env.REG_PASS = PASSWORD;
    const error = errorOf(RegistryCredentials.fromEnv('REG_USER', 'REG_PASS'));
    expect(error).toContain('the username from $REG_USER contains ":"');
    expect(error).not.toContain(PASSWORD);
  });
});

describe('RegistryCredentials.fromDockerConfigFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockercfg-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (content: string) => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, content);
    return file;
  };
  const auth = Buffer.from(`robot:${PASSWORD}`).toString('base64');

  test('stores the file unchanged and serves its usable servers', () => {
    const text = JSON.stringify({ auths: { 'quay.io': { auth }, 'ghcr.io': { username: 'u', password: PASSWORD }, 'helper.io': {} }, credsStore: 'desktop' }, null, 2);
    const chart = new Chart(Testing.app(), 'c');
    const secret = new RegistrySecret(chart, 's', { credentials: RegistryCredentials.fromDockerConfigFile(write(text)) });
    expect(payload(Testing.synth(chart)[0])).toEqual(text);
    expect(secret.servers).toEqual(['quay.io', 'ghcr.io']);
    expect(secret.server).toBe('quay.io');
  });

  test.each([
    ['only a credsStore', JSON.stringify({ auths: { 'quay.io': {} }, credsStore: 'osxkeychain' }), 'credsStore/credHelpers'],
    ['only credHelpers', JSON.stringify({ credHelpers: { 'quay.io': 'ecr-login' } }), 'credsStore/credHelpers'],
    ['no auths', '{}', 'no "auths" entry with an "auth" or a username and password'],
    ['not JSON', `{"auths": {"quay.io": {"auth": "${auth}"`, 'is not valid JSON'],
    ['not an object', '["x"]', 'is not a JSON object'],
  ])('%s is an error', (_t, text, message) => {
    const error = errorOf(RegistryCredentials.fromDockerConfigFile(write(text)));
    expect(error).toContain(message);
    expect(error).not.toContain(auth);
    expect(error).not.toContain(PASSWORD);
  });

  test('a missing file is an error naming the path', () => {
    const missing = path.join(dir, 'nope.json');
    expect(errorOf(RegistryCredentials.fromDockerConfigFile(missing))).toContain(`cannot read docker config file "${missing}" (ENOENT)`);
  });

  test('a server not in the file is an error', () => {
    const file = write(JSON.stringify({ auths: { 'quay.io': { auth } } }));
    expect(errorOf(RegistryCredentials.fromDockerConfigFile(file), 'ghcr.io'))
      .toContain('server "ghcr.io" is not among the usable "auths" entries');
  });
});
