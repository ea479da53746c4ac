/** Registry server presets for the common hosts. */
import { DOCKER_HUB_SERVER } from './rules/docker-hub';
import { problemWithFix } from './rules/messages';
import { printable } from './rules/printable';
import { displayServer, registryServerProblem } from './rules/registry-server';

/** Servers of common registries, written as `kubectl --docker-server` and the Rancher UI write them. */
export class RegistryServer {
  /** Docker Hub, as kubectl writes it by default: `https://index.docker.io/v1/`. */
  public static readonly DOCKER_HUB = DOCKER_HUB_SERVER;
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
    if (typeof accountId !== 'string' || !/^\d{12}$/.test(accountId)) {
      throw presetError('ecr', 'the account id must be 12 digits', 'pass the 12-digit AWS account id as a string, e.g. "123456789012"');
    }
    if (typeof region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      throw presetError('ecr', 'the region is not an AWS region name', 'pass a region such as "eu-west-1"');
    }
    return `${accountId}.dkr.ecr.${region}.amazonaws.com`;
  }

  /**
   * Google Artifact Registry: `<location>-docker.pkg.dev`.
   * @param location a region or multi-region, e.g. `europe-west1` or `us`
   */
  public static artifactRegistry(location: string): string {
    if (typeof location !== 'string' || !/^[a-z]+(-[a-z]+\d*)?$/.test(location)) {
      throw presetError('artifactRegistry', 'the location is not an Artifact Registry location', 'pass a region or multi-region such as "europe-west1" or "us"');
    }
    return `${location}-docker.pkg.dev`;
  }

  /**
   * Azure Container Registry: `<registryName>.azurecr.io`.
   * @param registryName 5–50 alphanumeric characters
   */
  public static azure(registryName: string): string {
    if (typeof registryName !== 'string' || !/^[a-zA-Z0-9]{5,50}$/.test(registryName)) {
      throw presetError('azure', 'the registry name must be 5 to 50 letters or digits', 'pass the name Azure shows for the registry, e.g. "myregistry"');
    }
    return `${registryName.toLowerCase()}.azurecr.io`;
  }

  /**
   * Any other registry, e.g. `registry.example.com` or `10.0.0.5:5000`.
   * @param host host name or IP address
   * @param port optional port
   */
  public static custom(host: string, port?: number): string {
    if (typeof host !== 'string') throw presetError('custom', 'the host must be a string', 'pass a host name or IP address');
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw presetError('custom', 'the port must be a whole number from 1 to 65535', 'pass a port such as 5000, or none');
    }
    const server = port === undefined ? host : `${host}:${port}`;
    const problem = registryServerProblem(server);
    if (problem) {
      throw presetError('custom', `registry server "${displayServer(server)}" ${problem}`, 'pass a host name or IP address, e.g. "registry.example.com" or "10.0.0.5", and the port apart');
    }
    return server;
  }

  private constructor() {}
}

/** Presets run before any construct exists: the message names the preset instead of a construct path. Values are not quoted. */
function presetError(preset: string, problem: string, fix: string): Error {
  return new Error(`RegistryServer.${preset}(): ${problemWithFix(printable(problem), fix)}`);
}
