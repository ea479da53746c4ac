/**
 * The objects of the manifests that pull secrets are looked up in: Secrets,
 * ServiceAccounts and Namespaces by namespace and name, the ExternalSecrets
 * and SealedSecrets that make Secrets in the cluster, by the namespace and
 * name of what they make, and where a pod in a namespace gets a named
 * secret from (its own namespace, or Rancher's copy of a project-scoped
 * secret: docs/facts.md#rancher).
 */
import { isCoreGroup, isProducer, producedFields } from './manifest-object';
import { ManifestObject } from './manifests';
import { ProducedSecretFields } from './producer-object';
import { DecodedPullSecret, decodePullSecret, isPullSecretType, UnusablePullSecret } from './pull-secrets';
import { projectScopedSecretProject, rancherCopiesInto } from './rancher';

/** A Secret made in the cluster by an object of the manifests. */
export interface ProducedSecret {
  /** The ExternalSecret or SealedSecret. */
  readonly producer: ManifestObject;
  readonly fields: ProducedSecretFields;
}

/** Secrets, ServiceAccounts, Namespaces and Secret producers of the manifests, by namespace and name. */
export class ObjectIndex {
  private readonly secrets = new Map<string, ManifestObject>();
  private readonly secretsByName = new Map<string, ManifestObject[]>();
  /** Producers by the namespace and name of the Secret they make; the last one wins. */
  private readonly producers = new Map<string, ProducedSecret>();
  private readonly producersByName = new Map<string, ProducedSecret[]>();
  /** A producer → what else defines its Secret: a Secret of the manifests, or a producer read before it. */
  private readonly producerClashes = new Map<ManifestObject, ManifestObject>();
  private pullSecretNames?: Map<string, string[]>;
  private readonly serviceAccounts = new Map<string, ManifestObject>();
  private readonly namespaces = new Map<string, ManifestObject>();
  private readonly decoded = new Map<ManifestObject, DecodedPullSecret | UnusablePullSecret>();
  /** A Secret → the different one of the same namespace and name read before it. */
  private readonly duplicates = new Map<ManifestObject, ManifestObject>();

  public constructor(objects: readonly ManifestObject[], public readonly defaultNamespace: string) {
    for (const object of objects) {
      const fields = isProducer(object) ? producedFields(object) : undefined;
      if (fields !== undefined) {
        const key = `${this.namespaceOf(object)}/${fields.target}`;
        const produced = { producer: object, fields };
        const earlier = this.producers.get(key);
        if (earlier !== undefined) this.producerClashes.set(object, earlier.producer);
        this.producers.set(key, produced);
        this.producersByName.set(fields.target, [...(this.producersByName.get(fields.target) ?? []), produced]);
      }
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

  /** A Secret of the manifests of the same namespace and name as what `producer` makes, else a producer of it read earlier. */
  public clashOf(producer: ManifestObject, fields: ProducedSecretFields): ManifestObject | undefined {
    return this.secrets.get(`${this.namespaceOf(producer)}/${fields.target}`) ?? this.producerClashes.get(producer);
  }

  /** The names of the pull secrets of a namespace: its Secrets of a pull secret type, and those made in the cluster. */
  public pullSecretNamesIn(namespace: string): readonly string[] {
    if (this.pullSecretNames === undefined) {
      const names = new Map<string, Set<string>>();
      const add = (ns: string, name: string) => names.set(ns, (names.get(ns) ?? new Set()).add(name));
      for (const secret of this.secrets.values()) {
        if (isPullSecretType(secret.body.type)) add(this.namespaceOf(secret), secret.name);
      }
      for (const { producer, fields } of this.producers.values()) {
        if (fields.creates && isPullSecretType(fields.type)) add(this.namespaceOf(producer), fields.target);
      }
      this.pullSecretNames = new Map([...names].map(([ns, set]) => [ns, [...set].sort()]));
    }
    return this.pullSecretNames.get(namespace) ?? [];
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
    const producedElsewhere = (this.producersByName.get(name) ?? []).filter((p) => p.fields.creates && this.namespaceOf(p.producer) !== namespace);
    let rancherUnknown: ManifestObject | undefined;
    let rancherNo: ManifestObject | undefined;
    const sources = [...elsewhere, ...producedElsewhere.map((p) => p.producer)];
    for (const source of sources.filter((s) => projectScopedSecretProject(s) !== undefined)) {
      const copy = rancherCopiesInto(source, namespace, this.namespaces.get(namespace));
      if (copy === 'yes') {
        // Rancher's copy overwrites a same-named secret of the namespace (docs/facts.md#rancher).
        const fields = isProducer(source) ? producedFields(source) : undefined;
        return fields === undefined
          ? { state: 'found', secret: source, decoded: this.decode(source) }
          : { state: 'produced', producer: source, fields, copiedFrom: this.namespaceOf(source) };
      }
      rancherUnknown ??= copy === 'unknown' ? source : undefined;
      rancherNo ??= copy === 'no' ? source : undefined;
    }
    const local = this.secrets.get(`${namespace}/${name}`);
    if (local !== undefined) {
      return { state: 'found', secret: local, decoded: this.decode(local) };
    }
    const produced = this.producers.get(`${namespace}/${name}`);
    if (produced?.fields.creates) {
      return { state: 'produced', producer: produced.producer, fields: produced.fields };
    }
    if (produced !== undefined) {
      return {
        state: 'missing',
        note: `${produced.producer.kind} "${produced.producer.name}" has creationPolicy ${produced.fields.creationPolicy}, `
          + (produced.fields.creationPolicy === 'Merge' ? 'so it only fills the secret once it exists' : 'so it makes no secret'),
      };
    }
    if (rancherUnknown !== undefined) {
      return {
        state: 'missing',
        note: `Rancher copies it from namespace "${this.namespaceOf(rancherUnknown)}" if namespace "${namespace}" is in project "${projectScopedSecretProject(rancherUnknown)}" (no Namespace object here to tell)`,
      };
    }
    if (sources.length > 0) {
      return {
        state: 'wrong-namespace',
        namespaces: [...new Set(sources.map((s) => this.namespaceOf(s)))],
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
  /** Made in the cluster by `producer`; `copiedFrom`: by Rancher, from the producer's project-scoped secret in that namespace. */
  | { readonly state: 'produced'; readonly producer: ManifestObject; readonly fields: ProducedSecretFields; readonly copiedFrom?: string }
  | { readonly state: 'missing'; readonly note?: string }
  | { readonly state: 'wrong-namespace'; readonly namespaces: readonly string[]; readonly note?: string };
