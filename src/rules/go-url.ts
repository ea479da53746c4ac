/**
 * Go's net/url.Parse, as far as the kubelet's keyring needs it: the Host and
 * Path of an absolute `http(s)://` URL, and the same errors, so a registry
 * key Go rejects is rejected here too. Also net.SplitHostPort as keyring.go's
 * splitURL uses it. Facts and sources: docs/facts.md#go-neturl.
 */

/** What the keyring reads of a parsed URL. */
export interface GoUrl {
  /** URL.Host: unescaped, with the port. */
  readonly host: string;
  /** URL.Path: unescaped, with its leading `/`; `''` when none. */
  readonly path: string;
}

/** Host and Path of an absolute http(s) URL, or throws an Error where Go's url.Parse returns one. */
export function parseGoHttpUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  // Go checks control bytes before the fragment only.
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) {
    throw new Error('invalid control character in URL');
  }
  const question = beforeFragment.indexOf('?');
  const withoutQuery = question < 0 ? beforeFragment : beforeFragment.slice(0, question);
  const afterScheme = withoutQuery.slice(withoutQuery.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  const authority = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
  const rawPath = slash < 0 ? '' : afterScheme.slice(slash);

  const at = authority.lastIndexOf('@');
  const host = parseHost(authority.slice(at + 1));
  if (at >= 0) {
    checkUserinfo(authority.slice(0, at));
  }
  const path = unescape(rawPath, 'path');
  if (hash >= 0) {
    unescape(raw.slice(hash + 1), 'fragment');
  }
  return { host, path };
}

/**
 * url.parseHost as in current Go: brackets must hold an IPv6 address (Go
 * 1.24.8/1.25.2 on); a second colon outside brackets is an error (Go 1.26;
 * older Go accepted it, but such a key can never match an image anyway).
 */
function parseHost(host: string): string {
  // Current Go: a "[" anywhere but first is an error (golang/go#77578), so `q[u]ay.io` is no key.
  if (host.lastIndexOf('[') > 0) {
    throw new Error('invalid IP-literal');
  }
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) {
      throw new Error("missing ']' in host");
    }
    checkOptionalPort(host.slice(close + 1));
    const inside = host.slice(1, close);
    const zone = inside.indexOf('%25');
    const address = zone < 0
      ? unescape(inside, 'host')
      : unescape(inside.slice(0, zone), 'host') + unescape(inside.slice(zone), 'zone');
    if (!isIPv6(address)) {
      throw new Error(`invalid IP-literal ${JSON.stringify(address)}`);
    }
    return `[${address}]${host.slice(close + 1)}`;
  }
  const colon = host.indexOf(':');
  if (colon >= 0) {
    if (host.lastIndexOf(':') !== colon) {
      throw new Error(`too many colons in host ${JSON.stringify(host)}`);
    }
    checkOptionalPort(host.slice(colon));
  }
  return unescape(host, 'host');
}

function checkOptionalPort(colonPort: string): void {
  if (colonPort !== '' && !/^:[0-9]*$/.test(colonPort)) {
    throw new Error(`invalid port ${JSON.stringify(colonPort)} after host`);
  }
}

function checkUserinfo(userinfo: string): void {
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
    throw new Error('invalid userinfo');
  }
  unescape(userinfo, 'userinfo');
}

/** ASCII bytes Go allows unescaped in a host (shouldEscape(c, encodeHost) is false). */
const HOST_ASCII = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;

/**
 * url.unescape: `%XX` must be two hex digits; in hosts only non-ASCII bytes
 * (and `%25`) may be escaped, in IPv6 zones only bytes a host could hold
 * raw (or a space), and only HOST_ASCII may appear raw in either. Escaped
 * bytes are decoded as UTF-8 (invalid sequences become U+FFFD, which can
 * never equal the ASCII an image name is made of).
 */
function unescape(text: string, mode: 'host' | 'zone' | 'path' | 'userinfo' | 'fragment'): string {
  const hostLike = mode === 'host' || mode === 'zone';
  let escapes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '%') {
      const pair = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(pair)) {
        throw new Error(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      }
      const byte = parseInt(pair, 16);
      const percent25 = pair === '25';
      const hostReject = mode === 'host' && byte < 0x80 && !percent25;
      const zoneReject = mode === 'zone' && !percent25 && byte !== 0x20 && (byte >= 0x80 || !HOST_ASCII.test(String.fromCharCode(byte)));
      if (hostReject || zoneReject) {
        throw new Error(`invalid URL escape ${JSON.stringify(text.slice(i, i + 3))}`);
      }
      escapes++;
      i += 2;
    } else if (hostLike && ch.charCodeAt(0) < 0x80 && !HOST_ASCII.test(ch)) {
      throw new Error(`invalid character ${JSON.stringify(ch)} in host name`);
    }
  }
  return escapes === 0 ? text : decodeEscapes(text);
}

function decodeEscapes(text: string): string {
  const parts = text.split(/(%[0-9A-Fa-f]{2})/);
  const bytes = parts.map((part) => (part.startsWith('%') && part.length === 3
    ? Buffer.from([parseInt(part.slice(1), 16)])
    : Buffer.from(part, 'utf8')));
  return Buffer.concat(bytes).toString('utf8');
}

/** netip.ParseAddr accepting IPv6 only (IPv4-mapped allowed, optional non-empty `%zone`). */
function isIPv6(address: string): boolean {
  const percent = address.indexOf('%');
  if (percent === address.length - 1) {
    return false;
  }
  let ip = percent < 0 ? address : address.slice(0, percent);
  if (ip.includes('.')) {
    const lastColon = ip.lastIndexOf(':');
    if (lastColon < 0 || !isIPv4(ip.slice(lastColon + 1))) {
      return false;
    }
    ip = `${ip.slice(0, lastColon + 1)}0:0`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((g) => g.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group)))) {
    return false;
  }
  const count = groups.reduce((sum, g) => sum + g.length, 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

function isIPv4(text: string): boolean {
  const octets = text.split('.');
  return octets.length === 4 && octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
}

/** keyring.go splitURL: net.SplitHostPort, falling back to (whole, "") on error. */
export function splitHostPortOrWhole(hostport: string): { host: string; port: string } {
  const whole = { host: hostport, port: '' };
  const lastColon = hostport.lastIndexOf(':');
  if (lastColon < 0) {
    return whole;
  }
  let host: string;
  let afterOpen = 0;
  let afterClose = 0;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0 || close + 1 !== lastColon) {
      return whole;
    }
    host = hostport.slice(1, close);
    [afterOpen, afterClose] = [1, close + 1];
  } else {
    host = hostport.slice(0, lastColon);
    if (host.includes(':')) {
      return whole;
    }
  }
  if (hostport.indexOf('[', afterOpen) >= 0 || hostport.indexOf(']', afterClose) >= 0) {
    return whole;
  }
  return { host, port: hostport.slice(lastColon + 1) };
}
