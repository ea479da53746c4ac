import {
  constructPathKey, ConstructPathEntry, MirrorPathEntry, mirrorThatRewrote, parseConstructPaths, serializeConstructPaths,
} from '../../src/rules/construct-paths';

const entry = (apiVersion: string, kind: string, namespace: string | null, name: string, path: string, construct = path): ConstructPathEntry =>
  ({ apiVersion, kind, namespace, name, path, construct });
const mirror = (upstream: string, endpoint: string, namespace: string | null, path: string): MirrorPathEntry =>
  ({ upstream, endpoint, namespace, path });
const parse = (text: string) => {
  const parsed = parseConstructPaths(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe('serializeConstructPaths', () => {
  test('sorted by apiVersion, kind, namespace (none first, then the empty one), name and path; fields in one order; a final newline', () => {
    const text = serializeConstructPaths([
      entry('v1', 'Service', 'shop', 'web', 'a/web/Service'),
      entry('apps/v1', 'Deployment', 'shop', 'web', 'a/web/Resource', 'a/web'),
      entry('v1', 'Namespace', null, 'shop', 'a/ns'),
      entry('v1', 'Service', 'ops', 'web', 'a/ops-web'),
      entry('v1', 'Service', 'shop', 'api', 'a/api'),
      entry('v1', 'Service', null, 'web', 'a/plain'),
      { construct: 'a/x', path: 'a/x', name: 'web', namespace: 'shop', kind: 'Service', apiVersion: 'v1' } as ConstructPathEntry,
    ]);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text);
    expect(parsed.version).toBe(1);
    expect(parsed.objects.map((o: ConstructPathEntry) => [o.kind, o.namespace, o.name, o.path])).toEqual([
      ['Deployment', 'shop', 'web', 'a/web/Resource'],
      ['Namespace', null, 'shop', 'a/ns'],
      ['Service', null, 'web', 'a/plain'],
      ['Service', 'ops', 'web', 'a/ops-web'],
      ['Service', 'shop', 'api', 'a/api'],
      ['Service', 'shop', 'web', 'a/web/Service'],
      ['Service', 'shop', 'web', 'a/x'],
    ]);
    expect(Object.keys(parsed.objects[0])).toEqual(['apiVersion', 'kind', 'namespace', 'name', 'path', 'construct']);
  });

  test('the same entries in any order give the same bytes', () => {
    const entries = [entry('v1', 'Service', 'b', 'x', 'p1'), entry('v1', 'Service', 'a', 'x', 'p2'), entry('v1', 'ConfigMap', null, 'x', 'p3')];
    expect(serializeConstructPaths([...entries].reverse())).toBe(serializeConstructPaths(entries));
  });

  test('what it writes reads back', () => {
    const entries = [entry('apps/v1', 'Deployment', 'shop', 'web', 'a/web/Resource', 'a/web'), entry('v1', 'Namespace', null, 'shop', 'a/ns')];
    const parsed = parseConstructPaths(serializeConstructPaths(entries));
    expect(parsed).not.toEqual(expect.any(String));
    const { byObject } = parsed as Exclude<typeof parsed, string>;
    expect(byObject.get(constructPathKey('apps/v1', 'Deployment', 'shop', 'web'))?.construct).toBe('a/web');
    expect(byObject.get(constructPathKey('v1', 'Namespace', undefined, 'shop'))?.construct).toBe('a/ns');
    expect(byObject.get(constructPathKey('v1', 'Namespace', '', 'shop'))?.construct).toBe('a/ns');
    expect(byObject.get(constructPathKey('apps/v1', 'Deployment', 'other', 'web'))).toBeUndefined();
  });
});

describe('parseConstructPaths', () => {
  test('one object named twice by different constructs is left out; named twice by one construct, kept', () => {
    const parsed = parseConstructPaths(JSON.stringify({
      version: 1,
      objects: [
        entry('v1', 'Service', 'shop', 'web', 'a/one'), entry('v1', 'Service', 'shop', 'web', 'a/two'),
        entry('v1', 'ConfigMap', 'shop', 'web', 'a/inc/web-configmap', 'a/inc'), entry('v1', 'ConfigMap', 'shop', 'web', 'a/inc/web-configmap', 'a/inc'),
      ],
    }));
    const { byObject } = parsed as Exclude<typeof parsed, string>;
    expect([...byObject.values()].map((e) => e.construct)).toEqual(['a/inc']);
  });

  test.each([
    ['{', 'is not valid JSON'],
    ['[]', 'is not a JSON object'],
    ['{"objects":[]}', 'has no "version": 1'],
    ['{"version":"1","objects":[]}', 'has no "version": 1'],
    ['{"version":2,"objects":[]}', 'has version 2, newer than this cdk8s-private-registry reads (1): upgrade it'],
    ['{"version":1}', 'has no "objects" list'],
    ['{"version":1,"objects":[{"apiVersion":"v1","kind":"Service","namespace":null,"name":"x","path":"p","construct":"p"},{"apiVersion":"v1"}]}',
      'objects[1] is not'],
    ['{"version":1,"objects":[{"apiVersion":"v1","kind":"Service","namespace":3,"name":"x","path":"p","construct":"p"}]}', 'objects[0] is not'],
    ['{"version":1,"objects":["hunter2"]}', 'objects[0] is not'],
    ['{"version":1,"objects":[],"mirrors":{"hunter2":1}}', 'has a "mirrors" that is no list'],
    ['{"version":1,"objects":[],"mirrors":null}', 'has a "mirrors" that is no list'],
    ['{"version":1,"objects":[],"mirrors":["hunter2"]}', 'mirrors[0] is not'],
    ['{"version":1,"objects":[],"mirrors":[{"upstream":"docker.io","endpoint":"h.example.com","namespace":null,"path":"m"},'
      + '{"upstream":"docker.io","endpoint":"hunter2.example.com","namespace":null}]}', 'mirrors[1] is not'],
    ['{"version":1,"objects":[],"mirrors":[{"upstream":"docker.io","endpoint":"hunter2.example.com","namespace":7,"path":"m"}]}', 'mirrors[0] is not'],
    ['{"version":1,"objects":[],"mirrors":[{"upstream":1,"endpoint":"hunter2.example.com","namespace":"ns","path":"m"}]}', 'mirrors[0] is not'],
  ])('%s: %s', (text, problem) => {
    const parsed = parseConstructPaths(text);
    expect(parsed).toEqual(expect.stringContaining(problem));
    expect(parsed).not.toContain('hunter2');
  });
});

describe('mirrors', () => {
  const mirrors = [
    mirror('quay.io', 'mirror.example.com:5000', 'shop', 'shop/quay-cache'),
    mirror('docker.io', 'harbor.example.com/shop-hub', 'shop', 'shop/hub-cache'),
    mirror('docker.io', 'harbor.example.com/dockerhub-proxy', null, 'hub-cache'),
    mirror('docker.io', 'harbor.example.com/dockerhub-proxy', '', 'ops/hub-cache'),
  ];

  test('absent: none; written only when there is one, sorted by upstream, namespace (app-wide first), endpoint and path', () => {
    expect(parse('{"version":1,"objects":[]}').mirrors).toEqual([]);
    expect(serializeConstructPaths([])).not.toContain('mirrors');
    const text = serializeConstructPaths([], mirrors);
    expect(serializeConstructPaths([], [...mirrors].reverse())).toBe(text);
    expect(JSON.parse(text).mirrors.map((m: MirrorPathEntry) => m.path)).toEqual(['hub-cache', 'ops/hub-cache', 'shop/hub-cache', 'shop/quay-cache']);
    expect(Object.keys(JSON.parse(text).mirrors[0])).toEqual(['upstream', 'endpoint', 'namespace', 'path']);
    expect(parse(text).mirrors).toEqual(JSON.parse(text).mirrors);
  });

  test('read: valid entries kept, the upstream normalized as a RegistryMirror\'s; an empty list is none', () => {
    expect(parse('{"version":1,"objects":[],"mirrors":[]}').mirrors).toEqual([]);
    const parsed = parse(JSON.stringify({ version: 1, objects: [], mirrors: [mirror('Index.Docker.IO', 'harbor.example.com/p', 'ns', 'a/m')] }));
    expect(parsed.mirrors).toEqual([mirror('docker.io', 'harbor.example.com/p', 'ns', 'a/m')]);
  });

  test('the mirror behind a pull: the original\'s upstream, the pulled image under the endpoint, the namespace\'s before the App\'s', () => {
    const hub = 'harbor.example.com/dockerhub-proxy/library/nginx:1.27';
    expect(mirrorThatRewrote(mirrors, 'shop', 'harbor.example.com/shop-hub/library/nginx:1.27', 'nginx:1.27')?.path).toBe('shop/hub-cache');
    expect(mirrorThatRewrote(mirrors, 'other', hub, 'docker.io/library/nginx:1.27')?.path).toBe('hub-cache');
    // A chart without namespace: its objects have none.
    expect(mirrorThatRewrote(mirrors, undefined, hub, 'nginx:1.27')?.path).toBe('ops/hub-cache');
    expect(mirrorThatRewrote(mirrors, '', hub, 'nginx:1.27')?.path).toBe('ops/hub-cache');
    // A namespace mirror on the same endpoint wins over the App's.
    const same = [...mirrors, mirror('docker.io', 'harbor.example.com/dockerhub-proxy', 'batch', 'batch/hub-cache')];
    expect(mirrorThatRewrote(same, 'batch', hub, 'nginx:1.27')?.path).toBe('batch/hub-cache');
    expect(mirrorThatRewrote(mirrors, 'shop', 'mirror.example.com:5000/example/worker:2', 'quay.io/example/worker:2')?.path).toBe('shop/quay-cache');
  });

  test('no mirror fits, or two fit alike: unknown', () => {
    expect(mirrorThatRewrote(mirrors, 'shop', 'mirror.example.com:5000/example/worker:2', 'ghcr.io/example/worker:2')).toBeUndefined();
    expect(mirrorThatRewrote(mirrors, 'other', 'elsewhere.example.com/library/nginx:1.27', 'nginx:1.27')).toBeUndefined();
    expect(mirrorThatRewrote(mirrors, 'other', 'harbor.example.com/dockerhub-proxy/library/nginx:1.27', 'not a reference')).toBeUndefined();
    expect(mirrorThatRewrote([], 'shop', 'harbor.example.com/shop-hub/library/nginx:1.27', 'nginx:1.27')).toBeUndefined();
    const twice = [mirrors[2], mirror('docker.io', 'harbor.example.com/dockerhub-proxy', null, 'other-hub')];
    expect(mirrorThatRewrote(twice, 'shop', 'harbor.example.com/dockerhub-proxy/library/nginx:1.27', 'nginx:1.27')).toBeUndefined();
  });
});
