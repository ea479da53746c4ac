import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { buildExample } from '../example/main';

/** Synthesizes the example app (placeholders: no credential variables set) into a temporary folder. */
function synthExample(): { dir: string; files: string[] } {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(QUAY|GHCR)_/.test(name)) delete process.env[name];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  try {
    buildExample(new App({ outdir: dir })).synth();
  } finally {
    process.env = saved;
  }
  return { dir, files: fs.readdirSync(dir).sort() };
}

describe('the example app', () => {
  let out: { dir: string; files: string[] };
  beforeAll(() => {
    out = synthExample();
  });
  afterAll(() => fs.rmSync(out.dir, { recursive: true, force: true }));

  test('the committed dist/ is exactly what the example synthesizes', () => {
    const committed = path.join(__dirname, '..', 'dist');
    // The manifests and the library's .cdk8s-private-registry/construct-paths.json; `cdk8s synth` also writes construct-metadata.json (validations run).
    expect(fs.readdirSync(committed).filter((f) => f !== 'construct-metadata.json').sort()).toEqual(out.files);
    expect(out.files).toContain('.cdk8s-private-registry');
    for (const file of [...out.files.filter((f) => f.endsWith('.yaml')), '.cdk8s-private-registry/construct-paths.json']) {
      expect(fs.readFileSync(path.join(committed, file), 'utf8')).toEqual(fs.readFileSync(path.join(out.dir, file), 'utf8'));
    }
  });

  test('reproduces the seed pod.yml: Pod private-reg, container private-reg-container, image on quay.io, imagePullSecrets testquay', () => {
    const docs = Yaml.load(path.join(out.dir, 'namespace-registry.k8s.yaml'));
    const pod = docs.find((d: any) => d.kind === 'Pod');
    expect(pod).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'private-reg' },
      spec: { containers: [{ name: 'private-reg-container', image: expect.stringMatching(/^quay\.io\//) }], imagePullSecrets: [{ name: 'testquay' }] },
    });
    const secret = docs.find((d: any) => d.kind === 'Secret');
    expect(secret).toMatchObject({ metadata: { name: 'testquay', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson' });
  });

  test('a project registry reaches the workloads of two of its three namespaces, in both modes', () => {
    for (const [file, secretNamespaces] of [
      ['project-copy.k8s.yaml', ['team-a-copy', 'team-b-copy', 'team-c-copy']],
      ['project-rancher.k8s.yaml', ['c-abc12-p-xyz34']],
    ] as const) {
      const docs = Yaml.load(path.join(out.dir, file));
      expect(docs.filter((d: any) => d.kind === 'Secret').map((d: any) => d.metadata.namespace)).toEqual(secretNamespaces);
      const api = docs.find((d: any) => d.kind === 'Deployment');
      const worker = docs.find((d: any) => d.kind === 'Job');
      expect(api.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }]);
      expect(worker.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }]);
    }
  });

  test('External Secrets: a store source and an ECR generator, no credential in the manifests, workloads wired', () => {
    const docs = Yaml.load(path.join(out.dir, 'external-secrets.k8s.yaml'));
    expect(docs.map((d: any) => d.kind).sort()).toEqual(['CronJob', 'Deployment', 'ECRAuthorizationToken', 'ExternalSecret', 'ExternalSecret']);
    const targets = docs.filter((d: any) => d.kind === 'ExternalSecret').map((d: any) => [d.metadata.namespace, d.spec.target.name, d.spec.target.template.type]);
    expect(targets).toEqual([['payments', 'quay-store', 'kubernetes.io/dockerconfigjson'], ['payments', 'ecr-pull', 'kubernetes.io/dockerconfigjson']]);
    const checkout = docs.find((d: any) => d.kind === 'Deployment');
    const settlement = docs.find((d: any) => d.kind === 'CronJob');
    expect(checkout.spec.template.spec.imagePullSecrets).toEqual([{ name: 'quay-store' }]);
    expect(settlement.spec.jobTemplate.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ecr-pull' }]);
    expect(fs.readFileSync(path.join(out.dir, 'external-secrets.k8s.yaml'), 'utf8')).not.toContain('<password>');
  });

  test('the sidecar Deployment gets both registries, the CronJob only its own', () => {
    const docs = Yaml.load(path.join(out.dir, 'workloads.k8s.yaml'));
    const web = docs.find((d: any) => d.kind === 'Deployment');
    const report = docs.find((d: any) => d.kind === 'CronJob');
    expect(web.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }, { name: 'quay-pull' }]);
    expect(report.spec.jobTemplate.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }]);
  });
});
