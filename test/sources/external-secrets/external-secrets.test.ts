import { Duration, Testing } from 'cdk8s';
import {
  AcrAuth, AcrEnvironment, EcrAuth, ExternalSecretStore, GcrAuth, PrivateImageWorkload, RegistryCredentials, RegistrySecret, RegistryServer,
  SealingCertificate, WorkloadKind,
} from '../../../src';
import { encodeDockerConfigJson } from '../../../src/rules/dockerconfigjson';
import { emptyChart, pullSecretsOf } from '../../support/charts';
import { crdSchemaErrors, hasCrd } from '../../support/crd-schema';
import { executeGoTemplate } from '../../support/go-template';
import { makeSealingKeyPair } from '../../support/sealing-keys';

const ECR = RegistryServer.ecr('123456789012', 'eu-west-1');
const vault = () => RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.cluster('vault'), remoteKey: 'registry/quay' });

/** Synthesizes one RegistrySecret made from `credentials` (plus `props`) in chart "chart", namespace "apps". */
function synthSecret(credentials: RegistryCredentials, props: { name?: string; server?: string; [key: string]: unknown } = {}): any[] {
  const { chart } = emptyChart('apps');
  new RegistrySecret(chart, 'pull', { name: 'pull', ...props, credentials });
  return Testing.synth(chart);
}

