import { Chart, Names, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { sanitize } from '../../src/cli/events-report';
import { fixFor, settleReason } from '../../src/events/fix';
import { PullRecord } from '../../src/events/pull-records';
import { cdk8sLabelValue, parseConstructMetadata, PodWorkload, podNameMatches, PullSecretUse, WorkloadIndex } from '../../src/events/workloads';
import { parseManifests } from '../../src/manifests/manifests';

describe('podNameMatches: pod names per kind (REFERENCE §9)', () => {
  test.each<[string, string, string, boolean]>([
    ['Pod', 'tools', 'tools', true],
    ['Pod', 'tools', 'tools-bcdfg', false],
    ['Deployment', 'web', 'web-7d4b9c8f6-x2x9k', true],
    ['Deployment', 'web', 'web-5f6d7c8b9d-kxzvw', true], // a 10-character hash
    ['Deployment', 'web', 'web-x2x9k', false], // no ReplicaSet hash
    ['Deployment', 'web', 'web-7d4b9c8f6-x2x9', false], // a 4-character suffix
    ['Deployment', 'web', 'web-7d4b9c8f6-x2x9a', false], // "a" is no character of generated names
    ['Deployment', 'web', 'webshop-7d4b9c8f6-x2x9k', false],
    ['Deployment', 'web', 'web-api-7d4b9c8f6-x2x9k', false],
    ['StatefulSet', 'db', 'db-0', true],
    ['StatefulSet', 'db', 'db-12', true],
    ['StatefulSet', 'db', 'db-01', false],
    ['StatefulSet', 'db', 'db-x', false],
    ['StatefulSet', 'db', 'db-', false],
    ['DaemonSet', 'agent', 'agent-bcdfg', true],
    ['DaemonSet', 'agent', 'agent-7d4b9-bcdfg', false],
    ['ReplicaSet', 'web-7d4b9c8f6', 'web-7d4b9c8f6-x2x9k', true],
    ['Job', 'migrate', 'migrate-qwxzt', true],
    ['Job', 'migrate', 'migrate-3-qwxzt', true], // an Indexed Job's pod
    ['Job', 'migrate', 'migrate-qwxz', false],
    ['CronJob', 'nightly-report', 'nightly-report-28745760-bcdfg', true],
    ['CronJob', 'nightly-report', 'nightly-report-bcdfg', false],
    ['CronJob', 'nightly-report', 'nightly-report-2874576x-bcdfg', false],
    ['ConfigMap', 'web', 'web', false],
    ['Rollout', 'canary', 'canary-7d4b9c8f6-x2x9k', true], // other pod-bearing kinds: the name and a dash
    ['CloneSet', 'web', 'web-bcdfg', true],
    ['Worker', 'custom', 'custom-0', true],
    ['Worker', 'custom', 'custom', false],
    ['Worker', 'custom', 'customer-0', false],
  ])('%s %s runs pod %s: %s', (kind, name, pod, expected) => {
    expect(podNameMatches(kind, name, pod)).toBe(expected);
  });

  test('generated names keep 58 characters of their base (the ReplicaSet hash or the CronJob time may be cut)', () => {
    const long = 'a-deployment-with-a-rather-long-name-for-its-team-x'; // 51 characters
    const base = `${long}-7d4b9c8f6-`.slice(0, 58);
    expect(podNameMatches('Deployment', long, `${base}x2x9k`)).toBe(true);
    expect(podNameMatches('Deployment', long, `${long}-7d4b9c8f6-x2x9k`)).toBe(false); // too long to be generated
    const cron = 'c'.repeat(52);
    expect(podNameMatches('CronJob', cron, `${`${cron}-28745760-`.slice(0, 58)}bcdfg`)).toBe(true);
    const daemon = 'd'.repeat(60);
    expect(podNameMatches('DaemonSet', daemon, `${'d'.repeat(58)}bcdfg`)).toBe(true);
    expect(podNameMatches('DaemonSet', 'd'.repeat(59), `${'d'.repeat(58)}bcdfg`)).toBe(true);
  });
});

describe('cdk8sLabelValue: the cdk8s.io/metadata.addr label cdk8s 2.70 writes', () => {
  test.each([
    ['shop', 'web', 'Workload'],
    ['data', 'db', 'Workload'],
    ['a-chart-with-a-long-name', 'and-a-deeply-nested', 'construct-tree-that-is', 'longer-than-63-characters', 'Workload'],
    ['chart', 'Default', 'web'],
    ['chart', 'Resource', 'x'],
    ['chart', 'web.v2', 'Pod_1'],
    ['chart', 'web', 'web'],
  ])('agrees with Names.toLabelValue for %s/...', (...ids) => {
    const app = Testing.app();
    let scope: Construct = new Chart(app, ids[0]);
    for (const id of ids.slice(1)) scope = new Construct(scope, id);
    expect(cdk8sLabelValue(scope.node.path)).toBe(Names.toLabelValue(scope));
  });

  test('a single id that is a valid label value is kept as it is', () => {
    expect(cdk8sLabelValue('shop')).toBe('shop');
  });

  test('CDK8S_LEGACY_HASH: SHA-256 of the path', () => {
    const app = Testing.app();
    const scope = new Construct(new Chart(app, 'shop'), 'web');
    process.env.CDK8S_LEGACY_HASH = '1';
    try {
      expect(cdk8sLabelValue(scope.node.path, true)).toBe(Names.toLabelValue(scope));
    } finally {
      delete process.env.CDK8S_LEGACY_HASH;
    }
  });
});

describe('parseConstructMetadata', () => {
  test('what cdk8s writes', () => {
    const parsed = parseConstructMetadata('{"version":"1.0.0","resources":{"web":{"path":"shop/web/Workload/Resource"},"odd":{"nopath":1}}}');
    expect(parsed).toEqual({ paths: new Map([['web', 'shop/web/Workload/Resource']]) });
  });

  test.each([
    ['{', 'is not valid JSON'],
    ['[]', 'has no "resources" object'],
    ['{"version":"1.0.0"}', 'has no "resources" object'],
  ])('%s: %s', (text, problem) => {
    expect(parseConstructMetadata(text)).toMatch(problem);
  });
});

describe('sanitize: one line, control characters as escapes, no credentials', () => {
  test.each([
    ['a\nb\r\nc\td', 'a\\nb\\r\\nc\\td'],
    ['bidi \u202eevil\u202c and \u2028 separators \u0000\u001b[2J\u009b', 'bidi \\u202eevil\\u202c and \\u2028 separators \\x00\\x1b[2J\\x9b'],
    ['Head "https://deploy:hunter2@registry.internal:5000/v2/"', 'Head "https://***@registry.internal:5000/v2/"'],
    ['Head "https:/deploy:hunter2@registry.internal:5000/v2/"', 'Head "https:/***@registry.internal:5000/v2/"'],
    ['pulling deploy:hunter2@registry.internal/a/b:1 failed', 'pulling ***@registry.internal/a/b:1 failed'],
    ['registry.internal/org@hunter2 not found', '***@*** not found'],
    ['Get "https://b.s3.amazonaws.com/x?X-Amz-Security-Token=abc&X-Amz-Algorithm=AWS4&X-Amz-Signature=def"',
      'Get "https://b.s3.amazonaws.com/x?X-Amz-Security-Token=[redacted]&X-Amz-Algorithm=AWS4&X-Amz-Signature=[redacted]"'],
    ['https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io',
      'https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'Authorization: Bearer [redacted]'],
    ['Basic cm9ib3Q6aHVudGVyMg==', 'Basic [redacted]'],
  ])('%j', (text, expected) => {
    expect(sanitize(text)).toBe(expected);
  });

  test('long messages are cut at 2000 characters', () => {
    const line = sanitize('x'.repeat(5000));
    expect(line).toHaveLength(2000);
    expect(line.endsWith('…')).toBe(true);
  });
});

/** A dockerconfigjson Secret for `server`, its password never printed. */
function pullSecret(name: string, namespace: string, server: string): string {
  const config = JSON.stringify({ auths: { [server]: { auth: Buffer.from('robot:Wl-S3cret').toString('base64') } } });
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: ${namespace}}
type: kubernetes.io/dockerconfigjson
data: {.dockerconfigjson: ${Buffer.from(config).toString('base64')}}
`;
}

const MANIFESTS = [
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: api, image: ghcr.io/example/api:1}]
      imagePullSecrets: [{name: quay-only}, {name: elsewhere}, {name: vault-made}, {name: gone}, {name: quay-only}]
`,
  `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: api-v2, namespace: shop}
spec: {template: {spec: {containers: [{name: api, image: ghcr.io/example/api:2}]}}}
`,
  `apiVersion: apps/v1
kind: Deployment
metadata: {name: tools}
spec: {template: {spec: {containers: [{name: t, image: quay.io/example/tools:1}], serviceAccountName: builder}}}
`,
  `apiVersion: batch/v1
kind: Job
metadata: {name: tools, namespace: ops}
spec: {template: {spec: {containers: [{name: other, image: quay.io/example/tools:1}]}}}
`,
  `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: tools, namespace: ops}
spec: {template: {spec: {containers: [{name: t, image: quay.io/example/tools:1}]}}}
`,
  `apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ops}
imagePullSecrets: [{name: quay-ops}]
`,
  `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: vault-made, namespace: shop}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {template: {type: kubernetes.io/dockerconfigjson}}
  data: [{secretKey: .dockerconfigjson, remoteRef: {key: registry/ghcr}}]
`,
  pullSecret('quay-only', 'shop', 'quay.io'),
  pullSecret('elsewhere', 'other', 'ghcr.io'),
  pullSecret('quay-ops', 'ops', 'quay.io'),
].join('---\n');

describe('WorkloadIndex', () => {
  const index = new WorkloadIndex(parseManifests(MANIFESTS, 'm.yaml'), new Map(), 'ops');

  test('pull secrets of the pod spec: what each holds for the image, once each', () => {
    const api = index.workloadOf('shop', 'api-7d4b9c8f6-x2x9k', 'api', 'ghcr.io/example/api:1');
    expect(api).toMatchObject({ kind: 'Deployment', name: 'api', serviceAccount: null, construct: null });
    expect(api!.pullSecrets.map((s) => [s.name, s.state, s.producer])).toEqual([
      ['quay-only', 'no-match', undefined],
      ['elsewhere', 'wrong-namespace', undefined],
      ['vault-made', 'produced', 'ExternalSecret "vault-made"'],
      ['gone', 'not-in-manifests', undefined],
    ]);
  });

  test('the longest name wins: DaemonSet "api-v2" over Deployment "api" (whose hash "v2" would fit too)', () => {
    expect(index.workloadOf('shop', 'api-v2-bcdfg', 'api', '')).toMatchObject({ kind: 'DaemonSet', name: 'api-v2' });
  });

  test('objects without a namespace are in the default one; the ServiceAccount\'s pull secrets apply', () => {
    expect(index.workloadOf('ops', 'tools-7d4b9c8f6-x2x9k', 't', 'quay.io/example/tools:1')).toMatchObject({
      kind: 'Deployment',
      name: 'tools',
      namespace: 'ops',
      serviceAccount: 'builder',
      pullSecrets: [{ name: 'quay-ops', from: 'service-account', state: 'matches', keys: ['quay.io'] }],
    });
    expect(index.workloadOf('shop', 'tools-7d4b9c8f6-x2x9k', 't', '')).toBeUndefined();
  });

  test('of two kinds that fit, the one with the container wins', () => {
    expect(index.workloadOf('ops', 'tools-bcdfg', 'other', '')).toMatchObject({ kind: 'Job' });
    expect(index.workloadOf('ops', 'tools-0', 't', '')).toMatchObject({ kind: 'StatefulSet' });
  });

  test('an invalid image matches no key', () => {
    const tools = index.workloadOf('ops', 'tools-7d4b9c8f6-x2x9k', 't', 'Not A Reference');
    expect(tools!.pullSecrets[0]).toMatchObject({ state: 'no-match', keys: [] });
  });
});

describe('fixFor: what to fix, per reason', () => {
  const base: PullRecord = {
    namespace: 'shop',
    pod: 'web-7d4b9c8f6-x2x9k',
    container: 'main',
    image: 'quay.io/example/web:1',
    status: 'failing',
    reason: 'unauthorized',
    message: '401 Unauthorized',
    count: 1,
    lastEvent: 'Failed',
    failures: 1,
    recovered: false,
    retrying: false,
    waitingReason: 'ErrImagePull',
    ambiguous: false,
  };
  const workload = (pullSecrets: PullSecretUse[], extra: Partial<PodWorkload> = {}): PodWorkload => ({
    kind: 'Deployment', name: 'web', namespace: 'shop', file: 'm.yaml', document: 1, construct: null, serviceAccount: null, pullSecrets, volume: null, mirror: null, ...extra,
  });
  const secret = (name: string, state: PullSecretUse['state'], extra: Partial<PullSecretUse> = {}): PullSecretUse => ({
    name, from: 'pod', state, keys: state === 'matches' ? ['quay.io'] : [], ...extra,
  });

  test.each<[string, Partial<PullRecord>, PodWorkload | null | undefined, string | null]>([
    ['pulled: nothing', { status: 'pulled', reason: null }, undefined, null],
    ['unauthorized, no workload found', {}, null,
      'registry quay.io refused the pull, and no workload of the manifests runs pod "web-7d4b9c8f6-x2x9k" in namespace "shop": give it a pull secret with a valid credential for quay.io'],
    ['unauthorized, a credential made by an ExternalSecret', {}, workload([secret('q', 'matches', { producer: 'ExternalSecret "q"' })]),
      'registry quay.io refused the credential (key "quay.io") of pull secret "q": renew the password or token in that secret (short-lived tokens, such as ECR\'s, '
      + 'expire after 12 hours) and check that its account may pull "quay.io/example/web:1"; ExternalSecret "q" makes "q": fix the credential where it comes from'],
    ['unauthorized, secrets whose content is unknown', {}, workload([secret('a', 'not-in-manifests'), secret('b', 'produced')]),
      'the manifests do not show what pull secrets "a", "b" of Deployment "web" hold: check in the cluster that one holds a valid credential for quay.io '
      + '(kubectl get secret a -n shop)'],
    ['unauthorized, no secret for the registry', {}, workload([secret('ghcr', 'no-match'), secret('far', 'wrong-namespace')]),
      'none of the pull secrets of Deployment "web" ("ghcr", "far") holds a credential for quay.io: add a RegistrySecret for quay.io in namespace "shop"; '
      + 'pull secret "far" exists only in other namespaces'],
    ['unauthorized, no secret at all, a ServiceAccount', {}, workload([], { serviceAccount: 'default', construct: { path: 'app/web/Resource', pathFrom: 'name', address: null } }),
      'Deployment "web" (construct app/web/Resource) references no pull secret (nor does its ServiceAccount "default"): add a RegistrySecret for quay.io '
      + 'in namespace "shop" (PrivateImageWorkload and PullSecretWiring wire it into the pod spec)'],
    ['unauthorized, Docker Hub\'s ambiguity', { image: 'example/tool:1', ambiguous: true }, workload([]),
      'Deployment "web" references no pull secret: add a RegistrySecret for docker.io in namespace "shop" (PrivateImageWorkload and PullSecretWiring wire it '
      + 'into the pod spec); or the repository does not exist (Docker Hub says the same for both): check the image name'],
    ['rate-limited on Docker Hub with a credential', { reason: 'rate-limited', image: 'postgres:16' }, workload([secret('hub', 'matches')]),
      'Docker Hub rate-limits the account of pull secret "hub" too: use an account with a higher limit, or a mirror, for Deployment "web"'],
    ['rate-limited elsewhere', { reason: 'rate-limited' }, undefined,
      'registry quay.io limits pulls: wait, use a credential with a higher limit, or pull through a mirror, for pod "web-7d4b9c8f6-x2x9k"'],
    ['not found', { reason: 'not-found' }, undefined, '"quay.io/example/web:1" does not exist on registry quay.io: check the repository, tag or digest in pod "web-7d4b9c8f6-x2x9k"'],
    ['never pull', { reason: 'not-found', waitingReason: 'ErrImageNeverPull' }, undefined,
      'imagePullPolicy is Never and "quay.io/example/web:1" is not on the node: load it there, or set imagePullPolicy to IfNotPresent in pod "web-7d4b9c8f6-x2x9k"'],
    ['plain HTTP', { reason: 'unreachable', message: 'http: server gave HTTP response to HTTPS client' }, undefined,
      'registry quay.io speaks plain HTTP: configure it as an insecure registry in the container runtime of every node, or serve it over TLS'],
    ['unreachable', { reason: 'unreachable', message: 'dial tcp: i/o timeout' }, undefined,
      'the node cannot reach registry quay.io: check DNS, firewall and proxy settings from the node (e.g. crictl pull quay.io/example/web:1)'],
    ['invalid image name', { reason: 'unknown', image: 'Quay.io/X', waitingReason: 'InvalidImageName' }, workload([], { construct: { path: null, pathFrom: null, address: 'app-web-c8aaaaaa' } }),
      'the image reference "Quay.io/X" is invalid: fix it in Deployment "web" (construct address app-web-c8aaaaaa)'],
    ['unknown', { reason: 'unknown', image: '' }, undefined,
      'read the runtime\'s message above; kubectl describe pod web-7d4b9c8f6-x2x9k -n shop shows the same events'],
  ])('%s', (_, change, pod, expected) => {
    expect(fixFor({ ...base, ...change }, pod)).toBe(expected);
  });

  test('settleReason: the Docker Hub ambiguity is not-found only with a matching credential', () => {
    const denied = { ...base, image: 'example/tool:1', ambiguous: true, message: 'pull access denied, repository does not exist or may require authorization' };
    expect(settleReason(denied, workload([secret('hub', 'matches')])).reason).toBe('not-found');
    expect(settleReason(denied, workload([secret('hub', 'no-match')])).reason).toBe('unauthorized');
    expect(settleReason(denied, undefined).reason).toBe('unauthorized');
    expect(settleReason(base, workload([secret('q', 'matches')]))).toBe(base);
  });
});
