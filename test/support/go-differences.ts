/**
 * Reporting and classification for the differential tests against the real
 * Go code (test/rules/go-differential.test.ts): how a difference is recorded
 * and reported, the shapes of the Go oracle's answers, and the exception
 * classes (known differences between the Go code installed here and the Go
 * code the kubelet runs) with the checks that a difference is exactly one.
 */
import * as fs from 'fs';
import { join as joinPath } from 'path';
import { SEED } from './go-inputs';
import { ImageReference } from '../../src/rules/image-reference';

// --- reporting ---

export interface Difference {
  readonly input: unknown;
  readonly go: unknown;
  readonly ours: unknown;
  readonly note?: string;
}

/** Throws with the first differences (and the seed) when there are any. */
export function expectNoDifferences(primitive: string, total: number, differences: readonly Difference[]): void {
  if (differences.length === 0) return;
  const dump = process.env.GO_DIFFERENTIAL_DUMP;
  if (dump) {
    fs.mkdirSync(dump, { recursive: true });
    fs.writeFileSync(joinPath(dump, `${primitive.replace(/[^A-Za-z0-9-]+/g, '_')}.json`), JSON.stringify(differences, null, 1));
  }
  const byNote: Record<string, number> = {};
  differences.forEach((d) => countBy(byNote, d.note ?? '(no note)'));
  const shown = differences.slice(0, 15).map((d) => JSON.stringify(d)).join('\n');
  throw new Error(`${primitive}: ${differences.length} of ${total} inputs differ from Go `
    + `(GO_DIFFERENTIAL_SEED=${SEED}). By note: ${JSON.stringify(byNote)}. First ones:\n${shown}`);
}

export function countBy(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Runs `f`, returning its value or the Error it threw. */
export function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: Error } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

export const fromHex = (hex: string): string => Buffer.from(hex, 'hex').toString('utf8');

// --- (1) image references ---

export interface GoRef {
  readonly ok: boolean;
  readonly err?: string;
  readonly name?: string;
  readonly domain?: string;
  readonly path?: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly hasTag: boolean;
  readonly hasDigest: boolean;
}

export const ERR_NAME_TOO_LONG = 'repository name must not be more than 255 characters';

/** distribution/reference v0.6 regexp.go, for the exception checks (not the port's copy). */
const V06_IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const V06_DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

/**
 * The image-reference exception classes: Debian ships docker/distribution
 * 2.8, the kubelet uses distribution/reference v0.6, which differs in three
 * ways, all of them "2.8 rejects, v0.6 (and our port) accepts":
 *
 * - ipv6-domain: v0.6 accepts a bracketed IPv6 host (`[::1]:5000/app`);
 *   2.8's grammar has no brackets ("invalid reference format").
 * - uppercase-domain: v0.6 takes an uppercase first component without `.`
 *   or `:` (`Registry/app`) as a domain; 2.8 takes it as a Docker Hub
 *   namespace and fails "repository name must be lowercase".
 * - path-length: v0.6 limits the path to 255 characters; 2.8 limits
 *   domain + "/" + path (ErrNameTooLong).
 *
 * Each case is checked, not just labelled: the host must match v0.6's
 * grammar, and 2.8 must accept the same reference with the host replaced by
 * a plain DNS name of the same length (or the shortest one, `a.b`, for the
 * length class) and then agree on path, tag and digest. When even `a.b`
 * leaves the name too long, 2.8's ErrNameTooLong itself shows the grammar
 * matched (the length is checked after the regexp), and go-digest checks
 * the digest separately.
 */
export interface ReferenceException {
  /** The classes that apply, or none with `problem` saying why not. */
  readonly classes: string[];
  readonly problem?: string;
  /** The reference with a plain DNS host in place of the exceptional one, for 2.8 to check; absent for path-length alone. */
  readonly verify?: string;
  /** The domain 2.8 should report for `verify`. */
  readonly placeholderDomain?: string;
}

