/**
 * Pod bearers: anything that runs pods — a cdk8s-plus workload or a raw
 * `Kube*` object — seen the way the wiring needs it, and the one patch that
 * sets its `imagePullSecrets`.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ContainerImage } from './pull-secret-plan';
import { podKindOf, readPointer } from '../rules/kube-kinds';

/** Anything that runs pods, seen the way the wiring needs it. */
export interface PodBearer {
  /** The construct users recognise, named in messages. */
  readonly construct: IConstruct;
  /** The API object the `imagePullSecrets` patch goes on. */
  readonly apiObject: ApiObject;
  /** Its namespace; undefined when none is set (deploy-time default). */
  readonly namespace: string | undefined;
  /** Init containers first, then containers, as read at synth time. */
  images(): ContainerImage[];
  /** Pull secrets the user set by hand, in their order. */
  explicitSecrets(): Array<kplus.ISecret | string>;
  /** What makes its pod spec unreadable (a field that must be a list is not); empty when fine. */
  specProblems(): string[];
  /**
   * Calls `onChange` whenever what {@link images} returns may have changed
   * (a container was added). Raw objects never change through our API.
   */
  watch(onChange: () => void): void;
}

/** The namespace an API object ends up in: its own, else its chart's. */
export function namespaceOf(apiObject: ApiObject): string | undefined {
  return apiObject.metadata.namespace ?? Chart.of(apiObject).namespace;
}

/** A cdk8s-plus Pod, Deployment, StatefulSet, DaemonSet, Job or CronJob. */
export function podBearerOfPlus(pod: kplus.AbstractPod): PodBearer {
  const apiObject = ApiObject.of(pod);
  return {
    construct: pod,
    apiObject,
    namespace: namespaceOf(apiObject),
    images: () => [...pod.initContainers, ...pod.containers].map((c) => ({ container: c.name, image: c.image })),
    explicitSecrets: () => (pod.dockerRegistryAuth ? [pod.dockerRegistryAuth] : []),
    specProblems: () => [],
    watch: (onChange) => onNewContainers(pod, onChange),
  };
}

/**
 * A raw pod-bearing API object (e.g. `KubeDeployment`), or undefined when
 * `apiObject` runs no pods. Its spec is read once, before any patch of ours.
 */
export function podBearerOfApiObject(apiObject: ApiObject): PodBearer | undefined {
  const path = podKindOf(apiObject.kind)?.specPath;
  if (path === undefined) return undefined;
  let spec: any;
  const podSpec = () => {
    spec ??= (readPointer(apiObject.toJson(), path) as any) ?? {};
    return spec;
  };
  const list = (field: string): any[] => (Array.isArray(podSpec()[field]) ? podSpec()[field] : []);
  return {
    construct: apiObject,
    apiObject,
    namespace: namespaceOf(apiObject),
    images: () => [...list('initContainers'), ...list('containers')]
      .map((c: any, i) => ({ container: typeof c?.name === 'string' ? c.name : `#${i}`, image: typeof c?.image === 'string' ? c.image : '' })),
    explicitSecrets: () => list('imagePullSecrets').map((ref: any) => String(ref?.name)),
    specProblems: () => LIST_FIELDS
      .filter((field) => podSpec()[field] !== undefined && !Array.isArray(podSpec()[field]))
      .map((field) => `the pod spec's "${field}" (at ${path}/${field}) is not a list; Kubernetes rejects the object`),
    watch: () => {},
  };
}

const LIST_FIELDS = ['initContainers', 'containers', 'imagePullSecrets'] as const;

/**
 * Containers of a cdk8s-plus pod can be added after construction, never
 * changed or removed: wrapping the three methods that add them tells the
 * scope exactly when a pod's wiring is stale, so every other validation
 * pass of a synth costs nothing for it.
 */
function onNewContainers(pod: kplus.AbstractPod, notify: () => void): void {
  for (const method of ['addContainer', 'addInitContainer', 'attachContainer'] as const) {
    const original = pod[method] as (...args: unknown[]) => unknown;
    Object.defineProperty(pod, method, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const result = original.apply(pod, args);
        notify();
        return result;
      },
    });
  }
}

/**
 * Sets `imagePullSecrets` on the pod spec through one JSON patch per object.
 * The patch holds a list owned here and refreshed on every synth: cdk8s
 * copies patch values only when it serializes the object.
 */
export class PullSecretPatch {
  private readonly live: Array<{ name: string }> = [];
  private added = false;

  constructor(private readonly apiObject: ApiObject) {}

  /** Makes the emitted `imagePullSecrets` exactly `names` (no field when empty and never patched). */
  public set(names: readonly string[]): void {
    this.live.splice(0, this.live.length, ...names.map((name) => ({ name })));
    if (!this.added && names.length > 0) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${podKindOf(this.apiObject.kind)!.specPath}/imagePullSecrets`, this.live));
      this.added = true;
    }
  }
}
