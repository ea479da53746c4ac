/**
 * The air-gap flow with the real tools (REFERENCE §12): an upstream
 * `docker-registry` on a portless loopback address (127.0.0.2:80, plain
 * HTTP: a scoped sync cannot carry a port in the repository path), an app
 * whose manifests name its images, `images --format skopeo-sync`, then real
 * `skopeo sync --all --scoped --src yaml` into an htpasswd-protected second
 * registry, where `skopeo inspect` finds each image at
 * `AIRGAP/127.0.0.2/<repository>`: the path a RegistryMirror with endpoint
 * `AIRGAP/127.0.0.2` and upstream `127.0.0.2` rewrites to. Then the same app
 * with that mirror: `images` lists the copies as pulled and the same
 * upstream originals to sync, and `verify --online` pulls them with the
 * synthesized secret (0; 1 with a wrong password).
 *
 * Binding port 80 needs root (CI runs as root): elsewhere the suite is
 * skipped with a printed reason, and it fails under CI=true.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { PrivateImageWorkload, RegistryCredentials, RegistryMirror, RegistrySecret } from '../../src';
import { runImages } from '../../src/cli/images-command';
import { runCliCaptured } from '../support/cli';
import {
  buildOciLayout, childEnv, CommandResult, describeWithTools, isCi, pushImage, PushedImage, REGISTRY_TOOLS, runCommand,
  RunningRegistry, skopeoInspect, startRegistry, TailBuffer, writeAuthFile,
} from '../support/registry';

/**
 * The portless upstream: a loopback address on port 80 (127.0.0.0/8 is all
 * loopback on Linux), 127.0.0.2 unless another run holds it.
 */
const UPSTREAM_ADDRESSES = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
let UPSTREAM = UPSTREAM_ADDRESSES[0];
const USER = 'airgap';
const PASSWORD = 'airgap-s3cret';

/** A docker-registry serving `UPSTREAM:80`, plain HTTP, no auth. */
interface Upstream {
  readonly workDir: string;
  readonly host: string;
  stop(): Promise<void>;
}

/** Starts the upstream on the first of UPSTREAM_ADDRESSES whose port 80 is free, and sets UPSTREAM. */
async function startUpstreamOnFreeAddress(): Promise<Upstream> {
  const failures: string[] = [];
  for (const address of UPSTREAM_ADDRESSES) {
    UPSTREAM = address;
    try {
      return await startUpstream();
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(failures.join('\n'));
}

async function startUpstream(): Promise<Upstream> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-upstream-'));
  const config = path.join(workDir, 'config.yml');
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: info',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(workDir, 'storage'))}`,
    'http:',
    `  addr: "${UPSTREAM}:80"`,
    '  secret: upstream-test-secret',
    '',
  ].join('\n'));
  const log = new TailBuffer();
  const child = spawn('docker-registry', ['serve', config], { cwd: workDir, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk));
  const stop = async () => {
    await killAndWait(child, closed);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForV2(child, 15_000);
    // Another run's registry on the address could have answered while this one failed to bind: still alive?
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
  } catch (error) {
    await stop();
    throw new Error(`docker-registry did not start on ${UPSTREAM}:80 (is the port taken?): ${(error as Error).message}\n${log.tail()}`);
  }
  return { workDir, host: UPSTREAM, stop };
}

async function waitForV2(child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited early (${child.exitCode ?? child.signalCode})`);
    const status = await new Promise<number | undefined>((resolve) => {
      const req = http.get({ host: UPSTREAM, port: 80, path: '/v2/', agent: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.headers['docker-distribution-api-version'] === 'registry/2.0' ? res.statusCode : undefined);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(undefined));
    });
    if (status === 200 && child.exitCode === null) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`GET http://${UPSTREAM}/v2/ did not answer 200 within ${timeoutMs} ms`);
}

async function killAndWait(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (child.pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.kill('SIGTERM');
    await closed;
    clearTimeout(force);
  }
}

