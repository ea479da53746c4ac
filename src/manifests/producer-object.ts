/**
 * Objects that make a Secret in the cluster, as the checks keep them: an
 * External Secrets Operator `ExternalSecret` (docs: REFERENCE §8) writes
 * `spec.target.name` (default: its own name) in its namespace; a Bitnami
 * `SealedSecret` (§7) makes a Secret of its own name and namespace. What is
 * kept: the Secret's name and type, whether it carries the data key of its
 * type, the registry servers when its template shows them, where the
 * credential comes from (store, generator), and the Rancher labels and
 * annotations of the Secret's template. Never a value: the sealed bytes and
 * the template text are dropped once read.
 */
import { templateServers } from './template-servers';
import { DOCKER_CFG_KEY, DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_TYPE } from '../rules/dockerconfigjson';
import { isPlainObject } from '../rules/objects';
import { apiGroupOf } from '../rules/pod-kinds';

/** The API group of ExternalSecret. */
export const EXTERNAL_SECRETS_GROUP = 'external-secrets.io';
/** The API group of SealedSecret. */
export const SEALED_SECRETS_GROUP = 'bitnami.com';

/** What a producer makes, as the checks keep it (in `body.produced`). */
export interface ProducedSecretFields {
  readonly producer: 'ExternalSecret' | 'SealedSecret';
  /** The name of the Secret it makes (`''` when it has none). */
  readonly target: string;
  /**
   * Whether it creates the Secret: false for an ExternalSecret whose
   * `creationPolicy` is `Merge` (it only fills a Secret that must exist) or `None`.
   */
  readonly creates: boolean;
  /** `spec.target.creationPolicy` when it is `Merge` or `None`. */
  readonly creationPolicy?: string;
  /** The Secret's type as written; undefined when unset (the Secret is then `Opaque`), `false` when not a string. */
  readonly type?: string | false;
  /** JSON pointer of the type field within the producer. */
  readonly typePointer: string;
  /**
   * Whether it carries the data key of its type: a SealedSecret's
   * `encryptedData` (or `template.data`) has it. Always true for an
   * ExternalSecret, whose data may come from the store under any template.
   */
  readonly payload: boolean;
  /** The `auths` keys its template writes, when the template shows them; undefined when unknown. */
  readonly servers?: readonly string[];
  /** Where the credential comes from, e.g. `ClusterSecretStore "vault"` or `generator ECRAuthorizationToken "ecr"`. */
  readonly source?: string;
}

/** Whether the object makes Secrets in the cluster (ExternalSecret or SealedSecret, any version of their group). */
export function isProducerKind(kind: string, apiVersion: string): boolean {
  const group = apiGroupOf(apiVersion);
  return (kind === 'ExternalSecret' && group === EXTERNAL_SECRETS_GROUP) || (kind === 'SealedSecret' && group === SEALED_SECRETS_GROUP);
}

/** The data key each pull secret type carries. */
const DATA_KEY: Readonly<Record<string, string>> = { [DOCKER_CONFIG_JSON_TYPE]: DOCKER_CONFIG_JSON_KEY, [DOCKER_CFG_TYPE]: DOCKER_CFG_KEY };

/** The metadata of the Secret the producer makes (its template's), for the Rancher keys. */
export function producedSecretMetadata(value: Record<string, unknown>, kind: string): Record<string, unknown> {
  const spec = objectAt(value, 'spec');
  const template = kind === 'SealedSecret' ? objectAt(spec, 'template') : objectAt(objectAt(spec, 'target'), 'template');
  return objectAt(template, 'metadata');
}

/** The fields of {@link ProducedSecretFields}; `name` is the producer's own `metadata.name`. */
export function producedSecretFields(value: Record<string, unknown>, kind: string, name: string): ProducedSecretFields {
  const spec = objectAt(value, 'spec');
  if (kind === 'SealedSecret') {
    const template = objectAt(spec, 'template');
    const type = typeOf(template.type);
    const dataKey = typeof type === 'string' ? DATA_KEY[type] : undefined;
    const payload = dataKey !== undefined && (nonEmpty(objectAt(spec, 'encryptedData')[dataKey]) || nonEmpty(objectAt(template, 'data')[dataKey]));
    return { producer: 'SealedSecret', target: name, creates: true, ...(type === undefined ? {} : { type }), typePointer: '/spec/template/type', payload };
  }
  const target = objectAt(spec, 'target');
  const template = objectAt(target, 'template');
  const type = typeOf(template.type);
  const policy = target.creationPolicy;
  const creates = policy !== 'Merge' && policy !== 'None';
  const dataKey = typeof type === 'string' ? DATA_KEY[type] : undefined;
  const text = dataKey === undefined ? undefined : objectAt(template, 'data')[dataKey];
  const read = typeof text === 'string' ? templateServers(text, dataKey === DOCKER_CONFIG_JSON_KEY) : undefined;
  const source = esoSource(spec);
  return {
    producer: 'ExternalSecret',
    target: typeof target.name === 'string' && target.name !== '' ? target.name : name,
    creates,
    ...(creates ? {} : { creationPolicy: policy as string }),
    ...(type === undefined ? {} : { type }),
    typePointer: '/spec/target/template/type',
    payload: true,
    ...(read?.known ? { servers: read.servers } : {}),
    ...(source === undefined ? {} : { source }),
  };
}

/** The store (`spec.secretStoreRef`) or generators (`spec.dataFrom[].sourceRef.generatorRef`) the credential comes from. */
function esoSource(spec: Record<string, unknown>): string | undefined {
  const sources: string[] = [];
  const store = objectAt(spec, 'secretStoreRef');
  if (typeof store.name === 'string') {
    sources.push(`${typeof store.kind === 'string' ? store.kind : 'SecretStore'} ${JSON.stringify(store.name)}`);
  }
  const dataFrom = Array.isArray(spec.dataFrom) ? spec.dataFrom : [];
  for (const entry of dataFrom) {
    const generator = objectAt(objectAt(isPlainObject(entry) ? entry : {}, 'sourceRef'), 'generatorRef');
    if (typeof generator.name === 'string' && typeof generator.kind === 'string') {
      sources.push(`generator ${generator.kind} ${JSON.stringify(generator.name)}`);
    }
  }
  return sources.length === 0 ? undefined : sources.join(', ');
}

/** How messages say the type of the Secret a producer makes, quoting it only when it looks like a type name. */
export function describeProducedType(type: string | false | undefined): string {
  if (type === undefined) return 'without a type (so of type "Opaque")';
  if (type === false) return 'with a "type" that is not a string';
  return /^[A-Za-z0-9._/-]{1,253}$/.test(type) ? `of type ${JSON.stringify(type)}` : 'with a "type" that is no secret type name';
}

function typeOf(type: unknown): string | false | undefined {
  if (type === undefined || type === null) return undefined;
  return typeof type === 'string' ? type : false;
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function objectAt(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const field = value[key];
  return isPlainObject(field) ? field : {};
}
