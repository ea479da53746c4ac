/** Rancher's label and annotation keys (REFERENCE.md §4). No imports, so the verify CLI can use them without loading cdk8s. */

/** Binds a namespace to a project: annotation `<clusterId>:<projectId>`, label `<projectId>`. */
export const RANCHER_PROJECT_ID_KEY = 'field.cattle.io/projectId';
/** Marks a project-scoped secret in the backing namespace: value `<projectId>`. */
export const RANCHER_PROJECT_SCOPED_SECRET_LABEL = 'management.cattle.io/project-scoped-secret';
/** Namespaces Rancher must not copy a project-scoped secret into (comma list of exact names). */
export const RANCHER_IGNORE_NAMESPACES_ANNOTATION = 'management.cattle.io/project-scoped-secret-ignore-namespaces';
