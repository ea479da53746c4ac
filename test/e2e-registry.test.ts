/**
 * End to end: the pull secret this library emits really authenticates with a
 * real registry (Debian's docker-registry, htpasswd bcrypt and token auth)
 * and a real client (skopeo, the containers/image library CRI-O pulls with).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import {
  PrivateImageWorkload, Project, ProjectRegistry, RegistryCredentials, RegistrySecret, WorkloadKind,
} from '../src';
import { describeWithTools, pushImage, REGISTRY_TOOLS, RunningRegistry, skopeoInspect, startRegistry } from './support/registry';

const USER = 'ci-robot';
const PASSWORD = 'b<cr>ypt&"pass:word"é';
const WRONG_PASSWORD = 'not-the-password';

/** The synthesized manifests of `app`, every chart. */
function synthAll(app: App): any[] {
  return app.charts.flatMap((chart) => Testing.synth(chart));
}

/** Follows a workload to the Secret it references, as the kubelet would, and decodes it to a file. */
function authFileForWorkload(manifests: any[], workloadName: string, dir: string): string {
  const workload = manifests.find((o) => o.metadata?.name === workloadName && o.kind !== 'Secret');
  const podSpec = workload.kind === 'Pod' ? workload.spec : workload.spec.template.spec;
  const [ref] = podSpec.imagePullSecrets;
  const secret = manifests.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name && o.metadata.namespace === workload.metadata.namespace);
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  const file = path.join(dir, `${workloadName}.authfile.json`);
  fs.writeFileSync(file, Buffer.from(secret.data['.dockerconfigjson'], 'base64'), { mode: 0o600 });
  return file;
}

function appPullingFrom(registry: RunningRegistry, image: string, password: string): App {
  const app = Testing.app();
  const chart = new Chart(app, 'e2e', { namespace: 'apps' });
  new RegistrySecret(chart, 'local', {
    name: 'local-registry',
    server: registry.host,
    credentials: RegistryCredentials.fromUsernamePassword(USER, password),
  });
  new PrivateImageWorkload(chart, 'app', { kind: WorkloadKind.POD, name: 'app', image });
  return app;
}

for (const auth of ['htpasswd', 'token'] as const) {
  describeWithTools(REGISTRY_TOOLS, `emitted pull secrets against a real registry (${auth} auth)`, () => {
    let registry: RunningRegistry;
    let dir: string;
    let image: string;

    beforeAll(async () => {
      registry = await startRegistry({ auth, users: { [USER]: PASSWORD } });
      const pushed = await pushImage(registry, { repository: 'team/private-app', tag: '1.0', username: USER, password: PASSWORD });
      image = pushed.ref;
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-e2e-'));
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the secret the workload references lets skopeo inspect the image', async () => {
      const manifests = synthAll(appPullingFrom(registry, image, PASSWORD));
      const pod = manifests.find((o) => o.kind === 'Pod');
      expect(pod.spec.imagePullSecrets).toEqual([{ name: 'local-registry' }]);
      const result = await skopeoInspect(image, authFileForWorkload(manifests, 'app', dir));
      expect(result.stderr).toBe('');
      expect(result.ok).toBe(true);
      expect(JSON.parse(result.stdout).Name).toBe(`${registry.host}/team/private-app`);
    }, 60_000);

    test('with a wrong password the same path fails', async () => {
      const manifests = synthAll(appPullingFrom(registry, image, WRONG_PASSWORD));
      const result = await skopeoInspect(image, authFileForWorkload(manifests, 'app', dir));
      expect(result.ok).toBe(false);
      expect(result.stderr).toMatch(/unauthorized|authentication required|401|invalid username\/password/i);
    }, 60_000);

    test('a project registry copy, read from the environment, authenticates too', async () => {
      process.env.E2E_REGISTRY_USER = USER;
      process.env.E2E_REGISTRY_PASSWORD = PASSWORD;
      try {
        const app = Testing.app();
        const chart = new Chart(app, 'project');
        const project = new Project(chart, 'team', { namespaces: ['team-a', 'team-b'] });
        new ProjectRegistry(chart, 'local', {
          project,
          name: 'local-registry',
          server: registry.host,
          credentials: RegistryCredentials.fromEnv('E2E_REGISTRY_USER', 'E2E_REGISTRY_PASSWORD'),
        });
        new PrivateImageWorkload(chart, 'b', { namespace: 'team-b', name: 'b', image });
        const manifests = synthAll(app);
        const result = await skopeoInspect(image, authFileForWorkload(manifests, 'b', dir));
        expect(result.ok).toBe(true);
      } finally {
        delete process.env.E2E_REGISTRY_USER;
        delete process.env.E2E_REGISTRY_PASSWORD;
      }
    }, 60_000);
  });
}
