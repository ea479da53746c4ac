/**
 * cdk8s-plus-33, which `cdk8s init typescript-app` uses today. The jsii API
 * binds cdk8s-plus-28's types (a `RegistrySecret` is a plus-28 `ISecret`), so
 * what holds for plus-33 is what TypeScript's structural types and the wiring
 * make of it: a plus-33 workload is not a plus-28 `AbstractPod`, so the wiring
 * and the checks see its API object (`<path>/Resource`) as a raw pod-bearing
 * object, read from its JSON at synth.
 */
import * as path from 'path';
import { ApiObject, Chart, Cron, JsonPatch, Testing } from 'cdk8s';
import * as plus33 from 'cdk8s-plus-33';
import * as ts from 'typescript';
import { PrivateImageWorkload, PullSecretWiring, RegistrySecret, WorkloadKind } from '../src';
import { pullSecretsOf, quayChart, WORKLOAD_PASSWORD } from './support/charts';
import { creds } from './support/credentials';
import { synthError } from './support/synth';

describe('PullSecretWiring.applyTo and cdk8s-plus-33 workloads', () => {
  test('Deployment, StatefulSet, DaemonSet, Job, CronJob and Pod are wired, before or after the call', () => {
    const { chart } = quayChart();
    new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'quay.io/org/web:1' }] });
    PullSecretWiring.applyTo(chart);
    new plus33.StatefulSet(chart, 'db', {
      metadata: { name: 'db' },
      containers: [{ image: 'quay.io/org/db:1' }],
      service: new plus33.Service(chart, 'db-svc', { clusterIP: 'None', ports: [{ port: 5432 }] }),
    });
    new plus33.DaemonSet(chart, 'agent', { metadata: { name: 'agent' }, containers: [{ image: 'quay.io/org/agent:1' }] });
    new plus33.Job(chart, 'once', { metadata: { name: 'once' }, containers: [{ image: 'quay.io/org/once:1' }] });
    new plus33.CronJob(chart, 'nightly', { metadata: { name: 'nightly' }, schedule: Cron.daily(), containers: [{ image: 'quay.io/org/batch:1' }] });
    new plus33.Pod(chart, 'pod', { metadata: { name: 'pod' }, containers: [{ image: 'quay.io/org/pod:1' }] });
    const manifests = Testing.synth(chart);
    for (const [kind, name] of [['Deployment', 'web'], ['StatefulSet', 'db'], ['DaemonSet', 'agent'], ['Job', 'once'], ['CronJob', 'nightly'], ['Pod', 'pod']]) {
      expect([kind, pullSecretsOf(manifests, kind, name)]).toEqual([kind, ['testquay']]);
    }
  });

  test('a hand-set dockerRegistryAuth stays first; a RegistrySecret set by hand is named once', () => {
    const { chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    const own = new plus33.Secret(chart, 'own', { metadata: { name: 'own-pull' } });
    const ghcr = new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: own });
    new plus33.Deployment(chart, 'api', { metadata: { name: 'api' }, containers: [{ image: 'ghcr.io/org/api:1' }], dockerRegistryAuth: ghcr });
    const manifests = Testing.synth(chart);
    expect(pullSecretsOf(manifests, 'Deployment', 'web')).toEqual(['own-pull', 'testquay']);
    expect(pullSecretsOf(manifests, 'Deployment', 'api')).toEqual(['ghcr-pull']);
  });

  test('containers added after construction count, and so does an image volume added by a JSON patch', () => {
    // cdk8s-plus-33's Volume has no image volumes (no Volume.fromImage), though its k8s imports know `volumes[].image`:
    // an image volume on a plus-33 workload is a JSON patch, which the wiring reads as part of the object.
    const { app, chart } = quayChart();
    new RegistrySecret(chart, 'ghcr', { name: 'ghcr-pull', server: 'ghcr.io', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistrySecret(chart, 'ecr', { name: 'ecr-pull', server: 'registry.example.com', credentials: creds(WORKLOAD_PASSWORD) });
    PullSecretWiring.applyTo(chart);
    const web = new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'quay.io/org/web:1' }] });
    web.addInitContainer({ image: 'ghcr.io/org/migrate:1' });
    ApiObject.of(web).addJsonPatch(JsonPatch.add('/spec/template/spec/volumes', [{ name: 'models', image: { reference: 'registry.example.com/org/models:1' } }]));
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment', 'web')).toEqual(['ecr-pull', 'ghcr-pull', 'testquay']);

    const other = new Chart(app, 'other', { namespace: 'default' });
    PullSecretWiring.applyTo(other);
    const lonely = new plus33.Deployment(other, 'lonely', { metadata: { name: 'lonely' }, containers: [{ image: 'quay.io/org/web:1' }] });
    ApiObject.of(lonely).addJsonPatch(JsonPatch.add('/spec/template/spec/volumes', [{ name: 'models', image: { reference: 'nowhere.example/org/models:1' } }]));
    expect(synthError(app)).toMatch(/\[other\/lonely\/Resource\] image "nowhere\.example\/org\/models:1" of image volume "models" matches no registry credential/);
  });

  test('problems name the workload\'s API object (<path>/Resource), where cdk8s-plus-28 workloads are named by their own path', () => {
    const { app, chart } = quayChart();
    PullSecretWiring.applyTo(chart);
    new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nowhere.example/org/web:1' }] });
    expect(synthError(app)).toMatch(/\n {2}\[chart\/web\/Resource\] image "nowhere\.example\/org\/web:1" of container "main" matches no registry credential/);
  });
});

