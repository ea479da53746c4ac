import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { PodBearingKind } from './pod-bearing-kind';
import { PodKinds } from './rules/pod-kinds';
import { checkPodBearingKinds, checkPublicImages } from './wiring/construct-errors';
import { PodBearer, podBearerOfApiObject, podBearerOfPlus } from './wiring/pod-bearer';
import { checkBoolean, checkPropsObject, factoryError, kindOf } from './wiring/prop-checks';
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
  /**
   * Custom resource kinds that run pods, besides those known out of the box
   * (`PodBearingKind.builtIn()`): objects of these kinds under the scope are
   * wired too, and checked by every rule of the wiring.
   * @default - only the kinds known out of the box
   */
  readonly podBearingKinds?: PodBearingKind[];
}

/**
 * Opt-in wiring for code that does not use {@link PrivateImageWorkload}:
 * every pod-bearing object under a chart or app gets the registry secrets
 * in its scope, as a PrivateImageWorkload would.
 */
export class PullSecretWiring {
  /**
   * Wires, at synth, every cdk8s-plus workload (Pod, Deployment, StatefulSet,
   * DaemonSet, Job, CronJob) and every raw pod-bearing API object under
   * `scope` — `KubePod`, `KubeDeployment`, …, `KubeReplicationController`,
   * `KubePodTemplate`, the well-known custom resources and the kinds in
   * `podBearingKinds`, by API group and kind — including those added after
   * this call. Every image the kubelet pulls counts: containers, init
   * containers and image volumes. Pull secrets already set stay first.
   */
  public static applyTo(scope: IConstruct, options: PullSecretWiringOptions = {}): void {
    if (!Construct.isConstruct(scope)) {
      throw factoryError('PullSecretWiring.applyTo()', `the scope is ${kindOf(scope)}, not a construct`, 'pass the app or a chart, e.g. PullSecretWiring.applyTo(app)');
    }
    checkPropsObject(scope, options, '{ publicImages: [\'registry.k8s.io\'] }');
    checkBoolean(scope, 'allowUnmatchedImages', options.allowUnmatchedImages);
    const registryScope = RegistryScope.of(scope);
    const wireOptions = { allowUnmatchedImages: options.allowUnmatchedImages, publicImages: checkPublicImages(scope, options.publicImages) };
    const kinds = registryScope.declarePodKinds(scope, checkPodBearingKinds(scope, options.podBearingKinds));
    const wired: WiredBearer[] = [];
    // Finding new pod bearers walks the subtree: once per synth, not once per chart (see SynthPassTracker);
    // the pass fingerprint also changes whenever a wired bearer or a source changed.
    // A bearer with a problem gets a validation of its own (cdk8s visits it after `scope`, in the same pass),
    // so each message carries its construct path once.
    const found: { fingerprint?: string; value?: string[] } = {};
    scope.node.addValidation({
      validate: () => registryScope.passes.memoize(found, () => {
        for (const bearer of podBearersUnder(scope, registryScope, kinds)) {
          const handle = registryScope.adopt(bearer, wireOptions);
          if (handle) wired.push(handle);
        }
        for (const handle of wired) {
          if (registryScope.problemsOf(handle).length > 0) registryScope.reportOn(handle.bearer.construct, 'wiring', () => registryScope.problemsOf(handle));
        }
        return [];
      }),
    });
  }

  private constructor() {}
}

/** Pod bearers under `scope` that nothing wires yet; one pass over the subtree. */
function podBearersUnder(scope: IConstruct, registryScope: RegistryScope, kinds: PodKinds): PodBearer[] {
  const found: PodBearer[] = [];
  for (const construct of scope.node.findAll()) {
    if (construct instanceof kplus.AbstractPod) {
      if (!registryScope.isWired(ApiObject.of(construct))) found.push(podBearerOfPlus(construct));
    } else if (construct instanceof ApiObject && !(construct.node.scope instanceof kplus.AbstractPod) && !registryScope.isWired(construct)) {
      const bearer = podBearerOfApiObject(construct, kinds);
      if (bearer) found.push(bearer);
    }
  }
  return found;
}
