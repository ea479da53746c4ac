/**
 * The kubelet reads a pod's pull secrets from the pod's own namespace only
 * (docs/facts.md#pull-secret-namespace): a secret named from elsewhere is
 * silently ignored. One rule for pods and service accounts alike.
 */

/**
 * Why pull secret `name` in `secretNamespace` does nothing for `consumer`
 * (e.g. "the pod runs") in `consumerNamespace`; undefined when both are in
 * one namespace or either namespace is unknown at synth.
 */
export function crossNamespaceProblem(
  name: string, secretNamespace: string | undefined, consumer: string, consumerNamespace: string | undefined,
): string | undefined {
  if (secretNamespace === undefined || consumerNamespace === undefined || secretNamespace === consumerNamespace) return undefined;
  return `pull secret "${name}" is in namespace "${secretNamespace}" but ${consumer} in "${consumerNamespace}"; Kubernetes silently ignores pull secrets from other namespaces`;
}
