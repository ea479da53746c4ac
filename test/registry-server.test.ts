import { RegistryServer } from '../src';

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
    [() => RegistryServer.artifactRegistry('Europe West'), 'not an Artifact Registry location'],
    [() => RegistryServer.azure('ab'), '5 to 50 letters or digits'],
    [() => RegistryServer.custom('bad host'), 'contains whitespace'],
    [() => RegistryServer.custom('host', 0), 'the port must be a whole number from 1 to 65535'],
  ])('bad preset input %#', (make, message) => {
    expect(make).toThrow(message);
  });
});
