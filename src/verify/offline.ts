/**
 * The offline preflight: for every container image of every pod-bearing
 * object, are the pull secrets it references present in its namespace,
 * well-formed, and does one of their credentials apply to the image by the
 * kubelet's rules (docs/facts.md#kubelet-keyring)? Pure: objects in, findings out.
 */
import { Finding, finding, FindingLocation } from './findings';
import { checkImage, ImagePolicy, MatchedCredential, ProducedRef } from './image-check';
import { UsableSecret } from './near-miss';
import { unmirroredImageFindings } from './unmirrored-images';
import { isCoreGroup, isPodBearer, isProducer, producedFields } from '../manifests/manifest-object';
import { ManifestObject } from '../manifests/manifests';
import { ObjectIndex, Resolution } from '../manifests/object-index';
import { describeProducedType, ProducedSecretFields } from '../manifests/producer-object';
import { isPullSecretType } from '../manifests/pull-secrets';
import { closestName } from '../rules/edit-distance';
import { ImageReference } from '../rules/image-reference';
import { isPlainObject } from '../rules/objects';
import { describeImageSource, isPulled, podImages } from '../rules/pod-images';
import { readPointer } from '../rules/pod-kinds';
import { publicImagePatterns } from '../rules/public-images';

export { MatchedCredential } from './image-check';

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
  /**
   * Public images: normalized repository prefixes at a path boundary
   * (`registry.k8s.io`, `docker.io/library`), each already checked with
   * `publicImagePatternProblem`. An image under one that no credential
   * applies to is `public` instead of `no-credential`.
   * @default - none
   */
  readonly publicImages?: readonly string[];
  /**
   * An image with no credential that no public pattern allows is a
   * problem, not info.
   * @default false
   */
  readonly strict?: boolean;
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

/** Runs the offline checks on objects read by {@link loadManifests}. */
export function checkOffline(objects: readonly ManifestObject[], options: OfflineOptions = {}): OfflineResult {
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const index = new ObjectIndex(objects, defaultNamespace);
  const policy: ImagePolicy = { publicImages: publicImagePatterns(options.publicImages ?? []), strict: options.strict === true };
  const findings: Finding[] = [];
  const candidates: PullCandidate[] = [];
  const shared = new SharedStrings();
  for (const object of objects) {
    if (object.kind === 'Secret' && isCoreGroup(object.apiVersion)) {
      for (const f of secretFindings(object, index)) findings.push(f);
    }
    const produced = isProducer(object) ? producedFields(object) : undefined;
    if (produced !== undefined) {
      for (const f of producerFindings(object, produced, index)) findings.push(f);
    }
    if (isPodBearer(object)) {
      checkPodBearer(object, index, { findings, candidates, shared, policy });
    }
  }
  return { findings, candidates };
}

/** Where in `object` a finding about it points, given a JSON pointer within it. */
function locator(object: ManifestObject, index: ObjectIndex): (pointer: string) => FindingLocation {
  return (pointer) => ({
    file: object.file,
    document: object.document,
    kind: object.kind,
    namespace: index.namespaceOf(object),
    name: object.name,
    path: object.pointer + pointer,
  });
}

/** A Secret made in the cluster that something else defines too, or that cannot hold a credential, is reported on its producer. */
function producerFindings(producer: ManifestObject, fields: ProducedSecretFields, index: ObjectIndex): Finding[] {
  const location = locator(producer, index);
  const findings: Finding[] = [];
  const clash = fields.creates ? index.clashOf(producer, fields) : undefined;
  if (clash !== undefined) {
    findings.push(finding(location(''), 'duplicate-secret',
      `secret "${fields.target}" that ${producer.kind} "${producer.name}" makes is also defined by ${clash.kind} "${clash.name}" in ${clash.file} (document ${clash.document}); `
      + 'the controller does not take over a Secret it does not own, so only one of them can be in force', { secret: fields.target }));
  }
  if (fields.creates && isPullSecretType(fields.type) && !fields.payload) {
    findings.push(finding(location(''), 'secret-invalid',
      `${producer.kind} "${producer.name}" makes pull secret "${fields.target}" of type "${fields.type as string}" without its data key in spec.encryptedData: the Secret holds no credential`,
      { secret: fields.target }));
  }
  return findings;
}

/** Who makes a pull secret, for messages: `ExternalSecret "quay" (ClusterSecretStore "vault")`. */
function producerDescription(resolution: Extract<Resolution, { state: 'produced' }>): string {
  const { producer, fields, copiedFrom } = resolution;
  return `${producer.kind} "${producer.name}"${fields.source === undefined ? '' : ` (${fields.source})`}`
    + (copiedFrom === undefined ? '' : ` in namespace "${copiedFrom}" and copied by Rancher as a project-scoped secret`);
}

/** What a pod bearer's check adds to. */
interface Sink {
  readonly findings: Finding[];
  readonly candidates: PullCandidate[];
  readonly shared: SharedStrings;
  readonly policy: ImagePolicy;
}

