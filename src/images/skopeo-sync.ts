/**
 * The `skopeo sync --src yaml` file for a set of images (REFERENCE §12):
 * the ORIGINAL references — the upstream ones, before any RegistryMirror
 * rewrite, since that is what must be copied — grouped by source registry,
 * each repository with its tags and digests, all sorted; `tls-verify: false`
 * for the registries named as insecure; never a credential (skopeo takes
 * those from `--src-authfile` / `--src-creds`).
 *
 * What skopeo 1.9.3 accepts in a repository's list: a tag, or a digest
 * (`sha256:...`). `tag@digest` is refused ("invalid tag format"), and the
 * repository then skipped with exit code 0, so an image with both is
 * listed by its digest only: the runtime pulls `repo:tag@digest` by the
 * digest, and the copy keeps it. Docker Hub is `docker.io`, its official
 * images `library/<name>`; an image with neither tag nor digest is `latest`.
 */
import { parseImageReference } from '../rules/image-reference';

/** The sync file's data: registry → repository → tags and digests, all sorted. */
export interface SkopeoSyncPlan {
  readonly registries: ReadonlyArray<{
    readonly registry: string;
    readonly repositories: ReadonlyArray<{ readonly repository: string; readonly references: readonly string[] }>;
    /** Set for a registry named as insecure. */
    readonly tlsVerify?: false;
  }>;
}

/**
 * The plan for `originals` (image references, valid ones: normalized or
 * as written); `insecureRegistries`: hosts, exactly as in the images
 * (`127.0.0.2`, `registry.local:5000`), that get `tls-verify: false`.
 */
export function skopeoSyncPlan(originals: Iterable<string>, insecureRegistries: readonly string[] = []): SkopeoSyncPlan {
  const byRegistry = new Map<string, Map<string, Set<string>>>();
  for (const original of originals) {
    const ref = parseImageReference(original);
    const repositories = byRegistry.get(ref.domain) ?? new Map<string, Set<string>>();
    byRegistry.set(ref.domain, repositories);
    const references = repositories.get(ref.path) ?? new Set<string>();
    repositories.set(ref.path, references);
    references.add(ref.digest ?? ref.tag ?? 'latest');
  }
  const insecure = new Set(insecureRegistries.map((host) => host.toLowerCase()));
  return {
    registries: [...byRegistry.keys()].sort(compare).map((registry) => {
      const repositories = byRegistry.get(registry)!;
      return {
        registry,
        repositories: [...repositories.keys()].sort(compare)
          .map((repository) => ({ repository, references: [...repositories.get(repository)!].sort(compare) })),
        ...(insecure.has(registry.toLowerCase()) ? { tlsVerify: false as const } : {}),
      };
    }),
  };
}

/**
 * The YAML text of a plan. Every key and value is written as a JSON string,
 * which YAML reads as a double-quoted scalar: no host, path or tag can be
 * taken for a number, a boolean or YAML syntax.
 */
export function formatSkopeoSync(plan: SkopeoSyncPlan): string {
  if (plan.registries.length === 0) return '{}\n';
  const lines: string[] = [];
  for (const { registry, repositories, tlsVerify } of plan.registries) {
    lines.push(`${JSON.stringify(registry)}:`, '  images:');
    for (const { repository, references } of repositories) {
      lines.push(`    ${JSON.stringify(repository)}: [${references.map((reference) => JSON.stringify(reference)).join(', ')}]`);
    }
    if (tlsVerify === false) lines.push('  tls-verify: false');
  }
  return `${lines.join('\n')}\n`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
