/**
 * Benchmark of `verify --online` at scale: wall time per image and peak RSS
 * of the CLI on one manifest file with a pull Secret and N Deployments, each
 * naming a distinct image (a distinct tag of one repository), against a
 * local htpasswd-protected Debian `docker-registry` on 127.0.0.1, or
 * (`--through-cache`) through a pull-through cache (`docker-registry` with
 * `proxy.remoteurl`, htpasswd on the cache, a fresh and so cold cache per
 * size) in front of an open upstream. One small image is pushed once with
 * skopeo, then its manifest is PUT under every tag through the registry API.
 * A script, not a test; it needs docker-registry, skopeo, htpasswd, openssl.
 *
 *   npm run bench:online -- [--sizes 1000,10000,100000] [--through-cache] [--runs N]
 *     [--concurrency N] [--push-concurrency N] [--offline] [--root DIR]
 *
 * --runs N: runs per size (through the cache: the first cold, the others warm);
 * --concurrency N: passed to verify (default: verify's own, 8);
 * --push-concurrency N: manifest PUTs at once while tagging (default 16);
 * --offline: also time verify without --online on the same file (the offline part);
 * --root DIR: run DIR's src/cli/main.ts (e.g. a clean `git archive` export), not this checkout's.
 * Exits 1 when any image was not found pullable.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { buildOciLayout, pushImage, readOciLayout, RunningRegistry, startRegistry } from '../test/support/registry';

const REPOSITORY = 'bench/app';
const USER = 'bench-puller';
const PASSWORD = 'bench-pass';
const NAMESPACE = 'team-a';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  const source = fs.readFileSync(__filename, 'utf8');
  console.log(source.slice(source.indexOf('/**') + 4, source.indexOf('*/')).split('\n').map((l) => l.replace(/^ \*\s?/, '')).join('\n'));
  process.exit(0);
}
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option('--sizes', '1000,10000,100000').split(',').map((s) => Number(s.replace(/_/g, '')));
const throughCache = args.includes('--through-cache');
const runs = Number(option('--runs', '1'));
/** Passed to the CLI as --concurrency when given; else the CLI's default (8). */
const cliConcurrency = args.includes('--concurrency') ? option('--concurrency', '') : undefined;
const pushConcurrency = Number(option('--push-concurrency', '16'));
/** Also time `verify` without --online on the same file: the offline part of the cost. */
const withOffline = args.includes('--offline');
/** The checkout whose CLI runs (src/cli/main.ts, run from there): this one unless told, e.g. a clean export of a commit. */
const ROOT = path.resolve(args.includes('--root') ? option('--root', '') : path.join(__dirname, '..'));
const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');
for (const n of [...sizes, runs, pushConcurrency]) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer in the options: ${n}`);
}

const tagOf = (i: number) => `t${String(i).padStart(6, '0')}`;

/** One pull Secret for `host` and `n` Deployments, the i-th pulling `host/bench/app:t<i>`. */
function writeManifest(file: string, host: string, n: number): void {
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  const config = JSON.stringify({ auths: { [host]: { username: USER, password: PASSWORD, auth } } });
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, ['apiVersion: v1', 'kind: Secret', `metadata: {name: regcred, namespace: ${NAMESPACE}}`, 'type: kubernetes.io/dockerconfigjson',
    'stringData:', `  .dockerconfigjson: '${config}'`, ''].join('\n'));
  for (let i = 0; i < n; i++) {
    const name = `app-${String(i).padStart(6, '0')}`;
    fs.writeSync(out, ['---', 'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}, namespace: ${NAMESPACE}}`, 'spec:',
      `  selector: {matchLabels: {app: ${name}}}`, '  template:', `    metadata: {labels: {app: ${name}}}`, '    spec:',
      '      imagePullSecrets: [{name: regcred}]', '      containers:', `        - {name: main, image: ${host}/${REPOSITORY}:${tagOf(i)}}`, ''].join('\n'));
  }
  fs.closeSync(out);
}

/**
 * PUTs the manifest under tags t000000 … t<n-1> (the first `from` already
 * there), `pushConcurrency` at a time over keep-alive connections.
 */
