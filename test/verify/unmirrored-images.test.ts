/**
 * verify through a mirror: images a container names in its args or env, on
 * an upstream its images are mirrored from, are reported as info with the
 * reference the mirror serves them as (REFERENCE §11: pulled later by the
 * app, past the mirror); rewritten ones, other upstreams and objects
 * without a mirror are not.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { PrivateImageWorkload, RegistryCredentials, RegistryMirror, RegistrySecret } from '../../src';
import { mirrorsRecordedBy } from '../../src/rules/mirrors';
import { runCliCaptured } from '../support/cli';

const CACHE = 'harbor.example.com/quay-proxy';
const SOLVER = 'quay.io/jetstack/cert-manager-acmesolver:v1.15.0';
const DIGEST = `sha256:${'a'.repeat(64)}`;

function synth(withMirror: boolean): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unmirrored-'));
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'cert-manager', { namespace: 'cert-manager' });
  const credentials = RegistryCredentials.fromUsernamePassword('robot', 'not-a-real-password');
  new RegistrySecret(chart, 'harbor', { name: 'harbor-pull', server: 'harbor.example.com', credentials });
  new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials });
  const mirror = withMirror ? new RegistryMirror(chart, 'quay-cache', { upstream: 'quay.io', endpoint: CACHE }) : undefined;
  new PrivateImageWorkload(chart, 'controller', {
    name: 'cert-manager',
    image: 'quay.io/jetstack/cert-manager-controller:v1.15.0',
    args: [
      `--acme-http01-solver-image=${SOLVER}`,
      // Already through the mirror, and another upstream: neither is reported.
      `--other-image=${mirror?.rewrite('quay.io/jetstack/other:v1') ?? 'quay.io/jetstack/other:v1'}`,
      '--sidecar=ghcr.io/acme/sidecar:2',
    ],
    envVariables: { SOLVER_IMAGE: { value: SOLVER } } as any,
  });
  app.synth();
  return dir;
}

test('an args or env image on the mirrored upstream is info, with the form the mirror serves', async () => {
  const dir = synth(true);
  const run = await runCliCaptured(['verify', '--strict', '-o', 'json', dir]);
  expect(run.code).toBe(0);
  const unmirrored = JSON.parse(run.stdout).findings.filter((f: any) => f.status === 'unmirrored-image');
  expect(unmirrored.map((f: any) => [f.container, f.image, f.severity, f.path])).toEqual([
    ['main', SOLVER, 'info', '/spec/template/spec/containers/0/args'],
    ['main', SOLVER, 'info', '/spec/template/spec/containers/0/env'],
  ]);
  expect(unmirrored[0].message).toBe(`image "${SOLVER}" named in the container's command or args is on quay.io, whose images this object pulls through `
    + `the mirror ${CACHE}: the app may pull it later, past the mirror; write it as "${CACHE}/jetstack/cert-manager-acmesolver:v1.15.0" (RegistryMirror.rewrite() gives it)`);
});

test('without a mirror, or with declarations ignored, nothing is reported', async () => {
  for (const args of [[synth(false)], ['--ignore-manifest-declarations', synth(true)]]) {
    const run = await runCliCaptured(['verify', '-o', 'json', ...args]);
    expect(JSON.parse(run.stdout).findings.filter((f: any) => f.status === 'unmirrored-image')).toEqual([]);
  }
});

test.each([
  [{ 'harbor.example.com/hub/library/nginx:1.27': 'nginx:1.27' }, [{ upstream: 'docker.io', endpoint: 'harbor.example.com/hub', exclude: [] }]],
  [{ [`mirror.example.com:5000/jetstack/x@${DIGEST}`]: `quay.io/jetstack/x@${DIGEST}` },
    [{ upstream: 'quay.io', endpoint: 'mirror.example.com:5000', exclude: [] }]],
  [{ 'm.example.com/p/a/b:1': 'quay.io/a/b:1', 'm.example.com/p/c:2': 'quay.io/c:2' }, [{ upstream: 'quay.io', endpoint: 'm.example.com/p', exclude: [] }]],
  [{ 'm.example.com/p/other:1': 'quay.io/a/b:1' }, []],
  [{ 'not a reference': 'quay.io/a/b:1' }, []],
])('mirrorsRecordedBy(%j)', (originals, rules) => {
  expect(mirrorsRecordedBy(originals)).toEqual(rules);
});
