import { PodImage } from '../../src/rules/pod-images';
import { publicImagePatterns } from '../../src/rules/public-images';
import { ExplicitPullSecret, planPullSecrets, ScopedSecret, WiringRequest } from '../../src/wiring/pull-secret-plan';
import { CredentialIndex, namespaceKey } from '../../src/wiring/scope-index';

/** The registry secrets in scope, as RegistryScope would index them: apps first, then other, then no namespace. */
const SECRETS: readonly ScopedSecret[] = [
  { name: 'quay-org', namespace: 'apps', servers: ['quay.io/org'] },
  { name: 'quay-all', namespace: 'apps', servers: ['quay.io'] },
  { name: 'ghcr', namespace: 'apps', servers: ['ghcr.io'] },
  { name: 'hub', namespace: 'apps', servers: ['https://index.docker.io/v1/'] },
  { name: 'example', namespace: 'other', servers: ['registry.example.com'] },
  { name: 'no-ns', namespace: undefined, servers: ['quay.io'] },
];

function indexOf(secrets: readonly ScopedSecret[]): CredentialIndex<ScopedSecret> {
  const index = new CredentialIndex<ScopedSecret>();
  for (const secret of secrets) index.add(namespaceKey(secret.namespace), secret.servers, secret);
  return index;
}

const image = (reference: string, container = 'app'): PodImage => ({ source: 'container', name: container, image: reference, pointer: '/containers/0/image' });
const known = (name: string, namespace: string | undefined, servers?: string[]): ExplicitPullSecret =>
  ({ name, namespace, namespaceKnown: true, servers });
const unknown = (name: string, namespace?: string): ExplicitPullSecret => ({ name, namespace, namespaceKnown: false });

const IN_APPS = 'registry secrets in scope: quay-org (quay.io/org); quay-all (quay.io); ghcr (ghcr.io); hub (https://index.docker.io/v1/)';
const FIX_UNMATCHED = 'Fix: add a RegistrySecret (or ProjectRegistry) for its registry in';

