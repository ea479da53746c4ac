import { execFileSync } from 'child_process';
import { encodeDockerConfigJson } from '../../../src/rules/dockerconfigjson';
import { dockerConfigJsonTemplate, esoTemplateServerProblem } from '../../../src/sources/external-secrets/template';
import { executeGoTemplate, goJsonMarshalString } from '../../support/go-template';
import { describeWithTools } from '../../support/tools';

/** Values with every character class that JSON, HTML-safe escaping or the auth field can get wrong. */
const SAMPLES: ReadonlyArray<{ title: string; username: string; password: string; email?: string; server?: string }> = [
  { title: 'plain', username: 'robot', password: 'tok3n' },
  { title: 'quote and backslash', username: 'u"ser', password: 'pa\\ss"word\\' },
  { title: 'HTML-safe escapes < > &', username: '<admin>', password: 'a&b<c>d' },
  { title: 'colons in the password', username: 'u', password: 'a:b::c' },
  { title: 'U+2028 and U+2029', username: 'line\u2028sep', password: 'para\u2029sep' },
  { title: 'non-ASCII', username: 'jürgen', password: 'pässwörd-密码-😀' },
  { title: 'control characters', username: 'u', password: 'tab\tnl\ncr\rbs\bff\fsoh\u0001del\u007f' },
  { title: 'all at once, with e-mail', username: 'ü"<&>', password: ':\\\u2028😀', email: 'a<b>&"c"@exämple.com' },
  { title: 'empty e-mail is left out', username: 'u', password: 'p', email: '' },
  { title: 'server with scheme and path', username: 'u', password: 'p', server: 'https://registry.example.com/v2/team' },
  { title: 'server with port', username: 'u', password: 'p', server: 'registry.example.com:5000' },
];

function rendered(sample: typeof SAMPLES[number]): Buffer {
  const server = sample.server ?? 'quay.io';
  const data: Record<string, string> = { username: sample.username, password: sample.password };
  if (sample.email !== undefined) data.email = sample.email;
  return executeGoTemplate(dockerConfigJsonTemplate(server, sample.email !== undefined), data);
}

describe('dockerConfigJsonTemplate', () => {
  test('the template text: kubectl field order, server as literal JSON, values through toJson', () => {
    expect(dockerConfigJsonTemplate('quay.io', false)).toBe(
      '{"auths":{"quay.io":{"username":{{ .username | toJson }},"password":{{ .password | toJson }},'
      + '"auth":{{ printf "%s:%s" .username .password | b64enc | toJson }}}}}');
    expect(dockerConfigJsonTemplate('a<b>.io', true)).toBe(
      '{"auths":{"a\\u003cb\\u003e.io":{"username":{{ .username | toJson }},"password":{{ .password | toJson }}'
      + '{{ if .email }},"email":{{ .email | toJson }}{{ end }},"auth":{{ printf "%s:%s" .username .password | b64enc | toJson }}}}}');
  });

  test.each(SAMPLES.map((s) => [s.title, s]))('%s: rendered like kubectl encodes it', (_title, sample) => {
    const expected = encodeDockerConfigJson({ [sample.server ?? 'quay.io']: { username: sample.username, password: sample.password, email: sample.email || undefined } });
    expect(rendered(sample).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(rendered(sample).toString('utf8')).toBe(expected);
  });

  test('a missing e-mail key is an error, as with the operator\'s missingkey=error', () => {
    expect(() => executeGoTemplate(dockerConfigJsonTemplate('quay.io', true), { username: 'u', password: 'p' })).toThrow(/no entry for key "email"/);
  });

  test('a server holding "{{" is refused: it would start a template action', () => {
    expect(esoTemplateServerProblem('registry.example.com/{{x}}')).toMatch(/template language/);
    expect(() => dockerConfigJsonTemplate('registry.example.com/{{x}}', false)).toThrow(/template language/);
    expect(esoTemplateServerProblem('registry.example.com/}}')).toBeUndefined();
  });
});

describe('the Go template helper', () => {
  test.each([
    ['"', '"\\""'],
    ['\\', '"\\\\"'],
    ['<>&', '"\\u003c\\u003e\\u0026"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['\b\f\n\r\t\u0000\u001f', '"\\b\\f\\n\\r\\t\\u0000\\u001f"'],
    ['é😀', '"é😀"'],
  ])('toJson(%j) is Go\'s json.Marshal', (input, expected) => {
    expect(goJsonMarshalString(Buffer.from(input, 'utf8')).toString('utf8')).toBe(expected);
  });

  test('toJson writes invalid UTF-8 as \\ufffd, byte by byte', () => {
    expect(goJsonMarshalString(Buffer.from([0x61, 0xff, 0xc3, 0x62])).toString('latin1')).toBe('"a\\ufffd\\ufffdb"');
    expect(goJsonMarshalString(Buffer.from([0xed, 0xa0, 0x80])).toString('latin1')).toBe('"\\ufffd\\ufffd\\ufffd"');
  });

  test('pipes pass the value as the last argument; printf, b64enc, if/else, trimming', () => {
    const data = { a: 'x', b: 'y', empty: '' };
    expect(executeGoTemplate('{{ printf "%s-%s" .a .b | b64enc }}', data).toString()).toBe(Buffer.from('x-y').toString('base64'));
    expect(executeGoTemplate('{{ .a | printf "<%s>" }}', data).toString()).toBe('<x>');
    expect(executeGoTemplate('[{{ if .empty }}yes{{ else }}no{{ end }}]', data).toString()).toBe('[no]');
    expect(executeGoTemplate('a  {{- .a -}}  b', data).toString()).toBe('axb');
    expect(executeGoTemplate('{{ "q}}" }}', data).toString()).toBe('q}}');
    expect(() => executeGoTemplate('{{ .a .b }}', data)).toThrow(/non-function/);
    expect(() => executeGoTemplate('{{ nope .a }}', data)).toThrow(/not defined/);
  });
});

describeWithTools(['kubectl'], 'the rendered template against the real kubectl', () => {
  test.each(SAMPLES.map((s) => [s.title, s]))('%s: byte-equal to kubectl create secret docker-registry', (_title, sample) => {
    const args = ['create', 'secret', 'docker-registry', 'parity', `--docker-server=${sample.server ?? 'quay.io'}`,
      `--docker-username=${sample.username}`, `--docker-password=${sample.password}`, '--dry-run=client', '-o', 'json'];
    if (sample.email !== undefined) args.push(`--docker-email=${sample.email}`);
    const kubectl = JSON.parse(execFileSync('kubectl', args, { encoding: 'utf8' }));
    expect(rendered(sample).toString('base64')).toBe(kubectl.data['.dockerconfigjson']);
  });
});
