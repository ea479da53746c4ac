/**
 * The JUnit XML report (`--format junit`), for CI systems that show test
 * reports: one test case per container image (class name
 * `namespace/kind/name`, name `container image`) and one per pull secret
 * finding. A finding of severity `problem` is a `<failure>`, a warning is
 * `<skipped>` (nothing could be proven either way), ok and info pass with
 * the message in `<system-out>`. Built from findings only, which never hold
 * secret values; every text from the input is {@link printable} (control
 * characters as visible escapes), then XML-escaped.
 */
import { printable } from '../rules/printable';
import { Finding, summarize } from '../verify/findings';
import { VerifyResult } from '../verify/verify';

/** The JUnit XML report as text, with a final newline. Deterministic: no timestamps or durations. */
export function formatJunit(result: VerifyResult): string {
  const s = summarize(result.findings);
  const skipped = s.warnings;
  const counts = `tests="${s.total}" failures="${s.problems}" errors="0" skipped="${skipped}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cdk8s-private-registry verify" ${counts}>`,
    `  <testsuite name="pull preflight (${result.online ? 'online' : 'offline'})" ${counts}>`,
    '    <properties>',
    `      <property name="mode" value="${result.online ? 'online' : 'offline'}"/>`,
    `      <property name="files" value="${result.files}"/>`,
    `      <property name="objects" value="${result.objects}"/>`,
    '    </properties>',
    ...result.findings.flatMap(testCase),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function testCase(f: Finding): string[] {
  // Every text from the input is printable first: control characters shown as escapes, never raw in the XML.
  const name = printable(f.container !== undefined || f.volume !== undefined
    ? `${f.container ?? `volume ${f.volume}`} ${f.image ?? '(no image)'}`
    : f.secret !== undefined ? `pull secret "${f.secret}" at ${f.path || '/'}` : f.path || '/');
  const open = `    <testcase classname="${attribute(printable(`${f.namespace}/${f.kind}/${f.name}`))}" name="${attribute(name)}" file="${attribute(printable(f.file))}">`;
  const where = printable(`${f.file}#${f.document} ${f.path || '/'}`);
  const text = printable(`${f.status}: ${f.message}`);
  let body: string;
  if (f.severity === 'problem') {
    body = `      <failure type="${attribute(f.status)}" message="${attribute(printable(f.message))}">${content(`${text}\nat ${where}`)}</failure>`;
  } else if (f.severity === 'warning') {
    body = `      <skipped message="${attribute(text)}"/>\n      <system-out>${content(`${text}\nat ${where}`)}</system-out>`;
  } else {
    body = `      <system-out>${content(text)}</system-out>`;
  }
  return [open, body, '    </testcase>'];
}

/** Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE, U+FFFF): replaced by U+FFFD. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udbff\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content: `&`, `<`, `>` escaped, impossible characters replaced. */
function content(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A double-quoted attribute value: also `"`, `'` and the white space an attribute would normalize away. */
function attribute(text: string): string {
  return content(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
