import { parseImageReference } from '../../src/rules/image-reference';
import {
  mirrorEndpointProblem, mirrorExcludeProblem, MirrorRule, normalizeUpstream, rewriteImage, upstreamOfImage, upstreamProblem,
} from '../../src/rules/mirrors';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const mirror = (upstream: string, endpoint: string, exclude: string[] = []): MirrorRule => ({
  upstream: normalizeUpstream(upstream), endpoint, exclude,
});

describe('rewriteImage: each product of REFERENCE §11', () => {
  test.each([
    // Harbor proxy-cache project
    ['docker.io', 'harbor.example.com/dockerhub-proxy', 'nginx:1.27', 'harbor.example.com/dockerhub-proxy/library/nginx:1.27'],
    // distribution registry with proxy.remoteurl, on a port
    ['docker.io', 'mirror.example.com:5000', 'nginx:1.27', 'mirror.example.com:5000/library/nginx:1.27'],
    // ECR pull-through cache rule, prefix chosen by the user
    ['docker.io', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub', 'nginx:1.27',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27'],
    ['quay.io', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quay', 'quay.io/jetstack/cert-manager-controller:v1.15.0',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/quay/jetstack/cert-manager-controller:v1.15.0'],
    // Artifact Registry remote repository
    ['docker.io', 'europe-west1-docker.pkg.dev/my-project/dockerhub', 'nginx:1.27', 'europe-west1-docker.pkg.dev/my-project/dockerhub/library/nginx:1.27'],
    // Artifactory remote repository, repository path method
    ['docker.io', 'artifactory.example.com/docker-remote', 'nginx:1.27', 'artifactory.example.com/docker-remote/library/nginx:1.27'],
  ])('%s via %s: %s -> %s', (upstream, endpoint, image, expected) => expect(rewriteImage(image, mirror(upstream, endpoint))).toBe(expected));
});

