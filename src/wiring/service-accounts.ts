/**
 * Service accounts' pull secrets, as the wiring must keep them: the
 * ServiceAccount admission plugin copies an account's `imagePullSecrets`
 * only into a pod that names none (docs/facts.md#pod-kinds), so wiring a pod
 * that named none would switch its account's off.
 */
import { ApiObject } from 'cdk8s';
import { namespaceOf } from './pod-bearer';
import { namespaceKey } from './scope-index';
import { apiGroupOf } from '../rules/pod-kinds';

/** `namespace/name` → the pull secrets of each core ServiceAccount among `objects`. */
export function serviceAccountPullSecrets(objects: readonly ApiObject[]): Map<string, string[]> {
  const accounts = new Map<string, string[]>();
  for (const construct of objects) {
    if (construct.kind !== 'ServiceAccount' || apiGroupOf(construct.apiVersion) !== '') continue;
    const refs = (construct.toJson() as { imagePullSecrets?: unknown }).imagePullSecrets;
    if (!Array.isArray(refs)) continue;
    const names = refs.map((ref: any) => ref?.name).filter((name): name is string => typeof name === 'string' && name !== '');
    accounts.set(accountKey(namespaceOf(construct), construct.name), names);
  }
  return accounts;
}

/** The key of a service account in {@link serviceAccountPullSecrets}. */
export function accountKey(namespace: string | undefined, name: string): string {
  return `${namespaceKey(namespace)}/${name}`;
}

/**
 * The pull secrets to set on a pod: `wired`, with its account's (`fromAccount`)
 * kept first when the pod names none of its own (`explicitCount` 0).
 */
export function keepingAccountSecrets(wired: readonly string[], explicitCount: number, fromAccount: readonly string[]): string[] {
  if (explicitCount > 0 || wired.length === 0) return [...wired];
  return [...new Set([...fromAccount, ...wired])];
}
