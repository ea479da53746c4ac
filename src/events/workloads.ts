/**
 * From a pod named in an event to the workload of the synthesized
 * manifests that made it: the pod-name patterns of each kind (REFERENCE
 * §9, the API server's generateName), the pull secrets the pod gets (its
 * own `imagePullSecrets`, else its ServiceAccount's), and the construct
 * path that declared the object: from the library's `construct-paths.json`
 * (rules/construct-paths.ts), keyed by apiVersion, kind, namespace and
 * name; else from cdk8s's `construct-metadata.json` checked against the
 * `cdk8s.io/metadata.addr` label cdk8s-plus puts on pod templates
 * (docs/facts.md#image-pull-events).
 */
import { createHash } from 'crypto';
import { MirrorOrigin, mirrorOriginOf } from './mirror-origin';
import { isPodBearer } from '../manifests/manifest-object';
import { ManifestObject } from '../manifests/manifests';
import { ObjectIndex } from '../manifests/object-index';
import { ConstructPaths, constructPathKey } from '../rules/construct-paths';
import { matchingRegistryKeys } from '../rules/keyring';
import { isPlainObject } from '../rules/objects';
import { CONTAINER_LISTS, podImages } from '../rules/pod-images';
import { readPointer } from '../rules/pod-kinds';

/** The label cdk8s-plus puts on every pod template: `Names.toLabelValue` of the workload construct. */
export const CDK8S_ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/** The characters of the API server's random name suffixes (k8s.io/apimachinery/pkg/util/rand). */
const RAND = '[bcdfghjklmnpqrstvwxz2456789]';
const RAND_SUFFIX = new RegExp(`^${RAND}{5}$`);
/** generateName keeps at most 63 - 5 characters of the base. */
const MAX_GENERATED_BASE = 58;

/** A variable part of a generated base name, between the workload's name and the random suffix. */
interface Middle {
  readonly chars: string;
  readonly min: number;
  readonly max: number;
}
/** A Deployment's ReplicaSet hash (SafeEncodeString of a uint32). */
const RS_HASH: Middle = { chars: RAND, min: 1, max: 10 };
/** A CronJob's Job suffix (scheduled time in minutes), or an Indexed Job's index. */
const DIGITS: Middle = { chars: '[0-9]', min: 1, max: 20 };

/** Kinds in the order a tie between equally long names is broken. */
const KIND_ORDER = ['Pod', 'StatefulSet', 'Deployment', 'ReplicaSet', 'DaemonSet', 'Job', 'CronJob'];

/**
 * Whether pod `pod` can be one of a `kind` called `name`: Pod `NAME`,
 * StatefulSet `NAME-<ordinal>`, Deployment `NAME-<hash>-<5>`, ReplicaSet,
 * DaemonSet and Job `NAME-<5>` (Indexed Job `NAME-<index>-<5>`), CronJob
 * `NAME-<time>-<5>`; generated bases are cut at 58 characters.
 */
export function podNameMatches(kind: string, name: string, pod: string): boolean {
  switch (kind) {
    case 'Pod':
      return pod === name;
    case 'StatefulSet':
      return pod.startsWith(`${name}-`) && /^(0|[1-9][0-9]*)$/.test(pod.slice(name.length + 1));
    case 'Deployment':
      return generatedFrom(`${name}-`, RS_HASH, pod);
    case 'ReplicaSet':
    case 'DaemonSet':
      return generatedFrom(`${name}-`, undefined, pod);
    case 'Job':
      return generatedFrom(`${name}-`, undefined, pod) || generatedFrom(`${name}-`, DIGITS, pod);
    case 'CronJob':
      return generatedFrom(`${name}-`, DIGITS, pod);
    default:
      // Custom resources and ReplicationControllers name their pods after themselves, each controller its own way
      // (Argo Rollouts and Knative through ReplicaSets, OpenKruise by ordinal or suffix): the name and a dash.
      return pod.startsWith(`${name}-`) && pod.length > name.length + 1;
  }
}

/** Whether `pod` is `prefix` + middle + `-` (cut to 58 characters) + 5 random characters. */
function generatedFrom(prefix: string, middle: Middle | undefined, pod: string): boolean {
  const base = pod.slice(0, -5);
  if (pod.length <= 5 || !RAND_SUFFIX.test(pod.slice(-5)) || base.length > MAX_GENERATED_BASE) return false;
  if (prefix.length >= MAX_GENERATED_BASE) return base === prefix.slice(0, MAX_GENERATED_BASE);
  if (!base.startsWith(prefix)) return false;
  const rest = base.slice(prefix.length);
  if (middle === undefined) return rest === '';
  const match = new RegExp(`^(${middle.chars}*)(-?)$`).exec(rest);
  if (match === null || match[1].length > middle.max) return false;
  // Complete (`<middle>-`), or cut short at 58 characters.
  return match[2] === '-' ? match[1].length >= middle.min : base.length === MAX_GENERATED_BASE;
}

