import { templateServers } from '../../src/manifests/template-servers';
import { dockerConfigJsonTemplate } from '../../src/sources/external-secrets/template';

const auths = (template: string) => templateServers(template, true);

describe('templateServers', () => {
  test('the library\'s own templates, with and without e-mail, show their server', () => {
    for (const server of ['quay.io', 'https://index.docker.io/v1/', 'registry.example.com:5000/team', 'a<b>&c.io']) {
      expect(auths(dockerConfigJsonTemplate(server, false))).toEqual({ known: true, servers: [server] });
      expect(auths(dockerConfigJsonTemplate(server, true))).toEqual({ known: true, servers: [server] });
    }
  });

  test.each<[string, string[]]>([
    ['{"auths":{"quay.io":{"auth":"{{ .auth }}"}}}', ['quay.io']],
    ['  {\n  "auths": {\n    "quay.io": {"username": "{{ .u }}", "password": "{{ .p }}"},\n    "ghcr.io": {"auth": {{ .a | toJson }}}\n  }\n}\n', ['quay.io', 'ghcr.io']],
    ['{"auths":{"q\\u002eio":{}}}', ['q.io']],
    ['{"credsStore":"x","auths":{"quay.io":{"auth":"{{ printf "%s}}%s" .u .p | b64enc }}"}},"n":[1,{"a":null}],"b":true}', ['quay.io']],
    ['{"auths":{"quay.io":{"auth":{{ `}}` }}}}}', ['quay.io']],
    ['{"auths":{}}', []],
  ])('literal keys are read: %s', (template, servers) => {
    expect(auths(template)).toEqual({ known: true, servers });
  });

  test.each([
    '{"auths":{{ .auths | toJson }}}', // the whole map is an action
    '{"auths":{ {{ range .regs }}"{{ . }}":{},{{ end }} "x.io":{}}}', // keys made by actions
    '{"auths":{"{{ .server }}":{"auth":"x"}}}', // a key with an action inside
    '{{ .dockerconfigjson }}', // the whole payload
    '{"auths":{"quay.io":{"auth":"x"}}', // not closed
    '{"auths":{"quay.io" "x"}}', // no colon
    '{"nothing":{}}', // no auths
    '{"auths":["quay.io"]}', // not an object
    '{"auths":{"quay.io":{{ .x }}}} trailing',
    '{"auths":{"quay.io":{"auth":{{ .never-closed ',
    `${'['.repeat(100)}${']'.repeat(100)}`,
    '',
  ])('what actions build, or what is no JSON around actions, is unknown: %s', (template) => {
    expect(auths(template)).toEqual({ known: false });
  });

  test('a legacy .dockercfg template: the top-level keys', () => {
    expect(templateServers('{"quay.io":{"auth":"{{ .a }}"},"https://index.docker.io/v1/":{}}', false))
      .toEqual({ known: true, servers: ['quay.io', 'https://index.docker.io/v1/'] });
  });
});
