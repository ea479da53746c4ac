import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { RANCHER_PROJECT_ID_KEY, rancherIdsProblem, rancherProjectReference } from './rules/rancher';
import { checkNamespace, checkPlainString, constructError } from './wiring/construct-errors';
import { checkBoolean, checkOptionalStrings, checkPropsObject } from './wiring/prop-checks';
import { RegistryScope } from './wiring/registry-scope';

/** Props for {@link Project}. */
export interface ProjectProps {
  /**
   * The namespaces of the project (DNS-1123 labels). More can be added with `addNamespace`.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Rancher project id, e.g. `p-xyz34`. With `clusterId`, the namespaces
   * carry Rancher's project binding. Required for Rancher project-scoped registries.
   * @default - not a Rancher project
   */
  readonly projectId?: string;
  /**
   * Rancher cluster id, e.g. `c-abc12` or `local`.
   * @default - not a Rancher project
   */
  readonly clusterId?: string;
  /**
   * Emit a Namespace object for each namespace. Turn off when they exist
   * already; the project still scopes registries to them.
   * @default true
   */
  readonly emitNamespaces?: boolean;
}

/**
 * A named group of namespaces, like a Rancher project. Registries of the
 * project ({@link ProjectRegistry}) serve every workload in its namespaces.
 */
export class Project extends Construct {
  /** The key under which Rancher records a namespace's project: `field.cattle.io/projectId` (annotation `CLUSTER:PROJECT`, label `PROJECT`). */
  public static readonly RANCHER_PROJECT_ID_KEY: string = RANCHER_PROJECT_ID_KEY;

  /** Rancher project id, when set. */
  public readonly projectId?: string;
  /** Rancher cluster id, when set. */
  public readonly clusterId?: string;
  private readonly emitNamespaces: boolean;
  private readonly namespaceList: string[] = [];
  private readonly namespaceListeners: Array<(namespace: string) => void> = [];

  constructor(scope: Construct, id: string, props: ProjectProps = {}) {
    super(scope, id);
    checkPropsObject(this, props, '{ namespaces: [\'team-a\', \'team-b\'] }');
    checkOptionalStrings(this, 'namespaces', props.namespaces);
    checkBoolean(this, 'emitNamespaces', props.emitNamespaces);
    if (props.clusterId !== undefined) checkPlainString(this, 'clusterId', props.clusterId);
    if (props.projectId !== undefined) checkPlainString(this, 'projectId', props.projectId);
    const idsProblem = rancherIdsProblem(props.clusterId, props.projectId);
    if (idsProblem) throw constructError(this, idsProblem.problem, idsProblem.fix);
    this.projectId = props.projectId;
    this.clusterId = props.clusterId;
    this.emitNamespaces = props.emitNamespaces ?? true;
    const list = this.namespaceList;
    RegistryScope.of(this).addNamespaceGroup({ declaredBy: this, get namespaces() { return list; } });
    for (const namespace of props.namespaces ?? []) this.addNamespace(namespace);
  }

  /** The project's namespaces, in the order added. */
  public get namespaces(): string[] {
    return [...this.namespaceList];
  }

  /** Rancher's `<clusterId>:<projectId>` reference, when both ids are set. */
  public get rancherProjectReference(): string | undefined {
    return this.clusterId && this.projectId ? rancherProjectReference(this.clusterId, this.projectId) : undefined;
  }

  /** Adds a namespace: it gets the project's registries, whenever they were declared. */
  public addNamespace(namespace: string): void {
    checkNamespace(this, namespace);
    if (this.namespaceList.includes(namespace)) {
      throw constructError(this, `namespace "${namespace}" is already in the project`, 'add each namespace once');
    }
    this.namespaceList.push(namespace);
    if (this.emitNamespaces) this.emitNamespace(namespace);
    RegistryScope.of(this).namespaceGroupChanged();
    for (const listener of this.namespaceListeners) listener(namespace);
  }

  /**
   * Calls `listener` for every namespace of the project, those added so far
   * and those added later (a project registry's copies follow them).
   * @internal
   */
  public _forEachNamespace(listener: (namespace: string) => void): void {
    this.namespaceListeners.push(listener);
    for (const namespace of this.namespaceList) listener(namespace);
  }

  private emitNamespace(namespace: string): void {
    const reference = this.rancherProjectReference;
    const object = new ApiObject(this, `Namespace-${namespace}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: reference
        ? { name: namespace, annotations: { [RANCHER_PROJECT_ID_KEY]: reference }, labels: { [RANCHER_PROJECT_ID_KEY]: this.projectId! } }
        : { name: namespace },
    });
    // Namespaces are cluster-scoped: drop the namespace cdk8s copies from the chart.
    if (Chart.of(this).namespace !== undefined) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
