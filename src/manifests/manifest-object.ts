/**
 * One Kubernetes object of a manifest, as the checks keep it: its identity
 * and a compact projection of the fields they read, so that memory follows
 * the objects that matter rather than the manifests' size. The projection
 * keeps the object's shape (the same JSON pointers reach the same fields):
 *
 * - pod-bearing kinds (by API group and kind: rules/pod-kinds.ts, with the
 *   run's custom kinds): at the kind's pod-spec path, `containers`,
 *   `initContainers` and `ephemeralContainers` (each entry's `name`, `image`
 *   and `imagePullPolicy`, and as `argImages` and `envImages` the few image
 *   references its command, args and env name: rules/embedded-images.ts), `volumes` (an image volume's `name` and
 *   `image.reference` and `image.pullPolicy`; `null` for other volumes, so
 *   indexes stay), `imagePullSecrets` (each entry's `name`),
 *   `serviceAccountName` and `serviceAccount`;
 * - core Secrets: `type`, the pull-secret keys of `data` and `stringData`,
 *   the Rancher labels and annotations, and a digest of the whole object;
 * - ServiceAccounts: `imagePullSecrets`;
 * - Namespaces: the Rancher labels and annotations;
 * - ExternalSecrets and SealedSecrets: what they make in the cluster
 *   (`produced`: see producer-object.ts) and the Rancher labels and
 *   annotations of the Secret they make (as `metadata`);
 * - anything else: nothing beyond kind, apiVersion, name and namespace.
 *
 * A pod spec whose `containers`, `initContainers`, `ephemeralContainers`,
 * `volumes` or `imagePullSecrets`
 * (or a ServiceAccount whose `imagePullSecrets`) is set but is not a list is
 * refused as input ({@link InputError}): the API server would refuse it too,
 * and skipping it would hide its images.
 */
import { createHash, Hash } from 'crypto';
import { describePosition, InputError } from './input-error';
import { isProducerKind, producedSecretFields, producedSecretMetadata, ProducedSecretFields } from './producer-object';
import { MAX_NESTING, ParsedDocument } from './yaml-documents';
import {
  Declarations, ORIGINAL_IMAGES_ANNOTATION, parseDeclaredPodSpecPath, parseOriginalImages, parsePatternList,
  POD_SPEC_PATH_ANNOTATION, PUBLIC_IMAGES_ANNOTATION,
} from '../rules/declarations';
import { DOCKER_CFG_KEY, DOCKER_CONFIG_JSON_KEY } from '../rules/dockerconfigjson';
import { embeddedImagesOf } from '../rules/embedded-images';
import { isPlainObject } from '../rules/objects';
import { CONTAINER_LISTS } from '../rules/pod-images';
import { apiGroupOf, PodKinds, readPointer } from '../rules/pod-kinds';
import { RANCHER_IGNORE_NAMESPACES_ANNOTATION, RANCHER_PROJECT_ID_KEY, RANCHER_PROJECT_SCOPED_SECRET_LABEL } from '../rules/rancher';

