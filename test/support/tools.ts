/**
 * Which external programs a real-component test needs, and the convention
 * for when one is missing: skip with a printed reason on a developer
 * machine, fail loudly in CI (where a silent skip would hide a broken image).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Result of {@link requireTools}. */
export interface ToolCheck {
  /** True when every requested program was found on PATH. */
  readonly ok: boolean;
  /** Programs that were not found, in the order they were requested. */
  readonly missing: string[];
  /** Human-readable explanation naming each missing program and its Debian package; absent when ok. */
  readonly reason?: string;
}

/**
 * Debian packages that provide the programs the registry harness uses, so a
 * skip/failure message says what to `apt-get install`.
 */
export const DEBIAN_PACKAGE_OF: Readonly<Record<string, string>> = {
  'docker-registry': 'docker-registry',
  'skopeo': 'skopeo',
  'htpasswd': 'apache2-utils',
  'openssl': 'openssl',
  'kubectl': 'kubernetes-client',
};

/** The programs {@link startRegistry} and the skopeo helpers need for every auth mode. */
export const REGISTRY_TOOLS: readonly string[] = ['docker-registry', 'skopeo', 'htpasswd', 'openssl'];

/**
 * Looks each program up on PATH (an executable regular file), without
 * running it: running `--version` would cost time and could hang.
 */
export function requireTools(names: readonly string[]): ToolCheck {
  const missing = names.filter((name) => findOnPath(name) === undefined);
  if (missing.length === 0) return { ok: true, missing };
  const described = missing.map((name) => {
    const pkg = DEBIAN_PACKAGE_OF[name];
    return pkg ? `${name} (Debian package ${pkg})` : name;
  });
  return { ok: false, missing, reason: `missing required tool(s) on PATH: ${described.join(', ')}` };
}

/** Absolute path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when the suite runs in CI, where missing tools must fail rather than skip. */
export function isCi(): boolean {
  return process.env.CI === 'true';
}

/**
 * `describe(title, fn)` when all `tools` are on PATH. Otherwise: locally,
 * prints the reason with console.warn and registers the block with
 * `describe.skip` (so the skipped tests still show in the report); in CI
 * (`CI=true`), registers one failing test whose error names the missing
 * tools, instead of the block.
 */
export function describeWithTools(tools: readonly string[], title: string, fn: () => void): void {
  const check = requireTools(tools);
  if (check.ok) {
    describe(title, fn);
    return;
  }
  if (isCi()) {
    describe(title, () => {
      test('required tools are installed', () => {
        throw new Error(`${title}: ${check.reason} (CI=true, so this fails instead of skipping)`);
      });
    });
    return;
  }
  console.warn(`Skipping "${title}": ${check.reason}`);
  describe.skip(title, fn);
}

/**
 * `test(title, fn)` when all `tools` are on PATH; otherwise as
 * {@link describeWithTools}: locally skipped with the reason printed, in CI a
 * failing test naming what is missing.
 */
export function testWithTools(tools: readonly string[], title: string, fn: () => unknown, timeout?: number): void {
  const check = requireTools(tools);
  if (check.ok) {
    test(title, fn as jest.ProvidesCallback, timeout);
  } else if (isCi()) {
    test(title, () => {
      throw new Error(`${title}: ${check.reason} (CI=true, so this fails instead of skipping)`);
    });
  } else {
    console.warn(`Skipping "${title}": ${check.reason}`);
    test.skip(title, fn as jest.ProvidesCallback);
  }
}
