/**
 * Docker Hub's names, each in the role the tools give it. They differ on
 * purpose: see docs/facts.md#docker-hub.
 */

/** The domain distribution/reference normalises Docker Hub images to (`nginx` -> `docker.io/library/nginx`). */
export const DOCKER_HUB_DOMAIN = 'docker.io';

/** The server kubectl writes when `--docker-server` is not given. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

/** The normalised key the kubelet falls back to for Docker Hub images; also an alias of the domain in references. */
export const DOCKER_HUB_INDEX_HOST = 'index.docker.io';

/** The host that serves Docker Hub's registry API (where a pull really goes). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** Whether `host` names Docker Hub in any of its roles (case-insensitive). */
export function isDockerHubHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === DOCKER_HUB_DOMAIN || lower === DOCKER_HUB_INDEX_HOST || lower === DOCKER_HUB_API_HOST;
}
