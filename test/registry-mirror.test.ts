import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as plus33 from 'cdk8s-plus-33';
import { PrivateImageWorkload, PullSecretWiring, RegistryMirror, RegistrySecret, WorkloadKind } from '../src';
import { POD_SPEC, pullSecretsOf, WORKLOAD_PASSWORD } from './support/charts';
import { runCliCaptured } from './support/cli';
import { creds } from './support/credentials';
import { synthError } from './support/synth';
import { ORIGINAL_IMAGES_ANNOTATION } from '../src/rules/declarations';

const HARBOR = 'harbor.example.com';
const HUB_PROXY = `${HARBOR}/dockerhub-proxy`;
const DIGEST = `sha256:${'b'.repeat(64)}`;

/** An app with a chart "chart" in `namespace` holding a RegistrySecret "harbor" for the harbor host. */
function harborApp(namespace = 'team-a'): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'chart', { namespace });
  new RegistrySecret(chart, 'harbor', { name: 'harbor', server: HARBOR, credentials: creds(WORKLOAD_PASSWORD) });
  return { app, chart };
}

const objectOf = (manifests: any[], kind: string, name?: string) => {
  const found = manifests.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return found;
};
const imagesOf = (object: any) => {
  const spec = POD_SPEC[object.kind](object);
  return [...(spec.initContainers ?? []), ...spec.containers].map((c: any) => c.image);
};
const originalsOf = (object: any) => {
  const value = object.metadata.annotations?.[ORIGINAL_IMAGES_ANNOTATION];
  return value === undefined ? undefined : JSON.parse(value);
};