export function classifyReference(input: string, go: GoRef, ours: ImageReference): ReferenceException {
  const classes: string[] = [];
  const slash = input.indexOf('/');
  const first = slash < 0 ? '' : input.slice(0, slash);
  const explicitDomain = slash >= 0 && first === ours.domain;
  const portAt = ours.domain.startsWith('[') ? ours.domain.indexOf(']') + 1 : ours.domain.indexOf(':');
  const host = portAt <= 0 ? ours.domain : ours.domain.slice(0, portAt);
  const port = portAt <= 0 ? '' : ours.domain.slice(portAt);
  if (explicitDomain && host.startsWith('[')) {
    if (!V06_IPV6_HOST.test(host)) return { classes, problem: `host ${host} is not v0.6's bracketed IPv6 grammar` };
    classes.push('ipv6-domain');
  } else if (explicitDomain && /[A-Z]/.test(first) && !/[.:]/.test(first) && first !== 'localhost') {
    if (!V06_DOMAIN_COMPONENT.test(host)) return { classes, problem: `host ${host} is not v0.6's domain grammar` };
    classes.push('uppercase-domain');
  }
  if (ours.name.length > 255 && ours.path.length <= 255) classes.push('path-length');
  if (classes.length === 0) return { classes, problem: 'no exception class applies' };

  // 2.8 checks lowercase first, then the grammar, then the length.
  // (A bracketed host without ':', like `[Ff]`, is a domain for v0.6 only when it has uppercase.)
  const lowercaseFirst = classes[0] === 'uppercase-domain' || (classes[0] === 'ipv6-domain' && !first.includes(':'));
  const expectedErr = lowercaseFirst ? /must be lowercase$/
    : classes[0] === 'ipv6-domain' ? /^invalid reference format$/ : new RegExp(`^${ERR_NAME_TOO_LONG}$`);
  if (!expectedErr.test(go.err ?? '')) return { classes, problem: `Go's error ${JSON.stringify(go.err)} is not the one ${classes[0]} causes` };
  if (classes[0] === 'path-length') {
    // ErrNameTooLong comes after the regexp matched: only the digest is left to check.
    return { classes };
  }
  const placeholder = classes.includes('path-length') || host.length < 3 ? 'a.b' : `${'x'.repeat(host.length - 2)}.y`;
  return { classes, verify: placeholder + port + input.slice(slash), placeholderDomain: placeholder + port };
}

// --- (2) url.Parse of registry keys ---

export interface GoUrlAnswer {
  readonly ok: boolean;
  readonly err?: string;
  readonly hostHex: string;
  readonly pathHex: string;
  readonly strict?: 'bracket-ipv6' | 'bracket-not-first' | 'colons' | 'netip-group-digits';
}

/**
 * The net/url exception classes, by the Go release that added the check:
 * when the installed Go predates it, test/go/main.go re-applies the check
 * (strictHostProblem) so the expectation is current Go's, which the port
 * follows. A class seen with a Go that already has the check means the
 * re-applied check is wrong, and fails. (Versions: the Go security release
 * notes; for golang/go#57760 an upper bound.) Current Go's parseHost
 * (quoted in test/go/main.go) differs from Go 1.19's by these checks only.
 */
export const STRICT_HOST_CHECKS: Readonly<Record<string, { readonly since: ReadonlyArray<readonly [number, number]>; readonly what: string }>> = {
  'bracket-ipv6': { since: [[24, 8], [25, 2]], what: 'brackets must hold an IPv6 address (CVE-2025-47912, Go 1.24.8/1.25.2)' },
  'bracket-not-first': { since: [[25, 8], [26, 1]], what: "'[' only as the host's first byte (CVE-2026-25679, golang/go#77578)" },
  'colons': { since: [[26, 0]], what: 'one colon at most outside brackets (Go 1.26, GODEBUG urlstrictcolons=1)' },
  'netip-group-digits': { since: [[22, 0]], what: 'IPv6 groups of at most 4 hex digits in brackets (netip.ParseAddr, golang/go#57760; fixed by Go 1.22)' },
};

// --- (5) string order ---

export const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

// --- (6) keyring ---

/** The host of an auths key, split as url.Parse splits "https://" + key. */
export function keyHost(key: string): string {
  let rest = key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
  rest = rest.split('#')[0].split('?')[0];
  rest = rest.slice(rest.indexOf('://') + 3).split('/')[0];
  return rest.slice(rest.lastIndexOf('@') + 1);
}