describe('cdk8s-plus-33 workloads without PullSecretWiring', () => {
  test('a pull secret name a typo away from a declared one fails, as for cdk8s-plus-28', () => {
    const { app, chart } = quayChart('apps');
    new plus33.Deployment(chart, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: plus33.Secret.fromSecretName(chart, 'x', 'testqay') });
    expect(synthError(app)).toMatch(/\[chart\/web\/Resource\] pull secret "testqay" is not declared in namespace "apps"; did you mean "testquay"\?/);
  });

  test('a RegistrySecret of another namespace fails; one of the pod\'s namespace passes and nothing is wired', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'a' });
    const b = new Chart(app, 'b', { namespace: 'b' });
    const secret = new RegistrySecret(a, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    new plus33.Deployment(b, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: secret });
    expect(synthError(app)).toMatch(/\[b\/web\/Resource\] pull secret "quay-pull" is in namespace "a" but the pod runs in "b"/);

    const { chart } = quayChart('apps');
    const own = chart.node.findChild('testquay') as RegistrySecret;
    new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'quay.io/org/web:1' }, { image: 'ghcr.io/org/sidecar:1', name: 'side' }], dockerRegistryAuth: own });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment', 'web')).toEqual(['testquay']);
  });
});

describe('cdk8s-plus-33 objects given to this library\'s constructs', () => {
  test('a plus-33 Secret as an extra pull secret and a plus-33 ServiceAccount of a PrivateImageWorkload', () => {
    const { chart } = quayChart('apps');
    const extra = plus33.Secret.fromSecretName(chart, 'extra', 'mirror-pull');
    const account = new plus33.ServiceAccount(chart, 'sa', { metadata: { name: 'builder' } });
    new PrivateImageWorkload(chart, 'web', { name: 'web', kind: WorkloadKind.DEPLOYMENT, image: 'quay.io/org/web:1', extraPullSecrets: [extra], serviceAccount: account });
    const manifests = Testing.synth(chart);
    expect(pullSecretsOf(manifests, 'Deployment', 'web')).toEqual(['mirror-pull', 'testquay']); // extra pull secrets first, as for plus-28 ones
    expect(manifests.find((o) => o.kind === 'Deployment').spec.template.spec.serviceAccountName).toBe('builder');
  });
});

describe('TypeScript: the fit is structural (jest does not type-check; this runs the compiler)', () => {
  /** Type-checks `source` as a file of this folder with strict options; returns its diagnostics. */
  function typeCheck(source: string): string[] {
    const file = path.join(__dirname, '__cdk8s-plus-33-fit__.ts');
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    const isFile = (name: string) => path.resolve(name) === file;
    host.getSourceFile = (name, language, ...rest) =>
      (isFile(name) ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest));
    host.fileExists = (name) => isFile(name) || fileExists(name);
    host.readFile = (name) => (isFile(name) ? source : readFile(name));
    const program = ts.createProgram([file], options, host);
    return ts.getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  const PRELUDE = `import { Chart, Testing } from 'cdk8s';
import * as plus33 from 'cdk8s-plus-33';
import { PrivateImageWorkload, RegistryCredentials, RegistrySecret } from '../src';
const chart = new Chart(Testing.app(), 'c');
const secret = new RegistrySecret(chart, 's', { server: 'quay.io', credentials: RegistryCredentials.fromUsernamePassword('u', 'p') });
`;

  test('a RegistrySecret is a cdk8s-plus-33 ISecret (dockerRegistryAuth); plus-33 Secrets and ServiceAccounts fit PrivateImageWorkload', () => {
    expect(typeCheck(`${PRELUDE}
export const asSecret: plus33.ISecret = secret;
export const web = new plus33.Deployment(chart, 'web', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: secret });
export const pod = new plus33.Pod(chart, 'pod', { containers: [{ image: 'quay.io/org/web:1' }], dockerRegistryAuth: secret });
export const own = new PrivateImageWorkload(chart, 'own', {
  image: 'quay.io/org/web:1',
  extraPullSecrets: [plus33.Secret.fromSecretName(chart, 'x', 'mirror-pull')],
  serviceAccount: new plus33.ServiceAccount(chart, 'sa'),
});
`)).toEqual([]);
  }, 120_000);

  test('the check runs: a wrong type is reported', () => {
    const diagnostics = typeCheck(`${PRELUDE}
export const notASecret: plus33.ISecret = chart;
`);
    expect(diagnostics.join('\n')).toMatch(/Type 'Chart' is missing the following properties from type 'ISecret'/);
  }, 120_000);
});