/** One Kubernetes object read from a manifest file. */
export interface ManifestObject {
  /** The file it was read from (`<stdin>` for standard input). */
  readonly file: string;
  /** 1-based index of its YAML document within the file. */
  readonly document: number;
  /** JSON pointer of the object within its document: `''`, or `/items/N` inside a List. */
  readonly pointer: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name` (`generateName` followed by `*` when only that is set). */
  readonly name: string;
  /** `metadata.namespace` as written; undefined when not set. */
  readonly namespace?: string;
  /** The fields the checks read, in the object's shape (see the module comment). */
  readonly body: Readonly<Record<string, unknown>>;
  /** Core Secrets: a digest of the whole object as parsed (key order aside), to tell a different duplicate from a repeat. */
  readonly digest?: string;
  /** Pod bearers only: JSON pointer of the pod spec (in the object and in `body`). */
  readonly podSpecPath?: string;
  /** Pod bearers only: the public-image patterns its metadata declares (rules/declarations.ts), when trusted. */
  readonly declaredPublicImages?: readonly string[];
  /** Pod bearers only: each image a RegistryMirror rewrote, as pulled → as the code wrote it (rules/declarations.ts), when trusted. */
  readonly originalImages?: Readonly<Record<string, string>>;
}

const POD_SPEC_LISTS = ['initContainers', 'containers', 'ephemeralContainers', 'volumes', 'imagePullSecrets'] as const;
const PULL_SECRET_DATA_KEYS = [DOCKER_CONFIG_JSON_KEY, DOCKER_CFG_KEY];
const RANCHER_KEYS = [RANCHER_PROJECT_ID_KEY, RANCHER_PROJECT_SCOPED_SECRET_LABEL, RANCHER_IGNORE_NAMESPACES_ANNOTATION];
/** The body of objects the checks do not look into. */
const EMPTY_BODY: Readonly<Record<string, unknown>> = Object.freeze({});
/** Kinds whose typed lists (`SecretList`, ...) must hold a list of items. */
const CHECKED_KINDS = new Set(['Secret', 'ServiceAccount', 'Namespace']);

/**
 * The objects of one parsed document: the object itself, or a List's items.
 * Null documents give none. `kinds`: the pod-bearing kinds of this run;
 * `declarations`: whether the objects' own annotations (rules/declarations.ts)
 * may add a pod-bearing kind or public-image patterns.
 */
export function objectsOfDocument(
  parsed: ParsedDocument, file: string, kinds: PodKinds = PodKinds.BUILT_IN, declarations: Declarations = 'trusted',
): ManifestObject[] {
  const value = parsed.value;
  if (value === null || value === undefined) {
    return []; // an empty document, e.g. after a trailing `---`
  }
  const object = kubeObject(value, parsed, file, '', undefined, kinds, declarations);
  if (!object.kind.endsWith('List') || !isPlainObject(value)) {
    return [object];
  }
  // `kubectl get -o yaml` writes a `List`; typed lists (e.g. PodList) omit each item's kind.
  const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length);
  const items = value.items;
  if (Array.isArray(items)) {
    return items.map((item, i) => kubeObject(item, parsed, file, `/items/${i}`, itemKind, kinds, declarations));
  }
  if (items !== undefined && items !== null && (itemKind === undefined || CHECKED_KINDS.has(itemKind) || kinds.hasKind(itemKind))) {
    const position = parsed.locate('/items');
    throw new InputError(`is not a valid ${object.kind === 'List' ? 'List' : 'typed list'}: /items must be a list, found ${describe(items)} (${describePosition(position)})`,
      file, parsed.document, position);
  }
  return [object];
}

/** Whether the object runs pods (by API group and kind, decided when it was read). */
export function isPodBearer(object: Pick<ManifestObject, 'podSpecPath'>): object is ManifestObject & { readonly podSpecPath: string } {
  return object.podSpecPath !== undefined;
}

/** Whether the core API group holds objects of this apiVersion (`''` for typed list items). */
export function isCoreGroup(apiVersion: string): boolean {
  return apiVersion === '' || apiGroupOf(apiVersion) === '';
}

/** Whether the object makes a Secret in the cluster: an ExternalSecret or a SealedSecret. */
export function isProducer(object: Pick<ManifestObject, 'kind' | 'apiVersion'>): boolean {
  return isProducerKind(object.kind, object.apiVersion);
}

/** What a producer makes (see {@link isProducer}), as kept in its body; undefined for other objects, and producers without a name. */
export function producedFields(object: ManifestObject): ProducedSecretFields | undefined {
  return object.body.produced as ProducedSecretFields | undefined;
}

/** Whether the checks look at the object at all (the rest is only counted). */
export function isChecked(object: ManifestObject): boolean {
  return isPodBearer(object) || isProducer(object) || (CHECKED_KINDS.has(object.kind) && isCoreGroup(object.apiVersion));
}

function kubeObject(
  value: unknown, parsed: ParsedDocument, file: string, pointer: string, defaultKind: string | undefined, kinds: PodKinds, declarations: Declarations,
): ManifestObject {
  const where = pointer === '' ? '' : ` (at ${pointer})`;
  const failAs = (what: string, problem: string, field: string) => {
    const position = parsed.locate(pointer + field);
    return new InputError(`is not ${what}${where}: ${problem} (${describePosition(position)})`, file, parsed.document, position);
  };
  const fail = (problem: string, field = '') => failAs('a Kubernetes object', problem, field);
  if (!isPlainObject(value)) {
    throw fail(`expected a mapping, found ${describe(value)}`);
  }
  const kind = value.kind ?? defaultKind;
  const apiVersion = value.apiVersion ?? (defaultKind === undefined ? undefined : '');
  if (typeof kind !== 'string' || kind === '') {
    throw fail('it has no "kind"');
  }
  if (typeof apiVersion !== 'string' || (apiVersion === '' && defaultKind === undefined)) {
    throw fail('it has no "apiVersion"');
  }
  const metadata = value.metadata ?? {};
  if (!isPlainObject(metadata)) {
    throw fail('"metadata" is not a mapping', '/metadata');
  }
  const { name, generateName, namespace } = metadata;
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') {
    throw fail('"metadata.namespace" is not a string', '/metadata/namespace');
  }
  const identity: { -readonly [K in keyof ManifestObject]: ManifestObject[K] } = {
    file,
    document: parsed.document,
    pointer,
    apiVersion: detach(apiVersion),
    kind: detach(kind),
    name: typeof name === 'string' ? detach(name) : typeof generateName === 'string' ? detach(`${generateName}*`) : '',
    body: EMPTY_BODY,
  };
  // Built by assignment, not spread: objects built by spreading get a hidden class each in V8, which costs hundreds of bytes apiece.
  if (typeof namespace === 'string' && namespace !== '') identity.namespace = detach(namespace);
  // The kind is one of a fixed set here, so naming it quotes nothing.
  const invalid: Fail = (field, problem) => failAs(`a valid ${identity.kind}`, problem, field);
  // Items of typed lists carry no apiVersion: only Kubernetes' own kinds are taken for pods there.
  const known = kinds.of(identity.apiVersion, identity.kind)?.podSpecPath;
  const declared = declarations === 'trusted' ? declaredOf(metadata, identity, known !== undefined, (field, problem) => failAs('a valid declaration', problem, field)) : {};
  const podSpecPath = known ?? declared.podSpecPath;
  if (podSpecPath !== undefined) {
    identity.podSpecPath = podSpecPath;
    identity.body = podBearerBody(value, podSpecPath, invalid);
    if (declared.publicImages !== undefined) identity.declaredPublicImages = declared.publicImages;
    if (declared.originalImages !== undefined) identity.originalImages = declared.originalImages;
  } else if (isCoreGroup(identity.apiVersion) && identity.kind === 'Secret') {
    identity.body = secretBody(value);
    identity.digest = digestOf(value, () => fail(`it is nested more than ${MAX_NESTING} levels deep`));
  } else if (isCoreGroup(identity.apiVersion) && identity.kind === 'ServiceAccount') {
    const imagePullSecrets = pullSecretList(value.imagePullSecrets, '/imagePullSecrets', invalid);
    identity.body = imagePullSecrets === undefined ? EMPTY_BODY : { imagePullSecrets };
  } else if (isCoreGroup(identity.apiVersion) && identity.kind === 'Namespace') {
    identity.body = { metadata: rancherMetadata(metadata) };
  } else if (isProducer(identity) && identity.name !== '' && !identity.name.endsWith('*')) {
    identity.body = {
      metadata: rancherMetadata(producedSecretMetadata(value, identity.kind)),
      produced: detachFields(producedSecretFields(value, identity.kind, identity.name)),
    };
  }
  return identity;
}

type Fail = (field: string, problem: string) => InputError;

/** What an object's annotations declare (rules/declarations.ts); a malformed annotation is refused, naming its key. */
function declaredOf(
  metadata: Record<string, unknown>, identity: Pick<ManifestObject, 'apiVersion' | 'kind'>, knownPodKind: boolean, fail: Fail,
): Declared {
  const annotations = metadata.annotations;
  if (!isPlainObject(annotations)) return {};
  const declared: Declared = {};
  const field = (key: string) => `/metadata/annotations/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  // Only a custom kind is declared so; built-in ones keep their known path (items of typed lists have no apiVersion).
  if (annotations[POD_SPEC_PATH_ANNOTATION] !== undefined && !knownPodKind && identity.apiVersion !== '') {
    const parsed = parseDeclaredPodSpecPath(annotations[POD_SPEC_PATH_ANNOTATION], identity.apiVersion, identity.kind);
    if ('problem' in parsed) throw fail(field(POD_SPEC_PATH_ANNOTATION), `annotation "${POD_SPEC_PATH_ANNOTATION}" ${parsed.problem}`);
    declared.podSpecPath = detach(parsed.podSpecPath);
  }
  if (annotations[PUBLIC_IMAGES_ANNOTATION] !== undefined) {
    const parsed = parsePatternList(annotations[PUBLIC_IMAGES_ANNOTATION]);
    if ('problem' in parsed) throw fail(field(PUBLIC_IMAGES_ANNOTATION), `annotation "${PUBLIC_IMAGES_ANNOTATION}" ${parsed.problem}`);
    declared.publicImages = parsed.patterns.map(detach);
  }
  if (annotations[ORIGINAL_IMAGES_ANNOTATION] !== undefined) {
    const parsed = parseOriginalImages(annotations[ORIGINAL_IMAGES_ANNOTATION]);
    if ('problem' in parsed) throw fail(field(ORIGINAL_IMAGES_ANNOTATION), `annotation "${ORIGINAL_IMAGES_ANNOTATION}" ${parsed.problem}`);
    declared.originalImages = Object.fromEntries([...parsed.originals].map(([pulled, original]) => [detach(pulled), detach(original)]));
  }
  return declared;
}

