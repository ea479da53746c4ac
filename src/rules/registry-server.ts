/**
 * Registry server strings: whether one is something the kubelet can match.
 * Facts and sources: docs/facts.md#registry-servers.
 */
import { redactUserInfo } from './redact';

const HOST_LABEL = /^[A-Za-z0-9*]([A-Za-z0-9*-]*[A-Za-z0-9*])?$/;

/**
 * Why `server` is not a registry server the kubelet can match, or undefined.
 * Accepted: `host`, `host:port`, an optional `http(s)://` scheme and a path
 * (`https://index.docker.io/v1/`, `registry.example.com/team`), IPv4 and
 * bracketed IPv6 hosts, and `*` globs in host labels (`?` starts a URL
 * query and current Go refuses `[` after the host's start, so neither can
 * ever match).
 */
export function registryServerProblem(server: string): string | undefined {
  if (server.trim() === '') return 'is empty';
  if (/\s/.test(server)) return 'contains whitespace';
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(server);
  // Case matters: the kubelet only recognises lowercase schemes; `HTTPS://x` never matches.
  if (schemeMatch && !/^https?$/.test(schemeMatch[1])) {
    return `has scheme "${schemeMatch[1]}"; only lowercase http:// and https:// (or none) are allowed`;
  }
  const rest = schemeMatch ? server.slice(schemeMatch[0].length) : server;
  // Also after `scheme:/` or `scheme:///`, which a lenient parser reads as `scheme://` too.
  if (/^[^/]*@/.test(rest) || /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?\/+[^/]*@/.test(rest)) return 'contains user info (a user name or password)';
  if (/[?#@]/.test(rest)) return 'must not contain a query, fragment or "@"';
  const hostPort = rest.split('/')[0];
  if (hostPort === '') return 'has no host';
  const { host, port } = splitHostAndPort(hostPort);
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return `has port "${port}"; a port is a number from 1 to 65535`;
    }
  }
  if (host.startsWith('[')) {
    return /^\[[0-9A-Fa-f:.]+\]$/.test(host) ? undefined : `has a malformed IPv6 host "${host}"`;
  }
  const badLabel = host.split('.').find((label) => !HOST_LABEL.test(label));
  if (badLabel !== undefined) {
    return `has host "${host}" with an invalid label "${badLabel}"`;
  }
  return undefined;
}

/**
 * `server` as messages may show it: whatever could be user info (which may
 * hold a password) redacted as `***@` (see {@link redactUserInfo}), without
 * query or fragment. Everything else is the user's own input.
 */
export function displayServer(server: string): string {
  return redactUserInfo(server).replace(/[?#].*$/s, '');
}

/**
 * `host[:port]` split at the port's colon; an IPv6 host keeps its brackets.
 * Lenient (no validation): for bucketing and messages, not for matching,
 * where Go's own rules apply (see go-url.ts).
 */
export function splitHostAndPort(hostPort: string): { host: string; port?: string } {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0) return { host: hostPort };
    const after = hostPort.slice(end + 1);
    return { host: hostPort.slice(0, end + 1), port: after.startsWith(':') ? after.slice(1) : undefined };
  }
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? { host: hostPort } : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}
