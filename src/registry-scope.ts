import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { problemWithFix } from './errors';
import { namespaceOf, PodBearer, PullSecretPatch } from './pod-bearer';
import type { Project } from './project';
import type { ProjectRegistry } from './project-registry';
import type { IRegistrySecret } from './registry-secret';
import { CredentialIndex, namespaceKey } from './scope-index';
import { DeclaredSecretName, secretNameProblems } from './secret-name-check';
import { SynthPassTracker } from './synth-pass';
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
  /**
   * What the wiring of this object depends on besides the registrations
   * (e.g. its container count). When it and the registrations are unchanged
   * since the last call, the last result is returned: cdk8s validates the
   * app once per chart, and this keeps the repeats free.
   */
  readonly inputsKey?: string;
}

/** The index of one set of registrations: secrets by namespace and host, and by namespace and name. */
interface ScopeSnapshot {
  readonly index: CredentialIndex<ScopedSecret>;
  readonly byName: Map<string, ScopedSecret>;
}

interface WiredObject {
  readonly patch: PullSecretPatch;
  key?: string;
  version?: number;
  problems: string[];
}

const SCOPE_ID = 'cdk8s-private-registry.RegistryScope';

/**
 * The app-wide book of registry secrets, projects and wired objects: one per
 * construct tree, attached to its root. It owns every rule that needs the
 * whole app, built so each costs one pass per synth, not one per object or
 * per chart.
 */
export class RegistryScope extends Construct {
  /** The scope of the app `construct` belongs to, created on first use. */
  public static of(construct: IConstruct): RegistryScope {
    const root = construct.node.root;
    const existing = root.node.tryFindChild(SCOPE_ID);
    return existing instanceof RegistryScope ? existing : new RegistryScope(root as Construct, SCOPE_ID);
  }

  /** Passes of one synth, told apart from the next synth. */
  public readonly passes: SynthPassTracker;
  private readonly secrets: RegisteredSecret[] = [];
  private readonly projects: Project[] = [];
  private readonly projectScopedSecrets: ProjectRegistry[] = [];
  private readonly claimed = new Set<ApiObject>();
  private readonly wired = new Map<ApiObject, WiredObject>();
  private readonly appRules: { fingerprint?: string; value?: string[] } = {};
  private currentVersion = 0;
  private snapshot?: ScopeSnapshot;

  private constructor(root: Construct, id: string) {
    super(root, id);
    this.passes = new SynthPassTracker(root, () => this.version);
    this.node.addValidation({
      validate: () => this.passes.memoize(this.appRules, () => [...this.validateSecretNames(), ...this.validateProjects()]),
    });
  }

  /** Bumped by every registration and by {@link changed}: what the index and every wiring cache depend on. */
  public get version(): number {
    return this.currentVersion;
  }

  /** Registers a registry secret so workloads in its namespace can be wired to it. */
  public addSecret(secret: IRegistrySecret, options: RegisteredSecretOptions = {}): void {
    this.secrets.push({ secret, imported: options.imported ?? false });
    this.changed();
  }

  /** Registers a project, so a namespace in two projects is caught. */
  public addProject(project: Project): void {
    this.projects.push(project);
    this.changed();
  }

  /** A project gained a namespace: scopes change. */
  public projectsChanged(): void {
    this.changed();
  }

  /**
   * Registers a Rancher project-scoped registry: Rancher, not this app,
   * copies it into the project's namespaces, so it is in scope there.
   */
  public addProjectScopedSecret(registry: ProjectRegistry): void {
    this.projectScopedSecrets.push(registry);
    this.changed();
  }

  /**
   * Marks `apiObject` as wired by its own construct, so app-wide wiring
   * ({@link PullSecretWiring}) leaves it alone.
   */
  public claim(apiObject: ApiObject): void {
    this.claimed.add(apiObject);
    this.changed();
  }

  /** Whether a construct of this library already wires `apiObject`. */
  public isClaimed(apiObject: ApiObject): boolean {
    return this.claimed.has(apiObject);
  }

  /** Something app-wide changed outside the registrations (e.g. app-wide wiring was applied). */
  public changed(): void {
    this.currentVersion++;
    this.snapshot = undefined;
  }

  /**
   * Sets the `imagePullSecrets` of `bearer` from the secrets in its scope
   * and returns the problems found (for a validation to report).
   */
  public wire(bearer: PodBearer, options: WireOptions = {}): string[] {
    let wired = this.wired.get(bearer.apiObject);
    if (wired && options.inputsKey !== undefined && wired.version === this.version && wired.key === options.inputsKey) {
      return wired.problems;
    }
    if (!wired) {
      wired = { patch: new PullSecretPatch(bearer.apiObject), problems: [] };
      this.wired.set(bearer.apiObject, wired);
    }
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
    if (plan.problems.length === 0) wired.patch.set(plan.secretNames);
    wired.key = options.inputsKey;
    wired.version = this.version;
    wired.problems = plan.problems;
    return plan.problems;
  }

  /** Built once per set of registrations. */
  private currentSnapshot(): ScopeSnapshot {
    if (!this.snapshot) {
      const index = new CredentialIndex<ScopedSecret>();
      const byName = new Map<string, ScopedSecret>();
      const add = (scoped: ScopedSecret) => {
        index.add(namespaceKey(scoped.namespace), scoped.servers, scoped);
        byName.set(`${namespaceKey(scoped.namespace)}/${scoped.name}`, scoped);
      };
      for (const { secret } of this.secrets) add({ name: secret.name, namespace: secret.namespace, servers: secret.servers });
      for (const { registry, namespace } of this.rancherCopies()) add({ name: registry.name, namespace, servers: registry.servers });
      this.snapshot = { index, byName };
    }
    return this.snapshot;
  }

  /** The copies Rancher will make of each project-scoped secret: one per served namespace. */
  private* rancherCopies(): Generator<{ registry: ProjectRegistry; namespace: string }> {
    for (const registry of this.projectScopedSecrets) {
      for (const namespace of registry.project.namespaces) {
        if (registry.servesNamespace(namespace)) yield { registry, namespace };
      }
    }
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

  /** Emitted Secrets, plus names taken by imports and by Rancher's copies. */
  private validateSecretNames(): string[] {
    const declared: DeclaredSecretName[] = [];
    const imported = new Set<string>();
    for (const { secret, imported: isImport } of this.secrets) {
      const key = `${secret.namespace ?? ''}/${secret.name}`;
      // Two imports of one existing secret are the same secret, not a clash.
      if (isImport && !imported.has(key)) {
        imported.add(key);
        declared.push({ namespace: secret.namespace, name: secret.name, holder: `${secret.node.path} (existing secret, imported)` });
      }
    }
    for (const { registry, namespace } of this.rancherCopies()) {
      declared.push({ namespace, name: registry.name, holder: `${registry.node.path} (Rancher's copy of the project-scoped secret, which overwrites a same-named secret)` });
    }
    return secretNameProblems(this.node.root, declared);
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