type Declared = { podSpecPath?: string; publicImages?: string[]; originalImages?: Record<string, string> };

function podBearerBody(value: Record<string, unknown>, specPath: string, fail: Fail): Record<string, unknown> {
  const spec = readPointer(value, specPath);
  if (!isPlainObject(spec)) {
    return {}; // no pod template: nothing will run
  }
  for (const list of POD_SPEC_LISTS) {
    const field = spec[list];
    if (field !== undefined && field !== null && !Array.isArray(field)) {
      throw fail(`${specPath}/${list}`, `${specPath}/${list} must be a list, found ${describe(field)}`);
    }
  }
  const projected: Record<string, unknown> = {};
  for (const { field } of CONTAINER_LISTS) {
    const containers = spec[field];
    if (Array.isArray(containers)) {
      projected[field] = containers.map((container: unknown) => {
        if (!isPlainObject(container)) return null;
        const kept: { name?: string; image?: string; imagePullPolicy?: string; argImages?: string[]; envImages?: string[] } = {};
        if (typeof container.name === 'string') kept.name = detach(container.name);
        if (typeof container.image === 'string') kept.image = detach(container.image);
        if (typeof container.imagePullPolicy === 'string') kept.imagePullPolicy = detach(container.imagePullPolicy);
        const embedded = embeddedImagesOf(container);
        if (embedded.args.length > 0) kept.argImages = embedded.args.map(detach);
        if (embedded.env.length > 0) kept.envImages = embedded.env.map(detach);
        return kept;
      });
    }
  }
  if (Array.isArray(spec.volumes)) {
    projected.volumes = spec.volumes.map(imageVolumeOf);
  }
  const pullSecrets = pullSecretList(spec.imagePullSecrets, `${specPath}/imagePullSecrets`, fail);
  if (pullSecrets !== undefined) projected.imagePullSecrets = pullSecrets;
  for (const account of ['serviceAccountName', 'serviceAccount'] as const) {
    const accountName = spec[account];
    if (typeof accountName === 'string') projected[account] = detach(accountName);
  }
  // The pod spec at its path, e.g. { spec: { template: { spec } } }.
  return specPath.split('/').slice(1).reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), projected);
}

