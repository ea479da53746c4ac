/**
 * The example app: the seed docs' scenarios as code. `npm run synth` writes
 * them to dist/. Demo credentials are placeholders unless QUAY_USERNAME and
 * QUAY_PASSWORD are exported, in which case those are used.
 */
import { App, Chart, ChartProps, Cron } from 'cdk8s';
import { Construct } from 'constructs';
import {
  EcrAuth, ExternalSecretStore, PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, RegistryCredentials, RegistrySecret,
  RegistryServer, WorkloadKind,
} from '../src';

/**
 * Credentials from PREFIX_USERNAME / PREFIX_PASSWORD when either is exported;
 * otherwise placeholders, obviously not real, so the example synthesizes
 * with no environment.
 */
function demoCredentials(prefix: string): RegistryCredentials {
  if (process.env[`${prefix}_USERNAME`] || process.env[`${prefix}_PASSWORD`]) {
    return RegistryCredentials.fromEnv(`${prefix}_USERNAME`, `${prefix}_PASSWORD`);
  }
  return RegistryCredentials.fromUsernamePassword('<username>', '<password>');
}

/** "Creating a Registry in Namespaces": the testquay secret in `default`. */
export class NamespaceRegistryChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'default', ...props });
    new RegistrySecret(this, 'testquay', {
      name: 'testquay',
      server: RegistryServer.QUAY,
      credentials: demoCredentials('QUAY'),
    });

    // The seed's pod.yml: imagePullSecrets [testquay] because quay.io matches.
    new PrivateImageWorkload(this, 'private-reg', {
      kind: WorkloadKind.POD,
      name: 'private-reg',
      containerName: 'private-reg-container',
      image: 'quay.io/example/private-app:1.0',
    });
  }
}

/** Workloads pulling from two registries in one namespace; each gets exactly the secrets it needs. */
export class WorkloadsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'shop', ...props });
    new RegistrySecret(this, 'quay', { name: 'quay-pull', server: RegistryServer.QUAY, credentials: demoCredentials('QUAY') });
    new RegistrySecret(this, 'ghcr', { name: 'ghcr-pull', server: RegistryServer.GHCR, credentials: demoCredentials('GHCR') });

    // A Deployment with a sidecar from a second registry: both secrets. Its init container is an
    // official Docker Hub image, public: no secret, and the pattern travels with the manifest.
    const web = new PrivateImageWorkload(this, 'web', {
      name: 'web',
      image: 'quay.io/example/shop-web:2.3.1',
      ports: [{ number: 8080 }],
      replicas: 2,
      publicImages: ['docker.io/library'],
    });
    web.workload.addContainer({ name: 'log-shipper', image: 'ghcr.io/example/log-shipper:0.9', portNumber: 2020 });
    web.workload.addInitContainer({ name: 'wait-for-db', image: 'busybox:1.36', command: ['sh', '-c', 'until nc -z db 5432; do sleep 1; done'] });

    // A CronJob from the second registry only: just its secret.
    new PrivateImageWorkload(this, 'report', {
      kind: WorkloadKind.CRON_JOB,
      name: 'nightly-report',
      image: 'ghcr.io/example/report:1.4',
      schedule: Cron.daily(),
    });
  }
}

/**
 * "Creating a Registry in Projects": a project of three namespaces, one
 * registry shared by all of them, workloads in two. `mode` picks how the
 * registry reaches the namespaces.
 */
export class ProjectRegistryChart extends Chart {
  constructor(scope: Construct, id: string, mode: ProjectRegistryMode, props: ChartProps = {}) {
    super(scope, id, props);
    const suffix = mode === ProjectRegistryMode.COPY_PER_NAMESPACE ? 'copy' : 'rancher';
    const project = new Project(this, 'team', {
      namespaces: [`team-a-${suffix}`, `team-b-${suffix}`, `team-c-${suffix}`],
      // Rancher ids bind the namespaces to a Rancher project; copies work on any cluster without them.
      ...(mode === ProjectRegistryMode.RANCHER_PROJECT_SCOPED ? { clusterId: 'c-abc12', projectId: 'p-xyz34' } : {}),
    });
    new ProjectRegistry(this, 'ghcr', {
      project,
      name: 'ghcr-pull',
      server: RegistryServer.GHCR,
      credentials: demoCredentials('GHCR'),
      mode,
    });
    new PrivateImageWorkload(this, 'api', { namespace: `team-a-${suffix}`, name: 'api', image: 'ghcr.io/example/api:3.0', ports: [{ number: 8080 }] });
    new PrivateImageWorkload(this, 'worker', { namespace: `team-b-${suffix}`, name: 'worker', kind: WorkloadKind.JOB, image: 'ghcr.io/example/worker:3.0' });
  }
}

/**
 * Passwords out of Git with External Secrets Operator: the manifests hold
 * ExternalSecrets (and an ECR token generator), never a credential; the
 * operator writes the pull secrets in the cluster. Workloads are wired as
 * for any other secret.
 */
export class ExternalSecretsChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'payments', ...props });
    // Username and password kept in a store (here a ClusterSecretStore named "vault").
    new RegistrySecret(this, 'quay', {
      name: 'quay-store',
      server: RegistryServer.QUAY,
      credentials: RegistryCredentials.fromExternalSecret({ store: ExternalSecretStore.cluster('vault'), remoteKey: 'registry/quay' }),
    });
    // A 12-hour ECR token, renewed every hour by the operator, through the IRSA service account "ecr-pull".
    new RegistrySecret(this, 'ecr', {
      name: 'ecr-pull',
      server: RegistryServer.ecr('123456789012', 'eu-west-1'),
      credentials: RegistryCredentials.fromEcrAuthorizationToken({ region: 'eu-west-1', auth: EcrAuth.serviceAccount('ecr-pull') }),
    });

    new PrivateImageWorkload(this, 'checkout', { name: 'checkout', image: 'quay.io/example/checkout:5.2', ports: [{ number: 8080 }] });
    new PrivateImageWorkload(this, 'settlement', {
      kind: WorkloadKind.CRON_JOB,
      name: 'settlement',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments/settlement:1.7',
      schedule: Cron.daily(),
    });
  }
}

/** Adds every example chart to `app`. */
export function buildExample(app: App): App {
  new NamespaceRegistryChart(app, 'namespace-registry');
  new WorkloadsChart(app, 'workloads');
  new ProjectRegistryChart(app, 'project-copy', ProjectRegistryMode.COPY_PER_NAMESPACE);
  new ProjectRegistryChart(app, 'project-rancher', ProjectRegistryMode.RANCHER_PROJECT_SCOPED);
  new ExternalSecretsChart(app, 'external-secrets');
  return app;
}

if (require.main === module) {
  buildExample(new App()).synth();
}
