/**
 * One walk of the app per synth for the app-wide rules that look at every
 * object: the pods (cdk8s-plus workloads, and API objects of a pod-bearing
 * kind) and the service accounts' pull secrets.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { serviceAccountPullSecrets } from './service-accounts';
import { PodKinds } from '../rules/pod-kinds';

/** What one walk of the app found. */
export interface AppCensus {
  /** cdk8s-plus workloads, and API objects of a pod-bearing kind that are not a cdk8s-plus workload's own. */
  readonly pods: ReadonlyArray<kplus.AbstractPod | ApiObject>;
  /** `namespace/name` → the pull secrets of every ServiceAccount object of the app. */
  readonly serviceAccounts: ReadonlyMap<string, readonly string[]>;
}

/** Walks the tree under `root` once. */
export function takeCensus(root: IConstruct, kinds: PodKinds): AppCensus {
  const pods: Array<kplus.AbstractPod | ApiObject> = [];
  const accounts: ApiObject[] = [];
  for (const construct of root.node.findAll()) {
    if (construct instanceof kplus.AbstractPod) {
      pods.push(construct);
    } else if (construct instanceof ApiObject) {
      if (construct.kind === 'ServiceAccount') accounts.push(construct);
      else if (kinds.hasKind(construct.kind) && !(construct.node.scope instanceof kplus.AbstractPod)) pods.push(construct);
    }
  }
  return { pods, serviceAccounts: serviceAccountPullSecrets(accounts) };
}
