/**
 * Every pod-bearing kind, by API group and kind: each built-in and
 * well-known kind is wired and its unmatched image fails the synth; custom
 * kinds are declared once; image volumes are images like a container's;
 * pull policy Never needs no credential; the well-known custom resources'
 * wired objects validate against their upstream CRDs.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { PodBearingKind, PullSecretWiring } from '../src';
import { quayChart } from './support/charts';
import { crdSchemaErrors, hasCrd } from './support/crd-schema';
import { synthError } from './support/synth';
import { PodKinds, readPointer } from '../src/rules/pod-kinds';

/** A minimal object of each kind around `podSpec`, shaped as its API (or CRD) requires. */
const SHAPES: Record<string, (podSpec: any) => any> = {
  'v1/Pod': (spec) => ({ spec }),
  'v1/ReplicationController': (spec) => ({ spec: { selector: { app: 'x' }, template: { metadata: { labels: { app: 'x' } }, spec } } }),
  'v1/PodTemplate': (spec) => ({ template: { spec } }),
  'apps/v1/Deployment': (spec) => ({ spec: { selector: {}, template: { spec } } }),
  'apps/v1/ReplicaSet': (spec) => ({ spec: { selector: {}, template: { spec } } }),
  'apps/v1/StatefulSet': (spec) => ({ spec: { selector: {}, serviceName: 's', template: { spec } } }),
  'apps/v1/DaemonSet': (spec) => ({ spec: { selector: {}, template: { spec } } }),
  'extensions/v1beta1/Deployment': (spec) => ({ spec: { template: { spec } } }),
  'batch/v1/Job': (spec) => ({ spec: { template: { spec } } }),
  'batch/v1/CronJob': (spec) => ({ spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec } } } } }),
  'argoproj.io/v1alpha1/Rollout': (spec) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec } } }),
  'keda.sh/v1alpha1/ScaledJob': (spec) => ({ spec: { jobTargetRef: { template: { spec } }, triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 * * * *', end: '30 * * * *', desiredReplicas: '1' } }] } }),
  'serving.knative.dev/v1/Service': (spec) => ({ spec: { template: { spec } } }),
  'serving.knative.dev/v1/Configuration': (spec) => ({ spec: { template: { spec } } }),
  'apps.kruise.io/v1alpha1/CloneSet': (spec) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec } } }),
  'apps.kruise.io/v1beta1/StatefulSet': (spec) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec } } }),
  'apps.kruise.io/v1alpha1/DaemonSet': (spec) => ({ spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec } } }),
};

function split(typeKey: string): { apiVersion: string; kind: string } {
  const slash = typeKey.lastIndexOf('/');
  return { apiVersion: typeKey.slice(0, slash), kind: typeKey.slice(slash + 1) };
}

/** Adds the object of `typeKey` named "raw" around `podSpec` to `chart`. */
function rawObject(chart: Chart, typeKey: string, podSpec: any, name = 'raw'): ApiObject {
  const { apiVersion, kind } = split(typeKey);
  return new ApiObject(chart, name, { apiVersion, kind, metadata: { name }, ...SHAPES[typeKey](podSpec) });
}

/** The pod spec of the synthesized object `name`, found by the library's own table. */
function podSpecIn(manifests: any[], name: string, kinds = PodKinds.BUILT_IN): any {
  const object = manifests.find((o) => o.metadata?.name === name);
  return readPointer(object, kinds.of(object.apiVersion, object.kind)!.podSpecPath);
}

const CONTAINER = { containers: [{ name: 'app', image: 'quay.io/org/app:1.0' }] };

