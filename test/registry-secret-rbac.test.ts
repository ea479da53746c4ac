/**
 * RBAC on a RegistrySecret means the pull Secret the kubelet reads, whatever
 * object this app emits for it; the SealedSecret or ExternalSecret it comes
 * from is a handle of its own (`producer`).
 */
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ExternalSecretStore, RegistryCredentials, RegistrySecret, SealingCertificate } from '../src';
import { SEALED_PASSWORD } from './support/sealed';
import { makeSealingKeyPair, tempDir } from './support/sealing-keys';

const { dir, remove } = tempDir('rbac-');
afterAll(() => remove());

const plain = () => RegistryCredentials.fromUsernamePassword('robot', SEALED_PASSWORD);
const external = () => RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.cluster('vault'), remoteKey: 'registry/quay' });
const sealed = () => RegistryCredentials.sealed(plain(), {
  certificate: SealingCertificate.fromPem(makeSealingKeyPair().certificatePem), stateFile: `${dir}/state.json`,
});

/** The rules of a Role granting `grant` on the secret made from `credentials`, and the secret. */
function rulesFor(
  credentials: RegistryCredentials, grant: (role: kplus.Role, secret: RegistrySecret) => void,
): { rules: unknown[]; secret: RegistrySecret } {
  const chart = new Chart(Testing.app(), 'chart', { namespace: 'apps' });
  const secret = new RegistrySecret(chart, 'quay', { name: 'quay-pull', server: 'quay.io', credentials });
  const role = new kplus.Role(chart, 'reader');
  grant(role, secret);
  const manifest = Testing.synth(chart).find((object) => object.kind === 'Role');
  return { rules: manifest.rules, secret };
}

const SECRET_READ = [{ apiGroups: [''], resourceNames: ['quay-pull'], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }];

describe.each([
  ['a plain Secret', plain],
  ['a SealedSecret', sealed],
  ['an ExternalSecret', external],
])('a RegistrySecret emitted as %s', (_what, credentials) => {
  test('Role.allowRead grants reading the pull Secret: core group, secrets, its name', () => {
    expect(rulesFor(credentials(), (role, secret) => role.allowRead(secret)).rules).toEqual(SECRET_READ);
  });

  test('Role.allowReadWrite grants the same resource with write verbs', () => {
    const { rules } = rulesFor(credentials(), (role, secret) => role.allowReadWrite(secret));
    expect(rules).toEqual([{ ...SECRET_READ[0], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] }]);
  });

  test('the secret reads as a core v1 Secret', () => {
    const { secret } = rulesFor(credentials(), () => undefined);
    expect([secret.apiGroup, secret.apiVersion, secret.kind, secret.resourceType, secret.resourceName]).toEqual(['', 'v1', 'Secret', 'secrets', 'quay-pull']);
  });
});

test.each([
  ['a SealedSecret', sealed, { apiGroups: ['bitnami.com'], resources: ['sealedsecrets'] }],
  ['an ExternalSecret', external, { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'] }],
])('the producer handle of %s grants on that object', (_what, credentials, expected) => {
  const { rules } = rulesFor(credentials(), (role, secret) => role.allowRead(secret.producer!));
  expect(rules).toEqual([{ ...expected, resourceNames: ['quay-pull'], verbs: ['get', 'list', 'watch'] }]);
});

test('a plain Secret has no producer', () => {
  expect(rulesFor(plain(), () => undefined).secret.producer).toBeUndefined();
});