describe('RegistryMirror on a PrivateImageWorkload', () => {
  test('a Harbor proxy-cache project: the image is rewritten, the harbor secret wired, the original recorded on the object', () => {
    const { chart } = harborApp();
    const hub = new RegistryMirror(chart, 'hub-cache', { upstream: 'docker.io', endpoint: HUB_PROXY });
    expect(hub.rewrite('nginx:1.27')).toBe(`${HUB_PROXY}/library/nginx:1.27`);
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
    const deployment = objectOf(Testing.synth(chart), 'Deployment', 'web');
    expect(imagesOf(deployment)).toEqual([`${HUB_PROXY}/library/nginx:1.27`]);
    expect(pullSecretsOf([deployment], 'Deployment')).toEqual(['harbor']);
    expect(originalsOf(deployment)).toEqual({ [`${HUB_PROXY}/library/nginx:1.27`]: 'nginx:1.27' });
    // On the object's own metadata, never the pod template's: a change there would roll every pod.
    expect(deployment.spec.template.metadata?.annotations?.[ORIGINAL_IMAGES_ANNOTATION]).toBeUndefined();
  });

  test('containers added later, init containers, tags with digests: each rewritten; output deterministic', () => {
    const build = () => {
      const { app, chart } = harborApp();
      new RegistryMirror(chart, 'hub', { upstream: 'index.docker.io', endpoint: HUB_PROXY });
      const workload = new PrivateImageWorkload(chart, 'web', { name: 'web', image: `nginx:1.27@${DIGEST}` });
      workload.workload.addInitContainer({ name: 'init', image: 'busybox' });
      workload.workload.addContainer({ name: 'side', image: 'bitnami/redis:7.2' });
      return app;
    };
    const deployment = objectOf(Testing.synth(build().charts[0]), 'Deployment', 'web');
    expect(imagesOf(deployment)).toEqual([
      `${HUB_PROXY}/library/busybox`, `${HUB_PROXY}/library/nginx:1.27@${DIGEST}`, `${HUB_PROXY}/bitnami/redis:7.2`,
    ]);
    expect(Object.keys(originalsOf(deployment))).toEqual([
      `${HUB_PROXY}/bitnami/redis:7.2`, `${HUB_PROXY}/library/busybox`, `${HUB_PROXY}/library/nginx:1.27@${DIGEST}`,
    ]);
    expect(build().synthYaml()).toBe(build().synthYaml());
  });

  test('no credential for the mirror host fails the synth, naming the rewritten image and the mirror', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart', { namespace: 'team-a' });
    new RegistrySecret(chart, 'hub', { name: 'hub', credentials: creds(WORKLOAD_PASSWORD) }); // Docker Hub's: no longer what is pulled from
    new RegistryMirror(chart, 'hub-cache', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
    const message = synthError(app);
    expect(message).toContain(`image "${HUB_PROXY}/library/nginx:1.27" of container "main" (rewritten from "nginx:1.27" by the RegistryMirror at chart/hub-cache)`);
    expect(message).toContain(`for the mirror's registry "${HARBOR}"`);
    expect(message).toContain('anonymous: true');
  });

  test('the upstream credential is not wired unless another image needs it', () => {
    const { app, chart } = harborApp();
    new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistryMirror(chart, 'quay-cache', { upstream: 'quay.io', endpoint: `${HARBOR}/quay`, exclude: ['quay.io/org/private'] });
    new PrivateImageWorkload(chart, 'cached', { name: 'cached', image: 'quay.io/jetstack/cert-manager-controller:v1.15.0' });
    const both = new PrivateImageWorkload(chart, 'both', { name: 'both', image: 'quay.io/jetstack/cert-manager-webhook:v1.15.0' });
    both.workload.addContainer({ name: 'private', image: 'quay.io/org/private/app:1' });
    const out = Testing.synth(chart);
    expect(() => app.synthYaml()).not.toThrow();
    expect(pullSecretsOf(out, 'Deployment', 'cached')).toEqual(['harbor']);
    expect(imagesOf(objectOf(out, 'Deployment', 'cached'))).toEqual([`${HARBOR}/quay/jetstack/cert-manager-controller:v1.15.0`]);
    // The excluded image is still pulled from quay.io, with quay's secret.
    expect(imagesOf(objectOf(out, 'Deployment', 'both'))).toEqual([`${HARBOR}/quay/jetstack/cert-manager-webhook:v1.15.0`, 'quay.io/org/private/app:1']);
    expect(pullSecretsOf(out, 'Deployment', 'both')).toEqual(['harbor', 'quay']);
    expect(originalsOf(objectOf(out, 'Deployment', 'both'))).toEqual({
      [`${HARBOR}/quay/jetstack/cert-manager-webhook:v1.15.0`]: 'quay.io/jetstack/cert-manager-webhook:v1.15.0',
    });
  });

  test('an anonymous cache needs no secret, and is declared like a public registry', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart', { namespace: 'team-a' });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: 'mirror.example.com:5000', anonymous: true });
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
    const deployment = objectOf(Testing.synth(chart), 'Deployment', 'web');
    expect(imagesOf(deployment)).toEqual(['mirror.example.com:5000/library/nginx:1.27']);
    expect(pullSecretsOf([deployment], 'Deployment')).toBeUndefined();
    expect(deployment.metadata.annotations['cdk8s-private-registry/public-images']).toBe('mirror.example.com:5000');
  });

  test('publicImages patterns apply to the image as pulled', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'chart', { namespace: 'team-a' });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27', publicImages: [`${HUB_PROXY}/library`] });
    expect(pullSecretsOf(Testing.synth(chart), 'Deployment', 'web')).toBeUndefined();

    const other = Testing.app();
    const upstreamOnly = new Chart(other, 'chart', { namespace: 'team-a' });
    new RegistryMirror(upstreamOnly, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new PrivateImageWorkload(upstreamOnly, 'web', { name: 'web', image: 'nginx:1.27', publicImages: ['docker.io/library'] });
    expect(synthError(other)).toContain(`image "${HUB_PROXY}/library/nginx:1.27"`);
  });

  test('excluded images and images of other registries are left as written, with no annotation', () => {
    const { chart } = harborApp();
    new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY, exclude: ['docker.io/library/ubuntu'] });
    new PrivateImageWorkload(chart, 'quay-pod', { name: 'quay', image: 'quay.io/org/app:1', kind: WorkloadKind.POD });
    new PrivateImageWorkload(chart, 'ubuntu', { name: 'ubuntu', image: 'ubuntu:24.04', kind: WorkloadKind.POD, publicImages: ['docker.io/library/ubuntu'] });
    const out = Testing.synth(chart);
    for (const [name, image] of [['quay', 'quay.io/org/app:1'], ['ubuntu', 'ubuntu:24.04']]) {
      const pod = objectOf(out, 'Pod', name);
      expect(imagesOf(pod)).toEqual([image]);
      expect(originalsOf(pod)).toBeUndefined();
    }
  });
});

