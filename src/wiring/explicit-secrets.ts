/**
 * Pull secrets named by hand, seen the way the plan needs them
 * (wiring/pull-secret-plan.ts ExplicitPullSecret).
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { namespaceOf } from './pod-bearer';
import { ExplicitPullSecret } from './pull-secret-plan';

/** A secret of ours is known completely; a cdk8s-plus one by namespace; an imported one not at all. */
export function explicitOfSecret(secret: kplus.ISecret): ExplicitPullSecret {
  const registry = secret as Partial<{ namespace: string; servers: string[] }>;
  if (Array.isArray(registry.servers)) {
    return { name: secret.name, namespace: registry.namespace, namespaceKnown: true, servers: registry.servers };
  }
  const child = secret.node.defaultChild;
  if (child instanceof ApiObject) {
    return { name: secret.name, namespace: namespaceOf(child), namespaceKnown: true };
  }
  return { name: secret.name, namespaceKnown: false };
}