async function putTags(registry: RunningRegistry, manifest: Buffer, mediaType: string, from: number, n: number,
  authorization?: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: pushConcurrency });
  const put = (tag: string) => new Promise<void>((resolve, reject) => {
    const headers = { 'content-type': mediaType, 'content-length': manifest.length, ...(authorization ? { authorization } : {}) };
    const req = http.request({ host: '127.0.0.1', port: registry.port, method: 'PUT', path: `/v2/${REPOSITORY}/manifests/${tag}`, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`PUT ${tag}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(manifest);
  });
  let next = from;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await put(tagOf(i));
      if ((i + 1) % 20_000 === 0) process.stderr.write(`  ${i + 1} tags\n`);
    }
  };
  try {
    await Promise.all(Array.from({ length: pushConcurrency }, worker));
  } finally {
    agent.destroy();
  }
}

/**
 * Wall seconds, peak RSS (MiB) and exit code of one CLI run, stdout to `out`, from GNU time (written to
 * stderr). Asynchronous: the registries log to pipes this process drains, and a blocked event loop would
 * stall them.
 */
async function timeCli(cliArgs: string[], out: string): Promise<{ seconds: number; rssMiB: number; code: number | null }> {
  const fd = fs.openSync(out, 'w');
  try {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', 'node', '-r', 'ts-node/register/transpile-only', CLI, ...cliArgs],
      { cwd: ROOT, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-8192); });
    await new Promise<void>((resolve, reject) => { child.on('error', reject); child.on('close', () => resolve()); });
    const lines = stderr.trim().split('\n');
    const last = lines.pop()!;
    const [seconds, kib] = last.split(' ').map(Number);
    if (!Number.isFinite(seconds) || !Number.isFinite(kib)) throw new Error(`cannot read GNU time's output: ${stderr.slice(-2000)}`);
    // GNU time says "Command exited with non-zero status N" before its line.
    const exited = lines.map((l) => /Command exited with non-zero status (\d+)/.exec(l)).find((m) => m);
    return { seconds, rssMiB: kib / 1024, code: exited ? Number(exited[1]) : 0 };
  } finally {
    fs.closeSync(fd);
  }
}

/** Findings per status in verify's JSON output. */
function statusCounts(jsonFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of JSON.parse(fs.readFileSync(jsonFile, 'utf8')).findings as Array<{ status: string }>) {
    counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  }
  return counts;
}

/** Peak resident memory (VmHWM) of a live process, in MiB. */
function peakOf(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

interface Row {
  readonly n: number;
  readonly run: number;
  readonly seconds: number;
  readonly rssMiB: number;
  readonly pullable: number;
  readonly other: string;
  readonly code: number | null;
  readonly offlineSeconds?: number;
  readonly registryMiB?: number;
  readonly loadBefore: string;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'online-scale-'));
  const max = Math.max(...sizes);
  const started: RunningRegistry[] = [];
  const rows: Row[] = [];
  try {
    // Direct: the registry verify asks is htpasswd-protected. Through the cache: distribution 2.8's proxy
    // sends its upstream credentials to a token realm only, so its upstream is open (as Docker Hub is for
    // public images) and the cache it fronts is the htpasswd one verify asks.
    const upstream = throughCache ? await startRegistry({ auth: 'none' }) : await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD } });
    started.push(upstream);
    const layout = buildOciLayout(path.join(dir, 'oci'), { refName: tagOf(0) });
    const info = readOciLayout(layout);
    const manifest = fs.readFileSync(path.join(layout, 'blobs', 'sha256', info.manifestDigest.slice('sha256:'.length)));
    const mediaType = JSON.parse(manifest.toString('utf8')).mediaType ?? 'application/vnd.oci.image.manifest.v1+json';
    const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    let t0 = Date.now();
    await pushImage(upstream, throughCache ? { repository: REPOSITORY, tag: tagOf(0), layout }
      : { repository: REPOSITORY, tag: tagOf(0), layout, username: USER, password: PASSWORD });
    await putTags(upstream, manifest, mediaType, 1, max, throughCache ? undefined : basic);
    const pushSeconds = (Date.now() - t0) / 1000;
    console.log(`online-scale: ${max} tags of ${upstream.host}/${REPOSITORY} (one ${info.manifestDigest.slice(0, 19)}… manifest) in ${pushSeconds.toFixed(1)} s`
      + ` (${pushConcurrency} PUTs at once)`);
    console.log(`  ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${throughCache ? 'through a pull-through cache (fresh per size: cold)' : 'direct'},`
      + ` CLI --concurrency ${cliConcurrency ?? 'default (8)'}, CLI of ${ROOT}, load average ${load()}`);

    for (const n of sizes) {
      let registry = upstream;
      if (throughCache) {
        t0 = Date.now();
        registry = await startRegistry({ auth: 'htpasswd', users: { [USER]: PASSWORD }, proxy: { remoteurl: upstream.url } });
        started.push(registry);
      }
      const file = path.join(dir, `manifests-${n}.yaml`);
      writeManifest(file, registry.host, n);
      const out = path.join(dir, `verify-${n}.json`);
      const cliArgs = ['verify', '-o', 'json', '--insecure-registry', registry.host, ...(cliConcurrency ? ['--concurrency', cliConcurrency] : []), file];
      const offlineSeconds = withOffline ? (await timeCli(cliArgs, out)).seconds : undefined;
      for (let run = 1; run <= runs; run++) {
        const loadBefore = load();
        const timed = await timeCli(['verify', '--online', ...cliArgs.slice(1)], out);
        const counts = statusCounts(out);
        const pullable = counts.get('pullable') ?? 0;
        counts.delete('pullable');
        const other = [...counts].map(([s, c]) => `${s} ${c}`).join(', ');
        const row: Row = { n, run, ...timed, pullable, other, offlineSeconds, loadBefore, registryMiB: peakOf(registry.pid) };
        rows.push(row);
        console.log(`  N=${n} run ${run}: wall ${row.seconds.toFixed(2)} s, ${(1000 * row.seconds / n).toFixed(3)} ms/image, peak RSS ${row.rssMiB.toFixed(0)} MiB,`
          + ` pullable ${pullable}/${n}${other ? ` (${other})` : ''}, exit ${row.code}`
          + `${offlineSeconds === undefined ? '' : `, offline verify ${offlineSeconds.toFixed(2)} s`}, registry peak ${row.registryMiB?.toFixed(0) ?? '?'} MiB,`
          + ` load before ${loadBefore}`);
      }
      fs.rmSync(file, { force: true });
      fs.rmSync(out, { force: true });
      if (throughCache) {
        await registry.stop();
        started.splice(started.indexOf(registry), 1);
      }
    }
  } finally {
    for (const registry of started.reverse()) await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report(rows);
}

