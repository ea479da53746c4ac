import * as fs from 'fs';
import * as path from 'path';
import { loadManifests, parseManifests } from '../../src/manifests/manifests';
import { Finding, FindingStatus, SEVERITY } from '../../src/verify/findings';
import { checkOffline } from '../../src/verify/offline';
import { FIXTURE_PASSWORD, FIXTURES, fixture } from '../support/fixtures';

function check(file: string, defaultNamespace?: string): Finding[] {
  return checkOffline(loadManifests([path.join(FIXTURES, file)]), defaultNamespace ? { defaultNamespace } : {}).findings;
}

/** status, object, container and secret of each finding: what the table below pins. */
function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => [f.status, `${f.namespace}/${f.kind}/${f.name}`, f.container ?? '-', f.secret ?? '-', `#${f.document}`].join(' '));
}

describe('offline checks, one fixture per case', () => {
  test.each<[string, string[]]>([
    ['good.yaml', [
      'no-credential shop/Deployment/web init - #2',
      'ok shop/Deployment/web app regcred #2',
    ]],
    ['missing-secret.yaml', [
      'expected-in-cluster shop/Deployment/web - created-by-hand #1',
      'expected-in-cluster shop/Deployment/web app created-by-hand #1',
    ]],
    ['wrong-type.yaml', [
      'secret-wrong-type shop/Deployment/web - regcred #2',
      'no-credential shop/Deployment/web app - #2',
    ]],
    ['bad-base64.yaml', [
      'secret-invalid shop/Secret/regcred - regcred #1',
      'no-credential shop/Deployment/web app - #2',
    ]],
    ['bad-json.yaml', [
      'secret-invalid shop/Secret/regcred - regcred #1',
      'no-credential shop/Deployment/web app - #2',
    ]],
    ['no-auths.yaml', [
      'secret-invalid shop/Secret/regcred - regcred #1',
      'no-credential shop/Deployment/web app - #2',
    ]],
    ['no-matching-credential.yaml', ['no-matching-credential shop/Deployment/web app regcred #2']],
    ['invalid-image.yaml', ['invalid-image shop/Deployment/web app - #1']],
    ['cross-namespace.yaml', [
      'secret-wrong-namespace shop/Deployment/web - regcred #2',
      'no-credential shop/Deployment/web app - #2',
    ]],
    ['legacy-dockercfg.yaml', ['ok shop/Deployment/web app legacy #2']],
    ['default-namespace.yaml', ['ok default/Deployment/web app regcred #2']],
    ['service-account.yaml', ['ok ci/CronJob/nightly build regcred #3']],
    ['rancher-project.yaml', [
      'ok team-a/Pod/in-project app project-registry #4',
      'secret-wrong-namespace team-b/Pod/outside-project - project-registry #5',
      'no-credential team-b/Pod/outside-project app - #5',
      'expected-in-cluster team-c/Pod/unknown-namespace - project-registry #6',
      'expected-in-cluster team-c/Pod/unknown-namespace app project-registry #6',
    ]],
  ])('%s', (file, expected) => {
    expect(summary(check(file))).toEqual(expected);
  });

  test('every finding names file, document, object, JSON pointer, and never a secret value', () => {
    const all = ['good.yaml', 'bad-json.yaml', 'no-auths.yaml', 'wrong-type.yaml', 'legacy-dockercfg.yaml', 'service-account.yaml', 'rancher-project.yaml']
      .flatMap((f) => check(f));
    for (const f of all) {
      expect(f.file).toMatch(/\.yaml$/);
      expect(f.document).toBeGreaterThan(0);
      expect(f.path).toMatch(/^\//);
      expect(f.severity).toBe(SEVERITY[f.status]);
      const text = JSON.stringify(f);
      expect(text).not.toContain(FIXTURE_PASSWORD);
      expect(text).not.toContain(Buffer.from(`alice:${FIXTURE_PASSWORD}`).toString('base64'));
    }
  });
});

describe('messages say what is wrong and where', () => {
  const one = (file: string, status: FindingStatus) => check(file).find((f) => f.status === status)!;

  test('an image finding points at the image field', () => {
    const ok = one('good.yaml', 'ok');
    expect(ok).toMatchObject({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      container: 'app',
      image: 'registry.example.com/shop/web:1.0',
      path: '/spec/template/spec/containers/0/image',
    });
    expect(ok.message).toBe('credentials match: secret "regcred" (key "registry.example.com")');
  });

  test('a public Docker Hub init container has no credential, which is only info', () => {
    const info = one('good.yaml', 'no-credential');
    expect(info).toMatchObject({ container: 'init', path: '/spec/template/spec/initContainers/0/image', severity: 'info' });
    expect(info.message).toContain('registry docker.io');
  });

  test('a missing secret is a warning, expected in the cluster', () => {
    const missing = check('missing-secret.yaml')[0];
    expect(missing.severity).toBe('warning');
    expect(missing.path).toBe('/spec/template/spec/imagePullSecrets/0');
    expect(missing.message).toContain('"created-by-hand" is not in namespace "shop"');
  });

  test('wrong type, bad base64, bad JSON and a missing auths object are told apart', () => {
    expect(one('wrong-type.yaml', 'secret-wrong-type').message).toContain('has type "Opaque"');
    expect(one('bad-base64.yaml', 'secret-invalid').message).toContain('not valid base64');
    expect(one('bad-json.yaml', 'secret-invalid').message).toContain('not valid JSON');
    expect(one('no-auths.yaml', 'secret-invalid').message).toContain('without an "auths" object');
    expect(one('bad-base64.yaml', 'secret-invalid').path).toBe('/data/.dockerconfigjson');
  });

  test('a credential for another path of the same registry is a near miss, with the reason', () => {
    expect(one('no-matching-credential.yaml', 'no-matching-credential').message).toContain(
      'the key\'s path "/team-a" is not a prefix of the image path "/team-b/web"');
  });

  test('a secret in another namespace says where it is', () => {
    expect(one('cross-namespace.yaml', 'secret-wrong-namespace').message).toContain('defined in namespace "billing", but the pod runs in "shop"');
  });

  test('Rancher project-scoped secrets: copied into project namespaces, said so elsewhere', () => {
    const findings = check('rancher-project.yaml');
    expect(findings[1].message).toContain('only into namespaces of project "p-xyz34"');
    expect(findings[3].message).toContain('Rancher copies it from namespace "c-abc12-p-xyz34" if namespace "team-c" is in project "p-xyz34"');
  });

  test('Rancher\'s copy replaces a same-named secret of the namespace', () => {
    const text = fs.readFileSync(fixture('rancher-project.yaml'), 'utf8') + `---
apiVersion: v1
kind: Secret
metadata: { name: project-registry, namespace: team-a }
type: Opaque
`;
    expect(checkOffline(parseManifests(text, 'x.yaml')).findings[0]).toMatchObject({ status: 'ok', namespace: 'team-a' });
  });

  test('an imagePullSecrets entry without a name is reported', () => {
    const findings = checkOffline(parseManifests('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  imagePullSecrets: [{}]\n  containers: []\n', 'x.yaml')).findings;
    expect(findings).toEqual([expect.objectContaining({ status: 'secret-invalid', path: '/spec/imagePullSecrets/0', message: 'an imagePullSecrets entry has no secret name; the kubelet ignores it' })]);
  });

  test('Rancher does not copy into namespaces on the ignore list', () => {
    const text = fs.readFileSync(fixture('rancher-project.yaml'), 'utf8').replace('    management.cattle.io/project-scoped-secret: p-xyz34\n',
      '    management.cattle.io/project-scoped-secret: p-xyz34\n  annotations:\n    management.cattle.io/project-scoped-secret-ignore-namespaces: "other, team-a"\n');
    expect(checkOffline(parseManifests(text, 'x.yaml')).findings[0]).toMatchObject({ status: 'secret-wrong-namespace', namespace: 'team-a' });
  });

  test('the ServiceAccount is named when its pull secrets are used', () => {
    const objects = parseManifests(`
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ci }
spec:
  serviceAccountName: builder
  containers: [{ name: c, image: reg.io/app }]
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: builder, namespace: ci }
imagePullSecrets: [{ name: gone }]
`, 'inline.yaml');
    const [secret] = checkOffline(objects).findings;
    expect(secret).toMatchObject({ status: 'expected-in-cluster', path: '/spec/serviceAccountName', secret: 'gone' });
    expect(secret.message).toContain('(from ServiceAccount "builder")');
  });

  test('a missing secret close to a pull secret of the namespace gets a "did you mean" hint', () => {
    const findings = check('typo.yaml');
    expect(summary(findings)).toEqual([
      'expected-in-cluster shop/Deployment/web - regcrd #2',
      'expected-in-cluster shop/Deployment/web app regcrd #2',
    ]);
    expect(findings[0].message).toBe('pull secret "regcrd" is not in namespace "shop" in these manifests; expected in the cluster; '
      + 'did you mean "regcred"? (a pull secret of namespace "shop" in these manifests)');
    expect(findings[1].message).toBe('no credential in these manifests applies to registry.example.com/shop/web; '
      + 'it may come from secret "regcrd" (did you mean "regcred"?), expected in the cluster');
  });

  test('the hint looks at pull secrets of the pod\'s namespace only, made in the cluster too, within 2 edits', () => {
    const text = fs.readFileSync(fixture('typo.yaml'), 'utf8');
    const hintOf = (manifests: string) => checkOffline(parseManifests(manifests, 'x.yaml')).findings[0].message.match(/did you mean "([^"]+)"/)?.[1];
    expect(hintOf(text.replace('- name: regcrd', '- name: regcredd'))).toBe('regcred');
    expect(hintOf(text.replace('- name: regcrd', '- name: other'))).toBeUndefined();
    expect(hintOf(text.replace('namespace: shop\ntype', 'namespace: billing\ntype'))).toBeUndefined();
    expect(hintOf(text.replace('type: kubernetes.io/dockerconfigjson', 'type: Opaque'))).toBeUndefined();
    const sealed = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: quay-pul, namespace: shop }\n'
      + 'spec: { encryptedData: { .dockerconfigjson: AgB= }, template: { type: kubernetes.io/dockerconfigjson } }\n---\n';
    expect(hintOf(sealed + text.replace('- name: regcrd', '- name: quay-pull'))).toBe('quay-pul');
  });

  test('an invalid image quotes the reference and the reason', () => {
    expect(one('invalid-image.yaml', 'invalid-image').message).toBe(
      'image "registry.example.com/Shop/Web:1.0" is invalid: repository name must be lowercase');
  });

  test('two different secrets of one namespace and name: a problem (one name, one secret), and the later one is used', () => {
    const findings = checkOffline(loadManifests([fixture('good.yaml'), fixture('wrong-type.yaml')])).findings;
    expect(summary(findings)).toEqual([
      'secret-wrong-type shop/Deployment/web - regcred #2',
      'no-credential shop/Deployment/web init - #2',
      'no-credential shop/Deployment/web app - #2',
      'duplicate-secret shop/Secret/regcred - regcred #1',
      'secret-wrong-type shop/Deployment/web - regcred #2',
      'no-credential shop/Deployment/web app - #2',
    ]);
    expect(findings[3].message).toContain(`also defined, differently, in ${fixture('good.yaml')} (document 1)`);
    expect(findings[3].severity).toBe('problem');
    // The same file twice, or a file inside a folder also given, is read once: no duplicates.
    expect(loadManifests([fixture('good.yaml'), path.join(FIXTURES, '.', 'good.yaml')])).toHaveLength(2);
  });

  test('--namespace moves objects without a namespace, secrets and pods alike', () => {
    expect(check('default-namespace.yaml', 'staging').map((f) => [f.status, f.namespace])).toEqual([['ok', 'staging']]);
  });
});

