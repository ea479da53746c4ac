/**
 * The offline preflight: for every container image of every pod-bearing
 * object, are the pull secrets it references present in its namespace,
 * well-formed, and does one of their credentials apply to the image by the
 * kubelet's rules (docs/facts.md#kubelet-keyring)? Pure: objects in, findings out.
 */
import { Finding, finding, FindingLocation } from './findings';
import { isCoreGroup, isPodBearer } from './manifest-object';
import { ManifestObject } from './manifests';
import { nearMiss, UsableSecret } from './near-miss';
import { ObjectIndex } from './object-index';
import { isPullSecretType, RegistryCredential } from './pull-secrets';
import { ImageReference, InvalidImageReferenceError, parseImageReference } from '../rules/image-reference';
import { matchingRegistryKeys } from '../rules/keyring';
import { podKindOf, readPointer } from '../rules/kube-kinds';
import { isPlainObject } from '../rules/objects';
import { displayServer } from '../rules/registry-server';

/** The namespace assumed for objects that set none, unless told otherwise. */
export const DEFAULT_NAMESPACE = 'default';

/** Options of {@link checkOffline}. */
export interface OfflineOptions {
  /**
   * Namespace of objects without `metadata.namespace` (pods and secrets
   * alike), i.e. the namespace they will be applied to.
   * @default 'default'
   */
  readonly defaultNamespace?: string;
}

/** One credential the kubelet would try for an image, with where it comes from. */
export interface MatchedCredential {
  /** The pull secret's name. */
  readonly secret: string;
  /** The `auths` key that matched. */
  readonly key: string;
  readonly credential: RegistryCredential;
}

/** An image whose credentials matched offline: what the online check works on. */
export interface PullCandidate {
  /** Index of the image's finding in {@link OfflineResult.findings}. */
  readonly findingIndex: number;
  readonly reference: ImageReference;
  /** In the order the kubelet tries them. */
  readonly credentials: readonly MatchedCredential[];
}

/** What {@link checkOffline} returns. */
export interface OfflineResult {
  /** Secret findings and one finding per container image, in manifest order. */
  readonly findings: Finding[];
  /** The images with matching credentials. */
  readonly candidates: PullCandidate[];
}

const CONTAINER_LISTS = ['initContainers', 'containers'] as const;

/** Runs the offline checks on objects read by {@link loadManifests}. */
export function checkOffline(objects: readonly ManifestObject[], options: OfflineOptions = {}): OfflineResult {
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const index = new ObjectIndex(objects, defaultNamespace);
  const findings: Finding[] = [];
  const candidates: PullCandidate[] = [];
  const shared = new SharedStrings();
  for (const object of objects) {
    if (object.kind === 'Secret' && isCoreGroup(object.apiVersion)) {
      findings.push(...secretFindings(object, index));
    }
    if (isPodBearer(object)) {
      checkPodBearer(object, index, findings, candidates, shared);
    }
  }
  return { findings, candidates };
}

/** A pull secret problem is reported once, on the Secret itself, whoever references it. */
function secretFindings(secret: ManifestObject, index: ObjectIndex): Finding[] {
  const location = (pointer: string): FindingLocation => ({
    file: secret.file,
    document: secret.document,
    kind: secret.kind,
    namespace: index.namespaceOf(secret),
    name: secret.name,
    path: secret.pointer + pointer,
  });
  const findings: Finding[] = [];
  const earlier = index.duplicateOf(secret);
  if (earlier !== undefined) {
    findings.push(finding(location(''), 'duplicate-secret',
      `secret "${secret.name}" is also defined, differently, in ${earlier.file} (document ${earlier.document}); `
      + 'secret names are unique per namespace, so whichever is applied last replaces the other (this check uses this one)', { secret: secret.name }));
  }
  if (!isPullSecretType(secret.body.type)) {
    return findings;
  }
  const decoded = index.decode(secret);
  if (!decoded.ok) {
    findings.push(finding(location(decoded.pointer), 'secret-invalid', `pull secret "${secret.name}" ${decoded.problem}`, { secret: secret.name }));
  } else if (decoded.entryProblems.length > 0) {
    findings.push(finding(location(''), 'secret-invalid',
      `pull secret "${secret.name}" has entries the kubelet cannot use: ${decoded.entryProblems.join('; ')}`, { secret: secret.name }));
  }
  return findings;
}


