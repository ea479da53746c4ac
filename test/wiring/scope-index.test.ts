import { parseImageReference } from '../../src/rules/image-reference';
import { matchingRegistryKeys } from '../../src/rules/keyring';
import { CredentialIndex } from '../../src/wiring/scope-index';

const KEYS = [
  'quay.io', 'quay.io/org', 'https://quay.io/v2/org/app', 'quay.io:443', 'ghcr.io', '*.example.com', 'registry.example.com',
  'registry.example.com:5000', 'reg?.example.com', 'https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'docker.io/library',
  'localhost:5000', 'http://localhost:5000/team', '[::1]:5000', '10.0.0.1:5000', 'Quay.io', '*.*.example.com', '[a-c].example.com',
];
const IMAGES = [
  'quay.io/org/app:1', 'quay.io/other/app', 'quay.io:443/org/app', 'ghcr.io/o/a', 'registry.example.com/team/x', 'a.example.com/x',
  'a.b.example.com/x', 'registry.example.com:5000/x', 'reg1.example.com/x', 'nginx', 'library/nginx', 'docker.io/user/app',
  'index.docker.io/user/app', 'localhost:5000/team/app', 'localhost:5000/teamfoo/app', '[::1]:5000/app', '10.0.0.1:5000/app',
  'example.com/x', 'b.example.com/y', 'Quay.io/org/app', 'localhost/app', 'my_registry.io/app',
];

/** A small seeded generator, so every run checks the same cases. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('CredentialIndex', () => {
  test('matches exactly what the kubelet rules give over all secrets of the namespace (200 random scopes)', () => {
    const random = lcg(42);
    for (let round = 0; round < 200; round++) {
      const index = new CredentialIndex<string>();
      const secrets: Array<{ name: string; namespace: string; servers: string[] }> = [];
      const count = 1 + Math.floor(random() * 6);
      for (let i = 0; i < count; i++) {
        const servers = [KEYS[Math.floor(random() * KEYS.length)], KEYS[Math.floor(random() * KEYS.length)]].slice(0, 1 + Math.floor(random() * 2));
        const secret = { name: `s${i}`, namespace: random() < 0.8 ? 'ns' : 'other', servers };
        secrets.push(secret);
        index.add(secret.namespace, servers, secret.name);
      }
      for (const image of IMAGES) {
        const reference = parseImageReference(image);
        const inScope = secrets.filter((s) => s.namespace === 'ns');
        const matchedKeys = new Set(matchingRegistryKeys(inScope.flatMap((s) => s.servers), reference));
        const expected = inScope.filter((s) => s.servers.some((k) => matchedKeys.has(k))).map((s) => s.name).sort();
        expect([...index.match('ns', reference)].sort()).toEqual(expected);
      }
    }
  });

  test('namespaces are separate; unknown namespaces match nothing', () => {
    const index = new CredentialIndex<string>();
    index.add('a', ['quay.io'], 'in-a');
    index.add('', ['quay.io'], 'no-namespace');
    const image = parseImageReference('quay.io/org/app');
    expect(index.match('a', image)).toEqual(['in-a']);
    expect(index.match('', image)).toEqual(['no-namespace']);
    expect(index.match('b', image)).toEqual([]);
    expect(index.itemsIn('a')).toEqual(['in-a']);
  });

  test('one secret holding two matching keys is returned once', () => {
    const index = new CredentialIndex<string>();
    index.add('ns', ['quay.io', 'quay.io/org'], 'both');
    expect(index.match('ns', parseImageReference('quay.io/org/app'))).toEqual(['both']);
  });
});
