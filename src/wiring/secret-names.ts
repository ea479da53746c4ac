import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { problemWithFix } from '../rules/messages';

/** A secret name taken in a namespace by something that is not an emitted Secret. */
export interface DeclaredSecretName {
  readonly namespace: string | undefined;
  readonly name: string;
  /** How messages name the holder, e.g. `chart/existing (existing secret, imported)`. */
  readonly holder: string;
}

/**
 * Secret names are unique per namespace across every Secret (registries,
 * TLS, opaque…): a second one overwrites the first when applied. Checks
 * every Secret API object under `root` (ours, cdk8s-plus, raw) plus the
 * `declared` names (imports, Rancher's copies), in one pass.
 */
export function secretNameProblems(root: IConstruct, declared: readonly DeclaredSecretName[]): string[] {
  const holders = new Map<string, { namespace: string | undefined; name: string; holders: string[] }>();
  const note = (namespace: string | undefined, name: string, holder: string) => {
    const key = `${namespace ?? ''}/${name}`;
    const entry = holders.get(key);
    if (entry) entry.holders.push(holder); else holders.set(key, { namespace, name, holders: [holder] });
  };
  for (const object of root.node.findAll()) {
    if (object instanceof ApiObject && object.kind === 'Secret' && object.apiVersion === 'v1') {
      note(object.metadata.namespace ?? Chart.of(object).namespace, object.name, object.node.path);
    }
  }
  for (const { namespace, name, holder } of declared) note(namespace, name, holder);

  const problems: string[] = [];
  for (const { namespace, name, holders: list } of holders.values()) {
    if (list.length < 2) continue;
    problems.push(problemWithFix(
      `secret name "${name}" is used ${list.length} times in ${namespace ? `namespace "${namespace}"` : 'the default namespace'}: ${list.join(', ')}; ` +
      'secret names are unique per namespace across all secrets (registries, certificates, opaque), so one would overwrite the other',
      'give each secret its own `name`'));
  }
  return problems;
}
