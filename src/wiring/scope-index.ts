import { DOCKER_HUB_INDEX_HOST } from '../rules/docker-hub';
import { ImageReference } from '../rules/image-reference';
import { parseRegistryKey, RegistryKeyring } from '../rules/keyring';
import { splitHostAndPort } from '../rules/registry-server';

/** A namespace as the index keys it: '' stands for "no namespace set" (the deploy-time default). */
export type NamespaceKey = string;

/** Normalises an optional namespace into its index key. */
export function namespaceKey(namespace: string | undefined): NamespaceKey {
  return namespace ?? '';
}

interface NamespaceBucket<T> {
  /** `auths` key as written → the items holding it, in insertion order. */
  readonly itemsByKey: Map<string, T[]>;
  /** lowercased host (no port, no brackets) → keys with that literal host. */
  readonly keysByHost: Map<string, string[]>;
  /** Keys whose host has glob characters: they can match many hosts. */
  readonly patternKeys: string[];
  readonly items: T[];
  /** Compiled once per image host; cleared when an item is added. */
  readonly keyringsByHost: Map<string, RegistryKeyring>;
  /** Match results per repository name; cleared when an item is added. */
  readonly matchesByName: Map<string, T[]>;
}

const GLOB_CHARS = /[*?[\]]/;

/**
 * Registry credentials indexed by namespace and host, built once per synth,
 * so matching one image costs a few map lookups plus the kubelet's rules on
 * the handful of keys for that host — never a scan of every secret.
 */
export class CredentialIndex<T> {
  private readonly buckets = new Map<NamespaceKey, NamespaceBucket<T>>();

  /** Adds `item`, which holds credentials for `servers`, to `namespace`. */
  public add(namespace: NamespaceKey, servers: readonly string[], item: T): void {
    const bucket = this.bucket(namespace);
    bucket.items.push(item);
    bucket.keyringsByHost.clear();
    bucket.matchesByName.clear();
    for (const server of new Set(servers)) {
      const existing = bucket.itemsByKey.get(server);
      if (existing) {
        existing.push(item);
        continue;
      }
      bucket.itemsByKey.set(server, [item]);
      const host = hostOfKey(server);
      if (host === undefined) continue; // the kubelet ignores keys Go cannot parse
      if (GLOB_CHARS.test(host)) {
        bucket.patternKeys.push(server);
      } else {
        const keys = bucket.keysByHost.get(host);
        if (keys) keys.push(server); else bucket.keysByHost.set(host, [server]);
      }
    }
  }

  /** Every item in `namespace`, in insertion order. */
  public itemsIn(namespace: NamespaceKey): readonly T[] {
    return this.buckets.get(namespace)?.items ?? [];
  }

  /**
   * Items in `namespace` with a key that applies to `image` by the kubelet's
   * rules, including its Docker Hub fallback; each item once, in the order
   * the kubelet visits the keys.
   */
  public match(namespace: NamespaceKey, image: ImageReference): T[] {
    const bucket = this.buckets.get(namespace);
    if (!bucket) return [];
    // Matching ignores tag and digest: one answer per repository name.
    let matched = bucket.matchesByName.get(image.name);
    if (!matched) {
      matched = this.computeMatch(bucket, image);
      bucket.matchesByName.set(image.name, matched);
    }
    return [...matched];
  }

  /** Namespaces, other than `except`, holding an item that matches `image`: for error messages only. */
  public namespacesMatching(image: ImageReference, except: NamespaceKey): NamespaceKey[] {
    return [...this.buckets.keys()].filter((namespace) => namespace !== except && this.match(namespace, image).length > 0);
  }

  private computeMatch(bucket: NamespaceBucket<T>, image: ImageReference): T[] {
    const host = bareHost(splitHostAndPort(image.domain).host);
    let keyring = bucket.keyringsByHost.get(host);
    if (!keyring) {
      // A superset of the keys that can apply: the image's host, the glob keys, and the
      // Docker Hub fallback keys (the kubelet's fallback test is looser than "docker.io").
      keyring = new RegistryKeyring([
        ...(bucket.keysByHost.get(host) ?? []),
        ...bucket.patternKeys,
        ...(bucket.keysByHost.get(DOCKER_HUB_INDEX_HOST) ?? []),
      ]);
      bucket.keyringsByHost.set(host, keyring);
    }
    if (keyring.keys.length === 0) return [];
    const matched = new Set<T>();
    for (const key of keyring.matchingKeys(image)) {
      for (const item of bucket.itemsByKey.get(key) ?? []) matched.add(item);
    }
    return [...matched];
  }

  private bucket(namespace: NamespaceKey): NamespaceBucket<T> {
    let bucket = this.buckets.get(namespace);
    if (!bucket) {
      bucket = { itemsByKey: new Map(), keysByHost: new Map(), patternKeys: [], items: [], keyringsByHost: new Map(), matchesByName: new Map() };
      this.buckets.set(namespace, bucket);
    }
    return bucket;
  }
}

function hostOfKey(server: string): string | undefined {
  try {
    return bareHost(parseRegistryKey(server).host);
  } catch {
    return undefined;
  }
}

/** Lowercased, IPv6 brackets removed: only used to bucket, the kubelet rules decide. */
function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '');
}
