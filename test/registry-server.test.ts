import { RegistryServer } from '../src';
import { registryServerProblem } from '../src/rules/registry-server';

describe('RegistryServer presets', () => {
  test.each([
    ['Docker Hub', RegistryServer.DOCKER_HUB, 'https://index.docker.io/v1/'],
    ['Quay.io', RegistryServer.QUAY, 'quay.io'],
    ['GHCR', RegistryServer.GHCR, 'ghcr.io'],
    ['ECR', RegistryServer.ecr('123456789012', 'eu-west-1'), '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
    ['ECR gov region', RegistryServer.ecr('123456789012', 'us-gov-west-1'), '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com'],
    ['Artifact Registry region', RegistryServer.artifactRegistry('europe-west1'), 'europe-west1-docker.pkg.dev'],
    ['Artifact Registry multi-region', RegistryServer.artifactRegistry('us'), 'us-docker.pkg.dev'],
    ['Azure', RegistryServer.azure('MyRegistry'), 'myregistry.azurecr.io'],
    ['custom host', RegistryServer.custom('registry.example.com'), 'registry.example.com'],
    ['custom host and port', RegistryServer.custom('10.0.0.5', 5000), '10.0.0.5:5000'],
  ])('%s', (_t, actual, expected) => {
    expect(actual).toBe(expected);
  });

  test.each([
    [() => RegistryServer.ecr('1234', 'eu-west-1'), 'must be 12 digits'],
    [() => RegistryServer.ecr('123456789012', 'europe'), 'not an AWS region'],
    [() => RegistryServer.artifactRegistry('Europe West'), 'not a location'],
    [() => RegistryServer.azure('ab'), '5 to 50 letters or digits'],
    [() => RegistryServer.custom('bad host'), 'contains whitespace'],
    [() => RegistryServer.custom('host', 0), 'port "0"'],
  ])('bad preset input %#', (make, message) => {
    expect(make).toThrow(message);
  });
});

describe('registryServerProblem', () => {
  test.each([
    'quay.io', 'registry.example.com:5000', 'https://index.docker.io/v1/', 'http://localhost:5000',
    'registry.example.com/team/app', '10.0.0.1', '[::1]:5000', '*.example.com', 'index.docker.io/v1/', 'localhost',
  ])('%s is accepted', (server) => {
    expect(registryServerProblem(server)).toBeUndefined();
  });

  test.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['a b', 'contains whitespace'],
    ['ssh://quay.io', 'scheme "ssh"'],
    ['HTTPS://quay.io', 'only lowercase http://'],
    ['quay.io?x=1', 'query, fragment or user name'],
    ['quay.io#f', 'query, fragment or user name'],
    ['u:p@quay.io', 'query, fragment or user name'],
    ['https:///path', 'has no host'],
    ['quay.io:', 'port ""'],
    ['quay.io:http', 'port "http"'],
    ['-quay.io', 'invalid label "-quay"'],
    ['quay..io', 'invalid label ""'],
    ['[::1', 'malformed IPv6 host'],
  ])('%j: %s', (server, message) => {
    expect(registryServerProblem(server)).toContain(message);
  });
});