describe('planPullSecrets', () => {
  test.each<[string, Partial<WiringRequest>, string[], string[][]]>([
    // title, request (namespace "apps", no images, no explicit secrets, unmatched images refused unless set), secretNames, substrings of each problem
    ['explicit first in the user\'s order, then matched ones sorted by name (not in key order)',
      { images: [image('quay.io/org/app:1')], explicit: [unknown('zz-manual'), unknown('aa-manual')] },
      ['zz-manual', 'aa-manual', 'quay-all', 'quay-org'], []],
    ['each name once: an explicit secret that also matches keeps its explicit place',
      { images: [image('quay.io/org/app:1')], explicit: [known('quay-org', 'apps', ['quay.io/org'])] },
      ['quay-org', 'quay-all'], []],
    ['the images of init containers and containers all count',
      { images: [image('ghcr.io/org/init:1', 'init'), image('quay.io/other/app:1')] },
      ['ghcr', 'quay-all'], []],
    ['an unmatched image: a problem naming image and container, listing the secrets in scope',
      { images: [image('gcr.io/proj/app:1', 'web')] },
      [], [[`image "gcr.io/proj/app:1" of container "web" matches no registry credential in namespace "apps"; ${IN_APPS}. ${FIX_UNMATCHED} namespace "apps"`]]],
    ['an unmatched image in a namespace without secrets says so',
      { namespace: 'empty', images: [image('gcr.io/proj/app:1')] },
      [], [['matches no registry credential in namespace "empty"; there are no registry secrets in scope. Fix:']]],
    ['allowUnmatchedImages lets an unmatched image through',
      { images: [image('gcr.io/proj/app:1'), image('quay.io/org/app:1', 'side')], allowUnmatchedImages: true },
      ['quay-all', 'quay-org'], []],
    ['an explicit secret of unknown content covers unmatched images',
      { images: [image('gcr.io/proj/app:1')], explicit: [unknown('imported')] },
      ['imported'], []],
    ['an explicit secret whose known servers match covers an image the scope does not',
      { images: [image('gcr.io/proj/app:1')], explicit: [known('gcr-pull', 'apps', ['gcr.io'])] },
      ['gcr-pull'], []],
    ['an explicit secret whose known servers do not match does not cover it',
      { images: [image('gcr.io/proj/app:1')], explicit: [known('ghcr', 'apps', ['ghcr.io'])] },
      ['ghcr'], [['image "gcr.io/proj/app:1" of container "app" matches no registry credential in namespace "apps"']]],
    ['an explicit secret in another known namespace: a cross-namespace problem',
      { images: [image('quay.io/org/app:1')], explicit: [known('example', 'other', ['registry.example.com'])] },
      ['example', 'quay-all', 'quay-org'],
      [['pull secret "example" is in namespace "other" but the pod runs in "apps"; Kubernetes silently ignores pull secrets from other namespaces. Fix: create the secret in namespace "apps"']]],
    ['an explicit secret whose namespace is not known: no cross-namespace problem',
      { images: [image('quay.io/org/app:1')], explicit: [unknown('made-by-hand', 'other')] },
      ['made-by-hand', 'quay-all', 'quay-org'], []],
    ['a pod without a namespace: no cross-namespace problem either',
      { namespace: undefined, images: [image('quay.io/org/app:1')], explicit: [known('quay-org', 'apps', ['quay.io/org'])] },
      ['quay-org', 'no-ns'], []],
    ['an invalid image: a problem naming the container; the other images are still wired',
      { images: [image('Quay.io/Org/App:1', 'bad'), image('quay.io/org/app:1')] },
      ['quay-all', 'quay-org'], [['container "bad": image "Quay.io/Org/App:1" is invalid: ', '. Fix: fix the image reference']]],
    ['a credential in another namespace: the problem names that namespace',
      { images: [image('registry.example.com/team/app:1')] },
      [], [[`; ${IN_APPS}; a credential for it exists in namespace "other", but pull secrets must be in the pod's own namespace. Fix:`]]],
    ['credentials in several other namespaces, "no namespace" among them, are all named',
      { namespace: 'other', images: [image('quay.io/org/app:1')] },
      [], [['in namespace "other"; registry secrets in scope: example (registry.example.com); a credential for it exists in namespace "apps", no namespace (the deploy-time default), but']]],
    ['Docker Hub: the https://index.docker.io/v1/ key matches "nginx" by the kubelet\'s fallback',
      { images: [image('nginx')] },
      ['hub'], []],
    ['no namespace (undefined): the secrets without a namespace are the scope',
      { namespace: undefined, images: [image('quay.io/org/app:1')] },
      ['no-ns'], []],
    ['no namespace (undefined): an unmatched image says where it looked',
      { namespace: undefined, images: [image('ghcr.io/org/app:1')] },
      [], [['matches no registry credential in no namespace (the deploy-time default); registry secrets in scope: no-ns (quay.io); a credential for it exists in namespace "apps"']]],
    ['public images by pattern get no secret and need none; other unmatched images still fail',
      {
        images: [image('docker.io/library/nginx:1'), image('registry.k8s.io/pause:3.9', 'pause'), image('gcr.io/proj/app:1', 'web')],
        publicImages: publicImagePatterns(['registry.k8s.io', 'docker.io/library']),
      },
      [], [['image "gcr.io/proj/app:1" of container "web" matches no registry credential']]],
    ['a pattern stops at a path boundary: docker.io/lib covers nothing of docker.io/library',
      { namespace: 'empty', images: [image('nginx')], publicImages: publicImagePatterns(['docker.io/lib']) },
      [], [['image "nginx" of container "app" matches no registry credential']]],
    ['a public image gets no secret even when a credential in scope matches it',
      { images: [image('quay.io/org/app:1')], publicImages: publicImagePatterns(['quay.io/org']) },
      [], []],
    ['an undeclared name two edits from a declared one: did you mean',
      { images: [image('quay.io/org/app:1')], explicit: [unknown('quay-al')] },
      ['quay-al', 'quay-all', 'quay-org'],
      [['pull secret "quay-al" is not declared in namespace "apps"; did you mean "quay-all"?. Fix: correct the name, or, if a secret of exactly this name exists in the cluster, declare it with RegistrySecret.fromSecretName']]],
    ['an undeclared name far from every declared one is taken as made elsewhere',
      { images: [image('quay.io/org/app:1')], explicit: [unknown('made-by-hand')] },
      ['made-by-hand', 'quay-all', 'quay-org'], []],
    ['a declared name (an import of RegistrySecret.fromSecretName is declared) is no typo',
      { images: [image('quay.io/org/app:1')], explicit: [unknown('quay-org')] },
      ['quay-org', 'quay-all'], []],
    ['a secret of the app (namespace known) is no typo, however close',
      { images: [image('quay.io/org/app:1')], explicit: [known('quay-alll', 'apps')] },
      ['quay-alll', 'quay-all', 'quay-org'], []],
  ])('%s', (_title, overrides, secretNames, problems) => {
    const request: WiringRequest = { namespace: 'apps', images: [], explicit: [], allowUnmatchedImages: false, ...overrides };
    const plan = planPullSecrets(request, indexOf(SECRETS));
    expect(plan.secretNames).toEqual(secretNames);
    expect(plan.problems).toHaveLength(problems.length);
    problems.forEach((fragments, i) => fragments.forEach((fragment) => expect(plan.problems[i]).toContain(fragment)));
  });

  test('problems come in order: cross-namespace secrets first, then images in the order given', () => {
    const plan = planPullSecrets({
      namespace: 'apps',
      images: [image('gcr.io/a', 'one'), image('BAD', 'two'), image('gcr.io/b', 'three')],
      explicit: [known('example', 'other', ['registry.example.com'])],
      allowUnmatchedImages: false,
    }, indexOf(SECRETS));
    expect(plan.problems).toEqual([
      expect.stringMatching(/^pull secret "example" is in namespace "other"/),
      expect.stringMatching(/^image "gcr\.io\/a" of container "one" matches no registry credential/),
      expect.stringMatching(/^container "two": image "BAD" is invalid: /),
      expect.stringMatching(/^image "gcr\.io\/b" of container "three" matches no registry credential/),
    ]);
  });
});

