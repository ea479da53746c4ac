/**
 * The benchmark apps: the same namespaces, registry secrets and Deployments,
 * built by hand with cdk8s-plus (variant a), with this library (b1, b2), by
 * hand with each Deployment inside an empty wrapper construct (c, the floor
 * of any wrapper design), or as plain cdk8s-plus Deployments wired by
 * `PullSecretWiring.applyTo(app)` (d). Names are identical across variants
 * so their outputs can be compared.
 */
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  PrivateImageWorkload, Project, ProjectRegistry, ProjectRegistryMode, PullSecretWiring, RegistryCredentials, RegistrySecret,
} from '../src';

/** One benchmark size: namespaces × workloads, with registry secrets per namespace. */
export interface BenchSize {
  readonly name: string;
  readonly namespaces: number;
  readonly workloadsPerNamespace: number;
  readonly secretsPerNamespace: number;
  readonly description: string;
}

export const SIZES: readonly BenchSize[] = [
  { name: '10x10', namespaces: 10, workloadsPerNamespace: 10, secretsPerNamespace: 1, description: '10 namespaces × 10 workloads' },
  { name: '50x20', namespaces: 50, workloadsPerNamespace: 20, secretsPerNamespace: 1, description: '50 namespaces × 20 workloads' },
  { name: '100x50', namespaces: 100, workloadsPerNamespace: 50, secretsPerNamespace: 1, description: '100 namespaces × 50 workloads' },
  { name: '200x50', namespaces: 200, workloadsPerNamespace: 50, secretsPerNamespace: 1, description: '200 namespaces × 50 workloads' },
  {
    name: 'dense',
    namespaces: 1,
    workloadsPerNamespace: 1000,
    secretsPerNamespace: 1000,
    description: '1 namespace × 1,000 workloads, 1,000 registry secrets (one host each)',
  },
];

/** The ways the same app is built. */
export type VariantName = 'a' | 'b1' | 'b2' | 'c' | 'd';

export const VARIANTS: Readonly<Record<VariantName, string>> = {
  a: 'hand-wired cdk8s-plus (Secret + dockerRegistryAuth)',
  b1: 'RegistrySecret per namespace + PrivateImageWorkload',
  b2: 'Project + ProjectRegistry (COPY_PER_NAMESPACE) + PrivateImageWorkload',
  c: 'as (a), each Deployment inside an empty wrapper Construct (the floor of any wrapper design)',
  d: 'RegistrySecret per namespace + plain cdk8s-plus Deployments + PullSecretWiring.applyTo(app)',
};

/** The variants `npm run bench` runs when --variants is not given (c and d are asked for by name). */
export const DEFAULT_VARIANTS: readonly VariantName[] = ['a', 'b1', 'b2'];

export function findSize(name: string): BenchSize {
  const size = SIZES.find((s) => s.name === name);
  if (!size) throw new Error(`unknown size "${name}"; sizes: ${SIZES.map((s) => s.name).join(', ')}`);
  return size;
}

export function isVariant(name: string): name is VariantName {
  return Object.prototype.hasOwnProperty.call(VARIANTS, name);
}

/** Objects every variant emits: one Secret per (namespace, registry) and one Deployment per workload. */
export function expectedObjects(size: BenchSize): number {
  return size.namespaces * (size.secretsPerNamespace + size.workloadsPerNamespace);
}

const USERNAME = 'bench';
const PASSWORD = 'bench-password-not-secret';
const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';

const namespaceName = (i: number) => `ns-${i}`;
const secretName = (k: number) => `reg-${k}`;
const registryHost = (k: number) => `reg-${k}.example.com`;
const workloadName = (j: number) => `app-${j}`;
/** Workload j pulls from registry j mod S: in the dense size, each from its own host. */
const secretIndexOf = (size: BenchSize, j: number) => j % size.secretsPerNamespace;
const imageOf = (size: BenchSize, j: number) => `${registryHost(secretIndexOf(size, j))}/team/app-${j}:1.0`;

/**
 * The `.dockerconfigjson` kubectl writes for one username/password (the bytes
 * RegistrySecret base64-encodes), so variant a carries the same JSON.
 */
function dockerConfigJson(host: string): string {
  const auth = Buffer.from(`${USERNAME}:${PASSWORD}`, 'utf8').toString('base64');
  return JSON.stringify({ auths: { [host]: { username: USERNAME, password: PASSWORD, auth } } });
}

/**
 * How the app is split into charts: one chart per namespace (with the chart's
 * namespace set), or a single chart holding every namespace (each object's
 * namespace set explicitly). cdk8s re-runs dependency resolution and every
 * validation of the whole app once per chart, so the layout matters.
 */
export type Layout = 'per-namespace' | 'single';
export const LAYOUTS: readonly Layout[] = ['per-namespace', 'single'];

/** Where the objects of one namespace go, and the namespace to set on them explicitly (single layout only). */
interface NamespaceScope {
  readonly scope: Construct;
  readonly explicitNamespace?: string;
}

/** The scopes of every namespace: a namespaced chart each, or a subtree of one shared chart. */
function namespaceScopes(app: App, size: BenchSize, layout: Layout, shared?: Chart): NamespaceScope[] {
  const single = layout === 'single' ? shared ?? new Chart(app, 'app') : undefined;
  return Array.from({ length: size.namespaces }, (_, i) => {
    const namespace = namespaceName(i);
    return single
      ? { scope: new Construct(single, namespace), explicitNamespace: namespace }
      : { scope: new Chart(app, namespace, { namespace }) };
  });
}

