/**
 * `verify --online` on a terminal: progress on standard error (images
 * checked of total, registries contacted), and never when standard error
 * is not a terminal. Credentials made in the cluster are said to be
 * unchecked. The registries are a scripted transport: no network.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { HttpRequest, HttpResponse } from '../../src/verify/http';
import { PRODUCED_NOT_CHECKED } from '../../src/verify/online';
import { FIXTURE_PASSWORD, fixture } from '../support/fixtures';

/** Every registry answers 200: every image is pullable. */
function registries() {
  const requests: HttpRequest[] = [];
  const transport = async (req: HttpRequest): Promise<HttpResponse> => {
    requests.push(req);
    return { status: 200, headers: {}, body: '' };
  };
  return { transport, requests };
}

async function run(args: string[], isTTY: boolean | undefined, now: () => number = Date.now) {
  const { transport, requests } = registries();
  let stdout = '';
  const stderr: string[] = [];
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { isTTY, write: (t: string) => stderr.push(t) } };
  const code = await runCli(args, io, { transport, now });
  return { code, stdout, stderr, requests };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-progress-'));
/** good.yaml, plus pods on two more registries with the same kind of secret. */
const manyImages = path.join(dir, 'many.yaml');
fs.writeFileSync(manyImages, [
  fs.readFileSync(fixture('good.yaml'), 'utf8'),
  ...['a.example.com', 'b.example.com'].map((host, i) => `apiVersion: v1
kind: Secret
metadata: { name: pull-${i}, namespace: shop }
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths":{"${host}":{"auth":"${Buffer.from('alice:x').toString('base64')}"}}}'
---
apiVersion: v1
kind: Pod
metadata: { name: pod-${i}, namespace: shop }
spec:
  imagePullSecrets: [{ name: pull-${i} }]
  containers: [{ name: c, image: ${host}/app:1 }]`),
].join('\n---\n'));

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('progress on standard error', () => {
  test('on a terminal: images checked of total and registries contacted, on one line ended by a newline', async () => {
    let clock = 0;
    const { code, stdout, stderr, requests } = await run(['verify', '--online', '-o', 'json', manyImages], true, () => (clock += 1000));
    expect(code).toBe(0);
    expect(requests.length).toBeGreaterThan(0);
    expect(JSON.parse(stdout).findings.filter((f: any) => f.status === 'pullable')).toHaveLength(3);
    expect(stderr[0]).toBe('\ronline: 0/3 images checked, 0 registries contacted\u001b[K');
    expect(stderr[stderr.length - 1]).toBe('\ronline: 3/3 images checked, 3 registries contacted\u001b[K\n');
    expect(stderr).toHaveLength(4);
    expect(stderr.join('')).not.toContain(FIXTURE_PASSWORD);
  });

  test('updates are at least 100 ms apart, except the last', async () => {
    const { stderr } = await run(['verify', '--online', manyImages], true, () => 5);
    expect(stderr).toEqual([
      '\ronline: 0/3 images checked, 0 registries contacted\u001b[K',
      '\ronline: 3/3 images checked, 3 registries contacted\u001b[K\n',
    ]);
  });

  test('one image, one registry: singular words', async () => {
    const { stderr } = await run(['verify', '--online', fixture('good.yaml')], true);
    expect(stderr[stderr.length - 1]).toBe('\ronline: 1/1 image checked, 1 registry contacted\u001b[K\n');
  });

  test.each([[false], [undefined]])('never when standard error is not a terminal (isTTY %s)', async (isTTY) => {
    const { code, stdout, stderr } = await run(['verify', '--online', manyImages], isTTY);
    expect(code).toBe(0);
    expect(stdout).toContain('online: registries contacted');
    expect(stderr).toEqual([]);
  });

  test('never offline, even on a terminal', async () => {
    const { stderr, requests } = await run(['verify', manyImages], true);
    expect(stderr).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('credentials made in the cluster, online', () => {
  test('are not checked, and the finding says so; nothing is asked', async () => {
    const { code, stdout, requests } = await run(['verify', '--online', '-o', 'json', fixture('external-secret.yaml'), fixture('sealed-secret.yaml')], false);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    const findings = JSON.parse(stdout).findings;
    expect(findings.map((f: any) => [f.status, f.severity, f.secrets])).toEqual([
      ['produced-in-cluster', 'info', ['quay-pull']],
      ['produced-in-cluster', 'info', ['ghcr-pull']],
    ]);
    for (const f of findings) expect(f.message).toMatch(new RegExp(`; ${PRODUCED_NOT_CHECKED}$`));
  });

  test('beside a pullable image, the pullable one names the secret that pulled', async () => {
    const { stdout } = await run(['verify', '--online', '-o', 'json', fixture('good.yaml'), fixture('external-secret.yaml')], false);
    expect(JSON.parse(stdout).findings.map((f: any) => [f.status, f.secret])).toEqual([
      ['no-credential', null],
      ['pullable', 'regcred'],
      ['produced-in-cluster', 'quay-pull'],
    ]);
  });
});
