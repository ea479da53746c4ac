/**
 * JavaScript callers (issue 22, item 7): what TypeScript would refuse, a
 * JavaScript caller (or a jsii language passing a plain map) can still pass.
 * Each row is called `as any` and must fail with the construct path (or the
 * factory's name), the prop, the allowed values or shape, and a fix — never
 * a TypeError, never a silent pass, never the value of a credential.
 */
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  PodBearingKind, PrivateImageWorkload, Project, ProjectRegistry, PullSecretWiring, RegistryCredentials, RegistryMirror, RegistrySecret,
  SealingCertificate, SealingScope, ServiceAccountPullSecrets,
} from '../src';
import { makeSealingKeyPair } from './support/sealing-keys';

const PASSWORD = 'hunter2pw-JsCaller';
const literal = () => RegistryCredentials.fromUsernamePassword('robot', PASSWORD);
const js = (value: unknown): any => value;

function chart(): Chart {
  return new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
}

/** The message of what `build` throws (while building or at synth); fails the test when nothing does or a TypeError does. */
function failure(build: (c: Chart) => void): string {
  const c = chart();
  try {
    build(c);
    (c.node.root as App).synthYaml();
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** A construct with a `name`, as a JavaScript caller's own Secret-like class could be. */
const namedConstruct = (c: Chart, name: unknown) => Object.assign(new Construct(c, 'named'), { name });
const project = (c: Chart) => new Project(c, 'team', { namespaces: ['team-a'] });

describe('credentials that are missing or not made by RegistryCredentials', () => {
  const shapes: [string, unknown][] = [
    ['missing', undefined],
    ['null', null],
    ['a plain object with the password', { username: 'robot', password: PASSWORD }],
    ['a docker config object', { auths: { 'quay.io': { auth: Buffer.from(`robot:${PASSWORD}`).toString('base64') } } }],
    ['a string', PASSWORD],
    ['the class itself', RegistryCredentials],
    ['a list', [literal()]],
  ];
  const expectedProblem = (value: unknown) => (value === undefined ? '`credentials` is missing' : '`credentials` is ');
  const FIX = 'Fix: use RegistryCredentials.from…, e.g. RegistryCredentials.fromEnv(';

  test.each(shapes)('RegistrySecret, credentials %s', (_name, value) => {
    const message = failure((c) => new RegistrySecret(c, 'quay', { server: 'quay.io', credentials: js(value) }));
    expect(message).toContain(`[chart/quay] ${expectedProblem(value)}`);
    expect(message).toContain(FIX);
    expect(message).not.toContain(PASSWORD);
  });

  test.each(shapes)('ProjectRegistry, credentials %s', (_name, value) => {
    const message = failure((c) => new ProjectRegistry(c, 'ghcr', { project: project(c), server: 'ghcr.io', credentials: js(value) }));
    expect(message).toContain(`[chart/ghcr] ${expectedProblem(value)}`);
    expect(message).toContain(FIX);
    expect(message).not.toContain(PASSWORD);
  });

  test.each(shapes.filter(([, value]) => value !== undefined))('RegistryCredentials.sealed, inner credentials %s', (_name, value) => {
    const keys = makeSealingKeyPair({ bits: 2048 });
    expect(() => RegistryCredentials.sealed(js(value), { certificate: SealingCertificate.fromPem(keys.certificatePem) }))
      .toThrow(/^RegistryCredentials\.sealed\(\): the credentials to seal are .*, not RegistryCredentials\. Fix: use RegistryCredentials\.from…/);
  });

  test('the messages never hold the plain object', () => {
    const message = failure((c) => new RegistrySecret(c, 'quay', { credentials: js({ username: 'robot', password: PASSWORD }) }));
    expect(message).toBe('[chart/quay] `credentials` is an object, not RegistryCredentials. Fix: use RegistryCredentials.from…, ' +
      'e.g. RegistryCredentials.fromEnv(\'REGISTRY_USER\', \'REGISTRY_PASSWORD\') or RegistryCredentials.fromUsernamePassword(user, password); a plain object is not read');
  });
});

describe('RegistryCredentials.sealed options', () => {
  let certificate: SealingCertificate;
  beforeAll(() => {
    certificate = SealingCertificate.fromPem(makeSealingKeyPair({ bits: 2048 }).certificatePem);
  });

  test.each<[string, unknown]>([
    ['EVERYWHERE', 'EVERYWHERE'],
    ['kubeseal\'s spelling strict', 'strict'],
    ['kubeseal\'s spelling cluster-wide', 'cluster-wide'],
    ['lower case', 'cluster_wide'],
    ['a number', 2],
    ['an object', { scope: 'STRICT' }],
    ['null', null],
  ])('scope %s is refused, naming the allowed values', (_name, scope) => {
    expect(() => RegistryCredentials.sealed(literal(), { certificate, scope: js(scope) })).toThrow(new RegExp(
      '^RegistryCredentials\\.sealed\\(\\): `scope` .* is not a SealingScope; the allowed values are STRICT, NAMESPACE_WIDE, CLUSTER_WIDE\\. ' +
      'Fix: pass one of SealingScope\\.STRICT, SealingScope\\.NAMESPACE_WIDE, SealingScope\\.CLUSTER_WIDE$'));
  });

  test('a scope of the enum passes', () => {
    for (const scope of Object.values(SealingScope)) expect(() => RegistryCredentials.sealed(literal(), { certificate, scope })).not.toThrow();
    expect(() => RegistryCredentials.sealed(literal(), js({ certificate, scope: undefined }))).not.toThrow();
  });

  test.each<[string, unknown, string]>([
    ['missing options', undefined, 'RegistryCredentials.sealed(): the options are missing, not an object. Fix: pass { certificate: SealingCertificate.fromFile('],
    ['options a string', 'cert.pem', 'RegistryCredentials.sealed(): the options are a string, not an object'],
    ['stateFile a number', { certificate: 'x', stateFile: 5 }, 'RegistryCredentials.sealed(): `stateFile` must be a plain string, not a number'],
    ['stateFile a list', { certificate: 'x', stateFile: ['a.json'] }, '`stateFile` must be a plain string, not a list'],
  ])('%s', (_name, options, expected) => {
    expect(() => RegistryCredentials.sealed(literal(), js(options))).toThrow(expected);
  });

  test('a certificate that is not a SealingCertificate: a construct error at the secret', () => {
    const credentials = RegistryCredentials.sealed(literal(), js({ certificate: '-----BEGIN CERTIFICATE-----' }));
    expect(failure((c) => new RegistrySecret(c, 'quay', { name: 'quay', server: 'quay.io', credentials })))
      .toContain('[chart/quay] the sealing `certificate` is missing. Fix: pass SealingCertificate.fromFile(');
  });
});

describe('RegistryCredentials factories with props or options of the wrong shape', () => {
  test.each<[string, () => unknown, string]>([
    ['fromUsernamePassword, options a string (an e-mail)', () => RegistryCredentials.fromUsernamePassword('robot', PASSWORD, js('robot@example.com')),
      'RegistryCredentials.fromUsernamePassword(): the options are a string, not an object. Fix: pass them, e.g. { email: '],
    ['fromUsernamePassword, options null', () => RegistryCredentials.fromUsernamePassword('robot', PASSWORD, js(null)),
      'RegistryCredentials.fromUsernamePassword(): the options are null, not an object'],
    ['fromEnv, options a string', () => RegistryCredentials.fromEnv('U', 'P', js('REGISTRY_EMAIL')),
      'RegistryCredentials.fromEnv(): the options are a string, not an object. Fix: pass them, e.g. { emailVariable: '],
    ['fromExternalSecret without props', () => RegistryCredentials.fromExternalSecret(js(undefined)),
      'RegistryCredentials.fromExternalSecret(): the props are missing, not an object. Fix: pass them, e.g. { store: ExternalSecretStore.cluster('],
    ['fromEcrAuthorizationToken with a region string', () => RegistryCredentials.fromEcrAuthorizationToken(js('eu-west-1')),
      'RegistryCredentials.fromEcrAuthorizationToken(): the props are a string, not an object'],
    ['fromGcrAccessToken without props', () => RegistryCredentials.fromGcrAccessToken(js(undefined)), 'RegistryCredentials.fromGcrAccessToken(): the props are missing'],
    ['fromAcrAccessToken with a list', () => RegistryCredentials.fromAcrAccessToken(js([])), 'RegistryCredentials.fromAcrAccessToken(): the props are a list'],
  ])('%s', (_name, call, expected) => {
    let message = 'no error';
    try {
      call();
    } catch (e) {
      expect(e).not.toBeInstanceOf(TypeError);
      message = (e as Error).message;
    }
    expect(message).toContain(expected);
    expect(message).not.toContain(PASSWORD);
  });

  test('SealingCertificate.fromFile without a path names the path, not the PEM', () => {
    const credentials = RegistryCredentials.sealed(literal(), { certificate: SealingCertificate.fromFile(js(undefined)) });
    expect(failure((c) => new RegistrySecret(c, 'quay', { name: 'quay', server: 'quay.io', credentials })))
      .toContain('[chart/quay] the certificate path must be a plain string known at synth, not undefined');
  });
});

describe('extraPullSecrets and ServiceAccountPullSecrets secrets', () => {
  const FIX = 'Fix: list Secrets made by kplus.Secret.fromSecretName(this, \'regcred\', \'regcred\') or RegistrySecret';
  test.each<[string, (c: Chart) => unknown, string]>([
    ['upper case', (c) => [kplus.Secret.fromSecretName(c, 'x', 'RegCred')], '`extraPullSecrets[0]` is named "RegCred", which no Secret can be: it must be a DNS-1123 subdomain'],
    ['an underscore', (c) => [kplus.Secret.fromSecretName(c, 'x', 'reg_cred')], '`extraPullSecrets[0]` is named "reg_cred"'],
    ['a slash', (c) => [kplus.Secret.fromSecretName(c, 'x', 'team-a/regcred')], '`extraPullSecrets[0]` is named "team-a/regcred"'],
    ['empty', (c) => [kplus.Secret.fromSecretName(c, 'x', '')], '`extraPullSecrets[0]` is named ""'],
    ['ending in a dash, second entry', (c) => [kplus.Secret.fromSecretName(c, 'ok', 'ok'), kplus.Secret.fromSecretName(c, 'x', 'regcred-')],
      '`extraPullSecrets[1]` is named "regcred-"'],
    ['300 characters', (c) => [kplus.Secret.fromSecretName(c, 'x', 'a'.repeat(300))], 'it is 300 characters long; the limit is 253'],
    ['a newline', (c) => [kplus.Secret.fromSecretName(c, 'x', 'reg\ncred')], 'is named "reg\\ncred"'],
    ['a name that is a number', (c) => [namedConstruct(c, 42)],
      'the name of `extraPullSecrets[0]` must be a plain string known at synth, not a number'],
    ['a string instead of a Secret', () => ['regcred'], '`extraPullSecrets[0]` must be a Secret construct, not a string'],
    ['a plain object', () => [{ name: 'regcred' }], '`extraPullSecrets[0]` must be a Secret construct, not an object'],
    ['not a list', (c) => kplus.Secret.fromSecretName(c, 'x', 'regcred'), '`extraPullSecrets` must be a list of Secrets, not an object'],
    ['a string', () => 'regcred', '`extraPullSecrets` must be a list of Secrets, not a string'],
  ])('PrivateImageWorkload, %s', (_name, secrets, expected) => {
    const message = failure((c) => new PrivateImageWorkload(c, 'app', { image: 'quay.io/org/app:1', extraPullSecrets: js(secrets(c)) }));
    expect(message.startsWith('[chart/app] ')).toBe(true);
    expect(message).toContain(expected);
    // A name that is no string gets the plain-string fix (a token resolves too late); every other row the Secrets fix.
    expect(message).toContain(expected.startsWith('the name of') ? 'Fix: pass a string literal' : FIX);
  });

  test('valid names pass: plus-28 Secrets, RegistrySecrets and dotted names', () => {
    const c = chart();
    const registry = new RegistrySecret(c, 'quay', { name: 'quay.pull', server: 'quay.io', credentials: literal() });
    new PrivateImageWorkload(c, 'app', { image: 'quay.io/org/app:1', extraPullSecrets: [registry, kplus.Secret.fromSecretName(c, 'x', 'regcred-2')] });
    const deployment = Testing.synth(c).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.imagePullSecrets.map((s: { name: string }) => s.name).sort()).toEqual(['quay.pull', 'regcred-2']);
  });

  test.each<[string, (c: Chart) => unknown, string]>([
    ['missing', () => undefined, '`secrets` is missing'],
    ['not a list', () => 'quay-pull', '`secrets` must be a list of Secrets, not a string'],
    ['a plain object in it', () => [{ name: 'quay-pull' }], '`secrets[0]` must be a Secret construct, not an object'],
    ['an impossible name', (c) => [RegistrySecret.fromSecretName(c, 'x', 'ok', { servers: ['quay.io'] }), namedConstruct(c, 'Quay Pull')],
      '`secrets[1]` is named "Quay Pull", which no Secret can be'],
  ])('ServiceAccountPullSecrets, secrets %s', (_name, secrets, expected) => {
    const message = failure((c) => new ServiceAccountPullSecrets(c, 'sa', { secrets: js(secrets(c)) }));
    expect(message).toContain(`[chart/sa] ${expected}`);
    expect(message).toContain('Fix: pass the registry secrets to attach');
  });
});

describe('enum props outside their enum, named with the allowed values', () => {
  test.each<[string, (c: Chart) => void, string]>([
    ['WorkloadKind in the wrong case', (c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', kind: js('Deployment') }),
      '[chart/w] `kind` "Deployment" is not a WorkloadKind; the allowed values are POD, DEPLOYMENT, STATEFUL_SET, DAEMON_SET, JOB, CRON_JOB. ' +
      'Fix: pass one of WorkloadKind.POD, WorkloadKind.DEPLOYMENT'],
    ['WorkloadKind a kplus class', (c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', kind: js(kplus.Deployment) }),
      '[chart/w] `kind` a function is not a WorkloadKind'],
    ['WorkloadKind null', (c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', kind: js(null) }), '[chart/w] `kind` null is not a WorkloadKind'],
    ['imagePullPolicy in lower case', (c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', imagePullPolicy: js('always') }),
      '[chart/w] `imagePullPolicy` "always" is not a kplus.ImagePullPolicy; the allowed values are Always, IfNotPresent, Never'],
    ['imagePullPolicy a boolean', (c) => new PrivateImageWorkload(c, 'w', { image: 'quay.io/a/b:1', imagePullPolicy: js(true) }),
      '`imagePullPolicy` a boolean is not a kplus.ImagePullPolicy'],
    ['ProjectRegistryMode by another name', (c) => new ProjectRegistry(c, 'p', { project: project(c), credentials: literal(), mode: js('RANCHER') }),
      '[chart/p] `mode` "RANCHER" is not a ProjectRegistryMode; the allowed values are COPY_PER_NAMESPACE, RANCHER_PROJECT_SCOPED. ' +
      'Fix: pass one of ProjectRegistryMode.COPY_PER_NAMESPACE, ProjectRegistryMode.RANCHER_PROJECT_SCOPED'],
    ['ProjectRegistryMode a long string is shortened', (c) => new ProjectRegistry(c, 'p', { project: project(c), credentials: literal(), mode: js('x'.repeat(500)) }),
      `[chart/p] \`mode\` "${'x'.repeat(61)}..." is not a ProjectRegistryMode`],
  ])('%s', (_name, build, expected) => {
    expect(failure(build)).toContain(expected);
  });
});

describe('shapes: booleans, numbers, lists, string maps, props objects, constructs', () => {
  const workload = (c: Chart, props: object) => new PrivateImageWorkload(c, 'w', { image: 'docker.io/library/nginx:1', publicImages: ['docker.io/library'], ...js(props) });
  test.each<[string, (c: Chart) => void, string]>([
    ['RegistrySecret without props', (c) => new RegistrySecret(c, 's', js(undefined)), '[chart/s] the props are missing, not an object. Fix: pass them, e.g. { credentials: '],
    ['RegistrySecret immutable "yes"', (c) => new RegistrySecret(c, 's', { credentials: literal(), immutable: js('yes') }),
      '[chart/s] `immutable` must be true or false, not a string. Fix: pass a boolean'],
    ['RegistrySecret allowStaticEcrCredentials "false" (truthy)', (c) => new RegistrySecret(c, 's', {
      server: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', credentials: literal(), allowStaticEcrCredentials: js('false'),
    }), '[chart/s] `allowStaticEcrCredentials` must be true or false, not a string'],
    ['RegistrySecret appendHash 1', (c) => new RegistrySecret(c, 's', { name: 's', credentials: literal(), appendHash: js(1) }), '`appendHash` must be true or false, not a number'],
    ['RegistrySecret labels with a number', (c) => new RegistrySecret(c, 's', { credentials: literal(), labels: js({ tier: 1 }) }),
      '[chart/s] `labels` value of key "tier" must be a string, not a number'],
    ['RegistrySecret labels a list', (c) => new RegistrySecret(c, 's', { credentials: literal(), labels: js(['a=b']) }), '`labels` must be an object of strings, not a list'],
    ['RegistrySecret annotations a string', (c) => new RegistrySecret(c, 's', { credentials: literal(), annotations: js('a=b') }),
      '`annotations` must be an object of strings, not a string'],
    ['imported secret without options', (c) => RegistrySecret.fromSecretName(c, 'i', 'x', js(undefined)), '[chart/i] the props are missing, not an object'],
    ['ProjectRegistry without project', (c) => new ProjectRegistry(c, 'p', { credentials: literal() } as any),
      '[chart/p] `project` is missing. Fix: pass a Project: new Project(this, \'team\''],
    ['ProjectRegistry with a plain project', (c) => new ProjectRegistry(c, 'p', { project: js({ namespaces: ['team-a'] }), credentials: literal() }),
      '[chart/p] `project` is not a Project'],
    ['ProjectRegistry immutable "true"', (c) => new ProjectRegistry(c, 'p', { project: project(c), credentials: literal(), immutable: js('true') }),
      '[chart/p] `immutable` must be true or false, not a string'],
    ['ProjectRegistry labels null', (c) => new ProjectRegistry(c, 'p', { project: project(c), credentials: literal(), labels: js(null) }),
      '[chart/p] `labels` must be an object of strings, not null'],
    ['PrivateImageWorkload without props', (c) => new PrivateImageWorkload(c, 'w', js(undefined)), '[chart/w] the props are missing, not an object'],
    ['replicas "3"', (c) => workload(c, { replicas: '3' }), '[chart/w] `replicas` must be a whole number from 0 up, not a string'],
    ['replicas -1', (c) => workload(c, { replicas: -1 }), '`replicas` must be a whole number from 0 up, not -1'],
    ['replicas 1.5', (c) => workload(c, { replicas: 1.5 }), '`replicas` must be a whole number from 0 up, not 1.5'],
    ['replicas NaN', (c) => workload(c, { replicas: NaN }), '`replicas` must be a whole number from 0 up, not NaN'],
    ['command a string', (c) => workload(c, { command: 'sh -c "sleep 1"' }), '[chart/w] command must be a list of plain strings, not string'],
    ['args with a number', (c) => workload(c, { args: ['--port', 8080] }), '[chart/w] args[1] must be a plain string known at synth, not a number'],
    ['allowUnmatchedImages "false" (truthy)', (c) => workload(c, { allowUnmatchedImages: 'false' }), '`allowUnmatchedImages` must be true or false, not a string'],
    ['workload labels with an object', (c) => workload(c, { labels: { app: { name: 'x' } } }), '`labels` value of key "app" must be a string, not an object'],
    ['CronJob schedule a crontab string (no schedule in the manifest before)', (c) => workload(c, { kind: 'CRON_JOB', schedule: '0 * * * *' }),
      '[chart/w] `schedule` must be a cdk8s Cron, not a string. Fix: pass e.g. Cron.daily()'],
    ['StatefulSet service a plain object (a TypeError before)', (c) => workload(c, { kind: 'STATEFUL_SET', service: { name: 'svc' } }),
      '[chart/w] `service` must be a kplus.Service, not an object'],
    ['serviceAccount a name (the default account before)', (c) => workload(c, { serviceAccount: 'builder' }),
      '[chart/w] `serviceAccount` must be a service account (kplus.IServiceAccount), not a string'],
    ['serviceAccount named as no account can be', (c) => workload(c, { serviceAccount: { name: 'Builder' } }), '[chart/w] service account name "Builder" must be a DNS-1123 subdomain'],
    ['ports as numbers (empty ports before)', (c) => workload(c, { ports: [80] }), '[chart/w] `ports[0]` must be an object whose `number` is a port from 1 to 65535'],
    ['a port of 70000', (c) => workload(c, { ports: [{ number: 8080 }, { number: 70000 }] }), '`ports[1]` must be an object whose `number` is a port from 1 to 65535'],
    ['ports not a list', (c) => workload(c, { ports: { number: 80 } }), '`ports` must be a list, not an object'],
    ['env variable a string (no value before)', (c) => workload(c, { envVariables: { TOKEN: PASSWORD } }),
      '[chart/w] `envVariables` entry "TOKEN" must be a kplus.EnvValue, not a string. Fix: wrap it: { TOKEN: kplus.EnvValue.fromValue(...) }'],
    ['envVariables a list', (c) => workload(c, { envVariables: ['A=b'] }), '`envVariables` must be an object of kplus.EnvValue, not a list'],
    ['PullSecretWiring allowUnmatchedImages "no"', (c) => PullSecretWiring.applyTo(c, { allowUnmatchedImages: js('no') }),
      '[chart] `allowUnmatchedImages` must be true or false, not a string'],
    ['PullSecretWiring options a string', (c) => PullSecretWiring.applyTo(c, js('registry.k8s.io')), '[chart] the props are a string, not an object'],
    ['PullSecretWiring on no construct', () => PullSecretWiring.applyTo(js({ node: 1 })),
      'PullSecretWiring.applyTo(): the scope is an object, not a construct. Fix: pass the app or a chart'],
    ['Project namespaces a string', (c) => new Project(c, 'p', { namespaces: js('team-a') }), '[chart/p] namespaces must be a list of plain strings, not string'],
    ['Project emitNamespaces "false" (truthy)', (c) => new Project(c, 'p', { namespaces: ['team-a'], emitNamespaces: js('false') }),
      '[chart/p] `emitNamespaces` must be true or false, not a string'],
    ['Project props null', (c) => new Project(c, 'p', js(null)), '[chart/p] the props are null, not an object'],
    ['PodBearingKind.custom without props', () => PodBearingKind.custom(js(undefined)), 'PodBearingKind.custom(): the props are missing, not an object'],
    ['RegistryMirror without props', (c) => new RegistryMirror(c, 'm', js(undefined)), '[chart/m] the props are missing, not an object. Fix: pass them, e.g. { upstream: '],
    ['RegistryMirror anonymous "yes"', (c) => new RegistryMirror(c, 'm', { upstream: 'docker.io', endpoint: 'mirror.example.com', anonymous: js('yes') }),
      '[chart/m] `anonymous` must be true or false'],
    ['ServiceAccountPullSecrets without props', (c) => new ServiceAccountPullSecrets(c, 'sa', js(undefined)), '[chart/sa] the props are missing, not an object'],
  ])('%s', (_name, build, expected) => {
    const message = failure(build);
    expect(message).toContain(expected);
    expect(message).toContain('Fix: ');
    expect(message).not.toContain(PASSWORD);
  });
});
