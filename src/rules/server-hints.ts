/**
 * Why a registry credential that almost names an image's registry does not
 * serve it: a port that differs (`harbor.example.com` for images on
 * `harbor.example.com:8443`), or a host a typo away (`quay.oi` for `quay.io`).
 * Secret names get "did you mean"; servers deserve it too. Pure.
 */
import { isDockerHubHost } from './docker-hub';
import { editDistance } from './edit-distance';
import { parseRegistryKey } from './keyring';
import { displayServer, splitHostAndPort } from './registry-server';

/** A typo this many edits away from the image's host is taken for one. */
const MAX_HOST_EDITS = 2;

/**
 * Public registries whose names are a few edits apart (`gcr.io`, `ghcr.io`):
 * a key naming one of them is meant, never a typo of another.
 */
const KNOWN_REGISTRIES = new Set([
  'docker.io', 'index.docker.io', 'registry-1.docker.io', 'ghcr.io', 'gcr.io', 'us.gcr.io', 'eu.gcr.io', 'asia.gcr.io', 'quay.io',
  'registry.k8s.io', 'k8s.gcr.io', 'mcr.microsoft.com', 'public.ecr.aws', 'registry.gitlab.com', 'nvcr.io', 'docker.elastic.co',
]);

/** A hint for `key` (an `auths` key) against the image's registry `domain`, or undefined when the key is not a near miss. */
export function serverHint(domain: string, key: string): string | undefined {
  let parsed: { host: string; port: string };
  try {
    parsed = parseRegistryKey(key);
  } catch {
    return undefined;
  }
  const image = splitHostAndPort(domain);
  const imageHost = image.host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const imagePort = image.port ?? '';
  const keyHost = parsed.host.toLowerCase();
  const shown = displayServer(key);
  if (keyHost === imageHost || (isDockerHubHost(keyHost) && isDockerHubHost(imageHost))) {
    if (parsed.port === imagePort) return undefined;
    return `"${shown}" ${parsed.port === '' ? 'names no port' : `names port ${parsed.port}`} but the image's registry "${domain}" `
      + `${imagePort === '' ? 'names none' : `names port ${imagePort}`}: the port must be the same`;
  }
  // A glob key or a known registry is meant as written. Hosts are short and share their suffix (".io"):
  // a typo must leave two thirds of the name as it was.
  if (keyHost.includes('*') || KNOWN_REGISTRIES.has(keyHost)) return undefined;
  const distance = editDistance(imageHost, keyHost, MAX_HOST_EDITS);
  if (distance > MAX_HOST_EDITS || distance * 3 >= Math.max(imageHost.length, keyHost.length)) return undefined;
  return `"${shown}" is not the image's registry "${domain}": did you mean "${domain}"?`;
}

/** The first hint among `keys`, or undefined. */
export function firstServerHint(domain: string, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const hint = serverHint(domain, key);
    if (hint !== undefined) return hint;
  }
  return undefined;
}