function report(rows: Row[]): void {
  console.log(`\n| N | run | wall s | ms / image |${withOffline ? ' online part ms / image |' : ''} peak RSS MiB | pullable | exit |`);
  console.log(`| --- | --- | --- | --- |${withOffline ? ' --- |' : ''} --- | --- | --- |`);
  for (const r of rows) {
    const online = r.offlineSeconds === undefined ? '' : ` ${(1000 * (r.seconds - r.offlineSeconds) / r.n).toFixed(3)} |`;
    console.log(`| ${r.n} | ${r.run} | ${r.seconds.toFixed(2)} | ${(1000 * r.seconds / r.n).toFixed(3)} |${online} ${r.rssMiB.toFixed(0)} | ${r.pullable}${r.other ? ` (${r.other})` : ''} | ${r.code} |`);
  }
  const firsts = sizes.map((n) => rows.find((r) => r.n === n && r.run === 1)).filter((r): r is Row => r !== undefined);
  for (let i = 1; i < firsts.length; i++) {
    const [a, b] = [firsts[i - 1], firsts[i]];
    const marginal = (1000 * (b.seconds - a.seconds)) / (b.n - a.n);
    console.log(`  linearity: ms/image at ${b.n} ÷ at ${a.n} = ${((b.seconds / b.n) / (a.seconds / a.n)).toFixed(2)};`
      + ` marginal ${marginal.toFixed(3)} ms per added image from ${a.n} to ${b.n}`);
  }
  const bad = rows.filter((r) => r.pullable !== r.n);
  if (bad.length > 0) {
    console.error(`not every image pullable in ${bad.length} run(s)`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
