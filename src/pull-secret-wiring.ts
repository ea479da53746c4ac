import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PodBearer, podBearerOfApiObject, podBearerOfPlus } from './pod-bearer';
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
    scope.node.addValidation({
      validate: () => podBearersUnder(scope, registryScope).flatMap((bearer) =>
        registryScope.wire(bearer, options).map((problem) => `[${bearer.construct.node.path}] ${problem}`)),
    });
  }

  private constructor() {}
}

/** Pod bearers under `scope` that no construct of this library wires itself; one pass over the subtree. */
function podBearersUnder(scope: IConstruct, registryScope: RegistryScope): PodBearer[] {
  const bearers: PodBearer[] = [];
  for (const construct of scope.node.findAll()) {
    if (construct instanceof kplus.AbstractPod) {
      if (!registryScope.isClaimed(ApiObject.of(construct))) bearers.push(podBearerOfPlus(construct));
    } else if (construct instanceof ApiObject && !(construct.node.scope instanceof kplus.AbstractPod) && !registryScope.isClaimed(construct)) {
      const bearer = podBearerOfApiObject(construct);
      if (bearer) bearers.push(bearer);
    }
  }
  return bearers;
}
