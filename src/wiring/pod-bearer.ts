/**
 * Pod bearers: anything that runs pods — a cdk8s-plus workload or a raw
 * `Kube*` object — seen the way the wiring needs it, and the one patch that
 * sets its `imagePullSecrets`.
 */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PodImage, podImages } from '../rules/pod-images';
import { PodKinds, readPointer } from '../rules/pod-kinds';

/** Anything that runs pods, seen the way the wiring needs it. */
export interface PodBearer {
  /** The construct users recognise, named in messages. */
  readonly construct: IConstruct;
  /** The API object the `imagePullSecrets` patch goes on. */
  readonly apiObject: ApiObject;
  /** JSON pointer of the pod spec in the object. */
  readonly podSpecPath: string;
  /** Its namespace; undefined when none is set (deploy-time default). */
  readonly namespace: string | undefined;
  /** Every image the kubelet pulls for it (containers, init containers, image volumes), as read at synth time. */
  images(): PodImage[];
  /** Pull secrets the user set by hand, in their order. */
  explicitSecrets(): Array<kplus.ISecret | string>;
  /** The service account its pods run as (`default` when none is named). */
  serviceAccountName(): string;
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

/**
 * A cdk8s-plus Pod, Deployment, StatefulSet, DaemonSet, Job or CronJob.
 * cdk8s-plus-28 has no image volumes (its typed objects drop `volumes[].image`),
 * so its images are its containers'.
 */
export function podBearerOfPlus(pod: kplus.AbstractPod): PodBearer {
  const apiObject = ApiObject.of(pod);
  const plusImage = (source: 'initContainer' | 'container') => (c: kplus.Container, index: number): PodImage => ({
    source, name: c.name ?? `#${index}`, image: c.image, pullPolicy: c.imagePullPolicy, pointer: `/${source}s/${index}/image`,
  });
  return {
    construct: pod,
    apiObject,
    podSpecPath: POD_SPEC_OF_PLUS[apiObject.kind] ?? '/spec/template/spec',
    namespace: namespaceOf(apiObject),
    images: () => [...pod.initContainers.map(plusImage('initContainer')), ...pod.containers.map(plusImage('container'))],
    explicitSecrets: () => (pod.dockerRegistryAuth ? [pod.dockerRegistryAuth] : []),
    serviceAccountName: () => pod.serviceAccount?.name ?? 'default',
    specProblems: () => [],
    watch: (onChange) => onNewContainers(pod, onChange),
  };
}

/**
 * A raw pod-bearing API object (e.g. `KubeDeployment`, or an `ApiObject` of a
 * kind in `kinds`), or undefined when `apiObject` runs no pods. Its spec is
 * read once, before any patch of ours.
 */
export function podBearerOfApiObject(apiObject: ApiObject, kinds: PodKinds): PodBearer | undefined {
  const path = kinds.of(apiObject.apiVersion, apiObject.kind)?.podSpecPath;
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
    podSpecPath: path,
    namespace: namespaceOf(apiObject),
    images: () => podImages(podSpec()),
    explicitSecrets: () => list('imagePullSecrets').map((ref: any) => String(ref?.name)),
    serviceAccountName: () => {
      const { serviceAccountName, serviceAccount } = podSpec();
      return typeof serviceAccountName === 'string' && serviceAccountName !== '' ? serviceAccountName
        : typeof serviceAccount === 'string' && serviceAccount !== '' ? serviceAccount : 'default';
    },
    specProblems: () => LIST_FIELDS
      .filter((field) => podSpec()[field] !== undefined && !Array.isArray(podSpec()[field]))
      .map((field) => `the pod spec's "${field}" (at ${path}/${field}) is not a list; Kubernetes rejects the object`),
    watch: () => {},
  };
}

const LIST_FIELDS = ['initContainers', 'containers', 'ephemeralContainers', 'volumes', 'imagePullSecrets'] as const;

/** Where cdk8s-plus-28's workloads keep their pod spec, by kind (all in their core or built-in group). */
const POD_SPEC_OF_PLUS: Readonly<Record<string, string>> = {
  Pod: '/spec',
  Deployment: '/spec/template/spec',
  StatefulSet: '/spec/template/spec',
  DaemonSet: '/spec/template/spec',
  Job: '/spec/template/spec',
  CronJob: '/spec/jobTemplate/spec/template/spec',
};

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

  constructor(private readonly apiObject: ApiObject, private readonly podSpecPath: string) {}

  /** Makes the emitted `imagePullSecrets` exactly `names` (no field when empty and never patched). */
  public set(names: readonly string[]): void {
    this.live.splice(0, this.live.length, ...names.map((name) => ({ name })));
    if (!this.added && names.length > 0) {
      this.apiObject.addJsonPatch(JsonPatch.add(`${this.podSpecPath}/imagePullSecrets`, this.live));
      this.added = true;
    }
  }
}
