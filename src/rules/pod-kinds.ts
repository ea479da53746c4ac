/**
 * The kinds that run pods, known by API group and kind, never by kind alone
 * (an `example.com/v1` Deployment is no pod): where each keeps its pod spec.
 * One table for the wiring, verify, events and images alike.
 * Facts and sources: docs/facts.md#pod-kinds (REFERENCE §10).
 */

/** One pod-bearing kind. */
export interface PodKind {
  /** The API group (`''` is the core group). */
  readonly apiGroup: string;
  readonly kind: string;
  /** JSON pointer of the pod spec in the object, e.g. `/spec/template/spec`. */
  readonly podSpecPath: string;
  /** Who knows it: built into Kubernetes, a well-known custom resource, or declared by the user. */
  readonly origin: 'core' | 'well-known' | 'custom';
}

const core = (apiGroup: string, kind: string, podSpecPath: string): PodKind => ({ apiGroup, kind, podSpecPath, origin: 'core' });
const wellKnown = (apiGroup: string, kind: string, podSpecPath: string): PodKind => ({ apiGroup, kind, podSpecPath, origin: 'well-known' });
const TEMPLATE = '/spec/template/spec';

/** Kubernetes' own pod-bearing kinds (`extensions` served Deployment, ReplicaSet and DaemonSet until 1.16). */
export const CORE_POD_KINDS: readonly PodKind[] = [
  core('', 'Pod', '/spec'),
  core('', 'ReplicationController', TEMPLATE),
  core('', 'PodTemplate', '/template/spec'),
  ...['apps', 'extensions'].flatMap((group) => ['Deployment', 'ReplicaSet', 'DaemonSet'].map((kind) => core(group, kind, TEMPLATE))),
  core('apps', 'StatefulSet', TEMPLATE),
  core('batch', 'Job', TEMPLATE),
  core('batch', 'CronJob', '/spec/jobTemplate/spec/template/spec'),
];

/** Custom resources that embed a full pod spec, known out of the box. */
export const WELL_KNOWN_POD_KINDS: readonly PodKind[] = [
  wellKnown('argoproj.io', 'Rollout', TEMPLATE),
  wellKnown('keda.sh', 'ScaledJob', '/spec/jobTargetRef/template/spec'),
  wellKnown('serving.knative.dev', 'Service', TEMPLATE),
  wellKnown('serving.knative.dev', 'Configuration', TEMPLATE),
  wellKnown('apps.kruise.io', 'CloneSet', TEMPLATE),
  wellKnown('apps.kruise.io', 'StatefulSet', TEMPLATE),
  wellKnown('apps.kruise.io', 'DaemonSet', TEMPLATE),
];

/** The pod-bearing kinds an app or a run knows: the built-in ones and those declared. */
export class PodKinds {
  /** Only the built-in kinds. */
  public static readonly BUILT_IN = new PodKinds([]);

  private readonly byGroupAndKind = new Map<string, PodKind>();
  private readonly kinds = new Set<string>();

  /** The built-in kinds and `custom` ones, which must have passed {@link customPodKindProblem}. */
  public constructor(custom: readonly PodKind[]) {
    for (const podKind of [...CORE_POD_KINDS, ...WELL_KNOWN_POD_KINDS, ...custom]) {
      this.byGroupAndKind.set(key(podKind.apiGroup, podKind.kind), podKind);
      this.kinds.add(podKind.kind);
    }
  }

  /**
   * The pod kind of an object of `apiVersion` and `kind`, or undefined. An
   * object with no `apiVersion` (`''`) can only be one of Kubernetes' own.
   */
  public of(apiVersion: string, kind: string): PodKind | undefined {
    if (apiVersion === '') return CORE_POD_KINDS.find((podKind) => podKind.kind === kind);
    return this.byGroupAndKind.get(key(apiGroupOf(apiVersion), kind));
  }

  /** Whether some group has a pod-bearing kind of this name (to keep the items of a `List` of it). */
  public hasKind(kind: string): boolean {
    return this.kinds.has(kind);
  }

  /** Every kind known, built-in first. */
  public all(): PodKind[] {
    return [...this.byGroupAndKind.values()];
  }
}

function key(apiGroup: string, kind: string): string {
  return `${apiGroup}\0${kind}`;
}

/** The API group of an `apiVersion` (`''` for the core group, `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

const GROUP = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;
/** A JSON pointer of plain keys: `/a/b/c`, no escapes, no empty step, no array index (a pod spec is never inside a list). */
const POINTER = /^(?:\/[A-Za-z_][A-Za-z0-9_-]*)+$/;

/** What is wrong with a custom pod kind (its syntax, or a clash with a built-in one); undefined when it is fine. */
export function customPodKindProblem(podKind: Pick<PodKind, 'apiGroup' | 'kind' | 'podSpecPath'>): string | undefined {
  const { apiGroup, kind, podSpecPath } = podKind;
  if (typeof apiGroup !== 'string' || apiGroup.length > 253 || !GROUP.test(apiGroup)) {
    return `API group ${JSON.stringify(apiGroup)} is not a DNS subdomain such as "apps.example.com" (custom resources always have a group)`;
  }
  if (typeof kind !== 'string' || !KIND.test(kind)) return `kind ${JSON.stringify(kind)} is not a Kubernetes kind such as "Worker"`;
  if (typeof podSpecPath !== 'string' || !POINTER.test(podSpecPath)) {
    return `pod spec path ${JSON.stringify(podSpecPath)} is not a JSON pointer of plain keys such as "/spec/template/spec"`;
  }
  const builtIn = [...CORE_POD_KINDS, ...WELL_KNOWN_POD_KINDS].find((known) => known.apiGroup === apiGroup && known.kind === kind);
  if (builtIn) return `${describePodKind(builtIn)} is already known (pod spec at ${builtIn.podSpecPath}); declare only kinds it does not know`;
  return undefined;
}

/** `GROUP/KIND` as messages write it; the core group is written `core`. */
export function describePodKind(podKind: Pick<PodKind, 'apiGroup' | 'kind'>): string {
  return `${podKind.apiGroup === '' ? 'core' : podKind.apiGroup}/${podKind.kind}`;
}

/** Parses `GROUP/KIND=/json/pointer` (the CLI's `--pod-kind`); a problem names what is wrong. */
export function parsePodKindFlag(text: string): { readonly podKind: PodKind } | { readonly problem: string } {
  const match = /^([^/=]*)\/([^/=]+)=(.*)$/.exec(text);
  if (!match) return { problem: `${JSON.stringify(text)} is not GROUP/KIND=/json/pointer, e.g. "apps.example.com/Worker=/spec/template/spec"` };
  const podKind: PodKind = { apiGroup: match[1], kind: match[2], podSpecPath: match[3], origin: 'custom' };
  const problem = customPodKindProblem(podKind);
  return problem === undefined ? { podKind } : { problem };
}

/** Follows a JSON pointer of plain keys (as in the table); undefined when a step is missing. */
export function readPointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const step of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, step)) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}
