/**
 * `--format junit`: well-formed JUnit XML, one test case per container
 * image (and per pull secret finding), failures for problems, skipped for
 * warnings, escaped text, and never a secret.
 */
import * as fs from 'fs';
import { formatJunit } from '../../src/cli/junit';
import { Finding, finding } from '../../src/verify/findings';
import { recordingCli } from '../support/cli';
import { FIXTURE_PASSWORD, FIXTURES, fixture } from '../support/fixtures';

const { cli, outputs } = recordingCli();

/** An XML element as read back: name, attributes (unescaped), children and text. */
interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (text: string) => text.replace(/&(#\d+|[a-z]+);/g, (_m, e: string) => (e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]));

/**
 * A strict reader of the XML subset a JUnit report uses: the declaration,
 * elements with double-quoted attributes, text. Throws on anything not
 * well-formed: an unescaped `<` or `&`, a quote in an attribute, unbalanced
 * tags, characters XML 1.0 forbids, two roots.
 */
function parseXml(xml: string): XmlElement {
  if (/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udfff]/.test(xml)) throw new Error('a character XML forbids');
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!declaration) throw new Error('no XML declaration');
  const token = /<\/([A-Za-z-]+)>|<([A-Za-z-]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  token.lastIndex = declaration[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (token.lastIndex < xml.length) {
    const at = token.lastIndex;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
    const [, close, open, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (/&(?!(#\d+|amp|lt|gt|quot|apos);)/.test(text)) throw new Error('a bare &');
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error('text outside the root');
      } else {
        stack[stack.length - 1].text += unescape(text);
      }
    } else if (close !== undefined) {
      if (stack.pop()?.name !== close) throw new Error(`unbalanced </${close}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const [, name, value] of attrs.matchAll(/([A-Za-z-]+)="([^"]*)"/g)) {
        if (/&(?!(#\d+|amp|lt|gt|quot|apos);)/.test(value)) throw new Error('a bare & in an attribute');
        if (name in attributes) throw new Error(`attribute ${name} twice`);
        attributes[name] = unescape(value);
      }
      const element: XmlElement = { name: open, attributes, children: [], text: '' };
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root === undefined) root = element;
      else throw new Error('two roots');
      if (selfClosing === '') stack.push(element);
    }
  }
  if (stack.length > 0 || root === undefined) throw new Error('unclosed elements');
  return root;
}

const cases = (root: XmlElement) => root.children[0].children.filter((c) => c.name === 'testcase');

describe('the JUnit report', () => {
  test('one test case per image and per secret finding; problems fail, warnings are skipped, the rest pass', async () => {
    const { code, stdout } = await cli('verify', '--format', 'junit', fixture('wrong-type.yaml'), fixture('missing-secret.yaml'), fixture('external-secret.yaml'));
    expect(code).toBe(1);
    const root = parseXml(stdout);
    expect(root.name).toBe('testsuites');
    expect(root.attributes).toEqual({ name: 'cdk8s-private-registry verify', tests: '5', failures: '1', errors: '0', skipped: '2' });
    const suite = root.children[0];
    expect(suite.attributes).toEqual({ name: 'pull preflight (offline)', tests: '5', failures: '1', errors: '0', skipped: '2' });
    expect(suite.children[0].children.map((p) => [p.attributes.name, p.attributes.value])).toEqual([['mode', 'offline'], ['files', '3'], ['objects', '5']]);
    expect(cases(root).map((c) => [c.attributes.classname, c.attributes.name, c.children.map((x) => x.name).join('+')])).toEqual([
      ['shop/Deployment/web', 'pull secret "regcred" at /spec/template/spec/imagePullSecrets/0', 'failure'],
      ['shop/Deployment/web', 'app registry.example.com/shop/web:1.0', 'system-out'],
      ['shop/Deployment/web', 'pull secret "created-by-hand" at /spec/template/spec/imagePullSecrets/0', 'skipped+system-out'],
      ['shop/Deployment/web', 'app registry.example.com/shop/web:1.0', 'skipped+system-out'],
      ['shop/Deployment/web', 'app quay.io/shop/web:1.0', 'system-out'],
    ]);
    const failure = cases(root)[0].children[0];
    expect(failure.attributes.type).toBe('secret-wrong-type');
    expect(failure.attributes.message).toMatch(/^pull secret "regcred" has type "Opaque"/);
    expect(failure.text).toMatch(new RegExp(`^secret-wrong-type: pull secret "regcred" has type "Opaque".*\nat ${fixture('wrong-type.yaml')}#2 /spec/template/spec/imagePullSecrets/0$`));
    expect(cases(root)[0].attributes.file).toBe(fixture('wrong-type.yaml'));
    expect(cases(root)[3].children[0].attributes.message).toMatch(/^expected-in-cluster: no credential in these manifests applies/);
    expect(cases(root)[4].children[0].text).toMatch(/^produced-in-cluster: the credential is made in the cluster/);
  });

  test('an image with a matching credential passes, with its message', async () => {
    const root = parseXml((await cli('verify', '-o', 'junit', fixture('good.yaml'))).stdout);
    expect(root.attributes).toMatchObject({ tests: '2', failures: '0', skipped: '0' });
    expect(cases(root)[1].attributes.name).toBe('app registry.example.com/shop/web:1.0');
    expect(cases(root)[1].children).toEqual([{ name: 'system-out', attributes: {}, children: [], text: 'ok: credentials match: secret "regcred" (key "registry.example.com")' }]);
  });

  test('statuses map to failure, skipped and passed by severity, and the counts agree', async () => {
    const { stdout } = await cli('verify', '-o', 'junit', '--strict', fixture('good.yaml'), fixture('missing-secret.yaml'), fixture('external-secret.yaml'));
    const root = parseXml(stdout);
    expect(root.attributes).toMatchObject({ tests: '5', failures: '1', errors: '0', skipped: '2' });
    const all = cases(root).map((c) => [c.attributes.name, c.children.map((x) => x.name).join('+')]);
    expect(all).toEqual([
      ['init busybox:1.36', 'failure'], // no credential, --strict
      ['app registry.example.com/shop/web:1.0', 'system-out'],
      ['pull secret "created-by-hand" at /spec/template/spec/imagePullSecrets/0', 'skipped+system-out'],
      ['app registry.example.com/shop/web:1.0', 'skipped+system-out'],
      ['app quay.io/shop/web:1.0', 'system-out'], // produced in the cluster: info
    ]);
  });

  test('no pod-bearing objects: an empty suite', async () => {
    const root = parseXml((await cli('verify', '-o', 'junit', fixture('no-workloads.yaml'))).stdout);
    expect(root.attributes.tests).toBe('0');
    expect(cases(root)).toEqual([]);
  });

  test('names and messages are escaped, control characters shown as escapes, and characters XML cannot hold are replaced', () => {
    const hostile = 'a<b>&"c\'\u0001\ud800]]>';
    const f: Finding = finding({ file: `dir/${hostile}.yaml`, document: 1, kind: 'Pod', namespace: 'ns', name: hostile, path: '/spec/containers/0/image' },
      'invalid-image', `image ${hostile} is invalid`, { container: hostile, image: hostile });
    const xml = formatJunit({ online: true, files: 1, objects: 1, findings: [f, { ...f, severity: 'warning' }, { ...f, severity: 'info' }] });
    const root = parseXml(xml);
    expect(root.children[0].attributes.name).toBe('pull preflight (online)');
    const [failed, skipped, passed] = cases(root);
    // A control character is shown as an escape; a lone surrogate, which no terminal acts on, is replaced.
    const shown = 'a<b>&"c\'\\x01\ufffd]]>';
    const message = `image ${shown} is invalid`;
    expect(failed.attributes.classname).toBe(`ns/Pod/${shown}`);
    expect(failed.attributes.name).toBe(`${shown} ${shown}`);
    expect(failed.children[0].attributes.message).toBe(message);
    expect(failed.children[0].text).toBe(`invalid-image: ${message}\nat dir/${shown}.yaml#1 /spec/containers/0/image`);
    expect(skipped.children[0].attributes.message).toBe(`invalid-image: ${message}`);
    expect(passed.children[0].text).toBe(`invalid-image: ${message}`);
    expect(xml).not.toContain(']]>');
  });

  test('the reader above refuses what is not well-formed', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    expect(() => parseXml(`${head}<a b="x<y"/>`)).toThrow();
    expect(() => parseXml(`${head}<a>x & y</a>`)).toThrow('a bare &');
    expect(() => parseXml(`${head}<a><b></a>`)).toThrow('unbalanced');
    expect(() => parseXml(`${head}<a>\u0001</a>`)).toThrow('a character XML forbids');
    expect(parseXml(`${head}<a b="&lt;&amp;&quot;"><c/>t&gt;</a>`)).toEqual({ name: 'a', attributes: { b: '<&"' }, children: [{ name: 'c', attributes: {}, children: [], text: '' }], text: 't>' });
  });

  test('every fixture gives well-formed XML without a secret', async () => {
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
      const { code, stdout } = await cli('verify', '-o', 'junit', fixture(file));
      if (code !== 2) parseXml(stdout);
    }
    const text = outputs.join('\n');
    expect(text).not.toContain(FIXTURE_PASSWORD);
    expect(text).not.toContain(Buffer.from(`alice:${FIXTURE_PASSWORD}`).toString('base64'));
  });
});