describe('RegistryMirror scope', () => {
  test('made on the App, it serves every chart; a chart\'s mirror wins for its namespace', () => {
    const app = Testing.app();
    new RegistryMirror(app, 'app-hub', { upstream: 'docker.io', endpoint: `${HARBOR}/app-proxy` });
    const charts = ['team-a', 'team-b'].map((namespace) => {
      const chart = new Chart(app, namespace, { namespace });
      new RegistrySecret(chart, 'harbor', { name: 'harbor', server: HARBOR, credentials: creds(WORKLOAD_PASSWORD) });
      new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
      return chart;
    });
    new RegistryMirror(charts[1], 'own-hub', { upstream: 'docker.io', endpoint: `${HARBOR}/team-b-proxy` });
    expect(imagesOf(objectOf(Testing.synth(charts[0]), 'Deployment'))).toEqual([`${HARBOR}/app-proxy/library/nginx:1.27`]);
    expect(imagesOf(objectOf(Testing.synth(charts[1]), 'Deployment'))).toEqual([`${HARBOR}/team-b-proxy/library/nginx:1.27`]);
  });

  test('made in a chart, it serves that chart\'s namespace only', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'team-a' });
    const b = new Chart(app, 'b', { namespace: 'team-b' });
    new RegistryMirror(a, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY, anonymous: true });
    new PrivateImageWorkload(a, 'web', { name: 'web', image: 'nginx:1.27' });
    new PrivateImageWorkload(b, 'web', { name: 'web', image: 'nginx:1.27', allowUnmatchedImages: true });
    expect(imagesOf(objectOf(Testing.synth(a), 'Deployment'))).toEqual([`${HUB_PROXY}/library/nginx:1.27`]);
    expect(imagesOf(objectOf(Testing.synth(b), 'Deployment'))).toEqual(['nginx:1.27']);
  });

  test('a mirror made after the workload still rewrites it', () => {
    const { chart } = harborApp();
    new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    expect(imagesOf(objectOf(Testing.synth(chart), 'Deployment'))).toEqual([`${HUB_PROXY}/library/nginx:1.27`]);
  });

  test('two mirrors for one upstream in one scope fail the synth, naming both', () => {
    const { app, chart } = harborApp();
    new RegistryMirror(chart, 'first', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new RegistryMirror(chart, 'second', { upstream: 'index.docker.io', endpoint: `${HARBOR}/other` });
    const message = synthError(app);
    expect(message).toContain('two registry mirrors for upstream "docker.io" in namespace "team-a": chart/first and chart/second');

    const onApp = Testing.app();
    new RegistryMirror(onApp, 'one', { upstream: 'quay.io', endpoint: `${HARBOR}/quay` });
    new RegistryMirror(onApp, 'two', { upstream: 'quay.io', endpoint: `${HARBOR}/quay2` });
    new Chart(onApp, 'chart');
    expect(synthError(onApp)).toContain('two registry mirrors for upstream "quay.io" in the App (every chart): one and two');
  });

  test('mirrors of two upstreams in one scope, or of one upstream in two namespaces, are fine', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'team-a' });
    const b = new Chart(app, 'b', { namespace: 'team-b' });
    new RegistryMirror(a, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY, anonymous: true });
    new RegistryMirror(a, 'quay', { upstream: 'quay.io', endpoint: `${HARBOR}/quay`, anonymous: true });
    new RegistryMirror(b, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY, anonymous: true });
    expect(() => app.synthYaml()).not.toThrow();
  });
});

