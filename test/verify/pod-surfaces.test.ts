/**
 * verify sees every image the kubelet pulls: image volumes, pull policy
 * Never, pod-bearing kinds by API group, and custom kinds given with
 * --pod-kind, the same way the synth does.
 */
import { runCliCaptured } from '../support/cli';
import { fixture } from '../support/fixtures';

const FILE = fixture('pod-surfaces.yaml');

async function findings(...flags: string[]): Promise<{ code: number; findings: any[]; summary: any }> {
  const run = await runCliCaptured(['verify', '-o', 'json', ...flags, FILE]);
  const report = JSON.parse(run.stdout);
  return { code: run.code, findings: report.findings, summary: report.summary };
}

const about = (all: any[], name: string, part: { container?: string; volume?: string }) => all.find((f) => f.name === name
  && (part.container === undefined || f.container === part.container) && (part.volume === undefined || f.volume === part.volume));

test('an image volume without a credential fails --strict, named by volume and reference', async () => {
  const { code, findings: all } = await findings('--strict');
  expect(code).toBe(1);
  const weights = about(all, 'model', { volume: 'weights' });
  expect(weights).toMatchObject({
    status: 'no-credential',
    severity: 'problem',
    container: null,
    volume: 'weights',
    image: 'registry.gitlab.com/acme/model-weights:1',
    path: '/spec/volumes/1/image/reference',
  });
});

test('an image volume the pod\'s secret serves is ok, like a container', async () => {
  const { findings: all } = await findings();
  expect(about(all, 'model', { volume: 'tokenizer' })).toMatchObject({ status: 'ok', secrets: ['regcred'], path: '/spec/volumes/2/image/reference' });
});

test('pull policy Never: reported as not pulled, needing no credential, even under --strict', async () => {
  const { findings: all } = await findings('--strict');
  expect(about(all, 'model', { container: 'local' })).toMatchObject({ status: 'not-pulled', severity: 'ok', image: 'registry.gitlab.com/acme/local-only:1' });
});

test('well-known custom resources are checked by group: a Rollout without a pull secret, a ScaledJob with one', async () => {
  const { findings: all } = await findings();
  expect(about(all, 'canary', { container: 'app' })).toMatchObject({ kind: 'Rollout', status: 'no-credential', path: '/spec/template/spec/containers/0/image' });
  expect(about(all, 'batch', { container: 'worker' })).toMatchObject({ kind: 'ScaledJob', status: 'ok', path: '/spec/jobTargetRef/template/spec/containers/0/image' });
});

test('a Deployment of another API group is no pod: never listed', async () => {
  const { findings: all } = await findings();
  expect(all.filter((f) => f.name === 'not-a-pod')).toEqual([]);
});

test('a custom kind is checked only when declared with --pod-kind, like PodBearingKind.custom in code', async () => {
  expect((await findings()).findings.filter((f) => f.name === 'custom')).toEqual([]);
  const { findings: all } = await findings('--pod-kind', 'apps.example.com/Worker=/spec/pod');
  expect(about(all, 'custom', { container: 'app' })).toMatchObject({ kind: 'Worker', status: 'ok', path: '/spec/pod/containers/0/image' });
});

test('the summary counts image volumes as images', async () => {
  const { summary } = await findings();
  // model: 2 containers + 2 image volumes; canary 1; batch 1
  expect(summary.images).toBe(6);
});

test.each([
  ['apps.example.com/Worker', /--pod-kind: "apps.example.com\/Worker" is not GROUP\/KIND=\/json\/pointer/],
  ['apps/Deployment=/spec/template/spec', /--pod-kind: apps\/Deployment is already known/],
  ['apps.example.com/Worker=spec', /is not a JSON pointer/],
])('--pod-kind %s is a usage error naming it', async (value, message) => {
  const run = await runCliCaptured(['verify', '--pod-kind', value, FILE]);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
});

describe('the validation plugin', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ValidationContext } = require('cdk8s-cli/plugins');
  const { PullSecretValidation } = require('../../src/verify/validation-plugin');
  /* eslint-enable @typescript-eslint/no-require-imports */

  async function validate(props: Record<string, unknown>) {
    const context = new ValidationContext([FILE], 'cdk8s-private-registry', '0.0.0', {}, false);
    jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
    await new PullSecretValidation(props).validate(context);
    return context.report.toJson();
  }

  test('podKinds makes a custom kind checked, and image volumes count as images', async () => {
    const without = await validate({});
    const withWorker = await validate({ podKinds: ['apps.example.com/Worker=/spec/pod'] });
    expect(Number(withWorker.summary.metadata.images)).toBe(Number(without.summary.metadata.images) + 1);
  });

  test('a bad podKinds entry is a violation naming it', async () => {
    const report = await validate({ podKinds: ['apps/Deployment=/spec/template/spec'] });
    expect(report.violations[0].ruleName).toBe('invalid-property');
    expect(JSON.stringify(report.violations[0])).toMatch(/podKinds\[0\] apps\/Deployment is already known/);
  });
});
