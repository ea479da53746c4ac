import { Chart, Testing } from 'cdk8s';
import { RegistrySecret, ServiceAccountPullSecrets } from '../src';
import { WORKLOAD_PASSWORD } from './support/charts';
import { creds } from './support/credentials';

describe('ServiceAccountPullSecrets', () => {
  test('attaches registry secrets to the default service account', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'sa', { namespace: 'team-a' });
    const quay = new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    const ghcr = RegistrySecret.fromSecretName(chart, 'ghcr', 'ghcr-pull', { servers: ['ghcr.io'] });
    new ServiceAccountPullSecrets(chart, 'default-sa', { secrets: [quay, ghcr, quay] });
    const sa = Testing.synth(chart).find((o) => o.kind === 'ServiceAccount');
    expect(sa).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: 'team-a' },
      imagePullSecrets: [{ name: 'quay-pull' }, { name: 'ghcr-pull' }],
    });
  });

  test('a named service account; secrets from another namespace are refused', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'sa', { namespace: 'team-a' });
    const other = new RegistrySecret(chart, 'quay', { name: 'quay-pull', namespace: 'team-b', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    expect(() => new ServiceAccountPullSecrets(chart, 'builder', { serviceAccountName: 'builder', secrets: [other] }))
      .toThrow('[sa/builder] pull secret "quay-pull" is in namespace "team-b" but the service account is in "team-a"');
    expect(() => new ServiceAccountPullSecrets(chart, 'none', { secrets: [] })).toThrow('no secrets to attach');
  });
});
