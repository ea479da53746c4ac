/**
 * Where the sealing state file lives by default, and when it is written:
 * at the project root (the nearest cdk8s.yaml upward from the working
 * folder), only after every validation of the app passed, only when changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { PrivateImageWorkload, RegistryCredentials, RegistrySecret, SealingCertificate } from '../../../src';
import { DEFAULT_SEALING_STATE_FILE, projectRoot, resolveSealingStatePath } from '../../../src/sources/sealed-secrets/sealing-state';
import { SEALED_PASSWORD, withEnv } from '../../support/sealed';
import { makeSealingKeyPair, SealingKeyPair, tempDir } from '../../support/sealing-keys';

let keys: SealingKeyPair;
let dir: string;
let removeDir: () => void;
beforeAll(() => {
  keys = makeSealingKeyPair();
  ({ dir, remove: removeDir } = tempDir('state-home-'));
});
afterAll(() => removeDir());

/** A fresh project: `root/cdk8s.yaml`, the app run from `root/app/src`. */
function project(name: string): { root: string; cwd: string; outdir: string } {
  const root = path.join(dir, name);
  const cwd = path.join(root, 'app', 'src');
  fs.mkdirSync(cwd, { recursive: true });
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
  return { root, cwd, outdir: path.join(root, 'dist') };
}

/** Runs `fn` from `cwd` with no state file named by the environment. */
function inFolder<T>(cwd: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return withEnv({ CDK8S_PRIVATE_REGISTRY_SEAL_STATE: undefined }, fn);
  } finally {
    process.chdir(before);
  }
}

/** An app with one sealed secret (no stateFile) and, when `broken`, a workload no credential serves. */
function app(outdir: string, broken: boolean): App {
  const result = new App({ outdir });
  const chart = new Chart(result, 'chart', { namespace: 'team-a' });
  const credentials = RegistryCredentials.sealed(RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD),
    { certificate: SealingCertificate.fromPem(keys.certificatePem) });
  new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials });
  new PrivateImageWorkload(chart, 'app', { image: broken ? 'ghcr.io/org/app:1' : 'quay.io/org/app:1' });
  return result;
}

/** Every file below `folder`, relative to it. */
function filesBelow(folder: string): string[] {
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('the default home: the project root', () => {
  test('the folder of the nearest cdk8s.yaml upward from the working folder', () => {
    const { root, cwd } = project('nearest');
    expect(projectRoot(cwd)).toBe(root);
    expect(resolveSealingStatePath(undefined, cwd)).toBe(path.join(root, DEFAULT_SEALING_STATE_FILE));
    expect(projectRoot(root)).toBe(root);
  });

  test('the working folder when no cdk8s.yaml is above it', () => {
    const lone = path.join(dir, 'lone', 'deeper');
    fs.mkdirSync(lone, { recursive: true });
    // tmpdir has no cdk8s.yaml above it on any machine this runs on; if it had, the nearest one would be the answer.
    const expected = fs.existsSync(path.join(path.parse(lone).root, 'cdk8s.yaml')) ? path.parse(lone).root : lone;
    expect(projectRoot(lone)).toBe(expected);
  });

  test('a cdk8s.yaml that is a folder is no project file', () => {
    const { root, cwd } = project('folder-named');
    fs.mkdirSync(path.join(cwd, 'cdk8s.yaml'));
    expect(projectRoot(cwd)).toBe(root);
  });
});

describe('written only once the app validated', () => {
  test('a synth that fails a construct validation leaves no file anywhere: the outdir cdk8s made stays empty', () => {
    const { root, cwd, outdir } = project('failing');
    const before = filesBelow(root);
    expect(() => inFolder(cwd, () => app(outdir, true).synth())).toThrow(/ghcr\.io\/org\/app:1/);
    expect(filesBelow(root)).toEqual(before);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('a synth that succeeds writes the state at the project root, nowhere else, and again only when it changed', () => {
    const { root, cwd, outdir } = project('passing');
    inFolder(cwd, () => app(outdir, false).synth());
    const state = path.join(root, DEFAULT_SEALING_STATE_FILE);
    expect(filesBelow(root).filter((file) => !file.startsWith('dist'))).toEqual(['cdk8s.yaml', DEFAULT_SEALING_STATE_FILE]);
    expect(Object.keys(JSON.parse(fs.readFileSync(state, 'utf8')).secrets)).toEqual(['team-a/quay-pull']);

    const past = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(state, past, past);
    inFolder(cwd, () => app(outdir, false).synth());
    expect(fs.statSync(state).mtime).toEqual(past);
  });

  test('a failing synth after a passing one leaves the state as it was', () => {
    const { root, cwd, outdir } = project('then-failing');
    inFolder(cwd, () => app(outdir, false).synth());
    const state = path.join(root, DEFAULT_SEALING_STATE_FILE);
    const bytes = fs.readFileSync(state);
    fs.rmSync(state);
    expect(() => inFolder(cwd, () => app(outdir, true).synth())).toThrow();
    expect(fs.existsSync(state)).toBe(false);
    fs.writeFileSync(state, bytes);
  });
});