describe('kubelet matching rules', () => {
  const secret = (name: string, auths: Record<string, unknown>, ns = 'default') => `
apiVersion: v1
kind: Secret
metadata: { name: ${name}, namespace: ${ns} }
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '${JSON.stringify({ auths })}'
`;
  const pod = (images: string[], secrets: string[]) => `
apiVersion: v1
kind: Pod
metadata: { name: p, namespace: default }
spec:
  imagePullSecrets: [${secrets.map((s) => `{ name: ${s} }`).join(', ')}]
  containers: [${images.map((image, i) => `{ name: c${i}, image: "${image}" }`).join(', ')}]
`;
  const run = (...docs: string[]) => checkOffline(parseManifests(docs.join('\n---\n'), 'inline.yaml')).findings;
  const cred = { username: 'u', password: 'p' };

  test('Docker Hub images use an index.docker.io key; registry-1.docker.io is a near miss', () => {
    const findings = run(secret('hub', { 'https://index.docker.io/v1/': cred }), pod(['nginx', 'acme/app:1'], ['hub']));
    expect(findings.map((f) => f.status)).toEqual(['ok', 'ok']);
    const miss = run(secret('hub', { 'registry-1.docker.io': cred }), pod(['acme/app:1'], ['hub']));
    expect(miss[0].status).toBe('no-matching-credential');
    expect(miss[0].message).toContain('not "registry-1.docker.io"');
  });

  test('ports must be equal', () => {
    const findings = run(secret('s', { 'reg.io': cred }), pod(['reg.io:5000/app'], ['s']));
    expect(findings[0].status).toBe('no-matching-credential');
    expect(findings[0].message).toContain('the key has no port but the image names port 5000');
  });

  test('host names are compared case-sensitively, as the kubelet does', () => {
    expect(run(secret('s', { 'Reg.io': cred }), pod(['reg.io/app'], ['s']))[0].message).toContain('case-sensitively');
  });

  test('a wildcard key matches one label', () => {
    expect(run(secret('s', { '*.reg.io': cred }), pod(['eu.reg.io/app', 'reg.io/app'], ['s'])).map((f) => f.status))
      .toEqual(['ok', 'no-credential']);
  });

  test('all matching credentials are listed, most specific key first, then imagePullSecrets order', () => {
    const findings = run(
      secret('a', { 'reg.io': cred }),
      secret('b', { 'reg.io/team': cred, 'reg.io': { auth: Buffer.from('x:y').toString('base64') } }),
      pod(['reg.io/team/app'], ['a', 'b']));
    expect(findings[0].message).toBe('credentials match: secret "b" (key "reg.io/team"), secret "a" (key "reg.io"), secret "b" (key "reg.io")');
  });

  test('an auth that is not base64 of user:password is reported on the secret, and that entry is not used', () => {
    const findings = run(secret('s', { 'reg.io': { auth: Buffer.from('no-colon').toString('base64') } }), pod(['reg.io/app'], ['s']));
    expect(findings.map((f) => f.status)).toEqual(['secret-invalid', 'no-credential']);
    expect(findings[0].message).toContain('the "auth" of key "reg.io" is not base64 of "username:password"');
  });

  test('an entry without username/password or auth gives no credential', () => {
    expect(run(secret('s', { 'reg.io': { email: 'a@b.c' } }), pod(['reg.io/app'], ['s']))[0].status).toBe('no-credential');
  });

  test('a pod without imagePullSecrets and no ServiceAccount secrets: no credential', () => {
    expect(run(pod(['reg.io/app'], []))[0].message).toContain('the pod has no imagePullSecrets');
  });

  test('a container without an image is an invalid image', () => {
    const findings = run('apiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: c }]\n');
    expect(findings[0]).toMatchObject({ status: 'invalid-image', message: 'the container has no image' });
  });

  test('every pod-bearing kind is read at its pod spec path; others are ignored', () => {
    const template = 'template: { spec: { containers: [{ name: c, image: reg.io/app }] } }';
    const docs = [
      'apiVersion: v1\nkind: Pod\nmetadata: { name: pod }\nspec: { containers: [{ name: c, image: reg.io/app }] }',
      ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((k) => `apiVersion: apps/v1\nkind: ${k}\nmetadata: { name: x }\nspec: { ${template} }`),
      `apiVersion: batch/v1\nkind: Job\nmetadata: { name: job }\nspec: { ${template} }`,
      `apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: cron }\nspec: { jobTemplate: { spec: { ${template} } } }`,
      `apiVersion: example.com/v1\nkind: Job\nmetadata: { name: not-a-batch-job }\nspec: { ${template} }`,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm }',
    ];
    expect(run(...docs).map((f) => f.kind)).toEqual(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
  });
});
