/**
 * The README's figures come from running the example, not from typing:
 * each block that says it is real output of the example app is compared
 * with what the example synthesizes and what verify and the plugin say
 * about it now.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { parse } from 'yaml';
import { buildExample } from '../example/main';
import { runCliCaptured } from './support/cli';
import { PullSecretValidation } from '../src/verify/validation-plugin';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** The fenced block after `marker` in the README (the first, or the `nth` from 0), its body without the fences. */
function blockAfter(marker: string, nth = 0): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${JSON.stringify(marker)}`);
  const block = [...README.slice(at).matchAll(/```[a-z]*\n([\s\S]*?)\n```/g)][nth];
  if (!block) throw new Error(`README has no fenced block ${nth} after ${JSON.stringify(marker)}`);
  return block[1];
}

let work: string;
let dist: string;
beforeAll(() => {
  // The example with placeholder credentials, as `npm run synth` makes it (no credential variables set).
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (/^(QUAY|GHCR)_/.test(name)) delete process.env[name];
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  dist = path.join(work, 'dist');
  try {
    buildExample(new App({ outdir: dist })).synth();
  } finally {
    process.env = saved;
  }
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the seed Pod shown is the one the example synthesizes', () => {
  const shown = parse(blockAfter('The\nseed\'s `pod.yml`, from the example app:', 1));
  const pod = Yaml.load(path.join(dist, 'namespace-registry.k8s.yaml')).find((o: any) => o.kind === 'Pod');
  expect(shown).toEqual(pod);
});

test('the offline verify table of the example is what verify prints for it now', async () => {
  const run = await runCliCaptured(['verify', `${dist}/`]);
  expect(run.code).toBe(0);
  expect(run.stdout.split(`${work}${path.sep}`).join('').trimEnd()).toBe(blockAfter('The example\napp, offline (real output):'));
});

test('the plugin sample counts what the plugin counts for the example, with the example\'s cdk8s.yaml properties', async () => {
  const config = parse(fs.readFileSync(path.join(__dirname, '..', 'cdk8s.yaml'), 'utf8'));
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dist, f));
  const context = new ValidationContext(files, 'cdk8s-private-registry', '0.0.0', {}, false);
  jest.spyOn(context.logger, 'log').mockImplementation(() => undefined);
  await new PullSecretValidation(config.validations[0].properties).validate(context);
  const metadata = (context.report.toJson() as any).summary.metadata;
  const sample = blockAfter('Secrets made by an ExternalSecret or SealedSecret pass (info).');
  const shown = (field: string) => new RegExp(`║ ${field} │ (\\d+) ║`).exec(sample)?.[1];
  expect(context.report.success).toBe(true);
  expect({ images: shown('images'), problems: shown('problems'), warnings: shown('warnings') })
    .toEqual({ images: metadata.images, problems: metadata.problems, warnings: metadata.warnings });
});
