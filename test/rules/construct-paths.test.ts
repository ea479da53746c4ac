import { constructPathKey, ConstructPathEntry, parseConstructPaths, serializeConstructPaths } from '../../src/rules/construct-paths';

const entry = (apiVersion: string, kind: string, namespace: string | null, name: string, path: string, construct = path): ConstructPathEntry =>
  ({ apiVersion, kind, namespace, name, path, construct });

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
  ])('%s: %s', (text, problem) => {
    const parsed = parseConstructPaths(text);
    expect(parsed).toEqual(expect.stringContaining(problem));
    expect(parsed).not.toContain('hunter2');
  });
});