/**
 * `Names.toLabelValue` of cdk8s 2.x for the construct at `path` (the
 * app's root has id `''`): components cleaned and joined by `-`, trimmed
 * from the front to 63 characters, `Resource`/`Default` dropped, then the
 * first 8 characters of the construct's address (`c8` + SHA-1 of the ids),
 * or of SHA-256 of the path with `CDK8S_LEGACY_HASH` (`legacy`).
 */
export function cdk8sLabelValue(path: string, legacy = false): string {
  const ids = path.split('/');
  if (ids.length === 1 && /^(([0-9a-zA-Z][0-9a-zA-Z-_.]*)?[0-9a-zA-Z])?$/.test(ids[0]) && ids[0].length <= 63) return ids[0];
  const hash = legacy
    ? createHash('sha256').update(path).digest('hex').slice(0, 8)
    : `c8${createHash('sha1').update(['', ...ids].filter((id) => id !== 'Default').map((id) => `${id}\n`).join('')).digest('hex')}`.slice(0, 8);
  const reversed = [...ids.map((id) => id.replace(/[^0-9a-zA-Z-_.]/g, '').slice(0, 63)), hash].reverse();
  return reversed.filter((value, i) => value !== reversed[i - 1]).join('/').slice(0, 63).split('/').reverse()
    .filter((x) => x).join('-').split('-').filter((x) => x)
    .filter((x) => x.toLowerCase() !== 'resource' && x.toLowerCase() !== 'default')
    .join('-').replace(/^[^0-9a-zA-Z]+/, '');
}

/** What cdk8s writes to `construct-metadata.json` when validations run: API object name → construct path. */
export interface ConstructMetadata {
  /** By `metadata.name` only, as cdk8s keys it: of several objects with one name, the last one synthesized is kept. */
  readonly paths: ReadonlyMap<string, string>;
}

/**
 * Reads `construct-metadata.json` (`{ "version": "1.0.0", "resources":
 * { NAME: { "path": PATH } } }`, cdk8s 2.x `App.writeConstructMetadata`).
 * Returns a problem in words for anything else (the content is not quoted).
 */
export function parseConstructMetadata(text: string): ConstructMetadata | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (!isPlainObject(value) || !isPlainObject(value.resources)) {
    return 'has no "resources" object (expected what cdk8s writes: { "version": "1.0.0", "resources": { NAME: { "path": PATH } } })';
  }
  const paths = new Map<string, string>();
  for (const [name, entry] of Object.entries(value.resources)) {
    if (isPlainObject(entry) && typeof entry.path === 'string') paths.set(name, entry.path);
  }
  return { paths };
}

/** A pull secret a pod of the workload gets, and what it holds for the image. */
export interface PullSecretUse {
  readonly name: string;
  /** `pod`: the pod spec's own `imagePullSecrets`; `service-account`: copied from its ServiceAccount. */
  readonly from: 'pod' | 'service-account';
  /**
   * `matches`: holds a credential the kubelet sends for the image;
   * `no-match`: holds none for it; `unusable`: no pull secret, or broken;
   * `wrong-namespace`: only other namespaces have it; `produced`: made in
   * the cluster from a template that does not show its servers;
   * `not-in-manifests`: its content is unknown here.
   */
  readonly state: 'matches' | 'no-match' | 'unusable' | 'wrong-namespace' | 'produced' | 'not-in-manifests';
  /** The `auths` keys that apply to the image (state `matches`). */
  readonly keys: readonly string[];
  /** The object that makes it in the cluster, e.g. `ExternalSecret "quay-pull"`; undefined for a plain Secret. */
  readonly producer?: string;
}

/** The construct that declared a workload. */
export interface ConstructOrigin {
  /**
   * From construct-paths.json (`pathFrom: 'construct-paths'`): the construct
   * users know (the `Include` that read the object, the cdk8s-plus workload,
   * or the raw API object). Else from construct-metadata.json, which cdk8s
   * keys by name alone and which names the API object: kept when the label
   * agrees with it (`'label'`) or no other object of the manifests has the
   * name (`'name'`); null otherwise.
   */
  readonly path: string | null;
  /** How the path is known to be this object's; null without a path. */
  readonly pathFrom: 'construct-paths' | 'label' | 'name' | null;
  /** The `cdk8s.io/metadata.addr` label of the pod template; null without one. */
  readonly address: string | null;
}

