import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkPublicImages } from './wiring/construct-errors';
import { PodBearer, podBearerOfApiObject, podBearerOfPlus } from './wiring/pod-bearer';
import { RegistryScope, WiredBearer } from './wiring/registry-scope';

/** Options for {@link PullSecretWiring.applyTo}. */
export interface PullSecretWiringOptions {
  /**
   * Allow images that no registry credential in scope matches (public
   * images). When false, such an image fails the synth.
   * @default false
   */
  readonly allowUnmatchedImages?: boolean;
  /**
   * Public images, which get no pull secret and need none: normalized
   * repository prefixes at a path boundary, e.g. `registry.k8s.io`,
   * `docker.io/library` or `docker.io/library/nginx`.
   * @default - none
   */
  readonly publicImages?: string[];
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
    const wireOptions = { allowUnmatchedImages: options.allowUnmatchedImages, publicImages: checkPublicImages(scope, options.publicImages) };
    const wired: WiredBearer[] = [];
    // Finding new pod bearers walks the subtree: once per synth, not once per chart (see SynthPassTracker);
    // the pass fingerprint also changes whenever a wired bearer or a source changed.
    const problems: { fingerprint?: string; value?: string[] } = {};
    scope.node.addValidation({
      validate: () => registryScope.passes.memoize(problems, () => {
        for (const bearer of podBearersUnder(scope, registryScope)) {
          const handle = registryScope.adopt(bearer, wireOptions);
          if (handle) wired.push(handle);
        }
        return wired.flatMap((handle) => registryScope.problemsOf(handle).map((problem) => `[${handle.bearer.construct.node.path}] ${problem}`));
      }),
    });
  }

  private constructor() {}
}

/** Pod bearers under `scope` that nothing wires yet; one pass over the subtree. */
function podBearersUnder(scope: IConstruct, registryScope: RegistryScope): PodBearer[] {
  const found: PodBearer[] = [];
  for (const construct of scope.node.findAll()) {
    if (construct instanceof kplus.AbstractPod) {
      if (!registryScope.isWired(ApiObject.of(construct))) found.push(podBearerOfPlus(construct));
    } else if (construct instanceof ApiObject && !(construct.node.scope instanceof kplus.AbstractPod) && !registryScope.isWired(construct)) {
      const bearer = podBearerOfApiObject(construct);
      if (bearer) found.push(bearer);
    }
  }
  return found;
}