/**
 * A pull secret problem is reported once, on the Secret itself, whoever
 * references it. Two different Secrets of one name in one namespace are a
 * problem, by the rule the constructs keep (one name, one secret):
 * `kubectl apply` keeps only the one applied last; identical repeats are fine.
 */
function secretFindings(secret: ManifestObject, index: ObjectIndex): Finding[] {
  const location = locator(secret, index);
  const findings: Finding[] = [];
  const earlier = index.duplicateOf(secret);
  if (earlier !== undefined) {
    findings.push(finding(location(''), 'duplicate-secret',
      `secret "${secret.name}" is also defined, differently, in ${earlier.file} (document ${earlier.document}); `
      + 'secret names are unique per namespace, so whichever is applied last replaces the other (this check uses this one): '
      + 'give each secret its own name, or keep one', { secret: secret.name, severity: 'problem' }));
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


function checkPodBearer(object: ManifestObject, index: ObjectIndex, sink: Sink): void {
  const { findings, candidates, shared } = sink;
  const specPointer = object.podSpecPath!;
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
  const produced: ProducedRef[] = [];
  const pending: string[] = []; // referenced, not in the manifests: maybe in the cluster
  const unusable: string[] = [];
  const hints = new Map<string, string>();
  const policy = withDeclaredPatterns(sink.policy, object.declaredPublicImages);
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
      const hint = closestName(ref.name, index.pullSecretNamesIn(namespace), 2);
      if (hint !== undefined) hints.set(ref.name, hint);
      findings.push(finding(at(ref.pointer), 'expected-in-cluster',
        `pull secret "${ref.name}"${via} is not in namespace "${namespace}" in these manifests; expected in the cluster${resolution.note ? `: ${resolution.note}` : ''}`
        + (hint === undefined ? '' : `; did you mean "${hint}"? (a pull secret of namespace "${namespace}" in these manifests)`), extra));
    } else if (resolution.state === 'produced') {
      const by = producerDescription(resolution);
      if (!isPullSecretType(resolution.fields.type)) {
        unusable.push(ref.name);
        findings.push(finding(at(ref.pointer), 'secret-wrong-type',
          `pull secret "${ref.name}"${via} is made in the cluster by ${by} ${describeProducedType(resolution.fields.type)}, `
          + `but the kubelet reads pull credentials only from "kubernetes.io/dockerconfigjson" (or legacy "kubernetes.io/dockercfg"); set ${resolution.fields.typePointer.slice(1).replace(/\//g, '.')}`, extra));
      } else if (!resolution.fields.payload) {
        unusable.push(ref.name); // reported on the producer itself
      } else {
        produced.push({ name: ref.name, by, ...(resolution.fields.servers === undefined ? {} : { servers: resolution.fields.servers }) });
      }
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

  for (const podImage of podImages(spec)) {
    const where = podImage.source === 'volume' ? { volume: podImage.name } : { container: podImage.name };
    const image = podImage.image === '' ? undefined : podImage.image;
    if (!isPulled(podImage)) {
      findings.push(finding(at(podImage.pointer), 'not-pulled',
        `${describeImageSource(podImage)} has pull policy Never: the kubelet uses the image only if the node has it, and needs no credential`,
        { ...where, ...(image === undefined ? {} : { image }) }));
      continue;
    }
    const noImage = podImage.source === 'volume' ? 'the image volume has no reference' : undefined;
    const result = checkImage(image, { usable, produced, pending, unusable, hints }, policy, noImage);
    findings.push(finding(at(podImage.pointer), result.status, shared.of(result.message), {
      ...where,
      ...(image === undefined ? {} : { image }),
      ...(result.secrets === undefined ? {} : { secrets: shared.list(result.secrets) }),
      ...(result.status !== 'ok' && result.severity !== undefined ? { severity: result.severity } : {}),
    }));
    if (result.status === 'ok') {
      candidates.push({ findingIndex: findings.length - 1, reference: result.reference, credentials: result.credentials });
    }
  }
  for (const f of unmirroredImageFindings(object, spec, at)) findings.push(f);
}

/** The run's policy, plus the public-image patterns the object declares (its flags' patterns first). */
function withDeclaredPatterns(policy: ImagePolicy, declared: readonly string[] | undefined): ImagePolicy {
  if (declared === undefined || declared.length === 0) return policy;
  return { ...policy, publicImages: [...policy.publicImages, ...declared.map((prefix) => ({ prefix, declared: true }))] };
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

/**
 * One copy of each path and message that many findings repeat (every
 * Deployment's `/spec/template/spec/containers/0/image`, "credentials
 * match: ..."), so a report of a hundred thousand images holds each once.
 */
class SharedStrings {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  public of(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size < 10_000) this.strings.set(text, text);
    return text;
  }

  /** One copy of each list of names. */
  public list(names: readonly string[]): readonly string[] {
    const key = `\0${names.join('\0')}`;
    const known = this.lists.get(key);
    if (known !== undefined) return known;
    if (this.lists.size < 10_000) this.lists.set(key, names);
    return names;
  }
}