describe('planPullSecrets through a registry mirror: every rule sees the image as pulled', () => {
  const MIRRORED: readonly ScopedSecret[] = [...SECRETS, { name: 'harbor', namespace: 'apps', servers: ['harbor.example.com'] }];
  const rewrite = (anonymous: boolean) => (reference: string) => (reference.startsWith('nginx')
    ? { image: `harbor.example.com/hub/library/${reference}`, endpoint: 'harbor.example.com/hub', mirrorPath: 'app/chart/hub', anonymous }
    : undefined);
  const plan = (images: PodImage[], overrides: Partial<WiringRequest> = {}, secrets = MIRRORED) =>
    planPullSecrets({ namespace: 'apps', images, explicit: [], allowUnmatchedImages: false, rewrite: rewrite(false), ...overrides }, indexOf(secrets));

  test('the mirror host\'s secret is wired, not the upstream\'s; each rewrite is listed with its pointer', () => {
    const result = plan([image('nginx:1.27'), { ...image('quay.io/org/app:1', 'side'), pointer: '/containers/1/image' }]);
    expect(result).toEqual({
      secretNames: ['harbor', 'quay-all', 'quay-org'],
      problems: [],
      publicPatterns: [],
      rewrites: [{ pointer: '/containers/0/image', original: 'nginx:1.27', image: 'harbor.example.com/hub/library/nginx:1.27' }],
    });
  });

  test('no credential for the mirror host: the problem names the rewritten image, its original and the mirror', () => {
    const [problem] = plan([image('nginx:1.27')], {}, SECRETS).problems;
    expect(problem).toContain('image "harbor.example.com/hub/library/nginx:1.27" of container "app" (rewritten from "nginx:1.27" by the RegistryMirror at app/chart/hub) matches no registry credential in namespace "apps"');
    expect(problem).toContain('Fix: add a RegistrySecret (or ProjectRegistry) for the mirror\'s registry "harbor.example.com" in namespace "apps", or, if the cache serves without credentials, set `anonymous: true` on the RegistryMirror');
  });

  test('an anonymous cache needs no secret and is declared as a public pattern', () => {
    const result = plan([image('nginx:1.27')], { rewrite: rewrite(true) }, SECRETS);
    expect([result.secretNames, result.problems, result.publicPatterns]).toEqual([[], [], ['harbor.example.com/hub']]);
    expect(result.rewrites).toHaveLength(1);
  });

  test('publicImages apply to the image as pulled, not as written', () => {
    expect(plan([image('nginx:1.27')], { publicImages: publicImagePatterns(['harbor.example.com/hub/library']) }, SECRETS).problems).toEqual([]);
    expect(plan([image('nginx:1.27')], { publicImages: publicImagePatterns(['docker.io/library']) }, SECRETS).problems).toHaveLength(1);
  });

  test('an image never pulled is not rewritten', () => {
    expect(plan([{ ...image('nginx:1.27'), pullPolicy: 'Never' }], {}, SECRETS)).toMatchObject({ problems: [], rewrites: [] });
  });

  test('a rewrite that is no valid reference says where it came from', () => {
    const tooLong = () => ({ image: `harbor.example.com/${'a'.repeat(300)}`, endpoint: 'harbor.example.com', mirrorPath: 'app/m', anonymous: false });
    expect(plan([image('nginx:1.27')], { rewrite: tooLong }).problems[0]).toContain('(rewritten from "nginx:1.27" by the RegistryMirror at app/m)');
  });
});
