import { parseEventsText } from '../../src/events/input';
import { classifyPullError, parseMessage, PullEvent, pullRecords, readEventList } from '../../src/events/pull-records';

/** A core/v1 Event of pod `pod`'s container `container`, as `kubectl get events -o json` lists it. */
function coreEvent(reason: string, message: string, extra: Record<string, unknown> = {}, pod = 'web-7d4b9c8f6-x2x9k', container = 'main') {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.17cb000000000001`, namespace: 'shop', creationTimestamp: '2024-05-01T10:00:00Z' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: pod, fieldPath: `spec.containers{${container}}` },
    reason,
    message,
    type: reason === 'Failed' ? 'Warning' : 'Normal',
    count: 1,
    source: { component: 'kubelet', host: 'node-1' },
    ...extra,
  };
}

const at = (minute: number, second = 0) => `2024-05-01T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
const IMAGE = 'quay.io/example/shop-web:2.3.1';
const UNAUTHORIZED_401 = `failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": `
  + 'unexpected status from HEAD request to https://quay.io/v2/example/shop-web/manifests/2.3.1: 401 UNAUTHORIZED';

/** The records of a List of `items`. */
function recordsOf(...items: unknown[]) {
  return pullRecords(readEventList([{ apiVersion: 'v1', kind: 'List', items }], 'events.json').events);
}

describe('classifyPullError: the runtime error texts (REFERENCE §9)', () => {
  test.each<[string, string, string]>([
    // credentials refused
    ['containerd 401', UNAUTHORIZED_401, 'unauthorized'],
    ['containerd 403 on the token', 'failed to resolve reference "ghcr.io/x/y:1": failed to authorize: failed to fetch anonymous token: '
      + 'unexpected status from GET request to https://ghcr.io/token?scope=repository%3Ax%2Fy%3Apull&service=ghcr.io: 403 Forbidden', 'unauthorized'],
    ['containerd oauth token', 'failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized', 'unauthorized'],
    ['CRI-O unauthorized', 'initializing source docker://quay.io/x/y:1.0: reading manifest 1.0 in quay.io/x/y: '
      + 'unauthorized: access to the requested resource is not authorized', 'unauthorized'],
    ['CRI-O bad password', 'unable to retrieve auth token: invalid username/password: unauthorized: incorrect username or password', 'unauthorized'],
    ['Docker daemon, ECR', 'Error response from daemon: Get https://1234.dkr.ecr.eu-west-1.amazonaws.com/v2/app/manifests/1: no basic auth credentials', 'unauthorized'],
    ['Artifact Registry', 'failed to resolve reference "europe-docker.pkg.dev/p/r/i:1": failed to authorize: '
      + 'denied: Permission "artifactregistry.repositories.downloadArtifacts" denied', 'unauthorized'],
    ['authorization failed', 'server message: insufficient_scope: authorization failed', 'unauthorized'],
    ['old dockershim', 'image pull failed for quay.io/x:1, this may be because there are no credentials on this request.  details: '
      + '(unauthorized: authentication required)', 'unauthorized'],
    ['CRI-O with failing mirrors', 'reading manifest 1.0 in quay.io/x/y: unauthorized: access to the requested resource is not authorized '
      + '(Mirrors also failed: [mirror.local/x/y:1.0: pinging container registry mirror.local: Get "https://mirror.local/v2/": dial tcp: '
      + 'lookup mirror.local: no such host])', 'unauthorized'],
    // no such image
    ['containerd not found', 'failed to resolve reference "ghcr.io/example/report:1.4": ghcr.io/example/report:1.4: not found', 'not-found'],
    ['CRI-O manifest unknown', 'reading manifest 9.9 in quay.io/example/worker: manifest unknown', 'not-found'],
    ['registry MANIFEST_UNKNOWN', 'unexpected status: 404 Not Found: MANIFEST_UNKNOWN', 'not-found'],
    ['Docker daemon not found', 'Error response from daemon: manifest for nginx:nonexist not found: manifest unknown: manifest unknown', 'not-found'],
    ['Docker daemon, old wording', 'Error response from daemon: repository nginx not found: does not exist or no pull access', 'not-found'],
    ['no platform', 'no match for platform in manifest: not found', 'not-found'],
    // rate limits
    ['Docker Hub 429', 'unexpected status code https://registry-1.docker.io/v2/library/postgres/manifests/sha256:4b1c: 429 Too Many Requests - '
      + 'Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading', 'rate-limited'],
    ['toomanyrequests alone', 'toomanyrequests: Too Many Requests. Please see https://docs.docker.com/docker-hub/download-rate-limit/', 'rate-limited'],
    ['kubelet pull QPS', 'pull QPS exceeded', 'rate-limited'],
    // unreachable
    ['DNS', 'failed to do request: Head "https://registry.internal/v2/x/manifests/1": dial tcp: lookup registry.internal on 10.96.0.10:53: no such host', 'unreachable'],
    ['refused', 'dial tcp 10.0.0.5:5000: connect: connection refused', 'unreachable'],
    ['timeout', 'dial tcp 52.95.0.1:443: i/o timeout', 'unreachable'],
    ['token fetch that never connected', 'failed to authorize: failed to fetch anonymous token: Get "https://auth.docker.io/token?service=registry.docker.io": '
      + 'dial tcp 54.1.2.3:443: i/o timeout', 'unreachable'],
    ['x509', 'tls: failed to verify certificate: x509: certificate signed by unknown authority', 'unreachable'],
    ['TLS handshake timeout', 'Get "https://quay.io/v2/": net/http: TLS handshake timeout', 'unreachable'],
    ['plain HTTP registry', 'Get "https://localhost:5000/v2/": http: server gave HTTP response to HTTPS client', 'unreachable'],
    ['kubelet 1.32 RegistryUnavailable', 'image pull failed for quay.io/x:1 because the registry is unavailable: service unavailable', 'unreachable'],
    // anything else
    ['disk full', 'failed to extract layer sha256:abc: write /var/lib/containerd/x: no space left on device', 'unknown'],
    ['empty', '', 'unknown'],
  ])('%s', (_, text, reason) => {
    expect(classifyPullError(text).reason).toBe(reason);
    expect(classifyPullError(text).ambiguous).toBe(false);
  });

  test.each([
    'failed to resolve reference "docker.io/example/private-tool:1.0": pull access denied, repository does not exist or may require authorization: '
      + 'server message: insufficient_scope: authorization failed',
    'Error response from daemon: pull access denied for example/app, repository does not exist or may require \'docker login\': '
      + 'denied: requested access to the resource is denied',
  ])('Docker Hub\'s "denied or missing" is unauthorized unless a credential for the image was sent: %s', (text) => {
    expect(classifyPullError(text)).toEqual({ reason: 'unauthorized', ambiguous: true });
    expect(classifyPullError(text, true)).toEqual({ reason: 'not-found', ambiguous: true });
  });
});

describe('parseMessage: the kubelet\'s wordings, old and new', () => {
  test.each<[string, ReturnType<typeof parseMessage>]>([
    [`Pulling image "${IMAGE}"`, { kind: 'pulling', image: IMAGE }],
    [`pulling image "${IMAGE}"`, { kind: 'pulling', image: IMAGE }],
    [`Successfully pulled image "${IMAGE}" in 1.2s (1.2s including waiting). Image size: 1234 bytes.`, { kind: 'pulled', image: IMAGE }],
    [`Successfully pulled image "${IMAGE}" in 1.2s (1.2s including waiting)`, { kind: 'pulled', image: IMAGE }],
    [`Successfully pulled image "${IMAGE}"`, { kind: 'pulled', image: IMAGE }],
    [`Container image "${IMAGE}" already present on machine`, { kind: 'pulled', image: IMAGE }],
    [`Container image "${IMAGE}" already present on machine and can be accessed by the pod`, { kind: 'pulled', image: IMAGE }],
    [`Failed to pull image "${IMAGE}": ${UNAUTHORIZED_401}`, { kind: 'failed', image: IMAGE, detail: UNAUTHORIZED_401 }],
    [`Failed to pull image "${IMAGE}": rpc error: code = Unknown desc = x`, { kind: 'failed', image: IMAGE, detail: 'rpc error: code = Unknown desc = x' }],
    [`Failed to inspect image "${IMAGE}": rpc error: code = Unknown desc = y`, { kind: 'failed', image: IMAGE, detail: 'rpc error: code = Unknown desc = y' }],
    [`Back-off pulling image "${IMAGE}"`, { kind: 'backoff', image: IMAGE }],
    [`back-off pulling image "${IMAGE}"`, { kind: 'backoff', image: IMAGE }],
    [`Back-off pulling image "${IMAGE}": ErrImagePull: ${UNAUTHORIZED_401}`, { kind: 'backoff', image: IMAGE, detail: UNAUTHORIZED_401 }],
    ['Failed to apply default image tag "Quay.io/X:1": couldn\'t parse image reference "Quay.io/X:1": invalid reference format: repository name must be lowercase',
      { kind: 'invalid-image', image: 'Quay.io/X:1', detail: 'couldn\'t parse image reference "Quay.io/X:1": invalid reference format: repository name must be lowercase' }],
    [`Container image "${IMAGE}" is not present with pull policy of Never`, { kind: 'never-pull', image: IMAGE }],
    ['Error: ErrImagePull', { kind: 'pull-error', detail: 'ErrImagePull' }],
    ['Error: ImagePullBackOff', { kind: 'pull-error', detail: 'ImagePullBackOff' }],
    ['Error: InvalidImageName', { kind: 'pull-error', detail: 'InvalidImageName' }],
    ['Error: ErrImageNeverPull', { kind: 'pull-error', detail: 'ErrImageNeverPull' }],
    ['Error: CreateContainerConfigError', undefined],
    ['Back-off restarting failed container main in pod web_shop(1234)', undefined],
    ['Started container main', undefined],
    ['Created container main', undefined],
  ])('%s', (message, expected) => {
    expect(parseMessage(message)).toEqual(expected);
  });
});

describe('readEventList: the shapes kubectl writes', () => {
  test('a kubectl List of core/v1 Events: pull events of pods only, with container, image, count and time', () => {
    const list = readEventList([{
      apiVersion: 'v1',
      kind: 'List',
      items: [
        coreEvent('Pulling', `Pulling image "${IMAGE}"`, { count: 3, lastTimestamp: at(2) }),
        coreEvent('Scheduled', 'Successfully assigned shop/web-7d4b9c8f6-x2x9k to node-1'),
        { ...coreEvent('ScalingReplicaSet', `Pulling image "${IMAGE}"`), involvedObject: { kind: 'Deployment', namespace: 'shop', name: 'web' } },
        coreEvent('Pulled', 'Container image "busybox:1.36" already present on machine', {
          involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d4b9c8f6-x2x9k', fieldPath: 'spec.initContainers{init}' },
        }),
      ],
    }], 'events.json');
    expect(list.eventObjects).toBe(4);
    expect(list.otherObjects).toBe(0);
    expect(list.events).toEqual([
      {
        namespace: 'shop',
        pod: 'web-7d4b9c8f6-x2x9k',
        container: 'main',
        image: IMAGE,
        kind: 'pulling',
        reason: 'Pulling',
        message: `Pulling image "${IMAGE}"`,
        count: 3,
        time: Date.parse(at(2)),
        order: 0,
      },
      {
        namespace: 'shop',
        pod: 'web-7d4b9c8f6-x2x9k',
        container: 'init',
        image: 'busybox:1.36',
        kind: 'pulled',
        reason: 'Pulled',
        message: 'Container image "busybox:1.36" already present on machine',
        count: 1,
        time: Date.parse(at(0)),
        order: 1,
      },
    ]);
  });

  test('events.k8s.io/v1: regarding, note, deprecatedCount, series, eventTime', () => {
    const list = readEventList([{
      apiVersion: 'v1',
      kind: 'List',
      items: [{
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'db-0.17cb1', namespace: 'data', creationTimestamp: at(0) },
        eventTime: '2024-05-01T10:00:05.123456Z',
        series: { count: 7, lastObservedTime: '2024-05-01T10:04:00.250000Z' },
        reason: 'Failed',
        note: 'Failed to pull image "postgres:16": toomanyrequests: You have reached your pull rate limit.',
        regarding: { kind: 'Pod', namespace: 'data', name: 'db-0', fieldPath: 'spec.containers{postgres}' },
        deprecatedCount: 0,
        type: 'Warning',
      }, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'db-0.17cb2', namespace: 'data' },
        reason: 'Pulling',
        note: 'Pulling image "postgres:16"',
        regarding: { kind: 'Pod', namespace: 'data', name: 'db-0', fieldPath: 'spec.containers{postgres}' },
        deprecatedCount: 4,
        deprecatedLastTimestamp: at(3),
      }],
    }], 'events.json');
    expect(list.events.map((e) => [e.kind, e.container, e.image, e.count, e.time])).toEqual([
      ['failed', 'postgres', 'postgres:16', 7, Date.parse('2024-05-01T10:04:00.250Z')],
      ['pulling', 'postgres', 'postgres:16', 4, Date.parse(at(3))],
    ]);
  });

  test('a typed EventList (items without kind), a single Event, an array, and a watch stream', () => {
    const event = coreEvent('Pulling', `Pulling image "${IMAGE}"`);
    const { kind, apiVersion, ...bare } = event;
    expect(readEventList([{ apiVersion: 'v1', kind: 'EventList', items: [bare] }], 'x').events).toHaveLength(1);
    expect(readEventList([event], 'x').events).toHaveLength(1);
    expect(readEventList([[event, event]], 'x').events).toHaveLength(2);
    expect(readEventList(parseEventsText(`${JSON.stringify(event, null, 2)}\n${JSON.stringify(event)}\n`, 'x'), 'x').events).toHaveLength(2);
    expect(kind).toBe('Event');
    expect(apiVersion).toBe('v1');
  });

  test('a List with mixed kinds: the others are counted and skipped', () => {
    const list = readEventList([{
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } },
        coreEvent('Pulling', `Pulling image "${IMAGE}"`),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
        { apiVersion: 'example.com/v1', kind: 'Event', metadata: { name: 'not-core' } },
        'not an object',
      ],
    }], 'x');
    expect([list.eventObjects, list.otherObjects, list.events.length]).toEqual([1, 4, 1]);
  });

  test.each<[string, unknown[], string]>([
    ['a List of Pods', [{ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod' }] }], 'holds no Event objects'],
    ['a Deployment', [{ apiVersion: 'apps/v1', kind: 'Deployment' }], 'holds no Event objects'],
    ['a List whose items is no list', [{ apiVersion: 'v1', kind: 'List', items: { a: 1 } }], 'is not a valid List: "items" is not a list'],
  ])('%s is an input error', (_, values, message) => {
    expect(() => readEventList(values, 'in.json')).toThrow(`in.json: ${message}`);
  });

  test('an empty List reads as no events', () => {
    expect(readEventList([{ apiVersion: 'v1', kind: 'List', items: [] }], 'x')).toEqual({ events: [], eventObjects: 0, otherObjects: 0 });
  });
});

describe('parseEventsText', () => {
  test('one value, or several one after another; a byte order mark is no content', () => {
    expect(parseEventsText('\ufeff{"kind":"List","items":[]}', 'x')).toEqual([{ kind: 'List', items: [] }]);
    expect(parseEventsText('{"a":"}{"}\n{"b":[1,{"c":"\\""}]}', 'x')).toEqual([{ a: '}{' }, { b: [1, { c: '"' }] }]);
  });

  test.each([
    ['', 'is empty'],
    ['  \n', 'is empty'],
    ['{"kind": "List", "items": [ {"secret": "hunter2"', 'is not valid JSON (near line 1)'],
    ['{"a": 1}\n{"b": hunter2}', 'is not valid JSON (near line 2)'],
    ['hunter2', 'is not valid JSON (near line 1)'],
  ])('%j is refused without quoting it', (text, message) => {
    expect(() => parseEventsText(text, 'in.json')).toThrow(message);
    try {
      parseEventsText(text, 'in.json');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('pullRecords: per pod, container and image, in time order', () => {
  const failed = (last: string, count = 1) => coreEvent('Failed', `Failed to pull image "${IMAGE}": ${UNAUTHORIZED_401}`, { count, lastTimestamp: last });
  const errImagePull = (last: string, count = 1) => coreEvent('Failed', 'Error: ErrImagePull', { count, lastTimestamp: last });
  const backOff = (last: string, count = 1) => coreEvent('BackOff', `Back-off pulling image "${IMAGE}"`, { count, lastTimestamp: last });
  const pulling = (last: string, count = 1) => coreEvent('Pulling', `Pulling image "${IMAGE}"`, { count, lastTimestamp: last });
  const pulled = (last: string) => coreEvent('Pulled', `Successfully pulled image "${IMAGE}" in 1s (1s including waiting). Image size: 1 bytes.`, { lastTimestamp: last });

  test('failing: the runtime\'s message and reason, the count of failed pulls, the waiting reason', () => {
    const [record] = recordsOf(pulling(at(2), 3), failed(at(2, 1), 3), errImagePull(at(2, 1), 3), backOff(at(3), 9),
      coreEvent('Failed', 'Error: ImagePullBackOff', { count: 9, lastTimestamp: at(3) }));
    expect(record).toMatchObject({
      namespace: 'shop',
      pod: 'web-7d4b9c8f6-x2x9k',
      container: 'main',
      image: IMAGE,
      status: 'failing',
      reason: 'unauthorized',
      message: UNAUTHORIZED_401,
      count: 3,
      failures: 3,
      recovered: false,
      retrying: false,
      waitingReason: 'ImagePullBackOff',
      lastEvent: 'Failed',
      lastSeen: Date.parse(at(3)),
    });
  });

  test('a pod that failed and then pulled is pulled (and recovered), whatever the input order', () => {
    const events = [pulling(at(5), 4), failed(at(2, 1), 3), errImagePull(at(2, 1), 3), backOff(at(4), 9), pulled(at(5, 2))];
    for (const order of [events, [...events].reverse()]) {
      const [record] = recordsOf(...order);
      expect(record).toMatchObject({ status: 'pulled', reason: null, recovered: true, failures: 3, waitingReason: null, count: 1 });
      expect(record.message).toMatch(/^Successfully pulled image/);
    }
  });

  test('pulling once more after failures is still failing, and retrying', () => {
    const [record] = recordsOf(failed(at(2, 1), 3), backOff(at(4), 9), pulling(at(5), 4));
    expect(record).toMatchObject({ status: 'failing', reason: 'unauthorized', retrying: true, message: UNAUTHORIZED_401 });
  });

  test('pulled, then failing on a later pull: failing', () => {
    const [record] = recordsOf(pulling(at(0)), pulled(at(0, 5)), pulling(at(7)), failed(at(7, 1)));
    expect(record).toMatchObject({ status: 'failing', reason: 'unauthorized', recovered: false });
  });

  test('only pulling: pulling; nothing failing has no reason', () => {
    expect(recordsOf(pulling(at(1)))[0]).toMatchObject({ status: 'pulling', reason: null, message: `Pulling image "${IMAGE}"` });
  });

  test.each<[string, Record<string, unknown>]>([
    ['series.lastObservedTime over lastTimestamp', { lastTimestamp: at(1), series: { count: 2, lastObservedTime: '2024-05-01T10:09:00.000000Z' } }],
    ['eventTime alone', { lastTimestamp: null, firstTimestamp: null, eventTime: '2024-05-01T10:09:00.000000Z' }],
    ['firstTimestamp alone', { lastTimestamp: null, firstTimestamp: at(9) }],
    ['metadata.creationTimestamp alone', { metadata: { name: 'x', namespace: 'shop', creationTimestamp: at(9) } }],
  ])('the time of an event: %s', (_, times) => {
    // The failure happened at 10:05; the pull event carries its time in one field only.
    const [record] = recordsOf({ ...pulled(at(0)), lastTimestamp: undefined, metadata: { name: 'y' }, ...times }, failed(at(5)));
    expect(record.status).toBe('pulled');
  });

  test('events of the same time keep their input order', () => {
    expect(recordsOf(failed(at(5)), pulled(at(5)))[0].status).toBe('pulled');
    expect(recordsOf(pulled(at(5)), failed(at(5)))[0].status).toBe('failing');
  });

  test('"Error: ..." events belong to the image the container\'s events named; a changed image is a record of its own', () => {
    const other = 'quay.io/example/shop-web:2.3.2';
    const records = recordsOf(
      failed(at(1)), errImagePull(at(1, 1)),
      coreEvent('Pulling', `Pulling image "${other}"`, { lastTimestamp: at(6) }),
      coreEvent('Pulled', `Successfully pulled image "${other}"`, { lastTimestamp: at(6, 5) }),
    );
    expect(records.map((r) => [r.image, r.status, r.waitingReason])).toEqual([[IMAGE, 'failing', 'ErrImagePull'], [other, 'pulled', null]]);
  });

  test('an image-less event before any image is attributed to the first image of the container', () => {
    const records = recordsOf(errImagePull(at(0)), failed(at(1)));
    expect(records.map((r) => r.image)).toEqual([IMAGE]);
  });

  test('an invalid image name: failing, unknown, InvalidImageName', () => {
    const [record] = recordsOf(
      coreEvent('InspectFailed', 'Failed to apply default image tag "Quay.io/X:1": couldn\'t parse image reference "Quay.io/X:1": invalid reference format', {
        lastTimestamp: at(1),
      }),
      coreEvent('Failed', 'Error: InvalidImageName', { lastTimestamp: at(1) }),
    );
    expect(record).toMatchObject({ image: 'Quay.io/X:1', status: 'failing', reason: 'unknown', waitingReason: 'InvalidImageName' });
    expect(record.message).toContain('invalid reference format');
  });

  test('pull policy Never without the image on the node: not-found', () => {
    const [record] = recordsOf(coreEvent('ErrImageNeverPull', `Container image "${IMAGE}" is not present with pull policy of Never`),
      coreEvent('Failed', 'Error: ErrImageNeverPull'));
    expect(record).toMatchObject({ status: 'failing', reason: 'not-found', waitingReason: 'ErrImageNeverPull' });
  });

  test('a bare back-off (the failure itself no longer listed): failing, unknown', () => {
    expect(recordsOf(backOff(at(1), 40))[0]).toMatchObject({ status: 'failing', reason: 'unknown', count: 40, waitingReason: 'ImagePullBackOff' });
  });

  test('a newer kubelet\'s back-off carries the error: it is classified', () => {
    const [record] = recordsOf(coreEvent('BackOff', `Back-off pulling image "${IMAGE}": ErrImagePull: toomanyrequests: rate limit`));
    expect(record).toMatchObject({ status: 'failing', reason: 'rate-limited', message: 'toomanyrequests: rate limit' });
  });

  test('Docker Hub\'s ambiguous refusal is flagged; pulling the image clears it', () => {
    const denied = coreEvent('Failed', 'Failed to pull image "example/tool:1": pull access denied, repository does not exist or may require authorization',
      { lastTimestamp: at(1) });
    expect(recordsOf(denied)[0]).toMatchObject({ reason: 'unauthorized', ambiguous: true });
    expect(recordsOf(denied, coreEvent('Pulled', 'Successfully pulled image "example/tool:1"', { lastTimestamp: at(2) }))[0])
      .toMatchObject({ status: 'pulled', reason: null, ambiguous: false });
  });

  test('records are sorted by namespace, pod, container and image; containers and pods are kept apart', () => {
    const records = recordsOf(
      coreEvent('Pulling', 'Pulling image "b:1"', {}, 'pod-b', 'c2'),
      coreEvent('Pulling', 'Pulling image "b:1"', {}, 'pod-b', 'c1'),
      coreEvent('Pulling', 'Pulling image "a:1"', {}, 'pod-a', 'c1'),
    );
    expect(records.map((r) => `${r.pod}/${r.container}/${r.image}`)).toEqual(['pod-a/c1/a:1', 'pod-b/c1/b:1', 'pod-b/c2/b:1']);
  });
});

test('PullEvent is what readEventList gives', () => {
  const events: PullEvent[] = readEventList([coreEvent('Pulling', `Pulling image "${IMAGE}"`)], 'x').events;
  expect(events[0].kind).toBe('pulling');
});
