import { ACR_TOKEN, ECR_TOKEN, GCR_TOKEN, goDuration, refreshIntervalProblem } from '../../../src/sources/external-secrets/token-lifetimes';

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