describe('rewriteImage: the reference, tag and digest', () => {
  const hub = mirror('docker.io', 'harbor.example.com/hub');
  test.each([
    ['nginx', 'harbor.example.com/hub/library/nginx'],
    ['library/nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
    ['docker.io/nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
    ['index.docker.io/library/nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
    ['registry-1.docker.io/library/nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
    ['registry-1.docker.io/nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
    ['bitnami/redis:7.2', 'harbor.example.com/hub/bitnami/redis:7.2'],
    [`nginx@${DIGEST}`, `harbor.example.com/hub/library/nginx@${DIGEST}`],
    [`nginx:1.27@${DIGEST}`, `harbor.example.com/hub/library/nginx:1.27@${DIGEST}`],
  ])('%s -> %s', (image, expected) => {
    const rewritten = rewriteImage(image, hub);
    expect(rewritten).toBe(expected);
    // What is rewritten is a valid reference on the endpoint, and the mirror leaves it alone from then on.
    expect(parseImageReference(rewritten!).domain).toBe('harbor.example.com');
    expect(rewriteImage(rewritten!, hub)).toBeUndefined();
  });

  test('a registry with a port upstream', () => {
    const local = mirror('localhost:5000', 'cache.example.com/local');
    expect(rewriteImage('localhost:5000/team/app:2', local)).toBe('cache.example.com/local/team/app:2');
    expect(rewriteImage('localhost:5001/team/app:2', local)).toBeUndefined();
    expect(rewriteImage('localhost/team/app:2', local)).toBeUndefined();
  });

  test('the upstream host is matched whatever its case', () => {
    expect(rewriteImage('Quay.io/org/app:1', mirror('quay.io', 'harbor.example.com/quay'))).toBe('harbor.example.com/quay/org/app:1');
    expect(rewriteImage('quay.io/org/app:1', mirror('QUAY.IO', 'harbor.example.com/quay'))).toBe('harbor.example.com/quay/org/app:1');
  });

  test.each([
    ['quay.io/org/app:1', 'another upstream'],
    ['registry.k8s.io/pause:3.9', 'another upstream'],
    ['docker.io.evil.example/library/nginx:1', 'a host that merely starts like the upstream'],
    ['harbor.example.com/hub/library/nginx:1.27', 'already on the endpoint'],
    ['Nginx:1.27', 'no valid reference'],
    ['', 'no valid reference'],
  ])('%j is not rewritten: %s', (image) => expect(rewriteImage(image, hub)).toBeUndefined());

  test('idempotent when the endpoint is on the upstream host itself', () => {
    const sameHost = mirror('registry.example.com', 'registry.example.com/cache');
    expect(rewriteImage('registry.example.com/team/app:1', sameHost)).toBe('registry.example.com/cache/team/app:1');
    expect(rewriteImage('registry.example.com/cache/team/app:1', sameHost)).toBeUndefined();
    expect(rewriteImage('registry.example.com/cachet/app:1', sameHost)).toBe('registry.example.com/cache/cachet/app:1');
  });

  test('an endpoint with no path prefix: every image on its host is left alone', () => {
    const plain = mirror('quay.io', 'mirror.example.com:5000');
    expect(rewriteImage('mirror.example.com:5000/org/app:1', plain)).toBeUndefined();
    expect(rewriteImage('quay.io/org/app:1', plain)).toBe('mirror.example.com:5000/org/app:1');
  });
});

describe('rewriteImage: excludes are normalized repository prefixes at a path boundary', () => {
  const hub = mirror('docker.io', 'harbor.example.com/hub', ['docker.io/library/ubuntu', 'docker.io/bitnami']);
  test.each([
    ['ubuntu:24.04', undefined],
    ['docker.io/library/ubuntu:24.04', undefined],
    ['index.docker.io/ubuntu', undefined],
    ['bitnami/redis:7', undefined],
    ['ubuntu-debootstrap:1', 'harbor.example.com/hub/library/ubuntu-debootstrap:1'],
    ['bitnamilabs/redis:7', 'harbor.example.com/hub/bitnamilabs/redis:7'],
    ['nginx:1.27', 'harbor.example.com/hub/library/nginx:1.27'],
  ])('%s -> %s', (image, expected) => expect(rewriteImage(image, hub)).toBe(expected));
});

describe('normalizeUpstream and upstreamOfImage', () => {
  test.each([
    ['docker.io', 'docker.io'], ['index.docker.io', 'docker.io'], ['registry-1.docker.io', 'docker.io'], ['Index.Docker.IO', 'docker.io'],
    ['quay.io', 'quay.io'], ['Quay.IO', 'quay.io'], ['localhost:5000', 'localhost:5000'],
  ])('%s -> %s', (upstream, expected) => expect(normalizeUpstream(upstream)).toBe(expected));

  test.each([
    ['nginx', 'docker.io'], ['quay.io/org/app', 'quay.io'], ['localhost:5000/app', 'localhost:5000'], ['Bad Image', undefined],
  ])('image %s is pulled from %s', (image, expected) => expect(upstreamOfImage(image)).toBe(expected));
});

describe('upstreamProblem: a registry host', () => {
  test.each(['docker.io', 'index.docker.io', 'quay.io', 'registry.example.com:5000', 'localhost', 'localhost:5000', '[::1]:5000'])(
    '%s is an upstream', (upstream) => expect(upstreamProblem(upstream)).toBeUndefined());

  test.each([
    ['', 'is empty'],
    ['https://quay.io', 'has a scheme; write it without "https://", e.g. "quay.io"'],
    ['quay.io/jetstack', 'has a path'],
    ['quay io', 'has a space'],
    ['quay', 'has no "." and no port'],
    ['quay.io:https', 'is not a registry host'],
    ['user@quay.io', 'has a digest or user info'],
  ])('%j: %s', (upstream, problem) => expect(upstreamProblem(upstream)).toContain(problem));
});

describe('mirrorEndpointProblem: host[:port][/path prefix]', () => {
  test.each([
    'harbor.example.com/dockerhub-proxy', 'mirror.example.com:5000', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub',
    'europe-west1-docker.pkg.dev/my-project/dockerhub', 'artifactory.example.com/docker-remote', 'localhost:5000/quay.io', '127.0.0.2/quay.io',
  ])('%s is an endpoint', (endpoint) => expect(mirrorEndpointProblem(endpoint)).toBeUndefined());

  test.each([
    ['', 'is empty'],
    ['harbor.example.com/docker hub', 'has the character " " in its path'],
    ['harbor example.com/hub', 'has a space'],
    ['harbor.example.com/DockerHub', 'has an uppercase path'],
    ['harbor.example.com/hub:1.0', 'has a tag or digest'],
    [`harbor.example.com/hub@${DIGEST}`, 'has a tag or digest'],
    ['https://harbor.example.com/hub', 'has a scheme; write it without "https://", e.g. "harbor.example.com/hub"'],
    ['harbor.example.com/hub/', 'ends with "/"; write "harbor.example.com/hub"'],
    ['harbor.example.com/', 'ends with "/"; write "harbor.example.com"'],
    ['harbor.example.com//hub', 'is no repository path'],
    ['harbor.example.com/-hub', 'is no repository path'],
    ['harbor', 'has no "." and no port'],
    ['harbor.example.com:port/hub', 'is not a registry host'],
    ['index.docker.io/mirror', 'is not normalized; write "docker.io/mirror"'],
  ])('%j: %s', (endpoint, problem) => expect(mirrorEndpointProblem(endpoint)).toContain(problem));
});

describe('mirrorExcludeProblem: normalized repository prefixes under the upstream', () => {
  test.each([['docker.io/library/ubuntu', 'docker.io'], ['docker.io/bitnami', 'docker.io'], ['quay.io/jetstack', 'quay.io']])(
    '%s excludes on %s', (pattern, upstream) => expect(mirrorExcludeProblem(pattern, upstream)).toBeUndefined());

  test.each([
    ['ubuntu', 'docker.io', 'is not normalized; write "docker.io/library/ubuntu"'],
    ['docker.io/library/ubuntu:24.04', 'docker.io', 'has a tag or digest'],
    ['docker.io/library/*', 'docker.io', 'has a wildcard'],
    ['quay.io/jetstack', 'docker.io', 'is not under the upstream "docker.io"'],
  ])('%s on %s: %s', (pattern, upstream, problem) => expect(mirrorExcludeProblem(pattern, upstream)).toContain(problem));
});
