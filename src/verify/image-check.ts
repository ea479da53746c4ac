/**
 * One container image against the pull secrets of its pod: which credential
 * the kubelet applies (docs/facts.md#kubelet-keyring), whether it is made in
 * the cluster, allowed as public by pattern, expected in the cluster, almost
 * applies, or whether there is none. Pure: names and keys in, a status and
 * a message out; never a credential in a message.
 */
import { Severity } from './findings';
import { keyedSecret, KeyedSecret, nearMiss, UsableSecret } from './near-miss';
import { RegistryCredential } from '../manifests/pull-secrets';
import { PUBLIC_IMAGES_ANNOTATION } from '../rules/declarations';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from '../rules/image-reference';
import { matchingRegistryKeys } from '../rules/keyring';
import { PublicImagePattern, publicPatternOf } from '../rules/public-images';
import { displayServer } from '../rules/registry-server';
import { firstServerHint } from '../rules/server-hints';

/** One credential the kubelet would try for an image, with where it comes from. */
export interface MatchedCredential {
  /** The pull secret's name. */
  readonly secret: string;
  /** The `auths` key that matched. */
  readonly key: string;
  readonly credential: RegistryCredential;
}

/** A referenced pull secret that an ExternalSecret or SealedSecret of the manifests makes in the cluster. */
export interface ProducedRef {
  readonly name: string;
  /** Who makes it, e.g. `ExternalSecret "quay" (ClusterSecretStore "vault")`. */
  readonly by: string;
  /** The `auths` keys its template writes; undefined when the manifests do not show them. */
  readonly servers?: readonly string[];
}

/** The pull secrets of a pod, sorted by what can be known of them. */
export interface PodPullSecrets {
  /** Secrets of the manifests with credentials, in `imagePullSecrets` order. */
  readonly usable: readonly UsableSecret[];
  /** Secrets made in the cluster by objects of the manifests. */
  readonly produced: readonly ProducedRef[];
  /** Referenced, not in the manifests: maybe in the cluster. */
  readonly pending: readonly string[];
  /** Referenced, but the kubelet cannot use them (their own findings say why). */
  readonly unusable: readonly string[];
  /** A pending name → the pull secret of the namespace it is probably a typo of. */
  readonly hints: ReadonlyMap<string, string>;
}

/** What images without credentials are judged by. */
export interface ImagePolicy {
  /** Images under these need no credential. */
  readonly publicImages: readonly PublicImagePattern[];
  /** An image with no credential that no pattern allows is a problem. */
  readonly strict: boolean;
}

/** The verdict on one image. */
export type ImageResult =
  | { readonly status: 'ok'; readonly message: string; readonly reference: ImageReference; readonly credentials: MatchedCredential[]; readonly secrets: string[] }
  | {
    readonly status: 'invalid-image' | 'expected-in-cluster' | 'no-matching-credential' | 'no-credential' | 'public' | 'produced-in-cluster';
    readonly message: string;
    readonly secrets?: string[];
    readonly severity?: Severity;
  };