describe('RegistryMirror under PullSecretWiring', () => {
  test('a raw KubeDeployment: containers and init containers rewritten, the harbor secret wired', () => {
    const { chart } = harborApp();
    PullSecretWiring.applyTo(chart);
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new kplus.k8s.KubeDeployment(chart, 'raw', {
      metadata: { name: 'raw' },
      spec: {
        selector: {},
        template: { spec: { initContainers: [{ name: 'init', image: 'busybox:1.36' }], containers: [{ name: 'app', image: 'nginx:1.27' }] } },
      },
    });
    const deployment = objectOf(Testing.synth(chart), 'Deployment', 'raw');
    expect(imagesOf(deployment)).toEqual([`${HUB_PROXY}/library/busybox:1.36`, `${HUB_PROXY}/library/nginx:1.27`]);
    expect(pullSecretsOf([deployment], 'Deployment')).toEqual(['harbor']);
    expect(originalsOf(deployment)).toEqual({
      [`${HUB_PROXY}/library/busybox:1.36`]: 'busybox:1.36', [`${HUB_PROXY}/library/nginx:1.27`]: 'nginx:1.27',
    });
  });

  test('a raw ApiObject Pod with an image volume: the volume\'s reference is rewritten too', () => {
    const { chart } = harborApp();
    PullSecretWiring.applyTo(chart);
    new RegistryMirror(chart, 'quay', { upstream: 'quay.io', endpoint: `${HARBOR}/quay` });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new ApiObject(chart, 'raw', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'raw' },
      spec: {
        initContainers: [{ name: 'init', image: 'quay.io/org/init:1' }],
        containers: [{ name: 'app', image: `nginx@${DIGEST}` }, { name: 'own', image: `${HARBOR}/team/app:2` }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }, { name: 'weights', image: { reference: 'quay.io/org/weights:v1', pullPolicy: 'IfNotPresent' } }],
      },
    });
    const pod = objectOf(Testing.synth(chart), 'Pod', 'raw');
    expect(imagesOf(pod)).toEqual([`${HARBOR}/quay/org/init:1`, `${HUB_PROXY}/library/nginx@${DIGEST}`, `${HARBOR}/team/app:2`]);
    expect(pod.spec.volumes[1].image).toEqual({ reference: `${HARBOR}/quay/org/weights:v1`, pullPolicy: 'IfNotPresent' });
    expect(pullSecretsOf([pod], 'Pod')).toEqual(['harbor']);
    expect(originalsOf(pod)).toEqual({
      [`${HARBOR}/quay/org/init:1`]: 'quay.io/org/init:1',
      [`${HARBOR}/quay/org/weights:v1`]: 'quay.io/org/weights:v1',
      [`${HUB_PROXY}/library/nginx@${DIGEST}`]: `nginx@${DIGEST}`,
    });
  });

  test('cdk8s-plus workloads under the wiring, applied to the App', () => {
    const { app, chart } = harborApp();
    PullSecretWiring.applyTo(app);
    new RegistryMirror(app, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new kplus.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27' }] });
    new kplus.Job(chart, 'job', { metadata: { name: 'job' }, containers: [{ image: 'quay.io/org/job:1' }] });
    new RegistrySecret(chart, 'quay', { name: 'quay', server: 'quay.io', credentials: creds(WORKLOAD_PASSWORD) });
    const out = Testing.synth(chart);
    expect(imagesOf(objectOf(out, 'Deployment', 'web'))).toEqual([`${HUB_PROXY}/library/nginx:1.27`]);
    expect(pullSecretsOf(out, 'Deployment', 'web')).toEqual(['harbor']);
    expect(imagesOf(objectOf(out, 'Job', 'job'))).toEqual(['quay.io/org/job:1']);
    expect(originalsOf(objectOf(out, 'Job', 'job'))).toBeUndefined();
  });

  test('a cdk8s-plus-33 workload (wired as the API object it makes) is rewritten too', () => {
    const { chart } = harborApp();
    PullSecretWiring.applyTo(chart);
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new plus33.Deployment(chart, 'web', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27' }] });
    const deployment = objectOf(Testing.synth(chart), 'Deployment', 'web');
    expect(imagesOf(deployment)).toEqual([`${HUB_PROXY}/library/nginx:1.27`]);
    expect(pullSecretsOf([deployment], 'Deployment')).toEqual(['harbor']);
  });
});

test('an image whose pull policy is Never is left as written: the node has it under that name', () => {
  const { chart } = harborApp();
  new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
  new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27', imagePullPolicy: kplus.ImagePullPolicy.NEVER });
  const deployment = objectOf(Testing.synth(chart), 'Deployment', 'web');
  expect(imagesOf(deployment)).toEqual(['nginx:1.27']);
  expect(originalsOf(deployment)).toBeUndefined();
});

