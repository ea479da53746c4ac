import {
  apiGroupOf, CORE_POD_KINDS, customPodKindProblem, describePodKind, parsePodKindFlag, PodKinds, readPointer, WELL_KNOWN_POD_KINDS,
} from '../../src/rules/pod-kinds';

// REFERENCE §10, row by row: group, kind, where the pod spec is.
const REFERENCE_CORE: Array<[string, string, string]> = [
  ['', 'Pod', '/spec'],
  ['', 'ReplicationController', '/spec/template/spec'],
  ['', 'PodTemplate', '/template/spec'],
  ['apps', 'Deployment', '/spec/template/spec'],
  ['apps', 'ReplicaSet', '/spec/template/spec'],
  ['apps', 'StatefulSet', '/spec/template/spec'],
  ['apps', 'DaemonSet', '/spec/template/spec'],
  ['extensions', 'Deployment', '/spec/template/spec'],
  ['extensions', 'ReplicaSet', '/spec/template/spec'],
  ['extensions', 'DaemonSet', '/spec/template/spec'],
  ['batch', 'Job', '/spec/template/spec'],
  ['batch', 'CronJob', '/spec/jobTemplate/spec/template/spec'],
];
const REFERENCE_WELL_KNOWN: Array<[string, string, string]> = [
  ['argoproj.io', 'Rollout', '/spec/template/spec'],
  ['keda.sh', 'ScaledJob', '/spec/jobTargetRef/template/spec'],
  ['serving.knative.dev', 'Service', '/spec/template/spec'],
  ['serving.knative.dev', 'Configuration', '/spec/template/spec'],
  ['apps.kruise.io', 'CloneSet', '/spec/template/spec'],
  ['apps.kruise.io', 'StatefulSet', '/spec/template/spec'],
  ['apps.kruise.io', 'DaemonSet', '/spec/template/spec'],
];

const rows = (kinds: readonly { apiGroup: string; kind: string; podSpecPath: string }[]) =>
  kinds.map(({ apiGroup, kind, podSpecPath }) => [apiGroup, kind, podSpecPath]).sort();

test('the core kinds are exactly REFERENCE §10\'s', () => {
  expect(rows(CORE_POD_KINDS)).toEqual([...REFERENCE_CORE].sort());
});

test('the well-known custom resources are exactly REFERENCE §10\'s', () => {
  expect(rows(WELL_KNOWN_POD_KINDS)).toEqual([...REFERENCE_WELL_KNOWN].sort());
});

