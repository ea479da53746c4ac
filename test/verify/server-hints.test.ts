import { runCliCaptured } from '../support/cli';
import { FIXTURE_PASSWORD, fixture } from '../support/fixtures';

test('verify says "did you mean" for a server a typo away, and that a port differs; two real registries are left alone', async () => {
  const run = await runCliCaptured(['verify', '-o', 'json', fixture('server-hints.yaml')]);
  expect(run.code).toBe(1);
  const byName = Object.fromEntries(JSON.parse(run.stdout).findings.filter((f: any) => f.container).map((f: any) => [f.name, f]));
  expect(byName.typo).toMatchObject({ status: 'no-matching-credential', secrets: ['quay-pull'] });
  expect(byName.typo.message).toBe('secret "quay-pull" has no credential for quay.io/org/app: "quay.oi" is not the image\'s registry "quay.io": did you mean "quay.io"?');
  expect(byName.port).toMatchObject({ status: 'no-matching-credential' });
  expect(byName.port.message).toContain('the key has no port but the image names port 8443');
  expect(byName['other-registry']).toMatchObject({ status: 'no-credential', severity: 'info' });
  expect(run.stdout + run.stderr).not.toContain(FIXTURE_PASSWORD);
});
