/** Registry server presets for the common hosts. */
import { DOCKER_HUB_SERVER } from './rules/docker-hub';
import { registryServerProblem } from './rules/registry-server';

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
