/**
 * What the scope needs to know of the things that put pull secrets into
 * namespaces, declared here so constructs depend on the wiring and never
 * the other way round.
 */
import { IConstruct } from 'constructs';

/** How a pull secret comes to exist in the cluster. */
export enum PullSecretOrigin {
  /** This app emits a v1 Secret object for it (the name check finds it in the tree). */
  EMITTED = 'EMITTED',
  /** Made outside the app (kubectl, a UI); several imports of one secret are one secret. */
  EXISTING = 'EXISTING',
  /** Made in the cluster from something this app emits (Rancher's copies, an operator's target Secret). */
  PRODUCED = 'PRODUCED',
}

/** A pull secret of one name, with credentials for some servers, present in some namespaces. */
export interface PullSecretSource {
  /** The construct that declared it, named in messages. */
  readonly declaredBy: IConstruct;
  /** `metadata.name` of the secret, the same in every namespace. */
  readonly name: string;
  /** Its `auths` keys. */
  readonly servers: readonly string[];
  /**
   * The namespaces it is in now (undefined: the deploy-time default). They
   * may grow; the source then calls {@link RegistryScope.sourceChanged}.
   */
  readonly namespaces: ReadonlyArray<string | undefined>;
  readonly origin: PullSecretOrigin;
  /** For EXISTING and PRODUCED sources: how a name-clash message names the holder, e.g. "existing secret, imported". */
  readonly holder?: string;
}

/** A group of namespaces that may not share one with another group (a project). */
export interface NamespaceGroupSource {
  readonly declaredBy: IConstruct;
  readonly namespaces: readonly string[];
}
