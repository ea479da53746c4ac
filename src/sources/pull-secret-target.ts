/**
 * What a registry secret asks its credentials to emit: one pull secret of a
 * name in a namespace. Credentials decide how it reaches the cluster — a
 * plain Secret, an ExternalSecret the operator fills, a SealedSecret the
 * controller opens — and return the object that stands for it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PullSecretOrigin } from '../wiring/pull-secret-source';

/** One pull secret to emit. Labels, annotations and `immutable` are meant for the Secret that ends up in the cluster. */
export interface PullSecretTarget {
  /** The construct the objects are created under (as child `Resource`, plus helpers), named in errors. */
  readonly scope: Construct;
  /** `metadata.name`; undefined lets cdk8s generate it. */
  readonly name?: string;
  /** `metadata.namespace` as the user set it; undefined follows the chart (or the deploy-time default). */
  readonly namespace?: string;
  /** The namespace the secret lands in when known at synth (the chart's when none is set). */
  readonly resolvedNamespace?: string;
  /** The registry server the user declared, if any. */
  readonly server?: string;
  readonly labels?: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
  readonly immutable?: boolean;
  /** Append a content hash to `name`, as `kubectl --append-hash`. */
  readonly appendHash?: boolean;
}

/** What was emitted for a {@link PullSecretTarget}. */
export interface EmittedPullSecret {
  /** The object that stands for the secret in the manifests (its name is the secret's name). */
  readonly apiObject: ApiObject;
  /** The `auths` keys the secret will hold. */
  readonly servers: string[];
  /** A plain Secret is EMITTED; one made in the cluster from what was emitted is PRODUCED. */
  readonly origin: PullSecretOrigin;
  /** For PRODUCED secrets: how a name clash names it, e.g. "target of an ExternalSecret". */
  readonly holder?: string;
}
