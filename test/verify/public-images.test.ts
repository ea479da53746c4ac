/**
 * Public images by pattern (`--public-image`, the plugin's `publicImages`),
 * as the constructs take them, and `--strict`: an image with no credential
 * that no pattern allows is a problem.
 */
import { loadManifests, parseManifests } from '../../src/manifests/manifests';
import { Finding } from '../../src/verify/findings';
import { checkOffline, OfflineOptions } from '../../src/verify/offline';
import { recordingCli } from '../support/cli';
import { FIXTURE_PASSWORD, fixture } from '../support/fixtures';

const { cli, outputs } = recordingCli();
const check = (file: string, options: OfflineOptions): Finding[] => checkOffline(loadManifests([fixture(file)]), options).findings;
const statuses = (findings: readonly Finding[]) => findings.map((f) => `${f.container ?? '-'} ${f.status} ${f.severity}`);

describe('offline', () => {
  test('images under a pattern are public (ok); the rest keep "no-credential" (info)', () => {
    const findings = check('public-images.yaml', { publicImages: ['docker.io/library', 'registry.k8s.io'] });
    expect(statuses(findings)).toEqual(['init public ok', 'pause public ok', 'app no-credential info']);
    expect(findings[0].message).toBe('public image (pattern "docker.io/library"): pulled without credentials');
    expect(findings[1].message).toBe('public image (pattern "registry.k8s.io"): pulled without credentials');
  });

  test('a pattern is a prefix at a path boundary, on the normalized name', () => {
    const run = (image: string, pattern: string) => checkOffline(parseManifests(
      `apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: c, image: "${image}" }]`, 'x.yaml'), { publicImages: [pattern] }).findings[0].status;
    expect(run('nginx:1.27', 'docker.io/library/nginx')).toBe('public');
    expect(run('docker.io/nginx@sha256:' + 'a'.repeat(64), 'docker.io/library')).toBe('public');
    expect(run('docker.io/library/nginx-extra', 'docker.io/library/nginx')).toBe('no-credential');
    expect(run('registry.k8s.io.evil.com/pause', 'registry.k8s.io')).toBe('no-credential');
    expect(run('acme/app', 'docker.io/library')).toBe('no-credential');
  });

  test('--strict: no credential and no pattern is a problem; a public image is not', () => {
    const findings = check('public-images.yaml', { publicImages: ['docker.io/library'], strict: true });
    expect(statuses(findings)).toEqual(['init public ok', 'pause no-credential problem', 'app no-credential problem']);
    expect(findings[1].message).toBe('the pod has no imagePullSecrets: pulled without credentials, '
      + 'and no public image pattern allows it (strict: list its registry or repository as a public image, or add a pull secret)');
  });

  test('--strict leaves credentials, warnings and secrets made in the cluster as they are', () => {
    expect(statuses(check('good.yaml', { strict: true }))).toEqual(['init no-credential problem', 'app ok ok']);
    expect(statuses(check('good.yaml', { strict: true, publicImages: ['docker.io/library'] }))).toEqual(['init public ok', 'app ok ok']);
    expect(statuses(check('missing-secret.yaml', { strict: true }))).toEqual(['- expected-in-cluster warning', 'app expected-in-cluster warning']);
    expect(statuses(check('external-secret.yaml', { strict: true }))).toEqual(['app produced-in-cluster info']);
    expect(statuses(check('wrong-type.yaml', { strict: true }))).toEqual(['- secret-wrong-type problem', 'app no-credential problem']);
  });

  test('a matching credential wins over a pattern; a pattern wins over a secret expected in the cluster and over a near miss', () => {
    expect(statuses(check('good.yaml', { publicImages: ['registry.example.com'] }))).toEqual(['init no-credential info', 'app ok ok']);
    expect(statuses(check('missing-secret.yaml', { publicImages: ['registry.example.com'] }))).toEqual(['- expected-in-cluster warning', 'app public ok']);
    expect(statuses(check('no-matching-credential.yaml', { publicImages: ['registry.example.com/team-b'] }))).toEqual(['app public ok']);
  });
});

describe('the CLI', () => {
  test('--public-image (repeatable) and --strict set the exit code', async () => {
    expect((await cli('verify', fixture('public-images.yaml'))).code).toBe(0);
    expect((await cli('verify', '--strict', fixture('public-images.yaml'))).code).toBe(1);
    expect((await cli('verify', '--strict', '--public-image', 'docker.io/library', '--public-image=registry.k8s.io', fixture('public-images.yaml'))).code).toBe(1);
    const { code, stdout } = await cli('verify', '--strict', '-o', 'json', '--public-image', 'docker.io/library', '--public-image', 'registry.k8s.io',
      '--public-image', 'registry.example.com/tools', fixture('public-images.yaml'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings.map((f: any) => [f.status, f.severity])).toEqual([['public', 'ok'], ['public', 'ok'], ['public', 'ok']]);
  });

  test('the table shows where a strict problem is', async () => {
    const { stdout } = await cli('verify', '--strict', fixture('good.yaml'));
    expect(stdout).toContain(`[${fixture('good.yaml')}#2 /spec/template/spec/initContainers/0/image]`);
    expect(stdout).toContain('(1 ok, 0 info, 0 warnings, 1 problem)');
  });

  afterAll(() => {
    expect(outputs.join('\n')).not.toContain(FIXTURE_PASSWORD);
  });
});
