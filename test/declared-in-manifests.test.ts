/**
 * Declared once: the public-image patterns and custom pod kinds given in
 * code travel with the manifests (annotations on each wired object's own
 * metadata), so `verify` and the validation plugin, given only the output
 * folder, reach the synth's verdict; `--ignore-manifest-declarations` (and
 * the plugin's `ignoreManifestDeclarations`) trust only their own flags.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import * as kplus from 'cdk8s-plus-28';
import { PodBearingKind, PrivateImageWorkload, PullSecretWiring, RegistryCredentials, RegistrySecret } from '../src';
import { runCliCaptured } from './support/cli';
import { POD_SPEC_PATH_ANNOTATION, PUBLIC_IMAGES_ANNOTATION } from '../src/rules/declarations';
import { PullSecretValidation } from '../src/verify/validation-plugin';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'declared-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** An app whose code allows public images and declares a custom pod kind; synthesized into its own folder. */
function synthApp(name: string): { dir: string; objects: any[] } {
  const dir = path.join(work, name);
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: RegistryCredentials.fromUsernamePassword('robot', 'not-a-real-password') });
  const web = new PrivateImageWorkload(chart, 'web', {
    image: 'quay.io/shop/web:1.0', name: 'web', publicImages: ['docker.io/library', 'registry.k8s.io', 'gcr.io/unused'],
  });
  web.workload.addInitContainer({ name: 'wait', image: 'busybox:1.36' });
  const plain = new kplus.Deployment(chart, 'metrics', { metadata: { name: 'metrics' }, containers: [{ image: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0' }] });
  new ApiObject(chart, 'worker', {
    apiVersion: 'apps.example.com/v1',
    kind: 'Worker',
    metadata: { name: 'worker' },
    spec: { template: { spec: { containers: [{ name: 'main', image: 'quay.io/shop/worker:2' }] } } },
  });
  PullSecretWiring.applyTo(chart, {
    publicImages: ['registry.k8s.io'],
    podBearingKinds: [PodBearingKind.custom({ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/template/spec' })],
  });
  void plain;
  app.synth();
  const objects = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => Yaml.load(path.join(dir, f)));
  return { dir, objects };
}

const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('the synth writes what the code declared onto each wired object', () => {
  const { objects } = synthApp('annotations');

  test('a workload names the public-image patterns that allowed its images, sorted, on its own metadata only', () => {
    const web = find(objects, 'Deployment', 'web');
    // gcr.io/unused allowed nothing, so it is not declared.
    expect(web.metadata.annotations[PUBLIC_IMAGES_ANNOTATION]).toBe('docker.io/library');
    expect(web.spec.template.metadata.annotations?.[PUBLIC_IMAGES_ANNOTATION]).toBeUndefined();
    expect(find(objects, 'Deployment', 'metrics').metadata.annotations[PUBLIC_IMAGES_ANNOTATION]).toBe('registry.k8s.io');
  });

  test('a custom pod kind names its pod spec path; built-in kinds and objects with no public image get no annotation', () => {
    const worker = find(objects, 'Worker', 'worker');
    expect(worker.metadata.annotations[POD_SPEC_PATH_ANNOTATION]).toBe('/spec/template/spec');
    expect(worker.metadata.annotations[PUBLIC_IMAGES_ANNOTATION]).toBeUndefined();
    expect(find(objects, 'Deployment', 'web').metadata.annotations[POD_SPEC_PATH_ANNOTATION]).toBeUndefined();
    expect(worker.spec.template.spec.imagePullSecrets).toEqual([{ name: 'quay-pull' }]);
  });
});

describe('verify, given only the output folder, reaches the synth verdict', () => {
  const { dir } = synthApp('verify');

  test('--strict passes with no flag repeated: declared patterns count, and say so', async () => {
    const run = await runCliCaptured(['verify', '--strict', '-o', 'json', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const findings = JSON.parse(run.stdout).findings;
    const busybox = findings.find((f: any) => f.image === 'busybox:1.36');
    expect(busybox).toMatchObject({ status: 'public', container: 'wait' });
    expect(busybox.message).toBe(`public image (pattern "docker.io/library", declared by the object's ${PUBLIC_IMAGES_ANNOTATION} annotation): pulled without credentials`);
    // The custom kind is a pod bearer without --pod-kind.
    expect(findings.find((f: any) => f.kind === 'Worker')).toMatchObject({ status: 'ok', image: 'quay.io/shop/worker:2' });
  });

  test('--ignore-manifest-declarations trusts only the flags: the public images fail under --strict and the custom kind is unseen', async () => {
    const run = await runCliCaptured(['verify', '--strict', '--ignore-manifest-declarations', '-o', 'json', dir]);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings;
    expect(findings.find((f: any) => f.image === 'busybox:1.36')).toMatchObject({ status: 'no-credential', severity: 'problem' });
    expect(findings.some((f: any) => f.kind === 'Worker')).toBe(false);
    // A flag still adds to what is trusted.
    const flagged = await runCliCaptured(['verify', '--strict', '--ignore-manifest-declarations',
      '--public-image', 'docker.io/library', '--public-image', 'registry.k8s.io', dir]);
    expect(flagged.code).toBe(0);
  });

  test('flags add to what the manifests declare', async () => {
    const run = await runCliCaptured(['verify', '--strict', '--public-image', 'docker.io/library', '-o', 'json', dir]);
    expect(run.code).toBe(0);
    // The run's own pattern comes first.
    const busybox = JSON.parse(run.stdout).findings.find((f: any) => f.image === 'busybox:1.36');
    expect(busybox.message).toBe('public image (pattern "docker.io/library"): pulled without credentials');
  });
});

describe('a declaration that is not well formed is an input error naming the annotation, never quoting it', () => {
  const manifest = (annotations: Record<string, string>, apiVersion = 'apps/v1', kind = 'Deployment') => {
    const file = path.join(work, `bad-${Object.keys(annotations).join('')}-${kind}.yaml`.replace(/\//g, '_'));
    fs.writeFileSync(file, Yaml.stringify({
      apiVersion,
      kind,
      metadata: { name: 'x', annotations },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:1.36' }] } } },
    }));
    return file;
  };

  test.each([
    ['a public-images entry that is not normalized', { [PUBLIC_IMAGES_ANNOTATION]: 'docker.io/library,SECRET-LOOKING-VALUE' }, 'apps/v1', 'Deployment',
      /annotation "cdk8s-private-registry\/public-images" has an entry \(the 2nd\) that is not a normalized repository prefix/],
    ['an empty public-images list', { [PUBLIC_IMAGES_ANNOTATION]: ' , ' }, 'apps/v1', 'Deployment', /public-images" names no pattern/],
    ['a pod spec path that is no JSON pointer', { [POD_SPEC_PATH_ANNOTATION]: 'spec.SECRET-LOOKING-VALUE' }, 'apps.example.com/v1', 'Worker',
      /annotation "cdk8s-private-registry\/pod-spec-path" is not a JSON pointer of plain keys/],
  ])('%s', async (_name, annotations, apiVersion, kind, message) => {
    const run = await runCliCaptured(['verify', manifest(annotations, apiVersion, kind)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain('SECRET-LOOKING-VALUE');
    // Ignored, it is not read at all.
    expect((await runCliCaptured(['verify', '--ignore-manifest-declarations', manifest(annotations, apiVersion, kind)])).code).toBe(0);
  });

  test('a pod spec path annotation on a built-in kind is ignored: its path is known', async () => {
    const run = await runCliCaptured(['verify', '-o', 'json', manifest({ [POD_SPEC_PATH_ANNOTATION]: '/nowhere' })]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings[0]).toMatchObject({ image: 'busybox:1.36', path: '/spec/template/spec/containers/0/image' });
  });
});

describe('the validation plugin, given the synthesized manifests', () => {
  const { dir } = synthApp('plugin');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));

  async function validate(plugin: PullSecretValidation): Promise<{ success: boolean; text: string }> {
    const context = new ValidationContext(files, 'cdk8s-private-registry', '0.0.0', {}, false);
    jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
    await plugin.validate(context);
    return { success: context.report.success, text: context.report.toString() };
  }

  test('passes with strict: true and no publicImages repeated', async () => {
    expect((await validate(new PullSecretValidation({ strict: true }))).success).toBe(true);
  });

  test('with ignoreManifestDeclarations, only its own properties count', async () => {
    const { success, text } = await validate(new PullSecretValidation({ strict: true, ignoreManifestDeclarations: true }));
    expect(success).toBe(false);
    expect(text).toContain('/spec/template/spec/initContainers/0/image: no pull secret of the pod has a credential for registry docker.io');
    expect(text).toContain('Resource Name: metrics');
  });

  test('ignoreManifestDeclarations that is not a boolean is an invalid property', async () => {
    const { success, text } = await validate(new PullSecretValidation({ ignoreManifestDeclarations: 'yes' as any }));
    expect(success).toBe(false);
    expect(text).toContain('ignoreManifestDeclarations must be true or false');
  });
});