/** The workload a pod belongs to, as the manifests declare it. */
export interface PodWorkload {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly file: string;
  readonly document: number;
  readonly construct: ConstructOrigin | null;
  /** The ServiceAccount the pull secrets were copied from; null when the pod spec names its own. */
  readonly serviceAccount: string | null;
  readonly pullSecrets: readonly PullSecretUse[];
  /** The image volume that pulls the image, for events that name no container (the kubelet gives image volume pulls no fieldPath). */
  readonly volume: string | null;
  /** The image is a RegistryMirror's rewrite (the object's original-images annotation names it; mirror-origin.ts); null otherwise. */
  readonly mirror: MirrorOrigin | null;
}

/** A pod-bearing object of the manifests, with its pod template's address label. */
export interface WorkloadObject {
  readonly object: ManifestObject;
  readonly addressLabel?: string;
}

/** Where construct paths come from: the library's file, else cdk8s's. */
export interface ConstructSources {
  /** construct-paths.json, if found: preferred. */
  readonly paths?: ConstructPaths | undefined;
  /** construct-metadata.json, if found: for objects the first does not name. */
  readonly metadata?: ConstructMetadata | undefined;
}

/** The workloads of a manifests folder, by namespace, ready to match pods against. */
export class WorkloadIndex {
  /** Namespace → name → pod-bearing objects. */
  private readonly byName = new Map<string, Map<string, WorkloadObject[]>>();
  /** Namespace → the first 57 characters of names that long → objects: their pods' generated names are cut there. */
  private readonly byLongName = new Map<string, Map<string, WorkloadObject[]>>();
  private readonly objects: ObjectIndex;
  private readonly nameCounts = new Map<string, number>();

  /**
   * `defaultNamespace`: where objects that set none are applied
   * (`kubectl apply -n`). `sources`: the construct path files found.
   */
  public constructor(all: readonly ManifestObject[], labels: ReadonlyMap<ManifestObject, string>,
    public readonly defaultNamespace: string, private readonly sources: ConstructSources = {}) {
    this.objects = new ObjectIndex(all, defaultNamespace);
    for (const object of all) {
      this.nameCounts.set(object.name, (this.nameCounts.get(object.name) ?? 0) + 1);
      if (!isPodBearer(object)) continue;
      const namespace = this.objects.namespaceOf(object);
      const label = labels.get(object);
      const workload = label === undefined ? { object } : { object, addressLabel: label };
      appendTo(this.byName, namespace, object.name, workload);
      if (object.name.length >= MAX_GENERATED_BASE - 1) appendTo(this.byLongName, namespace, object.name.slice(0, MAX_GENERATED_BASE - 1), workload);
    }
  }

  /**
   * The workload of pod `pod` in `namespace` running `container`: of the
   * objects of that namespace whose pod-name pattern fits, those with the
   * container when any has it, then the longest name wins.
   */
  public workloadOf(namespace: string, pod: string, container: string, image: string): PodWorkload | undefined {
    const fits = this.candidatesFor(namespace, pod).filter((w) => podNameMatches(w.object.kind, w.object.name, pod));
    const withContainer = fits.filter((w) => containersOf(w.object).some((c) => c.name === container));
    const candidates = withContainer.length > 0 ? withContainer : fits;
    candidates.sort((a, b) => b.object.name.length - a.object.name.length
      || KIND_ORDER.indexOf(a.object.kind) - KIND_ORDER.indexOf(b.object.kind)
      || (a.object.name < b.object.name ? -1 : a.object.name > b.object.name ? 1 : 0));
    const chosen = candidates[0];
    if (chosen === undefined) return undefined;
    const { object } = chosen;
    const spec = podSpecOf(object);
    const { refs, serviceAccount } = this.pullSecretRefs(spec, namespace);
    return {
      kind: object.kind,
      name: object.name,
      namespace,
      file: object.file,
      document: object.document,
      construct: this.constructOf(chosen),
      serviceAccount,
      pullSecrets: refs.map((ref) => this.use(ref.name, ref.from, namespace, image)),
      volume: container === '' ? imageVolumeOf(object, image) ?? null : null,
      mirror: mirrorOriginOf(object, image, this.sources.paths),
    };
  }

  /** Objects whose name the pod's name can come from: the pod's name, each part before a `-`, or the 57 characters a cut name keeps. */
  private candidatesFor(namespace: string, pod: string): WorkloadObject[] {
    const names = this.byName.get(namespace);
    const found = new Set<WorkloadObject>();
    for (let end = pod.length; end > 0; end = pod.lastIndexOf('-', end - 1)) {
      for (const w of names?.get(pod.slice(0, end)) ?? []) found.add(w);
    }
    for (const w of this.byLongName.get(namespace)?.get(pod.slice(0, MAX_GENERATED_BASE - 1)) ?? []) found.add(w);
    return [...found];
  }

