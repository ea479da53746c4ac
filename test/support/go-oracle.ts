/**
 * The Go oracle: test/go/main.go, built once per test file against the Go
 * toolchain and Debian's packaged Go sources, answering batches of
 * questions about the real Go code (distribution/reference, net/url, net,
 * path, sort, and keyring.go transcribed onto them). One process per batch:
 * the requests go in as JSON lines on stdin, the answers come back as JSON
 * lines on stdout, in order.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { childEnv } from './process';
import { isCi, requireTools } from './tools';

/** Where Debian installs Go library sources (the GOPATH of its -dev packages). */
export const DEBIAN_GOPATH = '/usr/share/gocode';

/** Go sources the oracle imports, and the Debian package that installs each. */
const GO_SOURCES: ReadonlyArray<{ readonly dir: string; readonly pkg: string }> = [
  { dir: 'github.com/docker/distribution/reference', pkg: 'golang-github-docker-distribution-dev' },
  { dir: 'github.com/opencontainers/go-digest', pkg: 'golang-github-opencontainers-go-digest-dev' },
];

/** Directory of the oracle's Go program. */
export const GO_ORACLE_SOURCE_DIR = path.join(__dirname, '..', 'go');

/** Whether the oracle can be built here, and if not, why. */
export interface GoOracleCheck {
  readonly ok: boolean;
  /** Names the missing program or Go package and the Debian package to install; absent when ok. */
  readonly reason?: string;
}

/** Looks for `go` on PATH and the packaged Go sources, without running anything. */
export function checkGoOracle(): GoOracleCheck {
  const problems: string[] = [];
  if (!requireTools(['go']).ok) {
    problems.push('go (Debian package golang-go)');
  }
  for (const { dir, pkg } of GO_SOURCES) {
    if (!fs.existsSync(path.join(DEBIAN_GOPATH, 'src', dir))) {
      problems.push(`Go package ${dir} under ${DEBIAN_GOPATH} (Debian package ${pkg})`);
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, reason: `missing: ${problems.join(', ')}` };
}

/**
 * `describe(title, fn)` when the oracle can be built. Otherwise the same
 * convention as tools.ts describeWithTools: locally, warn with the reason and
 * register the block with `describe.skip`; in CI (`CI=true`), register one
 * failing test naming what is missing.
 */
export function describeWithGoOracle(title: string, fn: () => void): void {
  const check = checkGoOracle();
  if (check.ok) {
    describe(title, fn);
    return;
  }
  if (isCi()) {
    describe(title, () => {
      test('the Go toolchain and the packaged Go sources are installed', () => {
        throw new Error(`${title}: ${check.reason} (CI=true, so this fails instead of skipping)`);
      });
    });
    return;
  }
  console.warn(`Skipping "${title}": ${check.reason}`);
  describe.skip(title, fn);
}

/** A built oracle binary. */
export class GoOracle {
  /**
   * Builds test/go into a fresh temporary directory, with a GOCACHE of its
   * own there (GOPATH mode: GO111MODULE=off, GOPATH=/usr/share/gocode, so
   * nothing is downloaded). Throws with the compiler output on failure.
   */
  public static build(): GoOracle {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'go-oracle-'));
    const binary = path.join(dir, 'go-oracle');
    const env = childEnv({
      GO111MODULE: 'off',
      GOPATH: DEBIAN_GOPATH,
      GOCACHE: path.join(dir, 'gocache'),
      GOFLAGS: '',
      GOTOOLCHAIN: 'local',
      GOPROXY: 'off',
      CGO_ENABLED: '0',
    });
    const result = spawnSync('go', ['build', '-o', binary, '.'], {
      cwd: GO_ORACLE_SOURCE_DIR,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.error || result.status !== 0) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`go build of ${GO_ORACLE_SOURCE_DIR} failed: ${result.error?.message ?? ''}${result.stderr}`);
    }
    return new GoOracle(dir, binary);
  }

  private constructor(private readonly dir: string, private readonly binary: string) {}

  /**
   * Runs one oracle process over all `requests` (objects with an `op`, see
   * test/go/main.go) and returns its answers, one per request, in order.
   */
  public ask<T>(requests: readonly object[]): T[] {
    if (requests.length === 0) return [];
    const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const result = spawnSync(this.binary, [], {
      input,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
      timeout: 60_000,
      env: childEnv(),
    });
    if (result.error || result.status !== 0) {
      throw new Error(`go oracle failed (status ${result.status}): ${result.error?.message ?? ''}${result.stderr}`);
    }
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    if (lines.length !== requests.length) {
      throw new Error(`go oracle answered ${lines.length} of ${requests.length} requests: ${result.stderr}`);
    }
    return lines.map((line) => JSON.parse(line) as T);
  }

  /** The Go version the oracle was built with, e.g. `go1.19.8`. */
  public version(): string {
    return this.ask<{ version: string }>([{ op: 'version' }])[0].version;
  }

  /** Removes the binary and its build cache. */
  public dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `go1.19.8` -> [1, 19, 8]; `go1.26rc1` -> [1, 26, 0]; devel builds count as newest. */
export function parseGoVersion(version: string): [number, number, number] {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return [Number.MAX_SAFE_INTEGER, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Whether Go `version` is at least one of `releases` (`[minor, patch]` of Go 1, e.g. [[24, 8], [25, 2]]): that patch within its minor line, or any later minor than the last listed. */
export function goAtLeast(version: string, releases: ReadonlyArray<readonly [number, number]>): boolean {
  const [major, minor, patch] = parseGoVersion(version);
  if (major !== 1) return major > 1;
  const sorted = [...releases].sort((a, b) => a[0] - b[0]);
  const last = sorted[sorted.length - 1];
  if (minor > last[0]) return true;
  const same = sorted.find(([m]) => m === minor);
  return same !== undefined && patch >= same[1];
}