/** An image volume as kept: its name, reference and pull policy; null for any other volume (indexes stay). */
function imageVolumeOf(volume: unknown): Record<string, unknown> | null {
  if (!isPlainObject(volume) || !isPlainObject(volume.image)) return null;
  const image: { reference?: string; pullPolicy?: string } = {};
  if (typeof volume.image.reference === 'string') image.reference = detach(volume.image.reference);
  if (typeof volume.image.pullPolicy === 'string') image.pullPolicy = detach(volume.image.pullPolicy);
  const kept: { name?: string; image: typeof image } = { image };
  if (typeof volume.name === 'string') kept.name = detach(volume.name);
  return kept;
}

/** `imagePullSecrets` entries: `{ name }` when the entry has a string name, `{}` otherwise. */
function pullSecretList(list: unknown, field: string, fail: Fail): Array<{ name?: string }> | undefined {
  if (list === undefined || list === null) {
    return undefined;
  }
  if (!Array.isArray(list)) {
    throw fail(field, `${field} must be a list, found ${describe(list)}`);
  }
  return list.map((entry: unknown) => (isPlainObject(entry) && typeof entry.name === 'string' ? { name: detach(entry.name) } : {}));
}

function secretBody(value: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const type = value.type;
  if (type !== undefined) {
    // A type that is no string is kept as `false`: what matters is only that it is not a string.
    body.type = typeof type === 'string' ? detach(type) : type === null ? null : false;
  }
  for (const field of ['data', 'stringData'] as const) {
    const map = value[field];
    if (isPlainObject(map)) {
      body[field] = Object.fromEntries(PULL_SECRET_DATA_KEYS.filter((key) => map[key] !== undefined)
        .map((key) => [key, typeof map[key] === 'string' ? detach(map[key] as string) : map[key] === null ? null : false]));
    }
  }
  body.metadata = isPlainObject(value.metadata) ? rancherMetadata(value.metadata) : {};
  return body;
}

