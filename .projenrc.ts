import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-private-registry',
  description:
    'cdk8s constructs that make private container registries just work: registry secrets byte-identical to kubectl, project-scoped registries, and imagePullSecrets wired by the kubelet\'s own matching rules.',
  author: 'cdk8s-private-registry maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://example.invalid/cdk8s-private-registry.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'registry', 'imagePullSecrets', 'rancher'],

  // cdk8s 2.x + constructs 10.x; cdk8s-plus-28 is added as a peer below.
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  // The newest TypeScript major has no JS compiler API; jsii 6.0 and ts-jest 29 both work with 6.0.

  // `cdk8s synth` wipes dist/ (the example manifests), so jsii-pacmak writes elsewhere.
  artifactsDirectory: 'artifacts',

  // Snapshots must fail on change, never rewrite themselves.
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
    },
  },

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'example', 'bench'],
  },

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  devDeps: [
    'typescript@~6.0.3',
    '@types/node@^20',
    'ts-jest@^29',
    'jest@^29',
    '@types/jest@^29',
    'cdk8s-cli@^2.200.0',
    'cdk8s-plus-28@^2.5.6',
  ],
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  bundledDeps: ['yaml@^2.5.0'],
  bin: { 'cdk8s-private-registry': 'lib/verify/cli.js' },
});

project.gitignore.exclude('/artifacts/');
// dist/ holds the example app's manifests and is committed: CI re-synthesizes and diffs it.
project.gitignore.include('/dist/');
project.npmignore?.exclude('/example/', '/.ci/', '/bench/', '/cdk8s.yaml');

// The example app and the benchmark are type-checked and linted like tests.
for (const dir of ['example', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromPaths(['../tsconfig.json']),
    compilerOptions: { rootDir: '..', noEmit: true },
    include: ['**/*.ts'],
  });
}

// Dependencies point one way (docs/architecture.md): constructs (src/*.ts) -> wiring -> rules; verify -> rules.
// Every import counts, type-only ones too: `import type` is not allowed, so import/no-cycle sees them all.
const layer = (folder: string, mayImport: string[]) => ({
  target: `./src/${folder}`,
  from: './src',
  except: [`./${folder}`, ...mayImport.map((dir) => `./${dir}`)],
  message: `src/${folder} may import only from ${[folder, ...mayImport].map((dir) => `src/${dir}`).join(', ')}: see docs/architecture.md`,
});
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'no-type-imports' }],
  'import/no-restricted-paths': ['error', {
    zones: [layer('rules', []), layer('wiring', ['rules']), layer('verify', ['rules'])],
  }],
});
// Pure rules know nothing of cdk8s; the preflight runs without loading it.
const noCdk8s = (why: string) => ({
  'no-restricted-imports': ['error', {
    paths: ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((name) => ({ name, message: why })),
  }],
});
project.eslint?.addOverride({ files: ['src/rules/**/*.ts'], rules: noCdk8s('src/rules holds pure functions: no cdk8s or constructs imports') });
project.eslint?.addOverride({ files: ['src/verify/**/*.ts'], rules: noCdk8s('the verify CLI must run without loading cdk8s') });

// The example's cdk8s.yaml runs our validation plugin from lib/, so compile first.
const synth = project.addTask('synth', {
  description: 'Synthesize the example app (cdk8s.yaml) into dist/, running the pull-secret validation plugin',
});
synth.spawn(project.compileTask);
synth.exec('cdk8s synth --no-check-upgrade');

project.addTask('bench', {
  description: 'Benchmark synth cost against hand-wired cdk8s-plus (a script, not a test)',
  exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

project.synth();