/** Judges one image of a pod. */
export function checkImage(image: unknown, secrets: PodPullSecrets, policy: ImagePolicy, noImage = 'the container has no image'): ImageResult {
  if (typeof image !== 'string' || image === '') {
    return { status: 'invalid-image', message: noImage };
  }
  let reference: ImageReference;
  try {
    reference = parseImageReference(image);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) {
      return { status: 'invalid-image', message: error.message };
    }
    throw error;
  }
  const { usable, produced, pending, unusable } = secrets;
  const keys = matchingRegistryKeys(usable.flatMap((s) => s.decoded.keys), reference);
  // The kubelet visits matching keys in keyring order, each key's credentials in imagePullSecrets order.
  const credentials = keys.flatMap((key) => usable
    .filter((s) => s.decoded.credentials.has(key))
    .map((s) => ({ secret: s.name, key, credential: s.decoded.credentials.get(key)! })));
  if (credentials.length > 0) {
    const sources = credentials.map((c) => `secret "${c.secret}" (key "${displayServer(c.key)}")`);
    return { status: 'ok', message: `credentials match: ${sources.join(', ')}`, reference, credentials, secrets: unique(credentials.map((c) => c.secret)) };
  }
  const made = produced.flatMap((p) => {
    const matching = p.servers === undefined ? [] : matchingRegistryKeys(p.servers, reference);
    return p.servers === undefined || matching.length > 0 ? [{ ...p, matching }] : [];
  });
  if (made.length > 0) {
    const sources = made.map((p) => `secret "${p.name}" by ${p.by}, `
      + (p.servers === undefined ? 'for registries the manifests do not show' : `for ${p.matching.map((k) => `"${displayServer(k)}"`).join(', ')}`));
    return {
      status: 'produced-in-cluster',
      message: `the credential is made in the cluster, not in these manifests: ${sources.join('; ')}`,
      secrets: made.map((p) => p.name),
    };
  }
  const pattern = publicPatternOf(reference, policy.publicImages);
  if (pattern !== undefined) {
    const declared = pattern.declared === true ? `, declared by the object's ${PUBLIC_IMAGES_ANNOTATION} annotation` : '';
    return { status: 'public', message: `public image (pattern "${pattern.prefix}"${declared}): pulled without credentials` };
  }
  const couldNotUse = unusable.length === 0 ? '' : ` (secret ${quoteList(unusable)} cannot be used: see its finding)`;
  if (pending.length > 0) {
    const named = pending.map((name) => `"${name}"${secrets.hints.has(name) ? ` (did you mean "${secrets.hints.get(name)}"?)` : ''}`);
    return {
      status: 'expected-in-cluster',
      message: `no credential in these manifests applies to ${reference.name}; it may come from secret ${named.join(', ')}, expected in the cluster${couldNotUse}`,
      secrets: [...pending],
    };
  }
  const keyed: KeyedSecret[] = [
    ...usable.map(keyedSecret),
    ...produced.map((p) => ({ name: p.name, keys: p.servers ?? [], origin: ` (made in the cluster by ${p.by})` })),
  ];
  const miss = nearMiss(reference, keyed);
  if (miss !== undefined) {
    return { status: 'no-matching-credential', message: miss.message, secrets: [miss.secret] };
  }
  const typo = keyed.map((s) => ({ secret: s, hint: firstServerHint(reference.domain, s.keys) })).find((s) => s.hint !== undefined);
  if (typo !== undefined) {
    return {
      status: 'no-matching-credential',
      message: `secret "${typo.secret.name}"${typo.secret.origin ?? ''} has no credential for ${reference.name}: ${typo.hint}`,
      secrets: [typo.secret.name],
    };
  }
  const strict = policy.strict
    ? { severity: 'problem' as const, why: ', and no public image pattern allows it (strict: list its registry or repository as a public image, or add a pull secret)' }
    : { why: unusable.length > 0 ? '' : ' (fine for a public image)' };
  const elsewhere = produced.length === 0 ? ''
    : ` (secret ${produced.map((p) => `"${p.name}", made in the cluster by ${p.by}, holds ${p.servers!.map((k) => `"${displayServer(k)}"`).join(', ') || 'no key'}`).join('; ')})`;
  if (usable.length + unusable.length + produced.length === 0) {
    return { status: 'no-credential', message: `the pod has no imagePullSecrets: pulled without credentials${strict.why}`, ...severityOf(strict) };
  }
  return {
    status: 'no-credential',
    message: `no ${unusable.length > 0 ? 'usable ' : ''}pull secret of the pod has a credential for registry ${reference.domain || '(none)'}${elsewhere}${couldNotUse}: `
      + `pulled without credentials${strict.why}`,
    ...severityOf(strict),
  };
}

function severityOf(strict: { severity?: Severity }): { severity?: Severity } {
  return strict.severity === undefined ? {} : { severity: strict.severity };
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** `"a", "b"`. */
export function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}
