/**
 * Errors thrown while the app is built, and the input checks every construct
 * shares. Each message starts with the construct path (as cdk8s prefixes
 * validation errors) and ends with the fix; callers never pass secret values.
 */
import { IConstruct } from 'constructs';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../rules/kube-names';
import { problemWithFix } from '../rules/messages';
import { registryServerProblem } from '../rules/registry-server';

/** An error naming the construct, what is wrong and the fix. */
export function constructError(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`[${scope.node.path}] ${problemWithFix(problem, fix)}`);
}

/**
 * Throws, naming `scope`, when `value` breaks the rule for `what` (e.g.
 * 'secret name'); undefined values are left to the defaults.
 */
export function checkKubeName(
  scope: IConstruct, rule: 'subdomain' | 'label', what: string, value: string | undefined, fix: string,
): void {
  if (value === undefined) return;
  const problem = rule === 'subdomain' ? dns1123SubdomainProblem(value) : dns1123LabelProblem(value);
  if (problem) throw constructError(scope, `${what} "${value}" ${problem}`, fix);
}

/** {@link checkKubeName} for a namespace, with the one fix every construct gives. */
export function checkNamespace(scope: IConstruct, namespace: string | undefined): void {
  checkKubeName(scope, 'label', 'namespace', namespace, 'choose a namespace such as "team-a"');
}

/** Throws, naming `scope`, when `server` is not a registry server the kubelet can match; undefined is the default. */
export function checkRegistryServer(
  scope: IConstruct, server: string | undefined,
  fix = 'give a host with optional port and path, e.g. "quay.io", "registry.example.com:5000" or "https://index.docker.io/v1/"',
): void {
  if (server === undefined) return;
  const problem = registryServerProblem(server);
  if (problem) throw constructError(scope, `registry server "${server}" ${problem}`, fix);
}
