/**
 * `npx projen package` makes the npm package only (offline), and jsii-pacmak
 * leaves the tracked .npmignore alone. Read from the generated files, so a
 * change to .projenrc.ts that undoes either fails here, without running
 * pacmak (.ci/run runs it).
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

test('the package task spawns package:js only, in and out of CI (package-all needs PyPI and Go\'s module proxy)', () => {
  const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
  expect(tasks.package.steps).toEqual([{ spawn: 'package:js' }]);
  expect(tasks['package-all'].steps.map((step: { spawn: string }) => step.spawn)).toEqual(['package:js', 'package:python', 'package:go']);
});

test('.npmignore excludes the jsii outdir in the spelling jsii-pacmak looks for, so packaging does not append it', () => {
  // jsii-pacmak (npm-modules.js, updateNpmIgnore) appends "# Exclude jsii outdir" and the outdir relative to the
  // package unless a line is exactly that; it does nothing when a line is exactly "!.jsii".
  const outdir = JSON.parse(read('package.json')).jsii.outdir as string;
  const lines = read('.npmignore').split('\n');
  expect(lines).toContain(path.relative(ROOT, path.resolve(ROOT, outdir)));
  expect(lines).toContain('!.jsii');
});
