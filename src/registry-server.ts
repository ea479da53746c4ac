/**
 * Registry server strings: presets for the common hosts, and the check that
 * a server is something the kubelet can match (REFERENCE.md §2.2).
 */

/** Servers of common registries, written as `kubectl --docker-server` and the Rancher UI write them. */
export class RegistryServer {
  /** Docker Hub, as kubectl writes it by default: `https://index.docker.io/v1/`. */
  public static readonly DOCKER_HUB = 'https://index.docker.io/v1/';
  /** Quay.io. */
  public static readonly QUAY = 'quay.io';
  /** GitHub Container Registry. */
  public static readonly GHCR = 'ghcr.io';

  /**
   * Amazon ECR: `<accountId>.dkr.ecr.<region>.amazonaws.com`.
   * @param accountId the 12-digit AWS account id
   * @param region the AWS region, e.g. `eu-west-1`
   */
  public static ecr(accountId: string, region: string): string {
    if (!/^\d{12}$/.test(accountId)) {
      throw new Error(`ECR account id "${accountId}" must be 12 digits`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      throw new Error(`ECR region "${region}" is not an AWS region name such as "eu-west-1"`);
    }
    return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
  }

  /**
   * Google Artifact Registry: `<location>-docker.pkg.dev`.
   * @param location a region or multi-region, e.g. `europe-west1` or `us`
   */
  public static artifactRegistry(location: string): string {
    if (!/^[a-z]+(-[a-z]+\d*)?$/.test(location)) {
      throw new Error(`Artifact Registry location "${location}" is not a location such as "europe-west1" or "us"`);
    }
    return `${location}-docker.pkg.dev`;
  }

  /**
   * Azure Container Registry: `<registryName>.azurecr.io`.
   * @param registryName 5–50 alphanumeric characters
   */
  public static azure(registryName: string): string {
    if (!/^[a-zA-Z0-9]{5,50}$/.test(registryName)) {
      throw new Error(`Azure registry name "${registryName}" must be 5 to 50 letters or digits`);
    }
    return `${registryName.toLowerCase()}.azurecr.io`;
  }

  /**
   * Any other registry, e.g. `registry.example.com` or `10.0.0.5:5000`.
   * @param host host name or IP address
   * @param port optional port
   */
  public static custom(host: string, port?: number): string {
    const server = port === undefined ? host : `${host}:${port}`;
    const problem = registryServerProblem(server);
    if (problem) throw new Error(`registry server "${server}" ${problem}`);
    return server;
  }

  private constructor() {}
}

const HOST_LABEL = /^[A-Za-z0-9*?[\]]([A-Za-z0-9*?[\]-]*[A-Za-z0-9*?[\]])?$/;

/**
 * Why `server` is not a registry server the kubelet can match, or undefined.
 * Accepted: `host`, `host:port`, an optional `http(s)://` scheme and a path
 * (`https://index.docker.io/v1/`, `registry.example.com/team`), IPv4 and
 * bracketed IPv6 hosts, and the kubelet's glob characters in host labels.
 */
export function registryServerProblem(server: string): string | undefined {
  if (server.trim() === '') return 'is empty';
  if (/\s/.test(server)) return 'contains whitespace';
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(server);
  // Case matters: the kubelet only recognises lowercase schemes; `HTTPS://x` never matches.
  if (schemeMatch && !/^https?$/.test(schemeMatch[1])) {
    return `has scheme "${schemeMatch[1]}"; only lowercase http:// and https:// (or none) are allowed`;
  }
  const rest = schemeMatch ? server.slice(schemeMatch[0].length) : server;
  if (/[?#@]/.test(rest)) return 'must not contain a query, fragment or user name';
  const hostPort = rest.split('/')[0];
  if (hostPort === '') return 'has no host';
  const { host, port } = splitHostPort(hostPort);
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      return `has port "${port}"; a port is a number from 1 to 65535`;
    }
  }
  if (host.startsWith('[')) {
    return /^\[[0-9A-Fa-f:.]+\]$/.test(host) ? undefined : `has a malformed IPv6 host "${host}"`;
  }
  const badLabel = host.split('.').find((label) => !HOST_LABEL.test(label));
  if (badLabel !== undefined) {
    return `has host "${host}" with an invalid label "${badLabel}"`;
  }
  return undefined;
}

function splitHostPort(hostPort: string): { host: string; port?: string } {
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0) return { host: hostPort };
    const after = hostPort.slice(end + 1);
    return { host: hostPort.slice(0, end + 1), port: after.startsWith(':') ? after.slice(1) : undefined };
  }
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? { host: hostPort } : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}
