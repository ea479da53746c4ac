import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { containerCountKey, PodBearer, podBearerOfApiObject, podBearerOfPlus } from './pod-bearer';
import { RegistryScope } from './registry-scope';

/** Options for {@link PullSecretWiring.applyTo}. */
export interface PullSecretWiringOptions {
  /**
   * Allow images that no registry credential in scope matches (public
   * images). When false, such an image fails the synth.
   * @default false
   */
  readonly allowUnmatchedImages?: boolean;
}

/**
 * Opt-in wiring for code that does not use {@link PrivateImageWorkload}:
 * every pod-bearing object under a chart or app gets the registry secrets
 * in its scope, as a PrivateImageWorkload would.
 */
export class PullSecretWiring {
  /**
   * Wires, at synth, every cdk8s-plus workload (Pod, Deployment, StatefulSet,
   * DaemonSet, Job, CronJob) and every raw pod-bearing API object (`KubePod`,
   * `KubeDeployment`, `KubeStatefulSet`, `KubeDaemonSet`, `KubeReplicaSet`,
   * `KubeJob`, `KubeCronJob`) under `scope`, including those added after
   * this call. Pull secrets already set stay first.
   */
  public static applyTo(scope: IConstruct, options: PullSecretWiringOptions = {}): void {
    const registryScope = RegistryScope.of(scope);
    registryScope.changed();
    // Finding the pod bearers walks the subtree: once per synth, not once per chart (see SynthPassTracker).
    const found: { fingerprint?: string; value?: FoundBearer[] } = {};
    scope.node.addValidation({
      validate: () => registryScope.passes.memoize(found, () => podBearersUnder(scope, registryScope)).flatMap(({ bearer, pod }) =>
        registryScope.wire(bearer, { ...options, inputsKey: pod ? containerCountKey(pod) : 'raw' })
          .map((problem) => `[${bearer.construct.node.path}] ${problem}`)),
    });
  }

  private constructor() {}
}

interface FoundBearer {
  readonly bearer: PodBearer;
  /** The cdk8s-plus pod, when it is one: its containers can still be added to. */
  readonly pod?: kplus.AbstractPod;
}

/** Pod bearers under `scope` that no construct of this library wires itself; one pass over the subtree. */
function podBearersUnder(scope: IConstruct, registryScope: RegistryScope): FoundBearer[] {
  const found: FoundBearer[] = [];
  for (const construct of scope.node.findAll()) {
    if (construct instanceof kplus.AbstractPod) {
      if (!registryScope.isClaimed(ApiObject.of(construct))) found.push({ bearer: podBearerOfPlus(construct), pod: construct });
    } else if (construct instanceof ApiObject && !(construct.node.scope instanceof kplus.AbstractPod) && !registryScope.isClaimed(construct)) {
      const bearer = podBearerOfApiObject(construct);
      if (bearer) found.push({ bearer });
    }
  }
  return found;
}