/** Builds the constructs of `variant` at `size`; nothing is synthesized yet. */
export function buildApp(variant: VariantName, size: BenchSize, layout: Layout): App {
  const app = new App();
  switch (variant) {
    case 'a':
      buildHandWired(app, size, layout);
      break;
    case 'b1':
      buildRegistrySecrets(app, size, layout);
      break;
    case 'b2':
      buildProjectRegistries(app, size, layout);
      break;
    case 'c':
      buildHandWired(app, size, layout, { wrapped: true });
      break;
    case 'd':
      buildWiredPlainDeployments(app, size, layout);
      break;
  }
  return app;
}

/**
 * The id of the Deployment under its wrapper in (c). constructs leaves a child
 * with id `Default` out of `node.addr` and cdk8s leaves it out of generated
 * names, so the Deployment's `cdk8s.io/metadata.addr` label (and every other
 * generated name) is the one (a) emits for `<namespace>/app-j`: (c)'s YAML is
 * byte-identical to (a)'s while its tree has (b1)'s shape (one construct more
 * per workload, the Deployment one level deeper).
 */
export const WRAPPED_CHILD_ID = 'Default';

/**
 * (a) cdk8s-plus by hand: a dockerconfigjson Secret per registry, each Deployment wired with dockerRegistryAuth.
 * (c) with `wrapped`: the same, each Deployment created under an otherwise empty `Construct` with the
 * workload's id (as PrivateImageWorkload's own Deployment is), see {@link WRAPPED_CHILD_ID}.
 */
function buildHandWired(app: App, size: BenchSize, layout: Layout, options: { wrapped?: boolean } = {}): void {
  for (const { scope, explicitNamespace } of namespaceScopes(app, size, layout)) {
    const secrets: kplus.Secret[] = [];
    for (let k = 0; k < size.secretsPerNamespace; k++) {
      secrets.push(new kplus.Secret(scope, secretName(k), {
        metadata: { name: secretName(k), namespace: explicitNamespace },
        type: DOCKER_CONFIG_JSON_TYPE,
        stringData: { '.dockerconfigjson': dockerConfigJson(registryHost(k)) },
      }));
    }
    for (let j = 0; j < size.workloadsPerNamespace; j++) {
      const [parent, id] = options.wrapped
        ? [new Construct(scope, workloadName(j)), WRAPPED_CHILD_ID]
        : [scope, workloadName(j)];
      new kplus.Deployment(parent, id, {
        metadata: { name: workloadName(j), namespace: explicitNamespace },
        dockerRegistryAuth: secrets[secretIndexOf(size, j)],
        // What PrivateImageWorkload sets for a tagged image (the kubelet's default).
        containers: [{ image: imageOf(size, j), imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT }],
      });
    }
  }
}

/** (b1) a RegistrySecret per registry in each namespace; PrivateImageWorkloads wired automatically. */
function buildRegistrySecrets(app: App, size: BenchSize, layout: Layout): void {
  const credentials = RegistryCredentials.fromUsernamePassword(USERNAME, PASSWORD);
  for (const { scope, explicitNamespace } of namespaceScopes(app, size, layout)) {
    for (let k = 0; k < size.secretsPerNamespace; k++) {
      new RegistrySecret(scope, secretName(k), { name: secretName(k), namespace: explicitNamespace, server: registryHost(k), credentials });
    }
    addWorkloads(scope, size, explicitNamespace);
  }
}

/**
 * (d) a RegistrySecret per registry in each namespace (as b1), plain cdk8s-plus Deployments without
 * dockerRegistryAuth (as a, same ids and paths), wired by one `PullSecretWiring.applyTo(app)`.
 */
function buildWiredPlainDeployments(app: App, size: BenchSize, layout: Layout): void {
  const credentials = RegistryCredentials.fromUsernamePassword(USERNAME, PASSWORD);
  for (const { scope, explicitNamespace } of namespaceScopes(app, size, layout)) {
    for (let k = 0; k < size.secretsPerNamespace; k++) {
      new RegistrySecret(scope, secretName(k), { name: secretName(k), namespace: explicitNamespace, server: registryHost(k), credentials });
    }
    for (let j = 0; j < size.workloadsPerNamespace; j++) {
      new kplus.Deployment(scope, workloadName(j), {
        metadata: { name: workloadName(j), namespace: explicitNamespace },
        containers: [{ image: imageOf(size, j), imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT }],
      });
    }
  }
  PullSecretWiring.applyTo(app);
}

/**
 * (b2) one Project over every namespace and one ProjectRegistry per registry,
 * copied into each namespace; PrivateImageWorkloads wired automatically.
 * Namespaces are not emitted, so the object count matches the other variants.
 */
function buildProjectRegistries(app: App, size: BenchSize, layout: Layout): void {
  const credentials = RegistryCredentials.fromUsernamePassword(USERNAME, PASSWORD);
  const shared = new Chart(app, layout === 'single' ? 'app' : 'registries');
  const namespaces = Array.from({ length: size.namespaces }, (_, i) => namespaceName(i));
  const project = new Project(shared, 'project', { namespaces, emitNamespaces: false });
  for (let k = 0; k < size.secretsPerNamespace; k++) {
    new ProjectRegistry(shared, secretName(k), {
      project,
      name: secretName(k),
      server: registryHost(k),
      credentials,
      mode: ProjectRegistryMode.COPY_PER_NAMESPACE,
    });
  }
  for (const { scope, explicitNamespace } of namespaceScopes(app, size, layout, shared)) {
    addWorkloads(scope, size, explicitNamespace);
  }
}

function addWorkloads(scope: Construct, size: BenchSize, namespace: string | undefined): void {
  for (let j = 0; j < size.workloadsPerNamespace; j++) {
    new PrivateImageWorkload(scope, workloadName(j), { name: workloadName(j), namespace, image: imageOf(size, j) });
  }
}
