import { parseAllDocuments } from 'yaml';
import { DocumentSplitter } from '../../src/manifests/manifest-stream';
import { parseManifests } from '../../src/manifests/manifests';

/** Each document as yaml reads the whole text: its value as JSON, or ERR. */
const wholeParse = (text: string) => parseAllDocuments(text).map((d) => (d.errors.length > 0 ? 'ERR' : JSON.stringify(d.toJS())));

/** The splitter's parts, fed `step` characters at a time, then each part parsed alone. */
function splitParse(text: string, step: number): { values: string[]; firstLines: number[] } {
  const parts: Array<[string, number]> = [];
  const splitter = new DocumentSplitter((part, firstLine) => parts.push([part, firstLine]));
  for (let i = 0; i < text.length; i += step) splitter.push(text.slice(i, i + step));
  splitter.end();
  expect(parts.map(([part]) => part).join('')).toBe(text); // nothing lost, nothing added
  return { values: parts.flatMap(([part]) => wholeParse(part)), firstLines: parts.map(([, line]) => line) };
}

describe('splitting manifests into documents', () => {
  test.each([
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['end markers', '---\na: 1\n...\n---\nb: 2\n'],
    ['directives go with the next document', '%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n'],
    ['comments and empty documents', '# c\n---\n# nothing\n---\na: 1\n---\n'],
    ['a marker ends a block scalar', 'a: |\n  x\n---\nb: 2\n'],
    ['content after the marker belongs to the next document', '--- |\n  text\n--- >\n  folded\n--- a\n--- b\n---\n'],
    ['a bare document after an end marker', 'a: 1\n...\nb: 2\n'],
    ['CRLF line ends', '---\r\na: 1\r\n---\r\nb: 2\r\n'],
    ['four dashes are no marker', '----\na: 1\n'],
    ['a marker inside an open quote', 'a: "x\n---\n"\n'],
    ['markers as values', 'key: ---\nk2: ...\n'],
    ['a marker with a comment or a tab', 'a: 1\n--- # comment\nb: 2\n...\n# trailing\n---\t\nc: 3\n'],
    ['empty', ''],
    ['only a comment', '# only\n'],
    ['no final line break', 'a: 1\n---\nb: 2'],
  ])('%s: the same documents as parsing the whole text, at any chunk size', (_name, text) => {
    for (const step of [1, 2, 3, 7, 64, 1_000_000]) {
      expect(splitParse(text, step).values).toEqual(wholeParse(text));
    }
  });

  test('each part knows the line it starts on', () => {
    expect(splitParse('a: 1\n---\nb: 2\nc: 3\n...\n# x\n---\nd: 4\n', 5).firstLines).toEqual([1, 2, 6]);
  });

  test('errors name the line in the file, not in the document', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: b\n';
    expect(() => parseManifests(text, 'x.yaml')).toThrow('x.yaml (document 2): malformed YAML at line 8, column 1: a tab is used for indentation');
  });

  test('document numbers count empty documents, as before', () => {
    expect(parseManifests('---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', 'x.yaml').map((o) => o.document)).toEqual([2]);
  });
});
