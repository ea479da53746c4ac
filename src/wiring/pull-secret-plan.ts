/**
 * The pull-secret plan: which `imagePullSecrets` a pod gets, or why it
 * cannot be wired. Pure: a request and the index in, names and problems out.
 */
import { CredentialIndex, namespaceKey } from './scope-index';
import { closestName } from '../rules/edit-distance';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from '../rules/image-reference';
import { matchingRegistryKeys } from '../rules/keyring';
import { problemWithFix } from '../rules/messages';
import { describeImageSource, isPulled, PodImage } from '../rules/pod-images';
import { PublicImagePattern, publicPatternOf } from '../rules/public-images';
import { crossNamespaceProblem } from '../rules/pull-secret-namespace';
import { firstServerHint } from '../rules/server-hints';

/** A referenced name this close to a declared one, but undeclared, is taken for a typo. */
const MAX_TYPO_EDITS = 2;

/** A registry secret in scope: what the index holds. */
export interface ScopedSecret {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly servers: readonly string[];
}

/** A pull secret the user named by hand (dockerRegistryAuth, extraPullSecrets, raw imagePullSecrets). */
export interface ExplicitPullSecret {
  readonly name: string;
  /** Known namespace of the secret; undefined when not known (e.g. an imported cdk8s-plus secret). */
  readonly namespace?: string;
  /** Whether `namespace` is known (a secret of this app, or a registry import). */
  readonly namespaceKnown: boolean;
  /** Its `auths` keys, when known. */
  readonly servers?: readonly string[];
}

/** An image as the registry mirror in scope rewrote it. */
export interface MirroredImage {
  /** The reference as pulled, on the mirror's endpoint. */
  readonly image: string;
  /** The mirror's endpoint (`host[:port][/prefix]`). */
  readonly endpoint: string;
  /** The mirror's construct path, named in messages. */
  readonly mirrorPath: string;
  /** The cache serves without credentials: the image needs no secret. */
  readonly anonymous: boolean;
}

/** One image of the pod rewritten by a mirror: where it is, as written and as pulled. */
export interface ImageRewrite {
  /** JSON pointer relative to the pod spec (rules/pod-images.ts). */
  readonly pointer: string;
  readonly original: string;
  readonly image: string;
}

/** What the wiring needs to know about one pod-bearing object. */
export interface WiringRequest {
  readonly namespace: string | undefined;
  /** Every image of the pod (rules/pod-images.ts); those never pulled (`Never`) need no credential. */
  readonly images: readonly PodImage[];
  readonly explicit: readonly ExplicitPullSecret[];
  /** Allow images no credential in scope matches. */
  readonly allowUnmatchedImages: boolean;
  /** Public images: they get no secret and need none. */
  readonly publicImages?: readonly PublicImagePattern[];
  /** The registry mirrors in scope: an image's pulled form, or undefined when no mirror serves it. */
  readonly rewrite?: (image: string) => MirroredImage | undefined;
}

/** The `imagePullSecrets` to emit, or the problems that stop the synth. */
export interface WiringPlan {
  readonly secretNames: string[];
  readonly problems: string[];
  /** The public-image patterns that allowed one of its images (declared on the object for verify: rules/declarations.ts). */
  readonly publicPatterns: string[];
  /** The images a mirror rewrote, in the pod's order. */
  readonly rewrites: ImageRewrite[];
}

/**
 * Decides a pod's `imagePullSecrets`: the explicit ones first, in the user's
 * order, then every secret in scope that matches one of its images by the
 * kubelet's rules, sorted by name; each name once.
 */