function checkPodBearer(object: ManifestObject, index: ObjectIndex, findings: Finding[], candidates: PullCandidate[], shared: SharedStrings): void {
  const specPointer = podKindOf(object.kind)!.specPath;
  const spec = readPointer(object.body, specPointer);
  if (!isPlainObject(spec)) {
    return; // no pod template: nothing will run
  }
  const namespace = index.namespaceOf(object);
  const at = (pointer: string): FindingLocation => ({
    file: object.file,
    document: object.document,
    kind: object.kind,
    namespace,
    name: object.name,
    path: shared.of(object.pointer + specPointer + pointer),
  });

  const usable: UsableSecret[] = [];
  const pending: string[] = []; // referenced, not in the manifests: maybe in the cluster
  const unusable: string[] = [];
  for (const ref of pullSecretRefs(spec, namespace, index)) {
    if (ref.name === undefined) {
      const via = ref.serviceAccount === undefined ? '' : ` of ServiceAccount "${ref.serviceAccount}"`;
      findings.push(finding(at(ref.pointer), 'secret-invalid', `an imagePullSecrets entry${via} has no secret name; the kubelet ignores it`));
      continue;
    }
    const via = ref.serviceAccount === undefined ? '' : ` (from ServiceAccount "${ref.serviceAccount}")`;
    const resolution = index.resolve(ref.name, namespace);
    const extra = { secret: ref.name };
    if (resolution.state === 'missing') {
      pending.push(ref.name);
      findings.push(finding(at(ref.pointer), 'expected-in-cluster',
        `pull secret "${ref.name}"${via} is not in namespace "${namespace}" in these manifests; expected in the cluster${resolution.note ? `: ${resolution.note}` : ''}`, extra));
    } else if (resolution.state === 'wrong-namespace') {
      unusable.push(ref.name);
      findings.push(finding(at(ref.pointer), 'secret-wrong-namespace',
        `pull secret "${ref.name}"${via} is defined in namespace ${resolution.namespaces.map((n) => `"${n}"`).join(', ')}, `
        + `but the pod runs in "${namespace}" and the kubelet reads pull secrets from the pod's own namespace only${resolution.note ? `; ${resolution.note}` : ''}`, extra));
    } else if (!resolution.decoded.ok) {
      unusable.push(ref.name);
      if (resolution.decoded.reason === 'wrong-type') {
        findings.push(finding(at(ref.pointer), 'secret-wrong-type', `pull secret "${ref.name}"${via} ${resolution.decoded.problem}`, extra));
      } // an invalid payload is reported on the Secret itself
    } else {
      usable.push({ name: ref.name, decoded: resolution.decoded });
    }
  }

  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((container: unknown, i) => {
      const pointer = `/${list}/${i}/image`;
      const name = isPlainObject(container) && typeof container.name === 'string' ? container.name : `${list}[${i}]`;
      const image = isPlainObject(container) ? container.image : undefined;
      const result = checkImage(image, usable, pending, unusable);
      findings.push(finding(at(pointer), result.status, shared.of(result.message), {
        container: name,
        ...(typeof image === 'string' ? { image } : {}),
      }));
      if (result.status === 'ok') {
        candidates.push({ findingIndex: findings.length - 1, reference: result.reference, credentials: result.credentials });
      }
    });
  }
}

/** A pull secret reference of a pod: its own `imagePullSecrets`, else its ServiceAccount's. */
interface PullSecretRef {
  /** Undefined for an entry without a name. */
  readonly name?: string;
  /** Where the reference is, relative to the pod spec. */
  readonly pointer: string;
  /** The ServiceAccount it was copied from, if any. */
  readonly serviceAccount?: string;
}

/**
 * The ServiceAccount admission plugin copies the account's
 * `imagePullSecrets` into a pod only when the pod has none of its own
 * (docs/facts.md#service-account-pull-secrets); the account is `default` unless named.
 */
