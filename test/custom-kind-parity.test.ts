/**
 * A custom pod-bearing kind declared in code (PodBearingKind.custom) and the
 * same kind given to verify (--pod-kind) behave the same: wired in the synth
 * and ok in verify; without a credential, the synth fails and verify --strict
 * exits 1, both naming the image.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Testing, Yaml } from 'cdk8s';
import { PodBearingKind, PullSecretWiring } from '../src';
import { quayChart } from './support/charts';
import { runCliCaptured } from './support/cli';
import { synthError } from './support/synth';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custom-kind-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const WORKER = { apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/template/spec' };
const FLAG = 'apps.example.com/Worker=/spec/template/spec';

function workerApp(image: string) {
  const { app, chart } = quayChart('jobs');
  PullSecretWiring.applyTo(chart, { podBearingKinds: [PodBearingKind.custom(WORKER)] });
  new ApiObject(chart, 'w', {
    apiVersion: 'apps.example.com/v1',
    kind: 'Worker',
    metadata: { name: 'w' },
    spec: { template: { spec: { containers: [{ name: 'run', image }] } } },
  });
  return { app, chart };
}

async function verify(objects: unknown[], ...flags: string[]) {
  const file = path.join(dir, `m-${Math.random().toString(36).slice(2)}.yaml`);
  Yaml.save(file, objects);
  const run = await runCliCaptured(['verify', '-o', 'json', ...flags, file]);
  return { code: run.code, worker: JSON.parse(run.stdout).findings.filter((f: any) => f.kind === 'Worker') };
}

test('wired in the synth, ok in verify with --pod-kind or by the pod-spec-path it declares, unseen when declarations are ignored', async () => {
  const { chart } = workerApp('quay.io/org/run:1');
  const objects = Testing.synth(chart);
  expect(objects.find((o) => o.kind === 'Worker').spec.template.spec.imagePullSecrets).toEqual([{ name: 'testquay' }]);
  const checked = await verify(objects, '--strict', '--pod-kind', FLAG);
  expect(checked.code).toBe(0);
  expect(checked.worker).toEqual([expect.objectContaining({ status: 'ok', container: 'run', secrets: ['testquay'] })]);
  // The synth declared the kind on the object (cdk8s-private-registry/pod-spec-path): no flag needed.
  expect((await verify(objects, '--strict')).worker).toEqual([expect.objectContaining({ status: 'ok', container: 'run', secrets: ['testquay'] })]);
  expect((await verify(objects, '--strict', '--ignore-manifest-declarations')).worker).toEqual([]);
});

test('no credential: the synth fails and verify --strict exits 1, both naming the image', async () => {
  const { app } = workerApp('ghcr.io/org/run:1');
  expect(synthError(app)).toMatch(/\[chart\/w\] image "ghcr\.io\/org\/run:1" of container "run" matches no registry credential/);
  const unwired = workerApp('quay.io/org/run:1').chart;
  const objects = Testing.synth(unwired).map((o) => (o.kind === 'Worker'
    ? { ...o, spec: { template: { spec: { containers: [{ name: 'run', image: 'ghcr.io/org/run:1' }] } } } } : o));
  const checked = await verify(objects, '--strict', '--pod-kind', FLAG);
  expect(checked.code).toBe(1);
  expect(checked.worker).toEqual([expect.objectContaining({ status: 'no-credential', severity: 'problem', image: 'ghcr.io/org/run:1' })]);
});
