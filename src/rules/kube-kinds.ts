/**
 * The Kubernetes kinds that run pods: where each keeps its pod spec and
 * which API groups it lives in. Facts and sources: docs/facts.md#pod-kinds.
 */
import { isPlainObject } from './objects';

/** One pod-bearing kind. */
export interface PodKind {
  /** JSON pointer of the pod spec in the object. */
  readonly specPath: string;
  /** API groups the kind lives in (`''` is the core group), so a CRD that happens to be called `Job` is left alone. */
  readonly groups: readonly string[];
}

/** Every pod-bearing kind, by `kind`. */
export const POD_KINDS: Readonly<Record<string, PodKind>> = {
  Pod: { specPath: '/spec', groups: [''] },
  Deployment: { specPath: '/spec/template/spec', groups: ['apps', 'extensions'] },
  StatefulSet: { specPath: '/spec/template/spec', groups: ['apps'] },
  DaemonSet: { specPath: '/spec/template/spec', groups: ['apps', 'extensions'] },
  ReplicaSet: { specPath: '/spec/template/spec', groups: ['apps', 'extensions'] },
  Job: { specPath: '/spec/template/spec', groups: ['batch'] },
  CronJob: { specPath: '/spec/jobTemplate/spec/template/spec', groups: ['batch'] },
};

/** The pod kind of `kind`, if it is one (own properties only: `constructor` is no kind). */
export function podKindOf(kind: string): PodKind | undefined {
  return Object.prototype.hasOwnProperty.call(POD_KINDS, kind) ? POD_KINDS[kind] : undefined;
}

/** The API group of an `apiVersion` (`''` for the core group, `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Follows a JSON pointer of plain keys (as in {@link POD_KINDS}); undefined when a step is missing. */
export function readPointer(document: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), document);
}
