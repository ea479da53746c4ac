/**
 * Memory follows the largest document, not the input: a 40 MiB file of
 * about 127,000 Deployments verifies in a process limited to a 768 MB heap
 * (whole-file parsing took about 60 times the input). The child reports its
 * peak resident set size, printed for the record.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readManifests } from '../../src/manifests/manifests';
import { configMapYaml, deploymentYaml, LARGE_PULL_SECRET, writeManyDocuments } from '../support/large-manifests';

const ROOT = path.join(__dirname, '..', '..');
const DEPLOYMENTS = 127_000;
/** Generous for a loaded CI machine; it takes about 25 s on an idle one. */
const TIME_BOUND_MS = 90_000;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-memory-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdoutBytes: number;
  readonly stdoutHead: string;
  readonly stdoutTail: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the CLI under a 768 MB heap, counting its output rather than keeping it. */
function verifyInSmallHeap(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [
      '--max-old-space-size=768',
      '-r', 'ts-node/register/transpile-only',
      '-r', path.join(ROOT, 'test', 'support', 'peak-rss.ts'),
      path.join(ROOT, 'src', 'cli', 'main.ts'), ...args,
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stdoutHead = '';
    let stdoutTail = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_BOUND_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutHead.length < 2000) stdoutHead += chunk.toString('utf8').slice(0, 2000);
      stdoutTail = (stdoutTail + chunk.toString('utf8')).slice(-2000);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdoutBytes, stdoutHead, stdoutTail, stderr, ms: Date.now() - started });
    });
  });
}

describe('memory follows the largest document', () => {
  test(`a 40 MiB file of ${DEPLOYMENTS.toLocaleString('en')} Deployments verifies under --max-old-space-size=768`, async () => {
    const file = path.join(tmp, 'deployments.yaml');
    const size = writeManyDocuments(file, DEPLOYMENTS, deploymentYaml, LARGE_PULL_SECRET);
    expect(size).toBeGreaterThanOrEqual(40 * 1024 * 1024);

    const run = await verifyInSmallHeap(['verify', '--format', 'json', file]);
    const peak = /peak-rss-kb (\d+)/.exec(run.stderr);
    // For the record (the numbers are in the change's report too).
    console.log(`verify of ${(size / 1024 / 1024).toFixed(1)} MiB, ${DEPLOYMENTS} Deployments: exit ${run.code}, `
      + `${(run.ms / 1000).toFixed(1)} s, peak RSS ${peak ? `${Math.round(Number(peak[1]) / 1024)} MiB` : 'unknown'}, ${run.stdoutBytes} bytes of report`);

    expect(run.signal).toBeNull(); // neither killed at the time bound nor by the heap limit
    expect(run.stderr.replace(/peak-rss-kb \d+\n/, '')).toBe('');
    expect([0, 1]).toContain(run.code);
    expect(run.stdoutHead).toMatch(/"objects": 127001,/);
    expect(run.stdoutHead).toMatch(/"total": 127000,/);
    expect(run.stdoutTail).toContain('"name": "app-126999"');
  }, TIME_BOUND_MS + 30_000);

  test('objects the checks do not use are counted, not kept', () => {
    const file = path.join(tmp, 'config-maps.yaml');
    writeManyDocuments(file, 20_000, configMapYaml);
    const read = readManifests([file]);
    expect(read).toEqual({ files: 1, objects: 20_000, checked: [] });
  });
});