/** `skopeo sync` with a throw-away HOME (as test/support/skopeo.ts runs skopeo): no host credentials in or out. */
async function skopeoSync(file: string, destination: string): Promise<CommandResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-skopeo-'));
  try {
    const scratch = { HOME: home, XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: home, XDG_DATA_HOME: home, XDG_CACHE_HOME: home };
    return await runCommand('skopeo', [
      '--insecure-policy', '--command-timeout', '60s',
      'sync', '--all', '--scoped', '--retry-times', '0', '--src', 'yaml', '--dest', 'docker',
      '--dest-creds', `${USER}:${PASSWORD}`, '--dest-tls-verify=false', file, destination,
    ], { env: childEnv({ ...scratch, _CONTAINERS_ROOTLESS_UID: String(process.getuid?.() || 1000) }), timeoutMs: 90_000 });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function images(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runImages(args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

/** The app with a RegistryMirror of the upstream to the air-gapped copies, and a pull secret for the air-gapped registry only. */
function mirroredApp(airgapHost: string, password: string, digest: string): App {
  const app = Testing.app();
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(chart, 'airgap', { name: 'airgap-pull', server: airgapHost, credentials: RegistryCredentials.fromUsernamePassword(USER, password) });
  new RegistryMirror(app, 'upstream-airgap', { upstream: UPSTREAM, endpoint: `${airgapHost}/airgap/${UPSTREAM}` });
  new PrivateImageWorkload(chart, 'web', { name: 'web', image: `${UPSTREAM}/team/app:v1` });
  new PrivateImageWorkload(chart, 'pinned', { name: 'pinned', image: `${UPSTREAM}/team/app:v1@${digest}` });
  return app;
}

const isRoot = process.getuid?.() === 0;
if (!isRoot && !isCi()) console.warn('Skipping "images --format skopeo-sync, then skopeo sync --all --scoped": binding a loopback address\'s port 80 needs root');
const describeAsRoot = isRoot || isCi() ? describeWithTools : (_tools: readonly string[], title: string, fn: () => void) => describe.skip(title, fn);

describeAsRoot(REGISTRY_TOOLS, 'images --format skopeo-sync, then skopeo sync --all --scoped', () => {
  let upstream: Upstream | undefined;
  let airgap: RunningRegistry;
  let work: string;
  let app: PushedImage;
  let helper: PushedImage;
  let syncFile: string;

  beforeAll(async () => {
    if (!isRoot) throw new Error('binding a loopback address\'s port 80 needs root (CI=true, so this fails instead of skipping)');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'images-airgap-'));
    upstream = await startUpstreamOnFreeAddress();
    app = await pushImage(upstream, { repository: 'team/app', tag: 'v1' });
    helper = await pushImage(upstream, {
      repository: 'team/helper', tag: 'v2', layout: buildOciLayout(path.join(upstream.workDir, 'helper'), { refName: 'v2', fileContent: 'helper\n' }),
    });
    airgap = await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD } });
  }, 60_000);

  afterAll(async () => {
    await airgap?.stop();
    await upstream?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 30_000);

  test('images writes the sync file: the upstream registry, tls-verify false, a tag, a digest for tag@digest, the args image', () => {
    const manifests = path.join(work, 'app.yaml');
    fs.writeFileSync(manifests, JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'web', image: `${UPSTREAM}/team/app:v1`, args: [`--helper-image=${UPSTREAM}/team/helper:v2`] },
              { name: 'pinned', image: `${UPSTREAM}/team/app:v1@${app.digest}` },
            ],
          },
        },
      },
    }));
    let stdout = '';
    let stderr = '';
    const code = runImages(['--format', 'skopeo-sync', '--insecure-registry', UPSTREAM, '--include-args', manifests],
      { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toBe([
      `"${UPSTREAM}":`,
      '  images:',
      `    "team/app": ["${app.digest}", "v1"]`,
      '    "team/helper": ["v2"]',
      '  tls-verify: false',
      '',
    ].join('\n'));
    expect(stdout).not.toContain(PASSWORD);
    syncFile = path.join(work, 'sync.yaml');
    fs.writeFileSync(syncFile, stdout);
  });

  test('skopeo sync --all --scoped accepts it and fills the air-gapped registry at AIRGAP/<upstream host>/<repository>', async () => {
    const result = await skopeoSync(syncFile, `${airgap.host}/airgap`);
    expect({ code: result.code, stderr: result.stderr.includes('Synced 3 images from 2 sources') }).toEqual({ code: 0, stderr: true });
    const authfile = writeAuthFile(path.join(work, 'auth.json'), airgap.host, USER, PASSWORD);
    for (const ref of [`airgap/${UPSTREAM}/team/app:v1`, `airgap/${UPSTREAM}/team/app@${app.digest}`, `airgap/${UPSTREAM}/team/helper:v2`]) {
      const inspect = await skopeoInspect(`${airgap.host}/${ref}`, authfile);
      expect({ ref, ok: inspect.ok, stderr: inspect.ok ? '' : inspect.stderr }).toEqual({ ref, ok: true, stderr: '' });
    }
    const digest = JSON.parse((await skopeoInspect(`${airgap.host}/airgap/${UPSTREAM}/team/helper:v2`, authfile)).stdout).Digest;
    expect(digest).toBe(helper.digest); // content-addressed: the same manifest, byte for byte
    expect((await skopeoInspect(`${airgap.host}/airgap/${UPSTREAM}/team/app:v1`)).ok).toBe(false); // the copy is behind htpasswd
  }, 120_000);

  test('the same app with a RegistryMirror to the copies: images lists them as pulled and the same upstream originals; verify --online pulls them', async () => {
    const dist = path.join(work, 'dist');
    const write = (password: string) => {
      fs.rmSync(dist, { recursive: true, force: true });
      fs.mkdirSync(dist);
      fs.writeFileSync(path.join(dist, 'app.k8s.yaml'), mirroredApp(airgap.host, password, app.digest).synthYaml());
    };
    write(PASSWORD);
    const copies = `${airgap.host}/airgap/${UPSTREAM}/team/app`;
    expect(images([dist])).toEqual({ code: 0, stdout: `${copies}:v1\n${copies}:v1@${app.digest}\n`, stderr: '' });
    expect(images(['-o', 'skopeo-sync', '--insecure-registry', UPSTREAM, dist]).stdout)
      .toBe(`"${UPSTREAM}":\n  images:\n    "team/app": ["${app.digest}", "v1"]\n  tls-verify: false\n`);
    const verify = () => runCliCaptured(['verify', '--online', '--format', 'json', '--insecure-registry', airgap.host, '--timeout-ms', '10000', dist]);
    const ok = await verify();
    expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(ok.stdout).findings.map((f: any) => [f.image, f.status])).toEqual([
      [`${copies}:v1`, 'pullable'],
      [`${copies}:v1@${app.digest}`, 'pullable'],
    ]);
    write('wrong-password');
    const refused = await verify();
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).findings.map((f: any) => f.status)).toEqual(['unauthorized', 'unauthorized']);
    for (const text of [ok.stdout, ok.stderr, refused.stdout, refused.stderr]) expect(text).not.toContain(PASSWORD);
  }, 120_000);

  test('why a digest alone: skopeo 1.9 takes no tag@digest in a sync file, and skips it with exit code 0', async () => {
    const file = path.join(work, 'tag-at-digest.yaml');
    fs.writeFileSync(file, `"${UPSTREAM}":\n  images:\n    "team/app": ["v1@${app.digest}"]\n  tls-verify: false\n`);
    const result = await skopeoSync(file, `${airgap.host}/tag-at-digest`);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('invalid tag format');
    expect(result.stderr).toContain('Synced 0 images');
  }, 60_000);
});
