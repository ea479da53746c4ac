/**
 * Inputs for the differential tests against the real Go code
 * (test/rules/go-differential.test.ts): the seed, a seeded PRNG, and the
 * random generators of image references, registry-key URLs, host:port
 * strings, path.Match globs and names, strings to order, and keyring
 * keys and images. Every generator draws from the PRNG in a fixed order, so
 * a seed always yields the same inputs.
 */

/** Inputs per primitive; at least 10,000 each. */
export const CASES = 10_000;

export const SEED = parseSeed(process.env.GO_DIFFERENTIAL_SEED);

function parseSeed(text: string | undefined): number {
  if (text === undefined || text === '') return 20250917;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`GO_DIFFERENTIAL_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  return seed;
}

// --- deterministic randomness ---

/**
 * Park-Miller "minimal standard" generator (exact in doubles, no bitwise
 * operators), seeded per primitive so each test reproduces on its own.
 */
export class Rng {
  private static readonly MODULUS = 2147483647;
  private state: number;

  public constructor(seed: number, salt: string) {
    let h = (seed % (Rng.MODULUS - 1)) + 1;
    for (const ch of salt) h = ((h * 31) + ch.charCodeAt(0)) % (Rng.MODULUS - 1) + 1;
    this.state = h;
    for (let i = 0; i < 8; i++) this.next();
  }

  /** Uniform in [0, 1). */
  public next(): number {
    this.state = (this.state * 48271) % Rng.MODULUS;
    return (this.state - 1) / (Rng.MODULUS - 1);
  }

  /** Integer in [0, n). */
  public int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  public range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }

  public pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` picks from `alphabet` (an array of code-point strings), joined. */
  public chars(alphabet: readonly string[], n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += this.pick(alphabet);
    return out;
  }

  /** Calls one of the weighted generators. */
  public oneOf<T>(choices: ReadonlyArray<readonly [number, () => T]>): T {
    const total = choices.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, f] of choices) {
      if (r < w) return f();
      r -= w;
    }
    return choices[choices.length - 1][1]();
  }
}

const chars = (s: string): string[] => Array.from(s);
const LOWER = chars('abcdefghijklmnopqrstuvwxyz');
const DIGITS = chars('0123456789');
const HEX = chars('0123456789abcdef');
export const ALNUM = [...LOWER, ...DIGITS];
const UPPER = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
/** Characters from every UTF-8 length class and the edges between them. */
export const UNICODE = chars('éßÿĀαωЖא\u07ff\u0800中\ud7ff\ue000\ufb01\ufffd\uffff\u{10000}😀\u{10ffff}\u0130\u212a');
/** Printable ASCII that is not alphanumeric. */
const PUNCT = chars('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ ');
const CONTROL = ['\x00', '\x01', '\t', '\n', '\r', '\x1f', '\x7f'];

// --- (1) image references ---

function domainLabel(rng: Rng): string {
  return rng.oneOf<string>([
    [6, () => rng.chars(ALNUM, rng.range(1, 8))],
    [2, () => `${rng.chars(ALNUM, rng.range(1, 3))}${'-'.repeat(rng.range(1, 2))}${rng.chars(ALNUM, rng.range(1, 3))}`],
    [1, () => rng.chars([...ALNUM, ...UPPER], rng.range(1, 6))],
    [1, () => rng.pick(['-a', 'a-', '-', 'a_b', '', 'xn--bcher-kva', 'A', 'Ab-C'])],
  ]);
}

function referenceDomain(rng: Rng): string {
  const port = (): string => rng.oneOf<string>([
    [8, () => ''],
    [4, () => `:${rng.chars(DIGITS, rng.range(1, 5))}`],
    [1, () => rng.pick([':', ':a', ':5000:5000', ':-1', ': 1'])],
  ]);
  return rng.oneOf<string>([
    [5, () => Array.from({ length: rng.range(2, 4) }, () => domainLabel(rng)).join('.') + port()],
    [2, () => domainLabel(rng) + port()],
    [2, () => rng.pick(['localhost', 'docker.io', 'index.docker.io', 'Docker.io', 'LOCALHOST', 'localhost.localdomain']) + port()],
    [1, () => `${rng.range(0, 300)}.${rng.range(0, 255)}.${rng.range(0, 255)}.${rng.range(0, 255)}${port()}`],
    [2, () => `[${ipv6Like(rng)}]${port()}`],
    [1, () => `${rng.pick(UPPER)}${rng.chars([...ALNUM, ...UPPER, '-'], rng.range(0, 6))}${rng.pick([...ALNUM, ...UPPER])}`],
    [1, () => rng.chars([...ALNUM, ...UPPER, '.', ':', '-', '_', '[', ']'], rng.range(1, 10))],
  ]);
}

