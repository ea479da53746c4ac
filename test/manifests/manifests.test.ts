import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InputError } from '../../src/manifests/input-error';
import { findManifestFiles, loadManifests, parseManifests } from '../../src/manifests/manifests';
import { FIXTURE_PASSWORD, FIXTURES, fixture } from '../support/fixtures';

describe('manifest loading', () => {
  test('folders are searched recursively for .yaml, .yml and .json (not dot folders or node_modules); List items are objects', () => {
    const objects = loadManifests([path.join(FIXTURES, 'folder')]);
    expect(objects.map((o) => [path.relative(FIXTURES, o.file), o.document, o.pointer, o.kind, o.name])).toEqual([
      ['folder/app.yml', 1, '', 'Secret', 'regcred'],
      ['folder/app.yml', 2, '', 'Deployment', 'web'],
      ['folder/nested/list.json', 1, '/items/0', 'Pod', 'from-list'],
    ]);
  });

  test('node_modules is skipped in folders, but a path given explicitly is always read', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-walk-'));
    try {
      fs.mkdirSync(path.join(root, 'node_modules', 'pkg'), { recursive: true });
      fs.writeFileSync(path.join(root, 'node_modules', 'pkg', 'x.yaml'), '- not a manifest\n');
      fs.copyFileSync(fixture('good.yaml'), path.join(root, 'app.yaml'));
      expect(loadManifests([root])).toHaveLength(2);
      expect(() => loadManifests([path.join(root, 'node_modules')])).toThrow(/x\.yaml \(document 1\): is not a Kubernetes object/);
    } finally {
      fs.rmSync(root, { recursive: true });
    }
  });

  test('malformed YAML names file, document and line, never the line itself', () => {
    const file = path.join(FIXTURES, 'malformed.yaml');
    expect(() => loadManifests([file])).toThrow(InputError);
    let message = '';
    try {
      loadManifests([file]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/malformed\.yaml \(document 2\): malformed YAML at line \d+, column \d+: /);
    expect(message).not.toContain(FIXTURE_PASSWORD);
  });

  test('a document that is no Kubernetes object names file and document', () => {
    expect(() => loadManifests([path.join(FIXTURES, 'not-k8s.yaml')])).toThrow(/not-k8s\.yaml \(document 2\): is not a Kubernetes object: expected a mapping, found a sequence/);
    expect(() => parseManifests('apiVersion: v1\nmetadata: {}\n', 'x.yaml')).toThrow('x.yaml (document 1): is not a Kubernetes object: it has no "kind"');
    expect(() => parseManifests('kind: Pod\n', 'x.yaml')).toThrow('it has no "apiVersion"');
    expect(() => parseManifests('a: 1\n---\n42\n', 'x.yaml')).toThrow('x.yaml (document 1)');
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nmetadata: { a: 1 }\n---\nfoo\n', 'x.yaml')).toThrow('(document 2): is not a Kubernetes object: expected a mapping, found a string scalar');
  });

  test('duplicate keys are malformed', () => {
    expect(() => parseManifests('apiVersion: v1\nkind: Pod\nkind: Pod\n', 'x.yaml')).toThrow(/\(document 1\): malformed YAML at line 3/);
  });

  test('empty documents and comments are skipped, but still counted', () => {
    const objects = parseManifests('---\n# nothing\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\n', 'x.yaml');
    expect(objects.map((o) => o.document)).toEqual([2]);
  });

  test('a missing path or an empty folder is an input error', () => {
    expect(() => loadManifests([path.join(FIXTURES, 'nope.yaml')])).toThrow(/nope\.yaml: no such file or folder/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-empty-'));
    try {
      expect(() => loadManifests([path.join(FIXTURES, 'folder', 'nested', 'list.json'), empty]))
        .toThrow(/verify-empty-\w+: folder contains no \*\.yaml, \*\.yml or \*\.json files/);
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});

describe('folders written by cdk8s synth', () => {
  test('construct-metadata.json (written when validations run) is not read as a manifest', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cdk8s-out-'));
    try {
      fs.writeFileSync(path.join(root, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources: {} }));
      fs.writeFileSync(path.join(root, 'app.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n');
      expect(findManifestFiles([root])).toEqual([path.join(root, 'app.k8s.yaml')]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
