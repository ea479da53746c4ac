import { CORE_POD_KINDS, PodKind, WELL_KNOWN_POD_KINDS } from './rules/pod-kinds';
import { factoryError, kindOf } from './wiring/prop-checks';

/** A custom resource kind that embeds a pod spec: its API group, kind and where the pod spec is. */
export interface CustomPodBearingKindProps {
  /** The API group, e.g. `apps.example.com` (the part of `apiVersion` before the `/`). */
  readonly apiGroup: string;
  /** The kind, e.g. `Worker`. */
  readonly kind: string;
  /** JSON pointer of the pod spec in the object, e.g. `/spec/template/spec`. */
  readonly podSpecPath: string;
}

/**
 * A kind of object that runs pods, known by API group and kind (never by
 * kind alone: an `example.com/v1` Deployment is no pod). Kubernetes' own
 * kinds and well-known custom resources (Argo Rollouts, KEDA ScaledJob,
 * Knative Service and Configuration, OpenKruise CloneSet, StatefulSet and
 * DaemonSet) are known out of the box; declare others with {@link custom}.
 */
export class PodBearingKind {
  /** A custom resource kind the library does not know; checked when it is used (a bad pointer, or a kind it already knows, fails the synth). */
  public static custom(props: CustomPodBearingKindProps): PodBearingKind {
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw factoryError('PodBearingKind.custom()', `the props are ${props === undefined ? 'missing' : kindOf(props)}, not an object`,
        'pass { apiGroup: \'apps.example.com\', kind: \'Worker\', podSpecPath: \'/spec/template/spec\' }');
    }
    return new PodBearingKind({ apiGroup: props.apiGroup, kind: props.kind, podSpecPath: props.podSpecPath, origin: 'custom' });
  }

  /** Every kind known out of the box: Kubernetes' own, then the well-known custom resources. */
  public static builtIn(): PodBearingKind[] {
    return [...CORE_POD_KINDS, ...WELL_KNOWN_POD_KINDS].map((podKind) => new PodBearingKind(podKind));
  }

  /** The API group (`""` is the core group). */
  public readonly apiGroup: string;
  /** The kind. */
  public readonly kind: string;
  /** JSON pointer of the pod spec in the object. */
  public readonly podSpecPath: string;

  private constructor(
    /** @internal */
    public readonly _podKind: PodKind,
  ) {
    this.apiGroup = _podKind.apiGroup;
    this.kind = _podKind.kind;
    this.podSpecPath = _podKind.podSpecPath;
  }
}
