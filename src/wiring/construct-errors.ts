/**
 * Errors thrown while the app is built, and the input checks every construct
 * shares. Each message starts with the construct path (as cdk8s prefixes
 * validation errors) and ends with the fix; callers never pass secret values.
 */
import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../rules/kube-names';
import { problemWithFix } from '../rules/messages';
import { customPodKindProblem, describePodKind, PodKind } from '../rules/pod-kinds';
import { printable } from '../rules/printable';
import { PublicImagePattern, publicImagePatternProblem, publicImagePatterns } from '../rules/public-images';
import { redactUserInfoIn } from '../rules/redact';
import { displayServer, registryServerProblem } from '../rules/registry-server';

/**
 * An error naming the construct, what is wrong and the fix. Whatever in
 * `problem` could be user info (of a server, image or key it quotes) is
 * redacted as `***@`, wherever a site quotes it from, and control
 * characters in the path and problem (ids, names, file paths) are shown as
 * escapes.
 */
export function constructError(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`[${printable(scope.node.path)}] ${problemWithFix(printable(redactUserInfoIn(problem)), fix)}`);
}

/**
 * Throws, naming `scope`, when `value` breaks the rule for `what` (e.g.
 * 'secret name'); undefined values are left to the defaults.
 */
export function checkKubeName(
  scope: IConstruct, rule: 'subdomain' | 'label', what: string, value: string | undefined, fix: string,
): void {
  if (value === undefined) return;
  checkPlainString(scope, what, value);
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
  checkPlainString(scope, 'registry server', server);
  const problem = registryServerProblem(server);
  if (problem === undefined) return;
  const userInfo = problem.startsWith('contains user info');
  throw constructError(scope, `registry server "${displayServer(server)}" ${problem}`,
    userInfo ? 'remove "user:password@" from the server and give them in `credentials`' : fix);
}

/**
 * Throws, naming `scope`, unless `value` is a plain string. JavaScript and
 * other jsii languages can pass a number or a cdk8s token (`Lazy`), which
 * resolves only after the wiring has read it. The value is never quoted.
 */
export function checkPlainString(scope: IConstruct, what: string, value: unknown): asserts value is string {
  if (typeof value === 'string') return;
  throw constructError(scope, `${what} must be a plain string known at synth, not ${kindOf(value)}`,
    'pass a string literal or a value computed before the construct is created; cdk8s tokens (Lazy) resolve too late for the wiring');
}

/** {@link checkPlainString} for every element of a list. */
export function checkPlainStrings(scope: IConstruct, what: string, values: unknown): void {
  if (!Array.isArray(values)) {
    throw constructError(scope, `${what} must be a list of plain strings, not ${kindOf(values)}`, 'pass an array of strings');
  }
  values.forEach((value, i) => checkPlainString(scope, `${what}[${i}]`, value));
}

export function kindOf(value: unknown): string {
  if (value instanceof Lazy) return 'a cdk8s token (Lazy)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return { undefined: 'undefined', number: 'a number', boolean: 'a boolean', object: 'an object', bigint: 'a number', symbol: 'a symbol', function: 'a function' }[typeof value as string] ?? typeof value;
}

/** Checks `publicImages` entries (normalized repository prefixes) and returns them parsed. */
export function checkPublicImages(scope: IConstruct, patterns: readonly string[] | undefined): PublicImagePattern[] {
  if (patterns === undefined) return [];
  checkPlainStrings(scope, 'publicImages', patterns);
  for (const pattern of patterns) {
    const problem = publicImagePatternProblem(pattern);
    if (problem) {
      throw constructError(scope, `publicImages entry "${pattern}" ${problem}`,
        'list normalized repository prefixes such as "registry.k8s.io", "docker.io/library" or "docker.io/library/nginx"');
    }
  }
  return publicImagePatterns(patterns);
}

/**
 * The custom pod kinds given to the wiring, checked: each must be a
 * `PodBearingKind.custom(...)` with a valid group, kind and pointer, not one
 * the library already knows, and a kind may be declared with one path only.
 */
export function checkPodBearingKinds(scope: IConstruct, kinds: readonly unknown[] | undefined): PodKind[] {
  if (kinds === undefined) return [];
  if (!Array.isArray(kinds)) throw constructError(scope, '`podBearingKinds` is not a list', 'pass [PodBearingKind.custom({ apiGroup, kind, podSpecPath })]');
  const checked: PodKind[] = [];
  for (const given of kinds) {
    const podKind = (given as { _podKind?: PodKind } | undefined)?._podKind;
    if (podKind === undefined) {
      throw constructError(scope, 'a `podBearingKinds` entry was not made by PodBearingKind.custom', 'pass PodBearingKind.custom({ apiGroup, kind, podSpecPath })');
    }
    const problem = customPodKindProblem(podKind);
    if (problem) throw constructError(scope, `pod-bearing kind ${describePodKind(podKind)}: ${problem}`, POD_KIND_FIX);
    const twin = checked.find((other) => other.apiGroup === podKind.apiGroup && other.kind === podKind.kind);
    if (twin && twin.podSpecPath !== podKind.podSpecPath) {
      throw constructError(scope, `pod-bearing kind ${describePodKind(podKind)} is declared twice, with pod spec paths ${twin.podSpecPath} and ${podKind.podSpecPath}`,
        'declare each kind once, with the path its CRD gives the pod spec');
    }
    if (!twin) checked.push(podKind);
  }
  return checked;
}

const POD_KIND_FIX = 'declare it as PodBearingKind.custom({ apiGroup: \'apps.example.com\', kind: \'Worker\', podSpecPath: \'/spec/template/spec\' })';
