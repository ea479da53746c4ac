import { ACR_TOKEN, ECR_TOKEN, ecrRegistry, GCR_TOKEN, goDuration, refreshIntervalProblem, registryHost } from '../../src/rules/eso-generators';

describe('goDuration: Go time.Duration.String()', () => {
  test.each([
    [0, '0s'],
    [1, '1ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1050, '1.05s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [90_500, '1m30.5s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [43_200_000, '12h0m0s'],
    [86_400_000, '24h0m0s'],
    [3_600_001, '1h0m0.001s'],
  ])('%d ms is %s', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });

  test('only whole, non-negative milliseconds', () => {
    expect(() => goDuration(0.5)).toThrow();
    expect(() => goDuration(-1)).toThrow();
  });
});

describe('token lifetimes and refresh intervals', () => {
  test.each([
    ['ECR', ECR_TOKEN, 43_200_000, 3_600_000],
    ['GCR', GCR_TOKEN, 3_600_000, 1_800_000],
    ['ACR', ACR_TOKEN, 10_800_000, 3_600_000],
  ])('%s: default refresh well inside the lifetime', (_name, token, lifetime, refresh) => {
    expect(token.lifetimeMs).toBe(lifetime);
    expect(token.defaultRefreshMs).toBe(refresh);
    expect(refreshIntervalProblem(token, token.defaultRefreshMs)).toBeUndefined();
    expect(token.defaultRefreshMs * 2).toBeLessThanOrEqual(token.lifetimeMs);
  });

  test('a refresh as long as the lifetime, or longer, or never, is a problem', () => {
    expect(refreshIntervalProblem(ECR_TOKEN, 11 * 3_600_000)).toBeUndefined();
    expect(refreshIntervalProblem(ECR_TOKEN, 12 * 3_600_000)).toBe(
      'refreshInterval 12h0m0s is not shorter than the 12h0m0s lifetime of an ECR authorization token: the pull secret would expire before the operator renews it');
    expect(refreshIntervalProblem(GCR_TOKEN, 2 * 3_600_000)).toMatch(/not shorter than the 1h0m0s lifetime of a Google access token/);
    expect(refreshIntervalProblem(ACR_TOKEN, 0)).toBe('refreshInterval 0s fetches an ACR refresh token once, and it expires after 3h0m0s');
  });
});

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