describe('RegistryMirror props', () => {
  test.each([
    [{ upstream: 'docker.io', endpoint: 'harbor.example.com/docker hub' }, 'endpoint "harbor.example.com/docker hub" has the character " "'],
    [{ upstream: 'docker.io', endpoint: 'harbor.example.com/DockerHub' }, 'endpoint "harbor.example.com/DockerHub" has an uppercase path'],
    [{ upstream: 'docker.io', endpoint: 'harbor.example.com/hub:1.0' }, 'has a tag or digest'],
    [{ upstream: 'docker.io', endpoint: 'https://harbor.example.com/hub' }, 'has a scheme'],
    [{ upstream: 'https://quay.io', endpoint: HUB_PROXY }, 'upstream "https://quay.io" has a scheme'],
    [{ upstream: 'quay.io/jetstack', endpoint: HUB_PROXY }, 'upstream "quay.io/jetstack" has a path'],
    [{ upstream: 'docker.io', endpoint: HUB_PROXY, exclude: ['ubuntu'] }, 'exclude entry "ubuntu" is not normalized; write "docker.io/library/ubuntu"'],
    [{ upstream: 'docker.io', endpoint: HUB_PROXY, exclude: ['quay.io/org'] }, 'is not under the upstream "docker.io"'],
    [{ upstream: 'docker.io', endpoint: HUB_PROXY, anonymous: 'yes' as unknown as boolean }, '`anonymous` must be true or false'],
    [{ upstream: 42 as unknown as string, endpoint: HUB_PROXY }, 'upstream must be a plain string'],
    [{ upstream: 'docker.io', endpoint: Lazy.any({ produce: () => HUB_PROXY }) as unknown as string }, 'endpoint must be a plain string known at synth, not a cdk8s token'],
    [{ upstream: 'docker.io', endpoint: HUB_PROXY, exclude: 'docker.io/library' as unknown as string[] }, 'exclude must be a list of plain strings'],
  ])('%j fails at construction, naming the construct: %s', (props, problem) => {
    const chart = new Chart(Testing.app(), 'chart');
    expect(() => new RegistryMirror(chart, 'mirror', props)).toThrow(problem);
    expect(() => new RegistryMirror(chart, 'again', props)).toThrow('[chart/again] ');
  });

  test('the normalized props are readable; rewrite leaves what it does not serve', () => {
    const chart = new Chart(Testing.app(), 'chart', { namespace: 'team-a' });
    const mirror = new RegistryMirror(chart, 'hub', { upstream: 'Index.Docker.IO', endpoint: HUB_PROXY, exclude: ['docker.io/library/ubuntu'] });
    expect([mirror.upstream, mirror.endpoint, mirror.exclude, mirror.anonymous, mirror.appWide, mirror.namespace])
      .toEqual(['docker.io', HUB_PROXY, ['docker.io/library/ubuntu'], false, false, 'team-a']);
    expect(mirror.rewrite('ubuntu:24.04')).toBe('ubuntu:24.04');
    expect(mirror.rewrite('quay.io/org/app:1')).toBe('quay.io/org/app:1');
    expect(mirror.rewrite(`${HUB_PROXY}/library/nginx:1.27`)).toBe(`${HUB_PROXY}/library/nginx:1.27`);
    expect(mirror.rewrite('not a reference')).toBe('not a reference');
  });
});

test('verify, given only the output folder, passes the mirrored app: it sees the images as pulled, and the anonymous cache declared', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-'));
  try {
    const app = new App({ outdir: dir });
    const chart = new Chart(app, 'chart', { namespace: 'team-a' });
    new RegistrySecret(chart, 'harbor', { name: 'harbor', server: HARBOR, credentials: creds(WORKLOAD_PASSWORD) });
    new RegistryMirror(chart, 'hub', { upstream: 'docker.io', endpoint: HUB_PROXY });
    new RegistryMirror(chart, 'quay', { upstream: 'quay.io', endpoint: 'quay-mirror.example.com:5000', anonymous: true });
    const web = new PrivateImageWorkload(chart, 'web', { name: 'web', image: 'nginx:1.27' });
    web.workload.addContainer({ name: 'agent', image: 'quay.io/org/agent:3' });
    app.synth();
    const run = await runCliCaptured(['verify', '--strict', '-o', 'json', dir]);
    expect(run.code).toBe(0);
    const findings = JSON.parse(run.stdout).findings;
    expect(findings.find((f: any) => f.container === 'main')).toMatchObject({ status: 'ok', image: `${HUB_PROXY}/library/nginx:1.27` });
    expect(findings.find((f: any) => f.container === 'agent')).toMatchObject({ status: 'public', image: 'quay-mirror.example.com:5000/org/agent:3' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
