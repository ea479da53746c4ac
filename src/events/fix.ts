/**
 * What to do about a failing pull, in one line: from the reason, the
 * image's registry, and (with `--manifests`) the workload that runs the
 * pod, its pull secrets and the construct that declared it. Names secrets,
 * keys (registry servers), images and construct paths; never a value.
 * A RegistryMirror's rewrite (the object's original-images annotation) is
 * named by its construct path, upstream and endpoint when the app's
 * construct-paths.json lists it, else as "the RegistryMirror for UPSTREAM":
 * the cache answers for its upstream, so what to check includes the
 * cache's own access to it.
 */
import { classifyPullError } from './classify';
import { MirrorOrigin } from './mirror-origin';
import { PullRecord } from './pull-records';
import { PodWorkload, PullSecretUse } from './workloads';
import { DOCKER_HUB_SERVER, isDockerHubHost } from '../rules/docker-hub';
import { parseImageReference } from '../rules/image-reference';

/**
 * The record with the Docker Hub ambiguity settled: "repository does not
 * exist or may require authorization" is `not-found` when the workload
 * sends a credential for the image, `unauthorized` otherwise.
 */
export function settleReason(record: PullRecord, workload: PodWorkload | undefined): PullRecord {
  if (!record.ambiguous || record.status === 'pulled' || workload === undefined) return record;
  const credentialMatched = workload.pullSecrets.some((s) => s.state === 'matches');
  return { ...record, reason: classifyPullError(record.message, credentialMatched).reason };
}

/**
 * What to fix, or null when nothing fails. `workload` is undefined without
 * `--manifests`, null when no workload of the manifests fits the pod.
 */
export function fixFor(record: PullRecord, workload: PodWorkload | null | undefined): string | null {
  if (record.status !== 'failing' || record.reason === null) return null;
  const fix = plainFixFor(record, workload);
  return workload?.mirror ? mirrorFixFor(record, workload.mirror, workload, fix) : fix;
}

/**
 * Where a pull-through cache gets its upstream's images with its own
 * account: distribution's `registry` answers "manifest unknown" (404) when
 * the upstream refuses it (measured with 2.8.2), as a cache without a
 * rule for the upstream does.
 */
const CACHE_UPSTREAM_SETTINGS = 'a registry proxy\'s proxy.remoteurl and proxy.username/password (it answers "manifest unknown" when the upstream refuses them), '
  + 'the Harbor proxy-cache project\'s registry endpoint and its credential, the ECR pull-through cache rule for the prefix and its Secrets Manager secret, '
  + 'or the Artifact Registry / Artifactory remote repository\'s upstream credentials';

/** The fix for a pull of a RegistryMirror's rewrite: names the mirror (its construct when known, its upstream), the original, and the cache's side. */
function mirrorFixFor(record: PullRecord, mirror: MirrorOrigin, workload: PodWorkload, plain: string): string {
  const cache = registryOf(record.image) ?? 'the cache';
  const named = mirror.construct === null
    ? `the RegistryMirror for ${mirror.upstream} (cache ${cache})`
    : `RegistryMirror ${mirror.construct} (upstream ${mirror.upstream}, endpoint ${mirror.endpoint ?? cache})`;
  const through = `${describeWorkload(record, workload)} pulls "${record.image}", which is "${mirror.original}" through ${named}`;
  const matching = workload.pullSecrets.filter((s) => s.state === 'matches');
  const account = matching.length > 0 ? `; and that the account of ${secretList(matching)} may read it on the cache` : '';
  switch (record.reason) {
    case 'unauthorized':
      return `${through}: ${plain}; the pull secret must hold the cache's credential for ${cache}, not ${mirror.upstream}'s `
        + `(the cache signs in to ${mirror.upstream} with its own account and never forwards the pod's)`;
    case 'not-found':
      if (record.waitingReason === 'ErrImageNeverPull') return `${through}: ${plain}`;
      return `${through}: the cache did not serve it. Check that "${mirror.original}" exists on ${mirror.upstream}, `
        + `then the cache's own access to ${mirror.upstream} (${CACHE_UPSTREAM_SETTINGS}), and the RegistryMirror's endpoint and path prefix${account}`;
    case 'rate-limited':
      return `${through}: ${mirror.upstream} limits the cache's pulls: give the cache an upstream account with a higher limit (${CACHE_UPSTREAM_SETTINGS}), `
        + 'or wait: the cache serves what it holds without asking again';
    case 'unreachable':
      return `${through}: ${plain}`;
    default:
      if (record.waitingReason === 'InvalidImageName') return `${through}: ${plain}`;
      return `${through}: ${plain}; a cache that cannot reach ${mirror.upstream} or is refused there fails so too: check ${CACHE_UPSTREAM_SETTINGS}`;
  }
}