function only(manifests: any[], kind: string): any {
  const found = manifests.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Every ESO object in `manifests` matches its CRD's schema. */
function expectValidEsoObjects(manifests: any[]): void {
  const eso = manifests.filter((o) => hasCrd(o));
  expect(eso.length).toBeGreaterThan(0);
  for (const object of eso) expect([object.kind, crdSchemaErrors(object)]).toEqual([object.kind, []]);
}

/** What the operator writes into the Secret for `values`: the template of the ExternalSecret, executed. */
function renderedPayload(externalSecret: any, values: Record<string, string>): string {
  return executeGoTemplate(externalSecret.spec.target.template.data['.dockerconfigjson'], values).toString('utf8');
}

test('the schema check itself: it refuses a wrong field type, an unknown enum value and an unserved version', () => {
  expect(crdSchemaErrors({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', spec: { refreshInterval: 5 } } as any).join()).toMatch(/refreshInterval must be string/);
  expect(crdSchemaErrors({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', spec: { secretStoreRef: { kind: 'Vault', name: 'v' } } } as any).join())
    .toMatch(/must be equal to one of the allowed values/);
  expect(crdSchemaErrors({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ECRAuthorizationToken', spec: {} } as any).join())
    .toMatch(/must have required property 'region'/);
  expect(crdSchemaErrors({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret' })).toEqual(['no served CRD version for external-secrets.io/v1beta1 ExternalSecret']);
});

describe('RegistryCredentials.fromExternalSecret', () => {
  test('an ExternalSecret whose target is the secret, rendering kubectl\'s payload; no Secret', () => {
    const manifests = synthSecret(vault(), { server: 'quay.io' });
    expect(manifests.map((o) => o.kind)).toEqual(['ExternalSecret']);
    const es = only(manifests, 'ExternalSecret');
    expect(es.metadata).toEqual({ name: 'pull', namespace: 'apps' });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(es.spec.refreshInterval).toBe('1h0m0s');
    expect(es.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: 'registry/quay', property: 'username' } },
      { secretKey: 'password', remoteRef: { key: 'registry/quay', property: 'password' } },
    ]);
    expect(es.spec.target.name).toBe('pull');
    expect(es.spec.target.template.type).toBe('kubernetes.io/dockerconfigjson');
    expect(es.spec.target.template.engineVersion).toBe('v2');
    expect(renderedPayload(es, { username: 'robot', password: 'p<&>"\\\u2028ü' }))
      .toBe(encodeDockerConfigJson({ 'quay.io': { username: 'robot', password: 'p<&>"\\\u2028ü' } }));
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('namespaced store, own properties, e-mail, refresh interval; labels, annotations and immutable go to the Secret', () => {
    const manifests = synthSecret(RegistryCredentials.fromExternalSecret({
      store: ExternalSecretStore.namespaced('aws-sm'),
      remoteKey: 'prod/ghcr',
      usernameProperty: 'user',
      passwordProperty: 'token',
      emailProperty: 'mail',
      refreshInterval: Duration.minutes(15),
    }), { server: 'ghcr.io', labels: { team: 'a' }, annotations: { note: 'x' }, immutable: true });
    const es = only(manifests, 'ExternalSecret');
    expect(es.metadata).toEqual({ name: 'pull', namespace: 'apps' });
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'aws-sm' });
    expect(es.spec.refreshInterval).toBe('15m0s');
    expect(es.spec.data.map((d: any) => [d.secretKey, d.remoteRef.property])).toEqual([['username', 'user'], ['password', 'token'], ['email', 'mail']]);
    expect(es.spec.target.immutable).toBe(true);
    expect(es.spec.target.template.metadata).toEqual({ labels: { team: 'a' }, annotations: { note: 'x' } });
    expect(renderedPayload(es, { username: 'u', password: 'p', email: 'u@x' }))
      .toBe(encodeDockerConfigJson({ 'ghcr.io': { username: 'u', password: 'p', email: 'u@x' } }));
    expect(renderedPayload(es, { username: 'u', password: 'p', email: '' }))
      .toBe(encodeDockerConfigJson({ 'ghcr.io': { username: 'u', password: 'p' } }));
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('no server: Docker Hub, as kubectl', () => {
    const es = only(synthSecret(vault()), 'ExternalSecret');
    expect(renderedPayload(es, { username: 'u', password: 'p' })).toBe(encodeDockerConfigJson({ 'https://index.docker.io/v1/': { username: 'u', password: 'p' } }));
  });

  test('no name: the target follows the name cdk8s generates for the ExternalSecret, and so does RegistrySecret.name', () => {
    const { chart } = emptyChart('apps');
    const secret = new RegistrySecret(chart, 'pull', { server: 'quay.io', credentials: vault() });
    const es = only(Testing.synth(chart), 'ExternalSecret');
    expect(es.metadata.name).toMatch(/^chart-pull-[0-9a-f]{8}$/);
    expect(es.spec.target.name).toBe(es.metadata.name);
    expect(secret.name).toBe(es.metadata.name);
  });

  test('Duration.seconds(0) reads the store once', () => {
    const es = only(synthSecret(RegistryCredentials.fromExternalSecret({
      store: ExternalSecretStore.cluster('vault'), remoteKey: 'k', refreshInterval: Duration.seconds(0),
    })), 'ExternalSecret');
    expect(es.spec.refreshInterval).toBe('0s');
  });

  test('workloads are wired exactly as for a plain secret', () => {
    const { chart } = emptyChart('apps');
    new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: vault() });
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'quay.io/org/web:1' });
    new PrivateImageWorkload(chart, 'job', { name: 'job', kind: WorkloadKind.JOB, image: 'quay.io/org/job:1' });
    const manifests = Testing.synth(chart);
    expect(pullSecretsOf(manifests, 'Deployment')).toEqual(['quay-pull']);
    expect(pullSecretsOf(manifests, 'Job')).toEqual(['quay-pull']);
  });

  test('input errors name the construct and the fix', () => {
    const store = ExternalSecretStore.cluster('vault');
    expect(() => synthSecret(RegistryCredentials.fromExternalSecret({ store, remoteKey: '' }))).toThrow(/\[chart\/pull\] `remoteKey` is empty\. Fix:/);
    expect(() => synthSecret(RegistryCredentials.fromExternalSecret({ store, remoteKey: 'k', passwordProperty: '' }))).toThrow(/`passwordProperty` is empty/);
    expect(() => synthSecret(RegistryCredentials.fromExternalSecret({ store, remoteKey: 42 as any }))).toThrow(/remoteKey must be a plain string/);
    expect(() => synthSecret(RegistryCredentials.fromExternalSecret({ store: { kind: 'SecretStore', name: 'x' } as any, remoteKey: 'k' })))
      .toThrow(/`store` is not an ExternalSecretStore/);
    expect(() => synthSecret(RegistryCredentials.fromExternalSecret({ store, remoteKey: 'k', refreshInterval: Duration.millis(0.5) })))
      .toThrow(/whole number of milliseconds/);
    expect(() => ExternalSecretStore.cluster('Vault_Store')).toThrow(/^ExternalSecretStore\.cluster\(\): the store name must be a DNS-1123 subdomain/);
  });

  test('appendHash is refused: the content is fetched in the cluster, never known at synth', () => {
    expect(() => synthSecret(vault(), { appendHash: true }))
      .toThrow(/appendHash cannot follow the content of a secret that External Secrets Operator fetches.*Fix: remove appendHash/);
  });

  test('a server holding "{{" is refused', () => {
    expect(() => synthSecret(vault(), { server: 'registry.example.com/{{team}}' })).toThrow(/template language/);
  });

  test('the credentials have no payload at synth, so there is nothing to seal', () => {
    const sealedVault = RegistryCredentials.sealed(vault(), { certificate: SealingCertificate.fromPem(makeSealingKeyPair().certificatePem) });
    expect(() => synthSecret(sealedVault)).toThrow(/produced in the cluster, so there is no payload to seal at synth.*Fix: use them directly/);
  });
});

describe('RegistryCredentials.fromEcrAuthorizationToken', () => {
  test('the generator beside the ExternalSecret that reads it; the declared server is the auths key', () => {
    const manifests = synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' }), { name: 'ecr-pull', server: ECR });
    expect(manifests.map((o) => o.kind)).toEqual(['ECRAuthorizationToken', 'ExternalSecret']);
    const generator = only(manifests, 'ECRAuthorizationToken');
    expect(generator).toEqual({
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'ECRAuthorizationToken',
      metadata: { name: 'ecr-pull', namespace: 'apps' },
      spec: { region: 'eu-west-1' },
    });
    const es = only(manifests, 'ExternalSecret');
    expect(es.spec.secretStoreRef).toBeUndefined();
    expect(es.spec.dataFrom).toEqual([{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ECRAuthorizationToken', name: 'ecr-pull' } } }]);
    expect(es.spec.refreshInterval).toBe('1h0m0s');
    // The generator's outputs: username AWS, the token as password (proxy_endpoint and expires_at are not used).
    expect(renderedPayload(es, { username: 'AWS', password: 'eyJ0b2tlbiI6IngifQ==', proxy_endpoint: `https://${ECR}`, expires_at: '1' }))
      .toBe(encodeDockerConfigJson({ [ECR]: { username: 'AWS', password: 'eyJ0b2tlbiI6IngifQ==' } }));
    expectValidEsoObjects(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('IRSA service account and a role; access keys in a Secret; a generated name is shared by the reference', () => {
    const irsa = synthSecret(RegistryCredentials.fromEcrAuthorizationToken({
      region: 'eu-west-1', role: 'arn:aws:iam::123456789012:role/ecr-pull', auth: EcrAuth.serviceAccount('ecr-reader'), refreshInterval: Duration.hours(6),
    }), { server: ECR });
    expect(only(irsa, 'ECRAuthorizationToken').spec).toEqual({
      region: 'eu-west-1', role: 'arn:aws:iam::123456789012:role/ecr-pull', auth: { jwt: { serviceAccountRef: { name: 'ecr-reader' } } },
    });
    expect(only(irsa, 'ExternalSecret').spec.refreshInterval).toBe('6h0m0s');
    expectValidEsoObjects(irsa);

    const { chart } = emptyChart('apps');
    new RegistrySecret(chart, 'pull', {
      server: ECR,
      credentials: RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1', auth: EcrAuth.accessKeys('aws-keys', { sessionTokenKey: 'session-token' }) }),
    });
    const keys = Testing.synth(chart);
    const generator = only(keys, 'ECRAuthorizationToken');
    expect(generator.spec.auth).toEqual({
      secretRef: {
        accessKeyIDSecretRef: { name: 'aws-keys', key: 'access-key-id' },
        secretAccessKeySecretRef: { name: 'aws-keys', key: 'secret-access-key' },
        sessionTokenSecretRef: { name: 'aws-keys', key: 'session-token' },
      },
    });
    expect(only(keys, 'ExternalSecret').spec.dataFrom[0].sourceRef.generatorRef.name).toBe(generator.metadata.name);
    expectValidEsoObjects(keys);
    expect([...irsa, ...keys]).toMatchSnapshot();
  });

  test('ECR Public: the generator asks the public token API', () => {
    const manifests = synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'us-east-1' }), { server: 'public.ecr.aws' });
    expect(only(manifests, 'ECRAuthorizationToken').spec).toEqual({ region: 'us-east-1', scope: 'public' });
    expectValidEsoObjects(manifests);
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' }), { server: 'public.ecr.aws' }))
      .toThrow(/ECR Public tokens are issued in us-east-1 only/);
  });

  test('a refresh interval as long as the 12-hour token, or longer, is an error', () => {
    const ecr = (refreshInterval: Duration) => RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1', refreshInterval });
    expect(() => synthSecret(ecr(Duration.hours(11)), { server: ECR })).not.toThrow();
    expect(() => synthSecret(ecr(Duration.hours(12)), { server: ECR }))
      .toThrow(/\[chart\/pull\] refreshInterval 12h0m0s is not shorter than the 12h0m0s lifetime of an ECR authorization token.*Fix: leave `refreshInterval` out \(default 1h0m0s\)/);
    expect(() => synthSecret(ecr(Duration.days(1)), { server: ECR })).toThrow(/24h0m0s is not shorter/);
    expect(() => synthSecret(ecr(Duration.seconds(0)), { server: ECR })).toThrow(/fetches an ECR authorization token once/);
  });

  test('the server must be declared, and an ECR server must be in the token\'s region', () => {
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' })))
      .toThrow(/the ECRAuthorizationToken generator needs the registry server.*Fix: set `server`/);
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'us-east-1' }), { server: ECR }))
      .toThrow(/is in region eu-west-1, but the token is asked for in us-east-1.*Fix: set region: "eu-west-1"/);
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: '' }), { server: ECR })).toThrow(/`region` is empty/);
  });

  test('immutable is refused: the token must be renewed', () => {
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' }), { server: ECR, immutable: true }))
      .toThrow(/an immutable secret cannot take the renewed token/);
  });

  test('appendHash is refused before anything is emitted', () => {
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' }), { server: ECR, appendHash: true }))
      .toThrow(/appendHash cannot follow/);
  });

  test('factory inputs are checked where they are written', () => {
    expect(() => EcrAuth.serviceAccount('Bad Name')).toThrow(/^EcrAuth\.serviceAccount\(\): service account name "Bad Name" must be a DNS-1123 subdomain/);
    expect(() => EcrAuth.accessKeys('keys', { accessKeyIdKey: 'a/b' })).toThrow(/secret key "a\/b" is not a Secret data key/);
    expect(() => synthSecret(RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1', auth: {} as any }), { server: ECR }))
      .toThrow(/`auth` was not made by EcrAuth/);
  });
});

describe('RegistryCredentials.fromGcrAccessToken', () => {
  test('a GCRAccessToken generator: service account key or workload identity; refreshed every 30 minutes', () => {
    const key = synthSecret(RegistryCredentials.fromGcrAccessToken({ projectId: 'my-project', auth: GcrAuth.serviceAccountKey('gcp-sa') }),
      { name: 'gar-pull', server: RegistryServer.artifactRegistry('europe-west1') });
    expect(only(key, 'GCRAccessToken').spec).toEqual({ projectID: 'my-project', auth: { secretRef: { secretAccessKeySecretRef: { name: 'gcp-sa', key: 'secret-access-credentials' } } } });
    const es = only(key, 'ExternalSecret');
    expect(es.spec.refreshInterval).toBe('30m0s');
    expect(es.spec.dataFrom[0].sourceRef.generatorRef).toEqual({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'GCRAccessToken', name: 'gar-pull' });
    expect(renderedPayload(es, { username: 'oauth2accesstoken', password: 'ya29.token', expiry: '1' }))
      .toBe(encodeDockerConfigJson({ 'europe-west1-docker.pkg.dev': { username: 'oauth2accesstoken', password: 'ya29.token' } }));

    const wi = synthSecret(RegistryCredentials.fromGcrAccessToken({
      projectId: 'my-project',
      auth: GcrAuth.workloadIdentity({ serviceAccount: 'gar-reader', clusterLocation: 'europe-west1', clusterName: 'prod', clusterProjectId: 'infra' }),
    }), { name: 'gcr-pull', server: 'gcr.io' });
    expect(only(wi, 'GCRAccessToken').spec.auth).toEqual({
      workloadIdentity: { serviceAccountRef: { name: 'gar-reader' }, clusterLocation: 'europe-west1', clusterName: 'prod', clusterProjectID: 'infra' },
    });
    expectValidEsoObjects([...key, ...wi]);
    expect([...key, ...wi]).toMatchSnapshot();
  });

  test('a refresh interval of an hour or more is an error', () => {
    const gcr = RegistryCredentials.fromGcrAccessToken({ projectId: 'p', auth: GcrAuth.serviceAccountKey('k'), refreshInterval: Duration.hours(1) });
    expect(() => synthSecret(gcr, { server: 'gcr.io' })).toThrow(/refreshInterval 1h0m0s is not shorter than the 1h0m0s lifetime of a Google access token/);
  });
});

describe('RegistryCredentials.fromAcrAccessToken', () => {
  test('an ACRAccessToken generator; the registry defaults to the server\'s host', () => {
    const sp = synthSecret(RegistryCredentials.fromAcrAccessToken({
      tenantId: '11111111-2222-3333-4444-555555555555', auth: AcrAuth.servicePrincipal('azure-sp'), environmentType: AcrEnvironment.CHINA_CLOUD,
    }), { name: 'acr-pull', server: `https://${RegistryServer.azure('myregistry')}` });
    expect(only(sp, 'ACRAccessToken').spec).toEqual({
      registry: 'myregistry.azurecr.io',
      tenantId: '11111111-2222-3333-4444-555555555555',
      environmentType: 'ChinaCloud',
      auth: { servicePrincipal: { secretRef: { clientId: { name: 'azure-sp', key: 'client-id' }, clientSecret: { name: 'azure-sp', key: 'client-secret' } } } },
    });
    const es = only(sp, 'ExternalSecret');
    expect(es.spec.refreshInterval).toBe('1h0m0s');
    expect(renderedPayload(es, { username: '00000000-0000-0000-0000-000000000000', password: 'refresh-token' }))
      .toBe(encodeDockerConfigJson({ 'https://myregistry.azurecr.io': { username: '00000000-0000-0000-0000-000000000000', password: 'refresh-token' } }));

    const mi = synthSecret(RegistryCredentials.fromAcrAccessToken({ tenantId: 't', auth: AcrAuth.managedIdentity('id-1'), registry: 'other.azurecr.io' }),
      { name: 'acr-mi', server: 'myregistry.azurecr.io' });
    expect(only(mi, 'ACRAccessToken').spec).toEqual({ registry: 'other.azurecr.io', tenantId: 't', auth: { managedIdentity: { identityId: 'id-1' } } });
    const wi = synthSecret(RegistryCredentials.fromAcrAccessToken({ tenantId: 't', auth: AcrAuth.workloadIdentity('acr-reader') }),
      { name: 'acr-wi', server: 'myregistry.azurecr.io' });
    expect(only(wi, 'ACRAccessToken').spec.auth).toEqual({ workloadIdentity: { serviceAccountRef: { name: 'acr-reader' } } });
    expectValidEsoObjects([...sp, ...mi, ...wi]);
    expect([...sp, ...mi, ...wi]).toMatchSnapshot();
  });

  test('a refresh interval of 3 hours or more is an error; tenantId is required', () => {
    const acr = (props: any) => RegistryCredentials.fromAcrAccessToken({ tenantId: 't', auth: AcrAuth.managedIdentity(), ...props });
    expect(() => synthSecret(acr({ refreshInterval: Duration.hours(3) }), { server: 'r.azurecr.io' })).toThrow(/3h0m0s lifetime of an ACR refresh token/);
    expect(() => synthSecret(acr({ tenantId: '' }), { server: 'r.azurecr.io' })).toThrow(/`tenantId` is empty/);
    expect(() => synthSecret(acr({ environmentType: 'Mars' }), { server: 'r.azurecr.io' })).toThrow(/`environmentType` is not an AcrEnvironment/);
  });
});