  /** The pod's own `imagePullSecrets`, else its ServiceAccount's: the admission plugin copies them only into pods with none. */
  private pullSecretRefs(spec: Record<string, unknown>, namespace: string) {
    const own = namesOf(spec.imagePullSecrets);
    if (own.length > 0) return { refs: own.map((name) => ({ name, from: 'pod' as const })), serviceAccount: null };
    const accountName = [spec.serviceAccountName, spec.serviceAccount].find((n): n is string => typeof n === 'string' && n !== '') ?? 'default';
    const account = this.objects.serviceAccount(namespace, accountName);
    const names = account === undefined ? [] : namesOf(account.body.imagePullSecrets);
    return { refs: names.map((name) => ({ name, from: 'service-account' as const })), serviceAccount: accountName };
  }

  private use(name: string, from: PullSecretUse['from'], namespace: string, image: string): PullSecretUse {
    const resolved = this.objects.resolve(name, namespace);
    const matching = (keys: readonly string[]): string[] => {
      try {
        return image === '' ? [] : matchingRegistryKeys(keys, image);
      } catch {
        return []; // an invalid image reference matches no key
      }
    };
    switch (resolved.state) {
      case 'found': {
        if (!resolved.decoded.ok) return { name, from, state: 'unusable', keys: [] };
        const keys = matching(resolved.decoded.keys);
        return { name, from, state: keys.length > 0 ? 'matches' : 'no-match', keys };
      }
      case 'produced': {
        // Made in the cluster (ExternalSecret, SealedSecret): its servers are known when its template shows them.
        const producer = { producer: `${resolved.fields.producer} "${resolved.producer.name}"` };
        const servers = resolved.fields.servers;
        if (servers === undefined) return { name, from, state: 'produced', keys: [], ...producer };
        const keys = matching(servers);
        return { name, from, state: keys.length > 0 ? 'matches' : 'no-match', keys, ...producer };
      }
      case 'wrong-namespace':
        return { name, from, state: 'wrong-namespace', keys: [] };
      default:
        return { name, from, state: 'not-in-manifests', keys: [] };
    }
  }

  private constructOf(workload: WorkloadObject): ConstructOrigin | null {
    const address = workload.addressLabel ?? null;
    const { apiVersion, kind, namespace, name } = workload.object;
    const known = this.sources.paths?.byObject.get(constructPathKey(apiVersion, kind, namespace, name));
    if (known !== undefined) return { path: known.construct, pathFrom: 'construct-paths', address };
    const path = this.sources.metadata?.paths.get(name);
    if (path !== undefined && address !== null) {
      // cdk8s-plus labels the pod template with the workload construct's address: the API object's parent.
      const owners = [path, path.split('/').slice(0, -1).join('/')].filter((owner) => owner !== '');
      if (owners.some((owner) => cdk8sLabelValue(owner) === address || cdk8sLabelValue(owner, true) === address)) {
        return { path, pathFrom: 'label', address };
      }
    } else if (path !== undefined && this.nameCounts.get(name) === 1) {
      return { path, pathFrom: 'name', address };
    }
    return address === null ? null : { path: null, pathFrom: null, address };
  }
}

function appendTo(map: Map<string, Map<string, WorkloadObject[]>>, namespace: string, key: string, workload: WorkloadObject): void {
  let names = map.get(namespace);
  if (names === undefined) map.set(namespace, names = new Map());
  const list = names.get(key);
  if (list === undefined) names.set(key, [workload]);
  else list.push(workload);
}

/** The pod spec of a pod-bearing object's projection. */
function podSpecOf(object: ManifestObject): Record<string, unknown> {
  const spec = readPointer(object.body, object.podSpecPath ?? '/spec');
  return isPlainObject(spec) ? spec : {};
}

function containersOf(object: ManifestObject): Array<{ name?: unknown }> {
  const spec = podSpecOf(object);
  return CONTAINER_LISTS.flatMap(({ field }) => (Array.isArray(spec[field]) ? (spec[field] as unknown[]).filter(isPlainObject) : []));
}

/**
 * The image volume of a workload's pod that pulls `image`: the kubelet's
 * events for image volumes name the pod only (no fieldPath), so the image
 * tells which volume it was.
 */
export function imageVolumeOf(object: ManifestObject, image: string): string | undefined {
  return podImages(podSpecOf(object)).find((podImage) => podImage.source === 'volume' && podImage.image === image)?.name;
}

/** Distinct non-empty names of an `imagePullSecrets` list, in order. */
function namesOf(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const names = list.map((entry: unknown) => (isPlainObject(entry) && typeof entry.name === 'string' ? entry.name : ''));
  return [...new Set(names.filter((name) => name !== ''))];
}