export function planPullSecrets(request: WiringRequest, index: CredentialIndex<ScopedSecret>): WiringPlan {
  const scope = namespaceKey(request.namespace);
  const problems = explicitSecretProblems(request.namespace, request.explicit, index.itemsIn(scope).map((secret) => secret.name));

  const automatic = new Set<ScopedSecret>();
  const publicPatterns = new Set<string>();
  const rewrites: ImageRewrite[] = [];
  for (const written of request.images) {
    if (!isPulled(written)) continue;
    // Every rule below sees the image as pulled: through the mirror in scope, if one serves it.
    const mirrored = request.rewrite?.(written.image);
    if (mirrored) rewrites.push({ pointer: written.pointer, original: written.image, image: mirrored.image });
    const podImage = mirrored ? { ...written, image: mirrored.image } : written;
    const rewritten = mirrored ? ` (rewritten from "${written.image}" by the RegistryMirror at ${mirrored.mirrorPath})` : '';
    let reference: ImageReference;
    try {
      reference = parseImageReference(podImage.image);
    } catch (e) {
      if (!(e instanceof InvalidImageReferenceError)) throw e;
      problems.push(problemWithFix(`${describeImageSource(podImage)}: ${e.message}${rewritten}`, 'fix the image reference, e.g. "quay.io/org/app:1.0"'));
      continue;
    }
    const publicPattern = publicPatternOf(reference, request.publicImages ?? []);
    if (publicPattern !== undefined || mirrored?.anonymous) {
      // An anonymous cache is declared like a public registry, so verify agrees (rules/declarations.ts).
      publicPatterns.add(publicPattern?.prefix ?? mirrored!.endpoint);
      continue;
    }
    const matches = index.match(scope, reference);
    matches.forEach((secret) => automatic.add(secret));
    if (matches.length === 0 && !request.allowUnmatchedImages && !coveredByExplicit(reference, request.explicit)) {
      const elsewhere = index.namespacesMatching(reference, scope);
      problems.push(unmatchedImageProblem(podImage, reference.domain, request.namespace, index.itemsIn(scope), elsewhere, rewritten));
    }
  }

  const names = [
    ...request.explicit.map((s) => s.name),
    ...[...automatic].map((s) => s.name).sort(),
  ];
  return { secretNames: [...new Set(names)], problems, publicPatterns: [...publicPatterns].sort(), rewrites };
}

/**
 * What is wrong with the pull secrets a pod names by hand: one declared only
 * in another namespace, or an undeclared name a typo away from a declared one
 * (`declared`: the names in the pod's namespace). Used for wired pods and,
 * app-wide, for every other pod.
 */
export function explicitSecretProblems(
  namespace: string | undefined, explicit: readonly ExplicitPullSecret[], declared: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const secret of explicit) {
    const elsewhere = secret.namespaceKnown ? crossNamespaceProblem(secret.name, secret.namespace, 'the pod runs', namespace) : undefined;
    if (elsewhere) {
      problems.push(problemWithFix(elsewhere,
        `create the secret in namespace "${namespace}" (e.g. a RegistrySecret there, or a ProjectRegistry covering both namespaces)`));
    }
    const typo = secret.namespaceKnown || declared.includes(secret.name) ? undefined : closestName(secret.name, declared, MAX_TYPO_EDITS);
    if (typo !== undefined) {
      problems.push(problemWithFix(
        `pull secret "${secret.name}" is not declared in ${describeNamespace(namespace)}; did you mean "${typo}"?`,
        'correct the name, or, if a secret of exactly this name exists in the cluster, declare it with RegistrySecret.fromSecretName'));
    }
  }
  return problems;
}

/** An explicit secret covers an image when it matches it, or when its content is unknown to us. */
function coveredByExplicit(image: ImageReference, explicit: readonly ExplicitPullSecret[]): boolean {
  return explicit.some((secret) => secret.servers === undefined || matchingRegistryKeys([...secret.servers], image).length > 0);
}

function unmatchedImageProblem(
  podImage: PodImage, domain: string, namespace: string | undefined,
  inScope: readonly ScopedSecret[], elsewhere: readonly string[], rewritten: string,
): string {
  const where = describeNamespace(namespace);
  const listing = inScope.length === 0
    ? 'there are no registry secrets in scope'
    : `registry secrets in scope: ${inScope.map((s) => `${s.name} (${s.servers.join(', ')})`).join('; ')}`;
  // The commonest slips: the right credential, declared in another namespace; a server a typo or a port away.
  const hint = elsewhere.length === 0 ? '' :
    `; a credential for it exists in ${elsewhere.map(describeNamespace).join(', ')}, but pull secrets must be in the pod's own namespace`;
  const nearMiss = inScope.map((s) => ({ name: s.name, hint: firstServerHint(domain, s.servers) })).find((s) => s.hint !== undefined);
  const serverHint = nearMiss === undefined ? '' : `; secret "${nearMiss.name}": ${nearMiss.hint}`;
  const problem = `image "${podImage.image}" of ${describeImageSource(podImage)}${rewritten} matches no registry credential in ${where}; ${listing}${hint}${serverHint}`;
  return problemWithFix(problem, rewritten === ''
    ? `add a RegistrySecret (or ProjectRegistry) for its registry in ${where}, or, if the image is public, list its registry or repository in publicImages (e.g. "docker.io/library")`
    : `add a RegistrySecret (or ProjectRegistry) for the mirror's registry "${domain}" in ${where}, or, if the cache serves without credentials, set \`anonymous: true\` on the RegistryMirror`);
}

function describeNamespace(namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? 'no namespace (the deploy-time default)' : `namespace "${namespace}"`;
}