/** The Rancher labels and annotations (string values only). */
function rancherMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const pick = (map: unknown) => (isPlainObject(map)
    ? Object.fromEntries(RANCHER_KEYS.filter((key) => typeof map[key] === 'string').map((key) => [key, detach(map[key] as string)]))
    : {});
  return { labels: pick(metadata.labels), annotations: pick(metadata.annotations) };
}

/** The fields with every string detached from the manifest's text. */
function detachFields(fields: ProducedSecretFields): ProducedSecretFields {
  return {
    ...fields,
    target: detach(fields.target),
    ...(typeof fields.type === 'string' ? { type: detach(fields.type) } : {}),
    ...(fields.servers === undefined ? {} : { servers: fields.servers.map(detach) }),
    ...(fields.source === undefined ? {} : { source: detach(fields.source) }),
  };
}

/**
 * SHA-256 of a canonical form of a parsed value: equal for values that
 * `util.isDeepStrictEqual` finds equal (object key order aside).
 */
function digestOf(value: unknown, tooDeep: () => InputError): string {
  const hash = createHash('sha256');
  feed(hash, value, 0, tooDeep);
  return hash.digest('hex');
}

function feed(hash: Hash, value: unknown, depth: number, tooDeep: () => InputError): void {
  if (depth > MAX_NESTING) throw tooDeep();
  if (value === null) {
    hash.update('n');
  } else if (typeof value === 'string') {
    hash.update(`s${value.length}:`).update(value, 'utf16le');
  } else if (typeof value === 'number') {
    hash.update(`d${Object.is(value, -0) ? '-0' : String(value)};`);
  } else if (typeof value === 'boolean') {
    hash.update(value ? 't' : 'f');
  } else if (Array.isArray(value)) {
    hash.update(`[${value.length}:`);
    for (const item of value) feed(hash, item, depth + 1, tooDeep);
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    hash.update(`{${keys.length}:`);
    for (const key of keys) {
      hash.update(`${key.length}:`).update(key, 'utf16le');
      feed(hash, value[key], depth + 1, tooDeep);
    }
  } else {
    hash.update(`x${typeof value}:${String(value)};`);
  }
}

/**
 * A copy of a string that shares no memory with the text it was parsed
 * from (a substring can keep its whole source alive), so that kept fields
 * do not keep the manifests' text; frequent short values are shared.
 */
function detach(text: string): string {
  const shared = SHARED_STRINGS.get(text);
  if (shared !== undefined) return shared;
  const copy = text.length < 13 ? text : JSON.parse(JSON.stringify(text)) as string;
  if (copy.length <= 64 && SHARED_STRINGS.size < 4096) SHARED_STRINGS.set(copy, copy);
  return copy;
}

/** Short values seen first (kinds, namespaces, secret names...) kept once and shared by every object that repeats them. */
const SHARED_STRINGS = new Map<string, string>();

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a sequence';
  if (isPlainObject(value)) return 'a mapping';
  return `a ${value === null ? 'null' : typeof value} scalar`;
}
