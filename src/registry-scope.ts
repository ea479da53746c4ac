import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { problemWithFix } from './errors';
import { namespaceOf, PodBearer, PullSecretPatch } from './pod-bearer';
import type { Project } from './project';
import type { ProjectRegistry } from './project-registry';
import type { IRegistrySecret } from './registry-secret';
import { CredentialIndex, namespaceKey } from './scope-index';
import { ExplicitPullSecret, planPullSecrets, ScopedSecret } from './wiring';

/** How a registry secret entered the app. */
export interface RegisteredSecretOptions {
  /** The secret exists in the cluster already and is not emitted. */
  readonly imported?: boolean;
}

interface RegisteredSecret {
  readonly secret: IRegistrySecret;
  readonly imported: boolean;
}

/** How one pod-bearing object is wired. */
export interface WireOptions {
  /** Pull secrets named by hand besides those the object already has. */
  readonly extraPullSecrets?: kplus.ISecret[];
  /** Allow images that no credential in scope matches. */
  readonly allowUnmatchedImages?: boolean;
}

/** The index of one synth: secrets by namespace and host, and by namespace and name. */
interface ScopeSnapshot {
  readonly index: CredentialIndex<ScopedSecret>;
  readonly byName: Map<string, ScopedSecret>;
}

const SCOPE_ID = 'cdk8s-private-registry.RegistryScope';

/**
 * The app-wide book of registry secrets: one per construct tree, attached to
 * its root. It owns every rule that needs the whole app (secret names unique
 * per namespace), so each rule costs one pass per synth, not one per object.
 */
export class RegistryScope extends Construct {
  /** The scope of the app `construct` belongs to, created on first use. */
  public static of(construct: IConstruct): RegistryScope {
    const root = construct.node.root;
    const existing = root.node.tryFindChild(SCOPE_ID);
    return existing instanceof RegistryScope ? existing : new RegistryScope(root as Construct, SCOPE_ID);
  }

  private readonly secrets: RegisteredSecret[] = [];
  private readonly patches = new Map<ApiObject, PullSecretPatch>();
  private readonly wiredObjects = new Set<ApiObject>();
  private readonly projects: Project[] = [];
  private readonly projectScopedSecrets: ProjectRegistry[] = [];
  private snapshot?: ScopeSnapshot;

  private constructor(root: Construct, id: string) {
    super(root, id);
    this.node.addValidation({ validate: () => [...this.validateSecretNames(), ...this.validateProjects()] });
  }

  /** Registers a registry secret so workloads in its namespace can be wired to it. */
  public addSecret(secret: IRegistrySecret, options: RegisteredSecretOptions = {}): void {
    this.secrets.push({ secret, imported: options.imported ?? false });
    this.snapshot = undefined;
  }

  /** Registers a project, so a namespace in two projects is caught. */
  public addProject(project: Project): void {
    this.projects.push(project);
    this.snapshot = undefined;
  }

  /** A project gained a namespace: scopes change. */
  public projectsChanged(): void {
    this.snapshot = undefined;
  }

  /**
   * Registers a Rancher project-scoped registry: Rancher, not this app,
   * copies it into the project's namespaces, so it is in scope there.
   */
  public addProjectScopedSecret(registry: ProjectRegistry): void {
    this.projectScopedSecrets.push(registry);
    this.snapshot = undefined;
  }

  /**
   * Marks `apiObject` as wired by its own construct, so app-wide wiring
   * ({@link PullSecretWiring}) leaves it alone.
   */
  public claim(apiObject: ApiObject): void {
    this.wiredObjects.add(apiObject);
  }

  /** Whether a construct of this library already wires `apiObject`. */
  public isClaimed(apiObject: ApiObject): boolean {
    return this.wiredObjects.has(apiObject);
  }

  /**
   * Sets the `imagePullSecrets` of `bearer` from the secrets in its scope
   * and returns the problems found (for a validation to report).
   */
  public wire(bearer: PodBearer, options: WireOptions = {}): string[] {
    const { index, byName } = this.currentSnapshot();
    const scope = namespaceKey(bearer.namespace);
    const explicit = [...bearer.explicitSecrets(), ...(options.extraPullSecrets ?? [])]
      .map((secret) => (typeof secret === 'string' ? explicitByName(byName, scope, secret) : explicitOfSecret(secret)));
    const plan = planPullSecrets({
      namespace: bearer.namespace,
      images: bearer.images(),
      explicit,
      allowUnmatchedImages: options.allowUnmatchedImages ?? false,
    }, index);
    if (plan.problems.length === 0) {
      let patch = this.patches.get(bearer.apiObject);
      if (!patch) {
        patch = new PullSecretPatch(bearer.apiObject);
        this.patches.set(bearer.apiObject, patch);
      }
      patch.set(plan.secretNames);
    }
    return plan.problems;
  }

