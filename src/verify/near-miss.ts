/**
 * Near misses: a credential for the image's registry host that the kubelet
 * still does not apply (port, path prefix, case or Docker Hub alias) is
 * almost always a mistake, so the preflight explains it.
 */
import { DecodedPullSecret } from '../manifests/pull-secrets';
import { DOCKER_HUB_DOMAIN, isDockerHubHost } from '../rules/docker-hub';
import { ImageReference } from '../rules/image-reference';
import { parseRegistryKey } from '../rules/keyring';
import { redactUserInfo } from '../rules/redact';
import { displayServer, splitHostAndPort } from '../rules/registry-server';

/** A referenced secret the kubelet can take credentials from. */
export interface UsableSecret {
  readonly name: string;
  readonly decoded: DecodedPullSecret;
}

/** A referenced secret whose `auths` keys are known: read from the manifests, or from the template of what makes it. */
export interface KeyedSecret {
  readonly name: string;
  readonly keys: readonly string[];
  /** Said after the secret's name, e.g. ` (made in the cluster by ExternalSecret "x")`. */
  readonly origin?: string;
}

/** The keys of a secret of the manifests. */
export function keyedSecret(secret: UsableSecret): KeyedSecret {
  return { name: secret.name, keys: secret.decoded.keys };
}

/**
 * A credential for the image's registry host that the kubelet still does
 * not apply (port, path prefix, case or Docker Hub alias): almost always a
 * mistake, so it is a problem rather than "no credential".
 */
export function nearMiss(reference: ImageReference, usable: readonly KeyedSecret[]): { secret: string; message: string } | undefined {
  const image = splitDomain(reference.domain);
  const fold = (host: string) => (isDockerHubHost(host) ? DOCKER_HUB_DOMAIN : host.toLowerCase());
  for (const secret of usable) {
    for (const key of secret.keys) {
      const parsed = parseOrSkip(key);
      // A key Go cannot parse is ignored by the kubelet (an ExternalSecret template's keys are not checked before).
      if (parsed === undefined) continue;
      if (fold(parsed.host) !== fold(image.host)) continue;
      const reasons: string[] = [];
      if (parsed.host !== image.host) {
        reasons.push(parsed.host.toLowerCase() === image.host.toLowerCase()
          ? 'host names are compared case-sensitively'
          : `the kubelet looks Docker Hub images up under "docker.io" or "index.docker.io", not "${parsed.host}"`);
      }
      if (parsed.port !== image.port) {
        reasons.push(parsed.port === '' ? `the key has no port but the image names port ${image.port}`
          : `the key names port ${parsed.port} but the image ${image.port === '' ? 'names none' : `names port ${image.port}`}`);
      }
      if (!`/${reference.path}`.startsWith(parsed.path)) {
        reasons.push(`the key's path "${redactUserInfo(parsed.path)}" is not a prefix of the image path "/${reference.path}"`);
      }
      const why = reasons.length > 0 ? reasons.join('; ') : 'the host patterns differ';
      return {
        secret: secret.name,
        message: `secret "${secret.name}"${secret.origin ?? ''} has a credential for "${displayServer(key)}", but the kubelet does not apply it to ${reference.name}: ${why}`,
      };
    }
  }
  return undefined;
}

function parseOrSkip(key: string): ReturnType<typeof parseRegistryKey> | undefined {
  try {
    return parseRegistryKey(key);
  } catch {
    return undefined;
  }
}

function splitDomain(domain: string): { host: string; port: string } {
  const { host, port } = splitHostAndPort(domain);
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port: port ?? '' };
}
