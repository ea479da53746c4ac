/**
 * Benchmark of `verify` (offline) on one generated manifest: its wall time as
 * a ratio to a bare parse of the same file (the `yaml` package's
 * parseAllDocuments, what any reader must at least do), and peak RSS of each,
 * in fresh processes, interleaved; `images` (txt and json) on the same file
 * too; `--baseline DIR` also runs DIR's `verify` (an older checkout) on the
 * same file. A script, not a test.
 *
 *   npm run bench:verify -- [--deployments N] [--runs N] [--baseline DIR]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const deployments = Number(option('--deployments', '20000'));
const runs = Number(option('--runs', '5'));
const baseline = args.includes('--baseline') ? path.resolve(option('--baseline', '')) : undefined;

/** The CLI entry of a checkout: src/cli/main.ts now, src/verify/cli.ts before the room-per-feature move. */
function cliOf(root: string): string {
  const moved = path.join(root, 'src', 'cli', 'main.ts');
  return fs.existsSync(moved) ? moved : path.join(root, 'src', 'verify', 'cli.ts');
}

function writeManifest(file: string): void {
  const secret = ['apiVersion: v1', 'kind: Secret', 'metadata: {name: regcred, namespace: team-a}', 'type: kubernetes.io/dockerconfigjson',
    'stringData:', '  .dockerconfigjson: \'{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}\'', ''].join('\n');
  const parts = [secret];
  for (let i = 0; i < deployments; i++) {
    const name = `app-${String(i).padStart(6, '0')}`;
    parts.push(['---', 'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}, namespace: team-a}`, 'spec:',
      `  selector: {matchLabels: {app: ${name}}}`, '  template:', `    metadata: {labels: {app: ${name}}}`, '    spec:',
      '      imagePullSecrets: [{name: regcred}]', '      containers:', `        - {name: main, image: registry.example.com/team/${name}:1.0}`, ''].join('\n'));
  }
  fs.writeFileSync(file, parts.join('\n'));
}

/** Wall seconds and peak RSS (MiB) of one command, from GNU time (which writes them to stderr). */
function run(command: string[], cwd: string): { seconds: number; rssMiB: number } {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', ...command], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const last = result.stderr.trim().split('\n').pop()!;
  const [seconds, kib] = last.split(' ').map(Number);
  if (!Number.isFinite(seconds) || !Number.isFinite(kib)) throw new Error(`cannot read GNU time's output: ${last}`);
  return { seconds, rssMiB: kib / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-cost-'));
  const file = path.join(dir, 'manifests.yaml');
  writeManifest(file);
  const parse = ['node', '-e', `require(${JSON.stringify(require.resolve('yaml', { paths: [ROOT] }))}).parseAllDocuments(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`];
  const verifyOf = (root: string) => ['node', '-r', 'ts-node/register/transpile-only', cliOf(root), 'verify', '-o', 'json', file];
  const arms: Array<{ name: string; command: string[]; cwd: string }> = [
    { name: 'parse', command: parse, cwd: ROOT },
    { name: 'verify', command: verifyOf(ROOT), cwd: ROOT },
    { name: 'images', command: ['node', '-r', 'ts-node/register/transpile-only', cliOf(ROOT), 'images', file], cwd: ROOT },
    { name: 'images json', command: ['node', '-r', 'ts-node/register/transpile-only', cliOf(ROOT), 'images', '-o', 'json', file], cwd: ROOT },
    ...(baseline ? [{ name: 'verify@base', command: verifyOf(baseline), cwd: baseline }] : []),
  ];
  const results = new Map<string, Array<{ seconds: number; rssMiB: number }>>(arms.map((arm) => [arm.name, []]));
  for (let round = 0; round < runs; round++) {
    const order = [...arms.slice(round % arms.length), ...arms.slice(0, round % arms.length)];
    for (const arm of order) results.get(arm.name)!.push(run(arm.command, arm.cwd));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`verify-cost: ${deployments} Deployments, ${runs} interleaved runs each, medians`);
  const parseSeconds = median(results.get('parse')!.map((r) => r.seconds));
  for (const [name, values] of results) {
    const seconds = median(values.map((r) => r.seconds));
    const rss = median(values.map((r) => r.rssMiB));
    console.log(`  ${name.padEnd(12)} wall ${seconds.toFixed(2)} s  (${(seconds / parseSeconds).toFixed(2)} x bare parse)  peak RSS ${rss.toFixed(0)} MiB`);
  }
}

main();
