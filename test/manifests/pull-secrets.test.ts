import { inspect } from 'util';
import { decodePullSecret, RegistryCredential } from '../../src/manifests/pull-secrets';

describe('decodePullSecret', () => {
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const dockerconfigjson = (data: Record<string, unknown>) => ({ type: 'kubernetes.io/dockerconfigjson', data });

  test.each<[string, Record<string, unknown>, string]>([
    ['no type', { data: {} }, 'has type "Opaque"'],
    ['no data key', dockerconfigjson({}), 'has no .dockerconfigjson key in data or stringData'],
    ['a number', dockerconfigjson({ '.dockerconfigjson': 42 }), 'has a .dockerconfigjson in data that is not a string'],
    ['empty', dockerconfigjson({ '.dockerconfigjson': '' }), 'has an empty .dockerconfigjson in data'],
    ['unpadded base64', dockerconfigjson({ '.dockerconfigjson': 'e30' }), 'not valid base64'],
    ['not UTF-8', dockerconfigjson({ '.dockerconfigjson': Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64') }), 'does not decode to UTF-8'],
    ['a JSON array', dockerconfigjson({ '.dockerconfigjson': b64('[]') }), 'has a .dockerconfigjson that is not a JSON object'],
    ['auths not an object', dockerconfigjson({ '.dockerconfigjson': b64('{"auths":[]}') }), 'whose "auths" is not an object'],
    ['stringData not a string', { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': {} } }, 'in stringData that is not a string'],
    ['legacy type, new key', { type: 'kubernetes.io/dockercfg', data: { '.dockerconfigjson': b64('{}') } }, 'has no .dockercfg key'],
  ])('%s', (_, secret, problem) => {
    const decoded = decodePullSecret(secret);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.problem).toContain(problem);
  });

  test('base64 with line breaks is accepted, as the API server does', () => {
    const payload = b64('{"auths":{"reg.io":{"username":"u","password":"p"}}}').replace(/(.{20})/g, '$1\n');
    expect(decodePullSecret(dockerconfigjson({ '.dockerconfigjson': payload }))).toMatchObject({ ok: true, keys: ['reg.io'] });
  });

  test('stringData wins over data', () => {
    const decoded = decodePullSecret({
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': 'broken!' },
      stringData: { '.dockerconfigjson': '{"auths":{"reg.io":{"auth":"dTpw"}}}' },
    });
    expect(decoded).toMatchObject({ ok: true, keys: ['reg.io'] });
  });

  test('a key the kubelet cannot parse is an entry problem, named but not used', () => {
    const decoded = decodePullSecret({ type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":{"reg.io:x":{"auth":"dTpw"}}}' } });
    expect(decoded).toMatchObject({ ok: true, keys: [], entryProblems: [expect.stringContaining('the kubelet ignores key "reg.io:x"')] });
  });
});

describe('RegistryCredential', () => {
  test('never shows its values', () => {
    const credential = new RegistryCredential('alice', 'hunter2');
    for (const text of [JSON.stringify({ credential }), String(credential), `${credential}`, inspect(credential), inspect({ credential })]) {
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('alice');
    }
  });
});
