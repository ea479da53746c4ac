/**
 * What the code declared, carried by the manifests so that `verify`, the
 * validation plugin and `events`, given only the output folder, reach the
 * verdict the synth reached. Annotations on each object's own metadata
 * (never its pod template's: a change there would roll every pod). Their
 * keys are part of the output contract (README, "Declared in the manifests").
 */
import { customPodKindProblem, apiGroupOf } from './pod-kinds';
import { publicImagePatternProblem } from './public-images';

/** The public-image patterns that allowed the object's images (`docker.io/library,registry.k8s.io`). */
export const PUBLIC_IMAGES_ANNOTATION = 'cdk8s-private-registry/public-images';
/** Where a custom pod-bearing kind keeps its pod spec (`/spec/template/spec`), as declared with PodBearingKind.custom. */
export const POD_SPEC_PATH_ANNOTATION = 'cdk8s-private-registry/pod-spec-path';

/**
 * Each image a RegistryMirror rewrote, as pulled → as the code wrote it:
 * a JSON object, keys sorted (`{"harbor.example.com/hub/library/nginx:1.27":"nginx:1.27"}`).
 */
export const ORIGINAL_IMAGES_ANNOTATION = 'cdk8s-private-registry/original-images';

/** Whether readers take what the manifests declare (the default), or only their own flags. */
export type Declarations = 'trusted' | 'ignored';

/** The annotation value for patterns: sorted, each once, comma-separated. */
export function formatPatternList(patterns: Iterable<string>): string {
  return [...new Set(patterns)].sort().join(',');
}

/**
 * The patterns of a public-images annotation, or a problem in words (which
 * never quotes the value: it is a manifest's content).
 */
export function parsePatternList(value: unknown): { readonly patterns: string[] } | { readonly problem: string } {
  if (typeof value !== 'string') return { problem: 'is not a string' };
  const patterns = value.split(',').map((pattern) => pattern.trim()).filter((pattern) => pattern !== '');
  if (patterns.length === 0) return { problem: 'names no pattern' };
  const bad = patterns.findIndex((pattern) => publicImagePatternProblem(pattern) !== undefined);
  if (bad >= 0) {
    return { problem: `has an entry (the ${ordinal(bad + 1)}) that is not a normalized repository prefix such as "docker.io/library"` };
  }
  return { patterns };
}

/**
 * The pod spec path a pod-spec-path annotation declares for an object of
 * `apiVersion` and `kind`, or a problem in words (the value is not quoted).
 * Only custom kinds can be declared so: built-in ones are known already.
 */
export function parseDeclaredPodSpecPath(
  value: unknown, apiVersion: string, kind: string,
): { readonly podSpecPath: string } | { readonly problem: string } {
  if (typeof value !== 'string') return { problem: 'is not a string' };
  const problem = customPodKindProblem({ apiGroup: apiGroupOf(apiVersion), kind, podSpecPath: value });
  if (problem === undefined) return { podSpecPath: value };
  return { problem: problem.startsWith('pod spec path') ? 'is not a JSON pointer of plain keys such as "/spec/template/spec"' : problem };
}

/** The annotation value for rewritten images: a JSON object of pulled → original, keys sorted. */
export function formatOriginalImages(originals: ReadonlyMap<string, string>): string {
  const sorted = [...originals.keys()].sort();
  return JSON.stringify(Object.fromEntries(sorted.map((pulled) => [pulled, originals.get(pulled)!])));
}

/** The map of an original-images annotation, or a problem in words (the value is never quoted). */
export function parseOriginalImages(value: unknown): { readonly originals: Map<string, string> } | { readonly problem: string } {
  if (typeof value !== 'string') return { problem: 'is not a string' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { problem: 'is not a JSON object' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { problem: 'is not a JSON object' };
  const originals = new Map<string, string>();
  for (const [pulled, original] of Object.entries(parsed)) {
    if (typeof original !== 'string' || original === '' || pulled === '') return { problem: 'has an entry that is not a pair of image references' };
    originals.set(pulled, original);
  }
  return { originals };
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