function pullSecretRefs(spec: Record<string, unknown>, namespace: string, index: ObjectIndex): PullSecretRef[] {
  const own = namesOf(spec.imagePullSecrets, '/imagePullSecrets');
  if (own.length > 0) {
    return dedupe(own);
  }
  const accountName = [spec.serviceAccountName, spec.serviceAccount].find((n) => typeof n === 'string' && n !== '') as string | undefined;
  const account = index.serviceAccount(namespace, accountName ?? 'default');
  if (account === undefined) {
    return [];
  }
  const pointer = accountName === undefined ? '' : spec.serviceAccountName === accountName ? '/serviceAccountName' : '/serviceAccount';
  return dedupe(namesOf(account.body.imagePullSecrets, pointer).map((ref) => ({ ...ref, pointer, serviceAccount: account.name })));
}

function namesOf(list: unknown, pointer: string): PullSecretRef[] {
  if (!Array.isArray(list)) {
    return [];
  }
  return list.map((entry: unknown, i) => {
    const name = isPlainObject(entry) && typeof entry.name === 'string' && entry.name !== '' ? entry.name : undefined;
    return { ...(name === undefined ? {} : { name }), pointer: `${pointer}/${i}` };
  });
}

function dedupe(refs: PullSecretRef[]): PullSecretRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    if (ref.name === undefined) return true;
    const fresh = !seen.has(ref.name);
    seen.add(ref.name);
    return fresh;
  });
}

type ImageResult =
  | { readonly status: 'ok'; readonly message: string; readonly reference: ImageReference; readonly credentials: MatchedCredential[] }
  | { readonly status: 'invalid-image' | 'expected-in-cluster' | 'no-matching-credential' | 'no-credential'; readonly message: string };

function checkImage(image: unknown, usable: readonly UsableSecret[], pending: readonly string[], unusable: readonly string[]): ImageResult {
  if (typeof image !== 'string' || image === '') {
    return { status: 'invalid-image', message: 'the container has no image' };
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
  const keys = matchingRegistryKeys(usable.flatMap((s) => s.decoded.keys), reference);
  // The kubelet visits matching keys in keyring order, each key's credentials in imagePullSecrets order.
  const credentials = keys.flatMap((key) => usable
    .filter((s) => s.decoded.credentials.has(key))
    .map((s) => ({ secret: s.name, key, credential: s.decoded.credentials.get(key)! })));
  if (credentials.length > 0) {
    const sources = credentials.map((c) => `secret "${c.secret}" (key "${displayServer(c.key)}")`);
    return { status: 'ok', message: `credentials match: ${sources.join(', ')}`, reference, credentials };
  }
  const couldNotUse = unusable.length === 0 ? '' : ` (secret ${quoteList(unusable)} cannot be used: see its finding)`;
  if (pending.length > 0) {
    return {
      status: 'expected-in-cluster',
      message: `no credential in these manifests applies to ${reference.name}; it may come from secret ${quoteList(pending)}, expected in the cluster${couldNotUse}`,
    };
  }
  const miss = nearMiss(reference, usable);
  if (miss !== undefined) {
    return { status: 'no-matching-credential', message: miss };
  }
  if (usable.length + unusable.length === 0) {
    return { status: 'no-credential', message: 'the pod has no imagePullSecrets: pulled without credentials (fine for a public image)' };
  }
  return {
    status: 'no-credential',
    message: `no ${unusable.length > 0 ? 'usable ' : ''}pull secret of the pod has a credential for registry ${reference.domain || '(none)'}${couldNotUse}: `
      + `pulled without credentials${unusable.length > 0 ? '' : ' (fine for a public image)'}`,
  };
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * One copy of each path and message that many findings repeat (every
 * Deployment's `/spec/template/spec/containers/0/image`, "credentials
 * match: ..."), so a report of a hundred thousand images holds each once.
 */
class SharedStrings {
  private readonly strings = new Map<string, string>();

  public of(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size < 10_000) this.strings.set(text, text);
    return text;
  }
}
