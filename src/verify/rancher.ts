/**
 * Rancher project-scoped secrets (REFERENCE.md §4): one source secret in a
 * project's backing namespace, copied by Rancher into every namespace of
 * the project. The preflight counts such a copy as present in a pod's
 * namespace when the manifests show that namespace joined to the project.
 */
import { isPlainObject } from '../objects';
import { RANCHER_IGNORE_NAMESPACES_ANNOTATION, RANCHER_PROJECT_ID_KEY, RANCHER_PROJECT_SCOPED_SECRET_LABEL } from '../rancher-keys';
import { ManifestObject } from './manifests';

/** Whether Rancher copies a source secret into a namespace: yes, no, or the manifests cannot tell. */
export type RancherCopy = 'yes' | 'no' | 'unknown';

/** The Rancher project a project-scoped source secret belongs to, or undefined for any other secret. */
export function projectScopedSecretProject(secret: ManifestObject): string | undefined {
  const project = stringMap(secret.body, 'labels')[RANCHER_PROJECT_SCOPED_SECRET_LABEL];
  return project === undefined || project === '' ? undefined : project;
}

/**
 * Whether Rancher copies the project-scoped `secret` into `namespace`, judged
 * from the Namespace object when the manifests hold it (`unknown` otherwise).
 * As Rancher's controller: the namespace's `field.cattle.io/projectId`
 * annotation (`cluster:project`, else the label) names the project, and the
 * secret's ignore list holds exact, comma-separated names.
 */
export function rancherCopiesInto(secret: ManifestObject, namespace: string, namespaceObject: ManifestObject | undefined): RancherCopy {
  const project = projectScopedSecretProject(secret);
  if (project === undefined) {
    return 'no';
  }
  if (namespaceObject === undefined) {
    return 'unknown';
  }
  const annotation = stringMap(namespaceObject.body, 'annotations')[RANCHER_PROJECT_ID_KEY];
  const namespaceProject = annotation?.includes(':')
    ? annotation.slice(annotation.indexOf(':') + 1)
    : stringMap(namespaceObject.body, 'labels')[RANCHER_PROJECT_ID_KEY];
  if (namespaceProject !== project) {
    return 'no';
  }
  const ignored = (stringMap(secret.body, 'annotations')[RANCHER_IGNORE_NAMESPACES_ANNOTATION] ?? '')
    .split(',').map((entry) => entry.trim());
  return ignored.includes(namespace) ? 'no' : 'yes';
}

function stringMap(body: Readonly<Record<string, unknown>>, field: 'labels' | 'annotations'): Record<string, string | undefined> {
  const metadata = body.metadata;
  const map = isPlainObject(metadata) ? metadata[field] : undefined;
  if (!isPlainObject(map)) {
    return {};
  }
  return Object.fromEntries(Object.entries(map).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
