import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { PullSecretValidation } from '../../src/verify/validation-plugin';
import { FIXTURE_PASSWORD, FIXTURES, fixture } from '../support/fixtures';

// The loader that `cdk8s synth` uses is not among cdk8s-cli's exports: load its file directly.
const cliPlugins = path.join(path.dirname(require.resolve('cdk8s-cli/package.json')), 'lib', 'plugins');
/* eslint-disable @typescript-eslint/no-require-imports */
const { PluginManager } = require(path.join(cliPlugins, '_manager.js'));
const { ValidationPlugin } = require(path.join(cliPlugins, 'validation.js'));
/* eslint-enable @typescript-eslint/no-require-imports */

/** Runs the plugin with cdk8s-cli's own context and report classes. */
async function validate(manifests: string[], plugin = new PullSecretValidation()) {
  const context = new ValidationContext(manifests, 'cdk8s-private-registry', '0.0.0', { web: { path: 'app/shop/web' } }, false);
  const logged: string[] = [];
  jest.spyOn(context.logger, 'log').mockImplementation((message: string) => {
    logged.push(message);
  });
  await plugin.validate(context);
  return { report: context.report.toJson(), text: context.report.toString(), logged, success: context.report.success };
}

describe('PullSecretValidation with cdk8s-cli', () => {
  test('good manifests pass, with counts as metadata', async () => {
    const { report, success } = await validate([fixture('good.yaml')]);
    expect(success).toBe(true);
    expect(report.violations).toEqual([]);
    expect(report.summary).toMatchObject({ status: 'success', metadata: { images: '2', problems: '0', warnings: '0' } });
  });

  test('a problem is a violation on the resource, mapped to its construct path', async () => {
    const { report, success } = await validate([fixture('wrong-type.yaml')]);
    expect(success).toBe(false);
    expect(report.violations).toEqual([{
      ruleName: 'secret-wrong-type',
      recommendation: expect.stringContaining('is not of type kubernetes.io/dockerconfigjson'),
      fix: expect.any(String),
      violatingConstructs: [{
        resourceName: 'web',
        constructPath: 'app/shop/web',
        manifestPath: fixture('wrong-type.yaml'),
        locations: [expect.stringMatching(/^\/spec\/template\/spec\/imagePullSecrets\/0: pull secret "regcred" has type "Opaque"/)],
      }],
    }]);
  });

  test('secrets expected in the cluster pass by default, and are logged', async () => {
    const { success, logged } = await validate([fixture('missing-secret.yaml')]);
    expect(success).toBe(true);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('pull preflight warning: shop/Deployment/web: pull secret "created-by-hand"');
  });

  test('allowExpectedInCluster: false makes them violations', async () => {
    const { success, report } = await validate([fixture('missing-secret.yaml')], new PullSecretValidation({ allowExpectedInCluster: false }));
    expect(success).toBe(false);
    expect(report.violations.map((v) => [v.ruleName, v.violatingConstructs.length])).toEqual([['expected-in-cluster', 2]]);
  });

  test('allowExpectedInCluster: false counts what failed: never "0 problems" beside a failure', async () => {
    const { report, text } = await validate([fixture('missing-secret.yaml')], new PullSecretValidation({ allowExpectedInCluster: false }));
    expect(report.summary).toMatchObject({ status: 'failure', metadata: { images: '1', problems: '2', warnings: '0', failed: '2' } });
    expect(text).not.toMatch(/problems\W+0/);
    // Allowed, the same findings are warnings and nothing failed.
    const allowed = await validate([fixture('missing-secret.yaml')]);
    expect(allowed.report.summary).toMatchObject({ status: 'success', metadata: { images: '1', problems: '0', warnings: '2', failed: '0' } });
  });

  test('publicImages and strict: the same patterns as the constructs', async () => {
    const strict = await validate([fixture('public-images.yaml')], new PullSecretValidation({ strict: true, publicImages: ['docker.io/library'] }));
    expect(strict.success).toBe(false);
    expect(strict.report.violations).toEqual([expect.objectContaining({
      ruleName: 'no-credential',
      recommendation: expect.stringContaining('no public image pattern allows it'),
      violatingConstructs: [
        expect.objectContaining({ locations: [expect.stringMatching(/^\/spec\/containers\/0\/image: the pod has no imagePullSecrets/)] }),
        expect.objectContaining({ locations: [expect.stringMatching(/^\/spec\/containers\/1\/image: /)] }),
      ],
    })]);
    expect(strict.report.summary.metadata).toMatchObject({ problems: '2', failed: '2' });
    const allowed = await validate([fixture('public-images.yaml')], new PullSecretValidation({
      strict: true, publicImages: ['docker.io/library', 'registry.k8s.io', 'registry.example.com/tools'],
    }));
    expect(allowed.success).toBe(true);
    expect((await validate([fixture('public-images.yaml')])).success).toBe(true); // not strict: info only
  });

  test.each<[Record<string, unknown>, string]>([
    [{ publicImages: ['nginx'] }, 'publicImages[0] "nginx" is not normalized; write "docker.io/library/nginx"'],
    [{ publicImages: ['docker.io/library', 'quay.io/*'] }, 'publicImages[1] "quay.io/*" has a wildcard'],
    [{ publicImages: 'docker.io/library' }, 'publicImages must be a list of patterns'],
    [{ publicImages: [7] }, 'publicImages[0] is not a string'],
    [{ strict: 'yes' }, 'strict must be true or false'],
  ])('a bad property %j is a violation, not a crash', async (props, message) => {
    const { success, report } = await validate([fixture('good.yaml')], new PullSecretValidation(props as any));
    expect(success).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'invalid-property',
      violatingConstructs: [expect.objectContaining({ locations: [expect.stringContaining(message)] })],
    })]);
  });

  test('secrets made in the cluster pass; a producer\'s template for another path of the registry fails', async () => {
    expect((await validate([fixture('external-secret.yaml'), fixture('sealed-secret.yaml')], new PullSecretValidation({ allowExpectedInCluster: false }))).success)
      .toBe(true);
    const { report } = await validate([fixture('external-secret-near-miss.yaml')]);
    expect(report.violations.map((v) => v.ruleName)).toEqual(['no-matching-credential']);
  });

  test('namespace sets the namespace of objects without one', async () => {
    const { success } = await validate([fixture('default-namespace.yaml')], new PullSecretValidation({ namespace: 'staging' }));
    expect(success).toBe(true);
  });

  test('an unreadable manifest fails the report instead of crashing synth', async () => {
    const { success, report, text } = await validate([fixture('malformed.yaml')]);
    expect(success).toBe(false);
    expect(report.violations[0]).toMatchObject({ ruleName: 'unreadable-manifest' });
    expect(text).toContain('(document 2): malformed YAML');
    expect(text).not.toContain(FIXTURE_PASSWORD);
  });

  test('reports never hold secret values', async () => {
    const all = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml') && !['malformed.yaml', 'not-k8s.yaml'].includes(f)).map(fixture);
    const { text, report, logged } = await validate(all, new PullSecretValidation({ allowExpectedInCluster: false }));
    const output = [text, JSON.stringify(report), ...logged].join('\n');
    expect(report.violations.length).toBeGreaterThan(4);
    expect(output).not.toContain(FIXTURE_PASSWORD);
    expect(output).not.toContain(Buffer.from(`alice:${FIXTURE_PASSWORD}`).toString('base64'));
  });
});

test('cdk8s loads it from a cdk8s.yaml validations entry (local package path)', async () => {
  const pluginsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-plugins-'));
  try {
    // In a user's project: package: ./node_modules/cdk8s-private-registry/lib/validation-plugin.js
    const { plugin, context } = ValidationPlugin.load(
      { package: path.join(__dirname, '..', '..', 'src', 'validation-plugin.ts'), version: '0.0.0', class: 'PullSecretValidation', properties: { allowExpectedInCluster: false } },
      { manifests: [fixture('missing-secret.yaml')] },
      false,
      new PluginManager(pluginsDir),
    );
    jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
    await plugin.validate(context);
    expect(context.report.success).toBe(false);
  } finally {
    fs.rmSync(pluginsDir, { recursive: true, force: true });
  }
});
