import { IConstruct } from 'constructs';
import { constructError } from './errors';

/**
 * Kubernetes API-server name rules (REFERENCE.md §1), as pure predicates
 * that return the problem in words, or undefined when the value is valid.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` is not a DNS-1123 subdomain (object names such as a Secret's), or undefined. */
export function dns1123SubdomainProblem(name: string): string | undefined {
  if (name.length > 253) return `is ${name.length} characters long; the limit is 253`;
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 label (namespace names), or undefined. */
export function dns1123LabelProblem(name: string): string | undefined {
  if (name.length > 63) return `is ${name.length} characters long; the limit is 63`;
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
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
