/**
 * Kubernetes API-server name rules, as pure predicates that return the
 * problem in words, or undefined when the value is valid.
 * Facts and sources: docs/facts.md#kubernetes-names.
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
