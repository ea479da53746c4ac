/**
 * Rancher's project rules: the label and annotation keys, the ids, the
 * backing namespace of project-scoped secrets, and which namespaces Rancher
 * copies such a secret into. Pure: no cdk8s imports, so the verify CLI uses
 * them too. Facts and sources: docs/facts.md#rancher.
 */
import { problemWithFix } from './messages';

/** Binds a namespace to a project: annotation `<clusterId>:<projectId>`, label `<projectId>`. */
export const RANCHER_PROJECT_ID_KEY = 'field.cattle.io/projectId';
/** Marks a project-scoped secret in the backing namespace: value `<projectId>`. */
export const RANCHER_PROJECT_SCOPED_SECRET_LABEL = 'management.cattle.io/project-scoped-secret';
/** Namespaces Rancher must not copy a project-scoped secret into (comma list of exact names). */
export const RANCHER_IGNORE_NAMESPACES_ANNOTATION = 'management.cattle.io/project-scoped-secret-ignore-namespaces';

const CLUSTER_ID = /^(local|c-[a-z0-9]+(-[a-z0-9]+)*)$/;
const PROJECT_ID = /^p-[a-z0-9]+$/;

/** A problem with a pair of Rancher ids, with its fix. */
export interface RancherIdProblem {
  readonly problem: string;
  readonly fix: string;
}

/** Why a cluster id / project id pair is not one Rancher binds namespaces with, or undefined. */
export function rancherIdsProblem(clusterId: string | undefined, projectId: string | undefined): RancherIdProblem | undefined {
  if (clusterId !== undefined && !CLUSTER_ID.test(clusterId)) {
    return {
      problem: `Rancher cluster id "${clusterId}" is not a cluster id`,
      fix: 'use the id Rancher shows for the cluster, e.g. "c-abc12", "c-m-1a2b3c4d" or "local" (not its display name)',
    };
  }
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    return {
      problem: `Rancher project id "${projectId}" is not a project id`,
      fix: 'use the id Rancher shows for the project, e.g. "p-xyz34" (not its display name, and without the "c-abc12:" prefix)',
    };
  }
  if ((clusterId === undefined) !== (projectId === undefined)) {
    return { problem: `only ${clusterId ? 'clusterId' : 'projectId'} is set; Rancher binds a namespace with both`, fix: 'set both clusterId and projectId, or neither' };
  }
  return undefined;
}

/** Rancher's `<clusterId>:<projectId>` project reference (the namespace annotation's value). */
export function rancherProjectReference(clusterId: string, projectId: string): string {
  return `${clusterId}:${projectId}`;
}

/** Where Rancher keeps a project's scoped secrets: `<clusterId>-<projectId>`. */
export function rancherBackingNamespace(clusterId: string, projectId: string): string {
  return `${clusterId}-${projectId}`;
}

/** The project a namespace is bound to: its annotation's project part, else its label; undefined when unbound. */
export function namespaceProject(
  annotations: Readonly<Record<string, string | undefined>>, labels: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const annotation = annotations[RANCHER_PROJECT_ID_KEY];
  return annotation?.includes(':') ? annotation.slice(annotation.indexOf(':') + 1) : labels[RANCHER_PROJECT_ID_KEY];
}

/** The exact namespace names of a project-scoped secret's ignore annotation. */
export function ignoredNamespaces(annotations: Readonly<Record<string, string | undefined>>): string[] {
  return (annotations[RANCHER_IGNORE_NAMESPACES_ANNOTATION] ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * How a name-clash message names Rancher's copy of a project-scoped secret:
 * the copy overwrites a same-named secret of the namespace.
 */
export const RANCHER_COPY_HOLDER = "Rancher's copy of the project-scoped secret, which overwrites a same-named secret";

/** A group of namespaces that may not share a namespace with another (a Rancher project). */
export interface NamespaceGroup {
  /** How messages name the group (its construct path). */
  readonly path: string;
  readonly namespaces: readonly string[];
}

/** A namespace belongs to one Rancher project at a time: one problem per namespace claimed twice. */
export function sharedNamespaceProblems(groups: readonly NamespaceGroup[]): string[] {
  const owner = new Map<string, string>();
  const problems: string[] = [];
  for (const group of groups) {
    for (const namespace of group.namespaces) {
      const first = owner.get(namespace);
      if (first === undefined) {
        owner.set(namespace, group.path);
      } else {
        problems.push(problemWithFix(`namespace "${namespace}" is in two projects: ${first} and ${group.path}`,
          'keep each namespace in one project; a namespace belongs to one Rancher project at a time'));
      }
    }
  }
  return problems;
}
