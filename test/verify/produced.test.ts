/**
 * Pull secrets made in the cluster: by an ExternalSecret (External Secrets
 * Operator) or a SealedSecret (Bitnami Sealed Secrets) of the manifests.
 * Offline they are "produced-in-cluster", naming what makes them; when the
 * ExternalSecret's template shows the registry, the kubelet's rules decide
 * whether it applies to the image.
 */
import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import {
  ExternalSecretStore, PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, RegistryCredentials, RegistrySecret, RegistryServer,
  SealingCertificate,
} from '../../src';
import { loadManifests, parseManifests } from '../../src/manifests/manifests';
import { Finding } from '../../src/verify/findings';
import { checkOffline } from '../../src/verify/offline';
import { crdSchemaErrors, hasCrd } from '../support/crd-schema';
import { FIXTURE_PASSWORD, fixture } from '../support/fixtures';
import { makeSealingKeyPair, tempDir } from '../support/sealing-keys';

const check = (file: string): Finding[] => checkOffline(loadManifests([fixture(file)])).findings;
const run = (...docs: string[]): Finding[] => checkOffline(parseManifests(docs.join('\n---\n'), 'inline.yaml')).findings;
const rows = (findings: readonly Finding[]) => findings.map((f) => [f.status, f.severity, `${f.namespace}/${f.kind}/${f.name}`, f.container ?? '-', f.secrets ?? f.secret ?? '-']);

const FIXTURE_FILES = ['external-secret.yaml', 'external-secret-near-miss.yaml', 'external-secret-generator.yaml', 'sealed-secret.yaml',
  'sealed-secret-wrong-type.yaml', 'produced-rancher.yaml'];

/** A pod in namespace `shop` running `image` with pull secrets `secrets`. */
const pod = (image: string, ...secrets: string[]) => `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: shop }
spec:
  imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]
  containers: [{ name: c, image: "${image}" }]`;

/** An ExternalSecret `name` in `shop` writing `target` (spec.target) from ClusterSecretStore "vault". */
const externalSecret = (name: string, target: Record<string, unknown>, apiVersion = 'external-secrets.io/v1') => `
apiVersion: ${apiVersion}
kind: ExternalSecret
metadata: { name: ${name}, namespace: shop }
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: vault }
  data: [{ secretKey: username, remoteRef: { key: registry, property: username } }]
  target: ${JSON.stringify(target)}`;

const dockerTemplate = (server: string) => ({
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': `{"auths":{${JSON.stringify(server)}:{"username":{{ .username | toJson }},"password":{{ .password | toJson }}}}}` },
});

/** A SealedSecret `name` in `shop`. */
const sealedSecret = (name: string, spec: Record<string, unknown>) => `
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: { name: ${name}, namespace: shop }
spec: ${JSON.stringify(spec)}`;
const SEALED = 'AgBqZmFrZS1zZWFsZWQtdmFsdWU=';

