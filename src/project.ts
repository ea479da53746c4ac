import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { constructError } from './errors';
import { checkNamespace } from './kube-names';
import { RANCHER_PROJECT_ID_KEY } from './rancher-keys';
import { RegistryScope } from './registry-scope';


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

/** Something that wants to hear about a project's namespaces, as they are added. */
export interface IProjectNamespaceObserver {
  /** Called once for every namespace of the project, present and future. */
  onProjectNamespace(namespace: string): void;
}

const CLUSTER_ID = /^(local|c-[a-z0-9]+(-[a-z0-9]+)*)$/;
const PROJECT_ID = /^p-[a-z0-9]+$/;

/**
 * A named group of namespaces, like a Rancher project. Registries of the
 * project ({@link ProjectRegistry}) serve every workload in its namespaces.
 */
export class Project extends Construct {
  /** Rancher project id, when set. */
  public readonly projectId?: string;
  /** Rancher cluster id, when set. */
  public readonly clusterId?: string;
  private readonly emitNamespaces: boolean;
  private readonly namespaceList: string[] = [];
  private readonly observers: IProjectNamespaceObserver[] = [];

  constructor(scope: Construct, id: string, props: ProjectProps = {}) {
    super(scope, id);
    checkRancherIds(this, props.clusterId, props.projectId);
    this.projectId = props.projectId;
    this.clusterId = props.clusterId;
    this.emitNamespaces = props.emitNamespaces ?? true;
    RegistryScope.of(this).addProject(this);
    for (const namespace of props.namespaces ?? []) this.addNamespace(namespace);
  }

  /** The project's namespaces, in the order added. */
  public get namespaces(): string[] {
    return [...this.namespaceList];
  }

  /** Rancher's `<clusterId>:<projectId>` reference, when both ids are set. */
  public get rancherProjectReference(): string | undefined {
    return this.clusterId && this.projectId ? `${this.clusterId}:${this.projectId}` : undefined;
  }

  /** Adds a namespace: it gets the project's registries, whenever they were declared. */
  public addNamespace(namespace: string): void {
    checkNamespace(this, namespace);
    if (this.namespaceList.includes(namespace)) {
      throw constructError(this, `namespace "${namespace}" is already in the project`, 'add each namespace once');
    }
    this.namespaceList.push(namespace);
    if (this.emitNamespaces) this.emitNamespace(namespace);
    RegistryScope.of(this).projectsChanged();
    for (const observer of this.observers) observer.onProjectNamespace(namespace);
  }

  /** Registers `observer` and replays the namespaces added so far. */
  public observeNamespaces(observer: IProjectNamespaceObserver): void {
    this.observers.push(observer);
    for (const namespace of this.namespaceList) observer.onProjectNamespace(namespace);
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

function checkRancherIds(scope: Construct, clusterId: string | undefined, projectId: string | undefined): void {
  if (clusterId !== undefined && !CLUSTER_ID.test(clusterId)) {
    throw constructError(scope, `Rancher cluster id "${clusterId}" is not a cluster id`,
      'use the id Rancher shows for the cluster, e.g. "c-abc12", "c-m-1a2b3c4d" or "local" (not its display name)');
  }
  if (projectId !== undefined && !PROJECT_ID.test(projectId)) {
    throw constructError(scope, `Rancher project id "${projectId}" is not a project id`,
      'use the id Rancher shows for the project, e.g. "p-xyz34" (not its display name, and without the "c-abc12:" prefix)');
  }
  if ((clusterId === undefined) !== (projectId === undefined)) {
    throw constructError(scope, `only ${clusterId ? 'clusterId' : 'projectId'} is set; Rancher binds a namespace with both`,
      'set both clusterId and projectId, or neither');
  }
}
