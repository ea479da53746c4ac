/**
 * Image volumes are checked online like containers: the registry is asked
 * for the volume's reference with the pod's credentials (a fake registry on
 * 127.0.0.1, driven through the CLI).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { recordingCli } from '../support/cli';
import { FakeServer, PASSWORD, pullSecret, registry, WRONG_PASSWORD } from '../support/fake-registry';

const { cli, outputs } = recordingCli();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'online-volumes-'));
let reg: FakeServer;
beforeAll(async () => {
  reg = await registry({ auth: 'basic', images: ['models/weights:1'] }).start();
});
afterAll(async () => {
  await reg.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function podWithVolume(name: string, reference: string, secret: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: apps }
spec:
  imagePullSecrets: [{ name: ${secret} }]
  containers: [{ name: app, image: "docker.io/library/busybox:1", imagePullPolicy: Never }]
  volumes:
    - { name: weights, image: { reference: "${reference}" } }
`;
}

test('a volume pullable with the pod\'s secret, one refused, one missing; exit 1', async () => {
  const host = `127.0.0.1:${reg.port}`;
  const file = path.join(dir, 'm.yaml');
  fs.writeFileSync(file, [
    pullSecret('good', host),
    pullSecret('wrong', host, WRONG_PASSWORD),
    podWithVolume('ok', `${host}/models/weights:1`, 'good'),
    podWithVolume('refused', `${host}/models/weights:1`, 'wrong'),
    podWithVolume('missing', `${host}/models/nope:1`, 'good'),
  ].join('---\n'));
  const { code, stdout } = await cli('verify', '--online', '--insecure-registry', host, '-o', 'json', file);
  expect(code).toBe(1);
  const volumes = Object.fromEntries(JSON.parse(stdout).findings.filter((f: any) => f.volume !== null).map((f: any) => [f.name, f]));
  expect(volumes.ok).toMatchObject({ status: 'pullable', volume: 'weights', container: null, path: '/spec/volumes/0/image/reference' });
  expect(volumes.refused).toMatchObject({ status: 'unauthorized', volume: 'weights' });
  expect(volumes.missing).toMatchObject({ status: 'not-found', volume: 'weights' });
  expect(outputs.join('\n')).not.toContain(PASSWORD);
});