describe('lookup by API group and kind, never by kind alone', () => {
  const kinds = PodKinds.BUILT_IN;
  test.each([
    ['v1', 'Pod', '/spec'],
    ['v1', 'ReplicationController', '/spec/template/spec'],
    ['v1', 'PodTemplate', '/template/spec'],
    ['apps/v1', 'Deployment', '/spec/template/spec'],
    ['extensions/v1beta1', 'Deployment', '/spec/template/spec'],
    ['batch/v1', 'CronJob', '/spec/jobTemplate/spec/template/spec'],
    ['argoproj.io/v1alpha1', 'Rollout', '/spec/template/spec'],
    ['keda.sh/v1alpha1', 'ScaledJob', '/spec/jobTargetRef/template/spec'],
    ['serving.knative.dev/v1', 'Service', '/spec/template/spec'],
    ['apps.kruise.io/v1beta1', 'StatefulSet', '/spec/template/spec'],
    ['', 'Deployment', '/spec/template/spec'],
  ])('%s %s: pod spec at %s', (apiVersion, kind, path) => {
    expect(kinds.of(apiVersion, kind)?.podSpecPath).toBe(path);
  });

  test.each([
    ['example.com/v1', 'Deployment'],
    ['v1', 'Service'],
    ['v1', 'Deployment'],
    ['apps/v1', 'Job'],
    ['extensions/v1beta1', 'StatefulSet'],
    ['argoproj.io/v1alpha1', 'Workflow'],
    ['', 'Rollout'],
    ['v1', 'constructor'],
    ['v1', '__proto__'],
  ])('%s %s is no pod bearer', (apiVersion, kind) => {
    expect(kinds.of(apiVersion, kind)).toBeUndefined();
  });

  test('custom kinds join the built-in ones', () => {
    const withWorker = new PodKinds([{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/pod', origin: 'custom' }]);
    expect(withWorker.of('apps.example.com/v2', 'Worker')?.podSpecPath).toBe('/spec/pod');
    expect(withWorker.of('other.example.com/v2', 'Worker')).toBeUndefined();
    expect(PodKinds.BUILT_IN.of('apps.example.com/v2', 'Worker')).toBeUndefined();
    expect(withWorker.hasKind('Worker')).toBe(true);
    expect(PodKinds.BUILT_IN.hasKind('Worker')).toBe(false);
  });
});

describe('custom pod kinds', () => {
  test.each([
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/template/spec' }, undefined],
    [{ apiGroup: 'example.com', kind: 'Runner', podSpecPath: '/spec' }, undefined],
    [{ apiGroup: '', kind: 'Worker', podSpecPath: '/spec' }, /API group "" is not a DNS subdomain/],
    [{ apiGroup: 'Apps.Example.com', kind: 'Worker', podSpecPath: '/spec' }, /API group "Apps.Example.com"/],
    [{ apiGroup: 'apps.example.com', kind: 'worker', podSpecPath: '/spec' }, /kind "worker" is not a Kubernetes kind/],
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: 'spec/template' }, /pod spec path "spec\/template" is not a JSON pointer/],
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec//template' }, /is not a JSON pointer/],
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/containers/0' }, /is not a JSON pointer/],
    [{ apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/a~1b' }, /is not a JSON pointer/],
    [{ apiGroup: 'apps', kind: 'Deployment', podSpecPath: '/spec/template/spec' }, /apps\/Deployment is already known \(pod spec at \/spec\/template\/spec\)/],
    [{ apiGroup: 'argoproj.io', kind: 'Rollout', podSpecPath: '/spec/x' }, /argoproj.io\/Rollout is already known/],
  ])('%j', (podKind, problem) => {
    const result = customPodKindProblem(podKind);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });

  test.each([
    ['apps.example.com/Worker=/spec/template/spec', { apiGroup: 'apps.example.com', kind: 'Worker', podSpecPath: '/spec/template/spec' }],
  ])('--pod-kind %s', (flag, expected) => {
    expect(parsePodKindFlag(flag)).toEqual({ podKind: { ...expected, origin: 'custom' } });
  });

  test.each([
    ['apps.example.com/Worker', /is not GROUP\/KIND=\/json\/pointer/],
    ['Worker=/spec', /is not GROUP\/KIND=\/json\/pointer/],
    ['apps.example.com/Worker=spec', /is not a JSON pointer/],
    ['batch/Job=/spec/template/spec', /batch\/Job is already known/],
  ])('--pod-kind %s is refused', (flag, problem) => {
    const parsed = parsePodKindFlag(flag);
    expect('problem' in parsed ? parsed.problem : '').toMatch(problem);
  });

  test('the core group is written "core" in messages', () => {
    expect(describePodKind({ apiGroup: '', kind: 'Pod' })).toBe('core/Pod');
    expect(describePodKind({ apiGroup: 'apps', kind: 'Deployment' })).toBe('apps/Deployment');
  });
});

test('apiGroupOf', () => {
  expect(apiGroupOf('v1')).toBe('');
  expect(apiGroupOf('apps/v1')).toBe('apps');
  expect(apiGroupOf('serving.knative.dev/v1')).toBe('serving.knative.dev');
});

test('readPointer follows own keys only', () => {
  const doc = { spec: { template: { spec: { containers: [] } } } };
  expect(readPointer(doc, '/spec/template/spec')).toEqual({ containers: [] });
  expect(readPointer(doc, '/spec/missing/spec')).toBeUndefined();
  expect(readPointer({}, '/constructor')).toBeUndefined();
  expect(readPointer({ spec: [1] }, '/spec/0')).toBeUndefined();
});