describe('fixtures', () => {
  test.each<[string, unknown[][]]>([
    ['external-secret.yaml', [['produced-in-cluster', 'info', 'shop/Deployment/web', 'app', ['quay-pull']]]],
    ['external-secret-generator.yaml', [['produced-in-cluster', 'info', 'batch/Job/import', 'import', ['ecr-pull']]]],
    ['external-secret-near-miss.yaml', [['no-matching-credential', 'problem', 'shop/Deployment/web', 'app', ['quay-pull']]]],
    ['sealed-secret.yaml', [['produced-in-cluster', 'info', 'shop/Pod/worker', 'worker', ['ghcr-pull']]]],
    ['sealed-secret-wrong-type.yaml', [
      ['secret-wrong-type', 'problem', 'shop/Pod/worker', '-', 'ghcr-pull'],
      ['no-credential', 'info', 'shop/Pod/worker', 'worker', '-'],
    ]],
    ['produced-rancher.yaml', [
      ['produced-in-cluster', 'info', 'team-a/Pod/in-project', 'quay', ['project-quay', 'project-ghcr']],
      ['produced-in-cluster', 'info', 'team-a/Pod/in-project', 'ghcr', ['project-ghcr']],
    ]],
  ])('%s', (file, expected) => {
    expect(rows(check(file))).toEqual(expected);
  });

  test('messages name the producer, its store or generator, and the key that applies', () => {
    expect(check('external-secret.yaml')[0].message).toBe('the credential is made in the cluster, not in these manifests: '
      + 'secret "quay-pull" by ExternalSecret "quay-pull" (ClusterSecretStore "vault"), for "quay.io"');
    expect(check('external-secret-generator.yaml')[0].message).toBe('the credential is made in the cluster, not in these manifests: '
      + 'secret "ecr-pull" by ExternalSecret "ecr-pull" (generator ECRAuthorizationToken "ecr-token"), for registries the manifests do not show');
    expect(check('sealed-secret.yaml')[0].message).toContain('secret "ghcr-pull" by SealedSecret "ghcr-pull", for registries the manifests do not show');
    expect(check('external-secret-near-miss.yaml')[0].message).toBe('secret "quay-pull" (made in the cluster by ExternalSecret "quay-pull" (SecretStore "aws-sm")) '
      + 'has a credential for "quay.io/other-team", but the kubelet does not apply it to quay.io/shop/web: '
      + 'the key\'s path "/other-team" is not a prefix of the image path "/shop/web"');
    expect(check('sealed-secret-wrong-type.yaml')[0].message).toBe('pull secret "ghcr-pull" is made in the cluster by SealedSecret "ghcr-pull" '
      + 'without a type (so of type "Opaque"), but the kubelet reads pull credentials only from "kubernetes.io/dockerconfigjson" '
      + '(or legacy "kubernetes.io/dockercfg"); set spec.template.type');
    expect(check('produced-rancher.yaml')[1].message).toContain(
      'secret "project-ghcr" by SealedSecret "project-ghcr" in namespace "c-abc12-p-xyz34" and copied by Rancher as a project-scoped secret');
  });

  test('the ExternalSecrets of the fixtures match the CRD schema (SealedSecrets too, when its CRD is among the test CRDs)', () => {
    let checked = 0;
    for (const file of FIXTURE_FILES) {
      for (const doc of parseAllDocuments(fs.readFileSync(fixture(file), 'utf8'))) {
        const object = doc.toJS();
        if (!hasCrd(object)) continue;
        expect([file, object.kind, crdSchemaErrors(object)]).toEqual([file, object.kind, []]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  test('no finding holds a template, a sealed value or a password', () => {
    const text = JSON.stringify(FIXTURE_FILES.flatMap(check));
    for (const forbidden of ['{{', 'toJson', SEALED.slice(0, 12), 'AgBqZmFrZS1zZWFsZWQtdmFsdWUtZm9y', FIXTURE_PASSWORD]) {
      expect(text).not.toContain(forbidden);
    }
  });
});

describe('ExternalSecret', () => {
  test('the target name defaults to the ExternalSecret\'s own name; any served version of the group is read', () => {
    expect(run(externalSecret('quay', { template: dockerTemplate('quay.io') }), pod('quay.io/a/b', 'quay'))[0].status).toBe('produced-in-cluster');
    expect(run(externalSecret('es', { name: 'quay', template: dockerTemplate('quay.io') }, 'external-secrets.io/v1beta1'), pod('quay.io/a/b', 'quay'))[0].status)
      .toBe('produced-in-cluster');
    // The target name wins over the object's name.
    expect(run(externalSecret('quay', { name: 'other', template: dockerTemplate('quay.io') }), pod('quay.io/a/b', 'quay'))[0].status).toBe('expected-in-cluster');
  });

  test('a registry the template shows that does not apply to the image: no credential, as for a Secret of the manifests', () => {
    const findings = run(externalSecret('pull', { template: dockerTemplate('ghcr.io') }), pod('quay.io/a/b', 'pull'));
    expect(rows(findings)).toEqual([['no-credential', 'info', 'shop/Pod/p', 'c', '-']]);
    expect(findings[0].message).toBe('no pull secret of the pod has a credential for registry quay.io '
      + '(secret "pull", made in the cluster by ExternalSecret "pull" (ClusterSecretStore "vault"), holds "ghcr.io"): pulled without credentials (fine for a public image)');
  });

  test('a port or a path that the kubelet does not apply is a problem, with the reason', () => {
    expect(run(externalSecret('pull', { template: dockerTemplate('quay.io:5000') }), pod('quay.io/a/b', 'pull'))[0]).toMatchObject({
      status: 'no-matching-credential', message: expect.stringContaining('the key names port 5000 but the image names none'),
    });
  });

  test('Docker Hub: the kubelet\'s fallback to index.docker.io applies to a template key too', () => {
    expect(run(externalSecret('hub', { template: dockerTemplate('https://index.docker.io/v1/') }), pod('acme/app:1', 'hub'))[0]).toMatchObject({
      status: 'produced-in-cluster', message: expect.stringContaining('for "https://index.docker.io/v1/"'),
    });
  });

  test('a template type other than a pull secret type (or none) is the wrong type', () => {
    const none = run(externalSecret('pull', { template: { data: dockerTemplate('quay.io').data } }), pod('quay.io/a/b', 'pull'));
    expect(none.map((f) => f.status)).toEqual(['secret-wrong-type', 'no-credential']);
    expect(none[0].message).toContain('without a type (so of type "Opaque")');
    expect(none[0].message).toContain('set spec.target.template.type');
    const opaque = run(externalSecret('pull', { template: { type: 'Opaque' } }), pod('quay.io/a/b', 'pull'));
    expect(opaque[0].message).toContain('of type "Opaque"');
  });

  test('creationPolicy Merge or None makes no secret: expected in the cluster, and said why', () => {
    const merge = run(externalSecret('pull', { creationPolicy: 'Merge', template: dockerTemplate('quay.io') }), pod('quay.io/a/b', 'pull'));
    expect(merge.map((f) => f.status)).toEqual(['expected-in-cluster', 'expected-in-cluster']);
    expect(merge[0].message).toContain('ExternalSecret "pull" has creationPolicy Merge, so it only fills the secret once it exists');
    const none = run(externalSecret('pull', { creationPolicy: 'None', template: dockerTemplate('quay.io') }), pod('quay.io/a/b', 'pull'));
    expect(none[0].message).toContain('has creationPolicy None, so it makes no secret');
  });

  test('an ExternalSecret in another namespace is the wrong namespace', () => {
    const elsewhere = externalSecret('pull', { template: dockerTemplate('quay.io') }).replace('namespace: shop', 'namespace: billing');
    expect(run(elsewhere, pod('quay.io/a/b', 'pull'))[0]).toMatchObject({
      status: 'secret-wrong-namespace', message: expect.stringContaining('is defined in namespace "billing", but the pod runs in "shop"'),
    });
  });

  test('a Secret of the manifests with the same name: the Secret is used, and the clash is a warning on the ExternalSecret', () => {
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: { name: pull, namespace: shop }\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{"auths":{"quay.io":{"auth":"${Buffer.from('u:p').toString('base64')}"}}}'`;
    const findings = run(externalSecret('pull', { template: dockerTemplate('quay.io') }), secret, pod('quay.io/a/b', 'pull'));
    expect(rows(findings)).toEqual([
      ['duplicate-secret', 'warning', 'shop/ExternalSecret/pull', '-', 'pull'],
      ['ok', 'ok', 'shop/Pod/p', 'c', ['pull']],
    ]);
    expect(findings[0].message).toContain('also defined by Secret "pull" in inline.yaml (document 2)');
  });

  test('ClusterExternalSecret and other kinds of the group are not read as producers', () => {
    const cluster = externalSecret('pull', { template: dockerTemplate('quay.io') }).replace('kind: ExternalSecret', 'kind: ClusterExternalSecret');
    expect(run(cluster, pod('quay.io/a/b', 'pull'))[0].status).toBe('expected-in-cluster');
  });
});

describe('SealedSecret', () => {
  test('the Secret has the SealedSecret\'s name, and its template\'s type', () => {
    const sealed = sealedSecret('pull', { encryptedData: { '.dockerconfigjson': SEALED }, template: { type: 'kubernetes.io/dockerconfigjson' } });
    expect(rows(run(sealed, pod('quay.io/a/b', 'pull')))).toEqual([['produced-in-cluster', 'info', 'shop/Pod/p', 'c', ['pull']]]);
  });

  test('without the data key of its type in encryptedData, the Secret holds no credential: a problem on the SealedSecret', () => {
    const sealed = sealedSecret('pull', { encryptedData: { other: SEALED }, template: { type: 'kubernetes.io/dockerconfigjson' } });
    const findings = run(sealed, pod('quay.io/a/b', 'pull'));
    expect(rows(findings)).toEqual([
      ['secret-invalid', 'problem', 'shop/SealedSecret/pull', '-', 'pull'],
      ['no-credential', 'info', 'shop/Pod/p', 'c', '-'],
    ]);
    expect(findings[0].message).toBe('SealedSecret "pull" makes pull secret "pull" of type "kubernetes.io/dockerconfigjson" '
      + 'without its data key in spec.encryptedData: the Secret holds no credential');
    expect(findings[1].message).toContain('secret "pull" cannot be used: see its finding');
  });

  test('a legacy kubernetes.io/dockercfg type needs .dockercfg', () => {
    const sealed = sealedSecret('pull', { encryptedData: { '.dockercfg': SEALED }, template: { type: 'kubernetes.io/dockercfg' } });
    expect(run(sealed, pod('quay.io/a/b', 'pull'))[0].status).toBe('produced-in-cluster');
  });

  test('a SealedSecret of another group is not read', () => {
    const other = sealedSecret('pull', { encryptedData: { '.dockerconfigjson': SEALED }, template: { type: 'kubernetes.io/dockerconfigjson' } })
      .replace('bitnami.com/v1alpha1', 'example.com/v1');
    expect(run(other, pod('quay.io/a/b', 'pull'))[0].status).toBe('expected-in-cluster');
  });
});

describe('Rancher project-scoped secrets made in the cluster', () => {
  const rancher = fs.readFileSync(fixture('produced-rancher.yaml'), 'utf8');
  const podIn = (namespace: string) => pod('quay.io/a/b', 'project-quay', 'project-ghcr').replace('namespace: shop', `namespace: ${namespace}`);

  test('a namespace outside the project gets no copy: the wrong namespace, with Rancher\'s rule', () => {
    const findings = run(rancher, 'apiVersion: v1\nkind: Namespace\nmetadata: { name: team-b }', podIn('team-b'));
    expect(findings.filter((f) => f.namespace === 'team-b').map((f) => f.status))
      .toEqual(['secret-wrong-namespace', 'secret-wrong-namespace', 'no-credential']);
    expect(findings.find((f) => f.namespace === 'team-b')!.message).toContain('Rancher copies project-scoped secret "project-quay" only into namespaces of project "p-xyz34"');
  });

  test('a namespace the manifests do not show: expected in the cluster, if it is in the project', () => {
    const findings = run(rancher, podIn('team-c')).filter((f) => f.namespace === 'team-c');
    expect(findings.map((f) => f.status)).toEqual(['expected-in-cluster', 'expected-in-cluster', 'expected-in-cluster']);
    expect(findings[0].message).toContain('Rancher copies it from namespace "c-abc12-p-xyz34" if namespace "team-c" is in project "p-xyz34"');
  });

  test('the label counts only on the Secret\'s template, not on the producer\'s own metadata', () => {
    const moved = rancher.replace(/template:\n {4}metadata:\n {6}name: project-ghcr\n {6}namespace: c-abc12-p-xyz34\n {6}labels:\n {8}management\.cattle\.io\/project-scoped-secret: p-xyz34\n/,
      'template:\n    metadata:\n      name: project-ghcr\n')
      .replace('  name: project-ghcr\n  namespace: c-abc12-p-xyz34\n', '  name: project-ghcr\n  namespace: c-abc12-p-xyz34\n  labels:\n    management.cattle.io/project-scoped-secret: p-xyz34\n');
    expect(moved).toContain('kind: SealedSecret\nmetadata:\n  name: project-ghcr\n  namespace: c-abc12-p-xyz34\n  labels:\n');
    expect(moved).not.toContain('      name: project-ghcr\n      namespace: c-abc12-p-xyz34\n      labels:');
    const findings = run(moved, podIn('team-a')).filter((f) => f.container === 'c');
    expect(findings[0].secrets).toEqual(['project-quay']);
  });
});

describe('what the library synthesizes is understood', () => {
  test('RegistryCredentials.fromExternalSecret, fromEcrAuthorizationToken and sealed(), and a Rancher project-scoped ProjectRegistry', () => {
    const keys = makeSealingKeyPair();
    const state = tempDir('verify-produced-');
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'c', { namespace: 'apps' });
      const project = new Project(chart, 'team', { namespaces: ['team-a'], projectId: 'p-xyz34', clusterId: 'c-abc12' });
      new ProjectRegistry(chart, 'ghcr', {
        project,
        name: 'ghcr-pull',
        server: 'ghcr.io',
        mode: ProjectRegistryMode.RANCHER_PROJECT_SCOPED,
        credentials: RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.cluster('vault'), remoteKey: 'registry/ghcr' }),
      });
      new RegistrySecret(chart, 'quay', {
        name: 'quay-pull',
        server: 'quay.io',
        credentials: RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.namespaced('aws-sm'), remoteKey: 'registry/quay' }),
      });
      new RegistrySecret(chart, 'ecr', {
        name: 'ecr-pull',
        server: RegistryServer.ecr('123456789012', 'eu-west-1'),
        credentials: RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1' }),
      });
      new RegistrySecret(chart, 'sealed', {
        name: 'sealed-pull',
        server: 'registry.example.com',
        credentials: RegistryCredentials.sealed(RegistryCredentials.fromUsernamePassword('alice', FIXTURE_PASSWORD), {
          certificate: SealingCertificate.fromPem(keys.certificatePem), stateFile: `${state.dir}/sealing-state.json`,
        }),
      });
      new PrivateImageWorkload(chart, 'ghcr-app', { name: 'ghcr-app', image: 'ghcr.io/org/app:1', namespace: 'team-a' });
      new PrivateImageWorkload(chart, 'quay-app', { name: 'quay-app', image: 'quay.io/org/app:1' });
      new PrivateImageWorkload(chart, 'ecr-app', { name: 'ecr-app', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1' });
      new PrivateImageWorkload(chart, 'sealed-app', { name: 'sealed-app', image: 'registry.example.com/app:1' });
      const findings = checkOffline(parseManifests(app.synthYaml(), 'synth.yaml')).findings;
      expect(findings.map((f) => [f.name, f.status, f.secrets])).toEqual([
        ['ghcr-app', 'produced-in-cluster', ['ghcr-pull']],
        ['quay-app', 'produced-in-cluster', ['quay-pull']],
        ['ecr-app', 'produced-in-cluster', ['ecr-pull']],
        ['sealed-app', 'produced-in-cluster', ['sealed-pull']],
      ]);
      expect(findings[0].message).toContain('for "ghcr.io"');
      expect(findings[0].message).toContain('copied by Rancher as a project-scoped secret');
      expect(findings[1].message).toContain('(SecretStore "aws-sm"), for "quay.io"');
      expect(findings[2].message).toContain('for "123456789012.dkr.ecr.eu-west-1.amazonaws.com"');
      expect(findings[3].message).toContain('by SealedSecret "sealed-pull", for registries the manifests do not show');
      expect(JSON.stringify(findings)).not.toContain(FIXTURE_PASSWORD);
    } finally {
      state.remove();
    }
  });
});