function ipv6Like(rng: Rng): string {
  return rng.oneOf<string>([
    [4, () => rng.pick(['::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '1:2:3:4:5:6:7:8', 'FE80::A', '::ffff:1.2.3.4', '1::', ':'])],
    [4, () => Array.from({ length: rng.range(1, 9) }, () => rng.chars([...HEX, 'A', 'F'], rng.range(0, 5))).join(':')],
    [1, () => rng.chars([...HEX, ':', 'g', '.', '%', 'Z'], rng.range(1, 12))],
  ]);
}

function pathComponent(rng: Rng): string {
  const parts = [rng.chars(ALNUM, rng.range(1, 6))];
  const extra = rng.range(0, 3);
  for (let i = 0; i < extra; i++) {
    parts.push(rng.oneOf<string>([
      [6, () => rng.pick(['.', '_', '__', '-', '--', '---'])],
      [1, () => rng.pick(['___', '..', '._', '-_', '_-', '.-', ''])],
    ]));
    parts.push(rng.chars(ALNUM, rng.range(1, 6)));
  }
  let component = parts.join('');
  if (rng.chance(0.04)) component = rng.pick(['-', '_', '.']) + component;
  if (rng.chance(0.04)) component += rng.pick(['-', '_', '.']);
  if (rng.chance(0.04)) component = component.toUpperCase();
  return component;
}

function referencePath(rng: Rng): string {
  if (rng.chance(0.12)) {
    // Near the 255-character limit on the path.
    const target = rng.range(245, 262);
    const components: string[] = [];
    let length = -1;
    while (length < target) {
      const c = rng.chars(ALNUM, rng.range(1, 40));
      components.push(c);
      length += c.length + 1;
    }
    const joined = components.join('/');
    return joined.slice(0, target).replace(/\/$/, 'x');
  }
  return Array.from({ length: rng.range(1, 4) }, () => pathComponent(rng)).join('/');
}

function referenceTag(rng: Rng): string {
  const word = [...ALNUM, ...UPPER, '_'];
  return rng.oneOf<string>([
    [5, () => rng.pick(word) + rng.chars([...word, '.', '-'], rng.range(0, 12))],
    [2, () => rng.pick(word) + rng.chars([...word, '.', '-'], rng.range(125, 129))],
    [1, () => rng.pick(['', '.x', '-x', 'latest', 'v1.0', 'a@b', 'é', 'a/b', 'x:y'])],
  ]);
}

function referenceDigest(rng: Rng): string {
  const algorithm = rng.oneOf<string>([
    [6, () => rng.pick(['sha256', 'sha384', 'sha512'])],
    [2, () => rng.pick(['SHA256', 'sha1', 'md5', 'blake3', 'sha256+b64u', 'a.b', 'x', 'sha-256', '1sha', '', 'sha256_x'])],
  ]);
  const length = rng.oneOf<number>([
    [4, () => rng.pick([64, 96, 128])],
    [2, () => rng.pick([31, 32, 33, 40, 63, 65, 95, 97, 127, 129])],
    [1, () => rng.range(0, 140)],
  ]);
  let hex = rng.chars(HEX, length);
  if (rng.chance(0.1)) hex = hex.toUpperCase();
  if (rng.chance(0.05) && hex.length > 0) hex = hex.slice(0, -1) + rng.pick(['g', 'G', 'Z', '.']);
  return `${algorithm}:${hex}`;
}

export function imageReference(rng: Rng): string {
  return rng.oneOf<string>([
    [20, () => {
      const domain = rng.chance(0.6) ? `${referenceDomain(rng)}/` : '';
      const tag = rng.chance(0.4) ? `:${referenceTag(rng)}` : '';
      const digest = rng.chance(0.25) ? `@${referenceDigest(rng)}` : '';
      return domain + referencePath(rng) + tag + digest;
    }],
    [2, () => {
      // Mutate a valid-looking reference with one junk character.
      const base = `${referenceDomain(rng)}/${referencePath(rng)}:${referenceTag(rng)}`;
      const at = rng.int(base.length + 1);
      const junk = rng.pick([...PUNCT, ...UNICODE, ...CONTROL, ...UPPER]);
      return rng.chance(0.5) ? base.slice(0, at) + junk + base.slice(at) : base.slice(0, at) + junk + base.slice(at + 1);
    }],
    [1, () => rng.chars([...ALNUM, ...UPPER, ...PUNCT, ...UNICODE], rng.range(0, 20))],
    [1, () => rng.pick([rng.chars(HEX, 64), rng.chars(HEX, 63), `${rng.chars(HEX, 64)}:tag`, `a/${rng.chars(HEX, 64)}`, rng.chars(HEX, 64).toUpperCase()])],
  ]);
}

// --- (2) url.Parse of registry keys ---

function urlHost(rng: Rng): string {
  const label = (): string => rng.oneOf<string>([
    [8, () => rng.chars(ALNUM, rng.range(1, 8))],
    [2, () => rng.chars([...ALNUM, ...UPPER, '-', '_', '~'], rng.range(1, 6))],
    [3, () => rng.pick(['*', '?', 'a*', '*b', 'q?ay', '[a-z]', 'q[u]ay', '[^x]y', '\\*', '*.*', 'a[', ']b', '[]'])],
    [2, () => rng.pick(['%41', '%c3%a9', '%C3%A9', '%25', '%zz', '%', '%2', '%e2%82', '%ff', '%00'])],
    [1, () => rng.chars([...ALNUM, ...UNICODE], rng.range(1, 4))],
    [1, () => rng.pick([...PUNCT, ...CONTROL])],
  ]);
  const port = (): string => rng.oneOf<string>([
    [6, () => ''],
    [3, () => `:${rng.chars(DIGITS, rng.range(0, 5))}`],
    [1, () => rng.pick([':x', '::80', ':80:80', ':8%30', ': 80', ':-1'])],
  ]);
  return rng.oneOf<string>([
    [6, () => Array.from({ length: rng.range(1, 4) }, label).join('.') + port()],
    [2, () => `[${ipv6Like(rng)}${rng.chance(0.2) ? rng.pick(['%25en0', '%25', '%25%41', '%25a%2Fb', '%eth0', '%25é', '%25%zz']) : ''}]${port()}`],
    [1, () => rng.pick(['', 'localhost', 'index.docker.io', 'a:b:c', '::1', 'x[::1]', '[::1]x', '[::1]]', '[[::1]', '[::1', 'a]b', 'a[b', '1.2.3.4', '[1.2.3.4]', '[::ffff:1.2.3.4]', '[v1.x]'])
      + port()],
  ]);
}

function urlPath(rng: Rng): string {
  return rng.oneOf<string>([
    [3, () => ''],
    [3, () => rng.pick(['/', '/v1/', '/v2/', '/v2', '/v1', '/v3/', '/V2/', '//'])],
    [4, () => rng.pick(['', '/v1', '/v2']) + Array.from({ length: rng.range(1, 3) }, () => `/${rng.chars([...ALNUM, '-', '_', '.'], rng.range(0, 6))}`).join('')],
    [2, () => `/${rng.pick(['%41', '%2F', '%zz', '%', '%c3%a9', '%ff', 'é', '😀', '*', '[x]', ' ', '%25'])}${rng.chars(ALNUM, rng.range(0, 3))}`],
    [1, () => `/${rng.pick(CONTROL)}`],
  ]);
}

export function registryKeyUrl(rng: Rng): string {
  const userinfo = rng.chance(0.1)
    ? `${rng.pick(['user', 'u:p', 'a%41', 'a%zz', 'ü', 'a b', 'a@b', ':', '', 'x:y:z', 'a/b'])}@`
    : '';
  const query = rng.oneOf<string>([
    [10, () => ''],
    [1, () => rng.pick(['?', '?a=b', '?%zz', `?${rng.pick(CONTROL)}`])],
    [1, () => rng.pick(['#', '#x', '#%zz', `#${rng.pick(CONTROL)}`, '#/v2/'])],
  ]);
  let key = userinfo + urlHost(rng) + urlPath(rng) + query;
  if (rng.chance(0.15)) key = rng.pick(['https://', 'http://', 'HTTPS://', 'ftp://', 'oci://', 'https:/', 'https://https://']) + key;
  if (rng.chance(0.03)) key = rng.chars([...ALNUM, ...PUNCT, ...UNICODE, ...CONTROL], rng.range(0, 12));
  // As the keyring does it: keep an http(s) scheme, add https:// otherwise.
  return key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`;
}

// --- (3) net.SplitHostPort ---

export function hostPort(rng: Rng): string {
  return rng.oneOf<string>([
    [3, () => urlHost(rng)],
    [3, () => rng.chars(chars('ab1.:[]%'), rng.range(0, 8))],
    [2, () => rng.pick(['[::1]:80', '[::1]', '[::1]:', '::1', ':80', ':', '', '[a]:b:c', '[a]b:c', 'a]:80', '[a:80', 'a[:80', '[[a]]:80', '[a]]:80', 'h:p:q', '[fe80::1%en0]:8080'])],
  ]);
}

// --- (4) path.Match ---

export function globPattern(rng: Rng): string {
  const literal = [...ALNUM, '-', '.', ...UNICODE];
  const classChar = (): string => rng.oneOf<string>([
    [6, () => rng.pick([...ALNUM, ...UNICODE])],
    [1, () => rng.pick(['\\]', '\\-', '\\\\', '\\a', '\\', '-', ']', '^', '[', '*', '?'])],
  ]);
  const piece = (): string => rng.oneOf<string>([
    [6, () => rng.chars(literal, rng.range(1, 3))],
    [3, () => '*'.repeat(rng.range(1, 2))],
    [3, () => '?'],
    [3, () => {
      const items = Array.from({ length: rng.range(0, 3) }, () => (rng.chance(0.4) ? `${classChar()}-${classChar()}` : classChar()));
      return `[${rng.chance(0.3) ? '^' : ''}${items.join('')}${rng.chance(0.93) ? ']' : ''}`;
    }],
    [1, () => `\\${rng.pick([...literal, '*', '?', '[', ']', '\\', ''])}`],
    [1, () => rng.pick(['^', ']', '-', '[]', '[^]', '[a-]', '[-a]', '[z-a]', '[a-z', '\\'])],
  ]);
  return Array.from({ length: rng.range(1, 5) }, piece).join('');
}

export function globName(rng: Rng, ascii: boolean): string {
  const alphabet = ascii ? [...ALNUM, '-', '_', '*', '?', '[', ']', '^', '\\'] : [...ALNUM, '-', ...UNICODE];
  return rng.chars(alphabet, rng.range(0, 7));
}

// --- (5) string order ---

export const ORDER_ALPHABET = chars('aAz09~\x7f\x80éÿĀ\u07ff\u0800\ud7ff\ue000\uf8ff\ufb01\ufffd\uffff\u{10000}\u{1f600}\u{10ffff}');

export function orderString(rng: Rng): string {
  return rng.chars(ORDER_ALPHABET, rng.range(0, 6));
}

/** A pair sharing a prefix, so the comparison is decided deep inside. */
export function orderPair(rng: Rng): [string, string] {
  const prefix = rng.chance(0.7) ? orderString(rng) : '';
  return [prefix + orderString(rng), prefix + orderString(rng)];
}

// --- (6) keyring ---

const KEYRING_HOSTS = [
  'quay.io', 'gcr.io', 'eu.gcr.io', 'registry.example.com', 'registry.example.com:5000', 'localhost:5000', 'localhost',
  '127.0.0.1:5000', '[::1]:5000', '[fe80::1]', 'docker.io', 'index.docker.io', 'Registry.Example.com', 'Registry', 'a.b.c.d.e',
];

export function keyringImage(rng: Rng): string {
  const path = rng.pick(['app', 'team/app', 'teamx/app', 'team/sub/app', 'library/nginx', 'v2/app', 'a']);
  const tag = rng.chance(0.3) ? ':1.0' : '';
  if (rng.chance(0.15)) return rng.pick(['nginx', 'team/app', 'library/nginx']) + tag;
  return `${rng.pick(KEYRING_HOSTS)}/${path}${tag}`;
}

export function keyringKey(rng: Rng, image: string): string {
  const slash = image.indexOf('/');
  const imageHost = slash < 0 || !/[.:]|^localhost$|[A-Z]/.test(image.slice(0, slash)) ? 'docker.io' : image.slice(0, slash);
  const base = rng.chance(0.7) ? imageHost : rng.pick(KEYRING_HOSTS);
  const [hostOnly, port] = base.startsWith('[') ? [base.slice(0, base.indexOf(']') + 1), base.slice(base.indexOf(']') + 1)] : [base.split(':')[0], base.includes(':') ? `:${base.split(':')[1]}` : ''];
  let labels = hostOnly.startsWith('[') ? [hostOnly] : hostOnly.split('.');
  if (rng.chance(0.4)) {
    const i = rng.int(labels.length);
    const glob = rng.pick(['*', '?*', '*o', '[a-z]*', 'q[u]ay', 'g?r', '[^x]*', '[', '\\*', '*[', '[!a]*', 'Quay', '*.*']);
    labels = labels.map((l, j) => (j === i ? glob : l));
  }
  if (rng.chance(0.1)) labels = rng.chance(0.5) ? ['*', ...labels] : labels.slice(1);
  const portPart = rng.oneOf<string>([
    [6, () => port],
    [1, () => ''],
    [1, () => rng.pick([':5000', ':443', ':', ':80:80'])],
  ]);
  const path = rng.pick(['', '', '', '/', '/v1/', '/v2/', '/team', '/team/', '/v2/team', '/v1/team/app', '/tea', '/v2', '/%74eam', '/team?x', '#frag']);
  const scheme = rng.pick(['', '', '', 'https://', 'http://', 'oci://']);
  let key = scheme + labels.join('.') + portPart + path;
  if (rng.chance(0.05)) key = rng.pick(['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', '*.docker.io', '*', 'user@quay.io', 'quay.io%zz']);
  return key;
}