/** The fix as if no mirror were involved, for a failing pull (its reason known). */
function plainFixFor(record: PullRecord, workload: PodWorkload | null | undefined): string {
  const reason = record.reason ?? 'unknown';
  const host = registryOf(record.image);
  const where = describeWorkload(record, workload);
  const secrets = workload?.pullSecrets ?? [];
  const matching = secrets.filter((s) => s.state === 'matches');
  switch (reason) {
    case 'rate-limited':
      if (host !== undefined && isDockerHubHost(host)) {
        return matching.length > 0
          ? `Docker Hub rate-limits the account of ${secretList(matching)} too: use an account with a higher limit, or a mirror, for ${where}`
          : `Docker Hub limits anonymous pulls: add a Docker Hub credential (a RegistrySecret with server "${DOCKER_HUB_SERVER}") `
            + `in namespace "${record.namespace}" that ${where} references`;
      }
      return `${hostName(host)} limits pulls: wait, use a credential with a higher limit, or pull through a mirror, for ${where}`;
    case 'unauthorized':
      return unauthorizedFix(record, workload, host, where, matching) + (record.ambiguous
        ? '; or the repository does not exist (Docker Hub says the same for both): check the image name'
        : '');
    case 'not-found':
      if (record.waitingReason === 'ErrImageNeverPull') {
        return `imagePullPolicy is Never and "${record.image}" is not on the node: load it there, or set imagePullPolicy to IfNotPresent in ${where}`;
      }
      if (record.ambiguous) {
        return `Docker Hub refused "${record.image}" though ${secretList(matching)} holds a credential for it: `
          + 'the repository does not exist or that account may not read it; check the image name and the account';
      }
      return `"${record.image}" does not exist on ${hostName(host)}: check the repository, tag or digest in ${where}`;
    case 'unreachable':
      if (/x509|certificate|tls/i.test(record.message)) {
        return `the node does not trust the TLS certificate of ${host ?? 'the registry'}: add its CA to the container runtime on every node, or fix the certificate`;
      }
      if (/http response to https client/i.test(record.message)) {
        return `${hostName(host)} speaks plain HTTP: configure it as an insecure registry in the container runtime of every node, or serve it over TLS`;
      }
      return `the node cannot reach ${hostName(host)}: check DNS, firewall and proxy settings from the node (e.g. crictl pull ${record.image})`;
    case 'unknown':
      if (record.waitingReason === 'InvalidImageName') {
        return `the image reference "${record.image}" is invalid: fix it in ${where}`;
      }
      return `read the runtime's message above; kubectl describe pod ${record.pod} -n ${record.namespace} shows the same events`;
  }
}

function unauthorizedFix(record: PullRecord, workload: PodWorkload | null | undefined, host: string | undefined, where: string,
  matching: readonly PullSecretUse[]): string {
  const registry = hostName(host);
  const server = host ?? "the image's registry";
  if (workload === undefined) {
    return `${registry} refused the pull: the pod needs a pull secret with a valid credential for ${server} (add --manifests DIR to see which it references)`;
  }
  if (workload === null) {
    return `${registry} refused the pull, and no workload of the manifests runs pod "${record.pod}" in namespace "${record.namespace}": `
      + `give it a pull secret with a valid credential for ${server}`;
  }
  if (matching.length > 0) {
    const keys = [...new Set(matching.flatMap((s) => s.keys))].map((k) => JSON.stringify(k)).join(', ');
    const produced = matching.filter((s) => s.producer !== undefined).map((s) => `${s.producer} makes "${s.name}": fix the credential where it comes from`);
    return `${registry} refused the credential (key ${keys}) of ${secretList(matching)}: renew the password or token in that secret `
      + `(short-lived tokens, such as ECR's, expire after 12 hours) and check that its account may pull "${record.image}"`
      + (produced.length > 0 ? `; ${produced.join('; ')}` : '');
  }
  const secrets = workload.pullSecrets;
  if (secrets.length === 0) {
    const account = workload.serviceAccount === null ? '' : ` (nor does its ServiceAccount "${workload.serviceAccount}")`;
    return `${where} references no pull secret${account}: add a RegistrySecret for ${server} in namespace "${record.namespace}" `
      + '(PrivateImageWorkload and PullSecretWiring wire it into the pod spec)';
  }
  const unknown = secrets.filter((s) => s.state === 'not-in-manifests' || s.state === 'produced');
  if (unknown.length > 0) {
    return `the manifests do not show what ${secretList(unknown)} of ${where} hold${unknown.length === 1 ? 's' : ''}: check in the cluster `
      + `that one holds a valid credential for ${server} (kubectl get secret ${unknown[0].name} -n ${record.namespace})`;
  }
  const wrong = secrets.filter((s) => s.state === 'wrong-namespace');
  const wrongNote = wrong.length === 0 ? '' : `; ${secretList(wrong)} exists only in other namespaces`;
  return `none of the pull secrets of ${where} (${secrets.map((s) => `"${s.name}"`).join(', ')}) holds a credential for ${server}: `
    + `add a RegistrySecret for ${server} in namespace "${record.namespace}"${wrongNote}`;
}

/** `Deployment "web" (construct app/web/Resource)`, or the pod when the workload is unknown. */
export function describeWorkload(record: PullRecord, workload: PodWorkload | null | undefined): string {
  if (workload === undefined || workload === null) return `pod "${record.pod}"`;
  const construct = workload.construct;
  const origin = construct === null ? ''
    : construct.path !== null ? ` (construct ${construct.path})`
      : construct.address !== null ? ` (construct address ${construct.address})` : '';
  return `${workload.kind} "${workload.name}"${origin}`;
}

function secretList(secrets: readonly PullSecretUse[]): string {
  const names = secrets.map((s) => `"${s.name}"`);
  return `pull secret${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}

/** The registry host of an image, as the kubelet resolves it; undefined when the reference is invalid or unknown. */
function registryOf(image: string): string | undefined {
  if (image === '') return undefined;
  try {
    const domain = parseImageReference(image).domain;
    return domain === '' ? undefined : domain;
  } catch {
    return undefined;
  }
}

/** `registry HOST`, or `the registry`. */
function hostName(host: string | undefined): string {
  return host === undefined ? 'the registry' : `registry ${host}`;
}