test('every kind of the table has a shape here (the test covers the whole table)', () => {
  expect(Object.keys(SHAPES).map(split).every(({ apiVersion, kind }) => PodKinds.BUILT_IN.of(apiVersion, kind) !== undefined)).toBe(true);
  const covered = new Set(Object.keys(SHAPES).map((key) => { const { apiVersion, kind } = split(key); return `${apiVersion.split('/').slice(0, -1).join('/')}/${kind}`; }));
  for (const podKind of PodKinds.BUILT_IN.all()) {
    if (podKind.apiGroup === 'extensions' && podKind.kind !== 'Deployment') continue; // one extensions kind is enough
    expect(covered).toContain(`${podKind.apiGroup}/${podKind.kind}`);
  }
});

describe.each(Object.keys(SHAPES))('%s', (typeKey) => {
  test('is wired by PullSecretWiring', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    rawObject(chart, typeKey, CONTAINER);
    const manifests = Testing.synth(chart);
    expect(podSpecIn(manifests, 'raw').imagePullSecrets).toEqual([{ name: 'testquay' }]);
    const wired = manifests.find((o) => o.metadata?.name === 'raw');
    // The well-known custom resources' objects, wired, validate against their upstream CRDs (test/fixtures/crds).
    const { apiVersion, kind } = split(typeKey);
    expect(hasCrd(wired)).toBe(PodKinds.BUILT_IN.of(apiVersion, kind)!.origin === 'well-known');
    if (hasCrd(wired)) expect(crdSchemaErrors(wired)).toEqual([]);
  });

  test('an image no credential serves fails the synth, naming it', () => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    rawObject(chart, typeKey, { containers: [{ name: 'app', image: 'ghcr.io/org/app:1.0' }] });
    const error = synthError(app);
    expect(error).toMatch(/\n {2}\[chart\/raw\] image "ghcr\.io\/org\/app:1\.0" of container "app" matches no registry credential/);
    expect(error).not.toMatch(/\[chart\] \[chart\/raw\]/); // the construct path once
  });
});

test('a Deployment of another API group is no pod: left alone, not wired, not checked', () => {
  const { chart } = quayChart();
  PullSecretWiring.applyTo(chart);
  new ApiObject(chart, 'crd', {
    apiVersion: 'example.com/v1',
    kind: 'Deployment',
    metadata: { name: 'crd' },
    spec: { template: { spec: { containers: [{ name: 'app', image: 'ghcr.io/unknown/app:1' }] } } },
  });
  const crd = Testing.synth(chart).find((o) => o.metadata.name === 'crd');
  expect(crd.spec.template.spec.imagePullSecrets).toBeUndefined();
});