  private rancherCopies() {
    return rancherCopiesOf(this.projectScopedSecrets);
  }

  /** A namespace belongs to one project at most, as in Rancher. */
  private validateProjects(): string[] {
    const owner = new Map<string, Project>();
    const errors: string[] = [];
    for (const project of this.projects) {
      for (const namespace of project.namespaces) {
        const first = owner.get(namespace);
        if (first) {
          errors.push(problemWithFix(`namespace "${namespace}" is in two projects: ${first.node.path} and ${project.node.path}`,
            'keep each namespace in one project; a namespace belongs to one Rancher project at a time'));
        } else {
          owner.set(namespace, project);
        }
      }
    }
    return errors;
  }

  /** Built once per synth; any registration since the last build invalidates it. */
  private currentSnapshot(): ScopeSnapshot {
    if (!this.snapshot) {
      const index = new CredentialIndex<ScopedSecret>();
      const byName = new Map<string, ScopedSecret>();
      for (const { secret } of this.secrets) {
        const scoped: ScopedSecret = { name: secret.name, namespace: secret.namespace, servers: secret.servers };
        index.add(namespaceKey(secret.namespace), secret.servers, scoped);
        byName.set(`${namespaceKey(secret.namespace)}/${secret.name}`, scoped);
      }
      for (const { registry, namespace } of this.rancherCopies()) {
        const scoped: ScopedSecret = { name: registry.name, namespace, servers: registry.servers };
        index.add(namespace, registry.servers, scoped);
        byName.set(`${namespace}/${registry.name}`, scoped);
      }
      this.snapshot = { index, byName };
    }
    return this.snapshot;
  }

  /**
   * Secret names are unique per namespace across every Secret (registries,
   * TLS, opaque…): a second one overwrites the first when applied.
   */
  private validateSecretNames(): string[] {
    const holders = new Map<string, string[]>();
    const note = (namespace: string | undefined, name: string, holder: string) => {
      const key = `${namespace ?? ''}/${name}`;
      const list = holders.get(key);
      if (list) list.push(holder); else holders.set(key, [holder]);
    };
    for (const object of this.node.root.node.findAll()) {
      if (object instanceof ApiObject && object.kind === 'Secret' && object.apiVersion === 'v1') {
        note(object.metadata.namespace ?? Chart.of(object).namespace, object.name, object.node.path);
      }
    }
    const importedKeys = new Set<string>();
    for (const { secret, imported } of this.secrets) {
      const key = `${secret.namespace ?? ''}/${secret.name}`;
      // Two imports of one existing secret are the same secret, not a clash.
      if (imported && !importedKeys.has(key)) {
        importedKeys.add(key);
        note(secret.namespace, secret.name, `${secret.node.path} (existing secret, imported)`);
      }
    }
    for (const { registry, namespace } of this.rancherCopies()) {
      note(namespace, registry.name, `${registry.node.path} (Rancher's copy of the project-scoped secret, which overwrites a same-named secret)`);
    }
    const errors: string[] = [];
    for (const [key, list] of holders) {
      if (list.length < 2) continue;
      const [namespace, name] = splitKey(key);
      errors.push(problemWithFix(
        `secret name "${name}" is used ${list.length} times in ${namespace ? `namespace "${namespace}"` : 'the default namespace'}: ${list.join(', ')}; ` +
        'secret names are unique per namespace across all secrets (registries, certificates, opaque), so one would overwrite the other',
        'give each secret its own `name`'));
    }
    return errors;
  }
}

/** A secret of ours is known completely; a cdk8s-plus one by namespace; an imported one not at all. */
function explicitOfSecret(secret: kplus.ISecret): ExplicitPullSecret {
  const registry = secret as Partial<IRegistrySecret>;
  if (Array.isArray(registry.servers)) {
    return { name: secret.name, namespace: registry.namespace, namespaceKnown: true, servers: registry.servers };
  }
  const child = secret.node.defaultChild;
  if (child instanceof ApiObject) {
    return { name: secret.name, namespace: namespaceOf(child), namespaceKnown: true };
  }
  return { name: secret.name, namespaceKnown: false };
}

/** A name written by hand in a raw manifest: known if it names a registry secret of this app. */
function explicitByName(byName: Map<string, ScopedSecret>, scope: string, name: string): ExplicitPullSecret {
  const known = byName.get(`${scope}/${name}`);
  return known
    ? { name, namespace: known.namespace, namespaceKnown: true, servers: known.servers }
    : { name, namespaceKnown: false };
}

/** The copies Rancher will make of each project-scoped secret: one per served namespace. */
function* rancherCopiesOf(registries: readonly ProjectRegistry[]): Generator<{ registry: ProjectRegistry; namespace: string }> {
  for (const registry of registries) {
    for (const namespace of registry.project.namespaces) {
      if (registry.servesNamespace(namespace)) yield { registry, namespace };
    }
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
