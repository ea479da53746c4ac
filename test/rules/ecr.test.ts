import { ecrRegistry, registryHost } from '../../src/rules/ecr';

describe('ecrRegistry', () => {
  test.each([
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['https://123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/v2/', 'us-gov-west-1'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'cn-north-1'],
    ['123456789012.dkr.ecr-fips.us-east-1.amazonaws.com', 'us-east-1'],
    ['123456789012.dkr-ecr.eu-west-1.amazonaws.com:443', 'eu-west-1'],
    ['*.dkr.ecr.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['*.dkr.ecr.*.amazonaws.com', '*'],
    ['123456789012.DKR.ECR.eu-west-1.amazonaws.com', 'eu-west-1'],
  ])('%s is ECR in %s', (server, region) => {
    expect(ecrRegistry(server)).toEqual({ region });
  });

  test.each([
    'quay.io', 'public.ecr.aws', 'ecr.eu-west-1.amazonaws.com', '12345.dkr.ecr.eu-west-1.amazonaws.com', 'dkr.ecr.eu-west-1.amazonaws.com.example.com',
  ])('%s is not an ECR private registry', (server) => {
    expect(ecrRegistry(server)).toBeUndefined();
  });
});

test.each([
  ['myreg.azurecr.io', 'myreg.azurecr.io'],
  ['https://myreg.azurecr.io/v2/', 'myreg.azurecr.io'],
  ['registry.example.com:5000/team', 'registry.example.com'],
  ['[::1]:5000', '[::1]'],
])('registryHost(%s) is %s', (server, host) => {
  expect(registryHost(server)).toBe(host);
});