describe('custom pod-bearing kinds', () => {
  const worker = () => PodBearingKind.custom({ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/pod' });

  test('declared once, wired like a built-in kind; the same kind in another group is not', () => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(chart, { podBearingKinds: [worker()] });
    new ApiObject(chart, 'w', { apiVersion: 'apps.example.com/v1', kind: 'Worker', metadata: { name: 'w' }, spec: { pod: CONTAINER } });
    new ApiObject(chart, 'other', { apiVersion: 'other.example.com/v1', kind: 'Worker', metadata: { name: 'other' }, spec: { pod: CONTAINER } });
    const manifests = app.synthYaml();
    expect(manifests).toContain('imagePullSecrets');
    const objects = Testing.synth(chart);
    expect(objects.find((o) => o.metadata.name === 'w').spec.pod.imagePullSecrets).toEqual([{ name: 'testquay' }]);
    expect(objects.find((o) => o.metadata.name === 'other').spec.pod.imagePullSecrets).toBeUndefined();
  });

  test.each([
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: 'spec/pod' }, /pod-bearing kind apps.example.com\/Worker: pod spec path "spec\/pod" is not a JSON pointer.*Fix: declare it as PodBearingKind.custom/],
    [{ apiGroup: 'apps', kind: 'Deployment', podSpecPath: '/spec/template/spec' }, /apps\/Deployment is already known/],
    [{ apiGroup: 'argoproj.io', kind: 'Rollout', podSpecPath: '/spec/template/spec' }, /argoproj.io\/Rollout is already known/],
  ])('%j fails naming the construct and the kind', (props, message) => {
    const { chart } = quayChart();
    expect(() => PullSecretWiring.applyTo(chart, { podBearingKinds: [PodBearingKind.custom(props)] })).toThrow(message);
    expect(() => PullSecretWiring.applyTo(chart, { podBearingKinds: [PodBearingKind.custom(props)] })).toThrow(/^\[chart\]/);
  });

  test('one kind with two pod spec paths in one app fails', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    PullSecretWiring.applyTo(a, { podBearingKinds: [worker()] });
    expect(() => PullSecretWiring.applyTo(b, { podBearingKinds: [PodBearingKind.custom({ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/x' })] }))
      .toThrow(/apps.example.com\/Worker has pod spec path \/spec\/x here, but \/spec\/pod where a declares it/);
  });

  test('PodBearingKind.builtIn() lists the table', () => {
    const names = PodBearingKind.builtIn().map((k) => `${k.apiGroup}/${k.kind}=${k.podSpecPath}`);
    expect(names).toContain('/PodTemplate=/template/spec');
    expect(names).toContain('keda.sh/ScaledJob=/spec/jobTargetRef/template/spec');
  });
});

describe('image volumes (spec.volumes[].image)', () => {
  const withVolume = (reference: string, pullPolicy?: string) => ({
    containers: [{ name: 'app', image: 'quay.io/org/app:1.0', volumeMounts: [{ name: 'weights', mountPath: '/w' }] }],
    volumes: [{ name: 'config', configMap: { name: 'c' } }, { name: 'weights', image: { reference, ...(pullPolicy ? { pullPolicy } : {}) } }],
  });

  test.each(['v1/Pod', 'apps/v1/Deployment', 'argoproj.io/v1alpha1/Rollout'])('%s: an image volume\'s registry is wired', (typeKey) => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart, { publicImages: ['docker.io/library'] });
    rawObject(chart, typeKey, { containers: [{ name: 'app', image: 'docker.io/library/busybox:1' }], volumes: [{ name: 'weights', image: { reference: 'quay.io/acme/model-weights:1' } }] });
    const manifests = Testing.synth(chart);
    expect(podSpecIn(manifests, 'raw').imagePullSecrets).toEqual([{ name: 'testquay' }]);
    const wired = manifests.find((o) => o.metadata?.name === 'raw');
    if (typeKey.startsWith('argoproj.io')) expect(crdSchemaErrors(wired)).toEqual([]);
  });

  test.each(['v1/Pod', 'apps/v1/Deployment', 'argoproj.io/v1alpha1/Rollout'])('%s: an image volume no credential serves fails, naming the volume and the reference', (typeKey) => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    rawObject(chart, typeKey, withVolume('registry.gitlab.com/acme/model-weights:1'));
    expect(synthError(app)).toMatch(/\[chart\/raw\] image "registry\.gitlab\.com\/acme\/model-weights:1" of image volume "weights" matches no registry credential/);
  });

  test('public-image patterns apply to image volumes', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart, { publicImages: ['registry.gitlab.com/acme'] });
    rawObject(chart, 'v1/Pod', withVolume('registry.gitlab.com/acme/model-weights:1'));
    expect(podSpecIn(Testing.synth(chart), 'raw').imagePullSecrets).toEqual([{ name: 'testquay' }]);
  });

  test('pull policy Never: never pulled, so no credential is needed (not wired for it, no error)', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    rawObject(chart, 'v1/Pod', {
      containers: [{ name: 'app', image: 'ghcr.io/org/local:1', imagePullPolicy: 'Never' }],
      volumes: [{ name: 'weights', image: { reference: 'registry.gitlab.com/acme/w:1', pullPolicy: 'Never' } }],
    });
    expect(podSpecIn(Testing.synth(chart), 'raw').imagePullSecrets).toBeUndefined();
  });
});
