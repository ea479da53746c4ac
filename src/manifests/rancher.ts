/**
 * Rancher project-scoped secrets in manifests: one source secret in a
 * project's backing namespace, copied by Rancher into every namespace of
 * the project (docs/facts.md#rancher). The preflight counts such a copy as
 * present in a pod's namespace when the manifests show that namespace
 * joined to the project. The rules themselves are in rules/rancher.ts.
 */
import { ManifestObject } from './manifests';
import { isPlainObject } from '../rules/objects';
import { ignoredNamespaces, namespaceProject, RANCHER_PROJECT_SCOPED_SECRET_LABEL } from '../rules/rancher';

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
 */
export function rancherCopiesInto(secret: ManifestObject, namespace: string, namespaceObject: ManifestObject | undefined): RancherCopy {
  const project = projectScopedSecretProject(secret);
  if (project === undefined) {
    return 'no';
  }
  if (namespaceObject === undefined) {
    return 'unknown';
  }
  if (namespaceProject(stringMap(namespaceObject.body, 'annotations'), stringMap(namespaceObject.body, 'labels')) !== project) {
    return 'no';
  }
  return ignoredNamespaces(stringMap(secret.body, 'annotations')).includes(namespace) ? 'no' : 'yes';
}

function stringMap(body: Readonly<Record<string, unknown>>, field: 'labels' | 'annotations'): Record<string, string | undefined> {
  const metadata = body.metadata;
  const map = isPlainObject(metadata) ? metadata[field] : undefined;
  if (!isPlainObject(map)) {
    return {};
  }
  return Object.fromEntries(Object.entries(map).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
