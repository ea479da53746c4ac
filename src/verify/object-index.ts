/**
 * The objects of the manifests that pull secrets are looked up in: Secrets,
 * ServiceAccounts and Namespaces by namespace and name, and where a pod in
 * a namespace gets a named secret from (its own namespace, or Rancher's
 * copy of a project-scoped secret: docs/facts.md#rancher).
 */
import { isCoreGroup } from './manifest-object';
import { ManifestObject } from './manifests';
import { DecodedPullSecret, decodePullSecret, UnusablePullSecret } from './pull-secrets';
import { projectScopedSecretProject, rancherCopiesInto } from './rancher';

/** Secrets, ServiceAccounts and Namespaces of the manifests, by namespace and name. */
export class ObjectIndex {
  private readonly secrets = new Map<string, ManifestObject>();
  private readonly secretsByName = new Map<string, ManifestObject[]>();
  private readonly serviceAccounts = new Map<string, ManifestObject>();
  private readonly namespaces = new Map<string, ManifestObject>();
  private readonly decoded = new Map<ManifestObject, DecodedPullSecret | UnusablePullSecret>();
  /** A Secret → the different one of the same namespace and name read before it. */
  private readonly duplicates = new Map<ManifestObject, ManifestObject>();

  public constructor(objects: readonly ManifestObject[], public readonly defaultNamespace: string) {
    for (const object of objects) {
      if (!isCoreGroup(object.apiVersion)) continue;
      const key = `${this.namespaceOf(object)}/${object.name}`;
      if (object.kind === 'Secret') {
        const earlier = this.secrets.get(key);
        if (earlier !== undefined && earlier.digest !== object.digest) {
          this.duplicates.set(object, earlier);
        }
        this.secrets.set(key, object); // the last one wins, as with `kubectl apply`
        this.secretsByName.set(object.name, [...(this.secretsByName.get(object.name) ?? []), object]);
      } else if (object.kind === 'ServiceAccount') {
        this.serviceAccounts.set(key, object);
      } else if (object.kind === 'Namespace') {
        this.namespaces.set(object.name, object);
      }
    }
  }

  public namespaceOf(object: ManifestObject): string {
    return object.namespace ?? this.defaultNamespace;
  }

  public duplicateOf(secret: ManifestObject): ManifestObject | undefined {
    return this.duplicates.get(secret);
  }

  public serviceAccount(namespace: string, name: string): ManifestObject | undefined {
    return this.serviceAccounts.get(`${namespace}/${name}`);
  }

  public decode(secret: ManifestObject): DecodedPullSecret | UnusablePullSecret {
    let decoded = this.decoded.get(secret);
    if (decoded === undefined) {
      decoded = decodePullSecret(secret.body);
      this.decoded.set(secret, decoded);
    }
    return decoded;
  }

  /** Where the pod in `namespace` gets secret `name` from, if anywhere. */
  public resolve(name: string, namespace: string): Resolution {
    const elsewhere = (this.secretsByName.get(name) ?? []).filter((s) => this.namespaceOf(s) !== namespace);
    let rancherUnknown: ManifestObject | undefined;
    let rancherNo: ManifestObject | undefined;
    for (const source of elsewhere.filter((s) => projectScopedSecretProject(s) !== undefined)) {
      const copy = rancherCopiesInto(source, namespace, this.namespaces.get(namespace));
      if (copy === 'yes') {
        // Rancher's copy overwrites a same-named secret of the namespace (docs/facts.md#rancher).
        return { state: 'found', secret: source, decoded: this.decode(source) };
      }
      rancherUnknown ??= copy === 'unknown' ? source : undefined;
      rancherNo ??= copy === 'no' ? source : undefined;
    }
    const local = this.secrets.get(`${namespace}/${name}`);
    if (local !== undefined) {
      return { state: 'found', secret: local, decoded: this.decode(local) };
    }
    if (rancherUnknown !== undefined) {
      return {
        state: 'missing',
        note: `Rancher copies it from namespace "${this.namespaceOf(rancherUnknown)}" if namespace "${namespace}" is in project "${projectScopedSecretProject(rancherUnknown)}" (no Namespace object here to tell)`,
      };
    }
    if (elsewhere.length > 0) {
      return {
        state: 'wrong-namespace',
        namespaces: [...new Set(elsewhere.map((s) => this.namespaceOf(s)))],
        ...(rancherNo === undefined ? {} : {
          note: `Rancher copies project-scoped secret "${name}" only into namespaces of project "${projectScopedSecretProject(rancherNo)}" `
            + '(by their field.cattle.io/projectId annotation), less those it is told to ignore',
        }),
      };
    }
    return { state: 'missing' };
  }
}

export type Resolution =
  | { readonly state: 'found'; readonly secret: ManifestObject; readonly decoded: DecodedPullSecret | UnusablePullSecret }
  | { readonly state: 'missing'; readonly note?: string }
  | { readonly state: 'wrong-namespace'; readonly namespaces: readonly string[]; readonly note?: string };
