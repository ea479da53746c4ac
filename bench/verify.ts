/** Checks that every arm emitted the same app, and groups the arms by the YAML they emitted. */
import { ChildResult, Verification } from './child';
import { BenchCase, BenchFailure, caseName } from './options';
import { expectedObjects, VariantName, VARIANTS } from './scenarios';

/**
 * Byte-for-byte promises, checked whenever both sides were verified:
 * (c) emits exactly (a)'s YAML; (d) exactly (a)'s workload documents (its
 * Secrets are RegistrySecrets, base64 `data` where (a) has `stringData`);
 * every `+once` arm exactly its unpatched variant's YAML.
 */
const BYTE_IDENTICAL: ReadonlyArray<{ arm: string; reference: string; what: 'yamlSha256' | 'workloadsSha256'; words: string }> = [
  { arm: 'c', reference: 'a', what: 'yamlSha256', words: 'YAML' },
  { arm: 'd', reference: 'a', what: 'workloadsSha256', words: 'workload documents' },
  ...(Object.keys(VARIANTS) as VariantName[]).map((v) => ({ arm: `${v}+once`, reference: v, what: 'yamlSha256' as const, words: 'YAML' })),
];

/**
 * Fails loudly unless every arm emitted the same objects, the same pull
 * secrets per workload and the same decoded Secret contents, and the
 * byte-identical pairs ({@link BYTE_IDENTICAL}) are.
 */
export function checkOutputs(benchCase: BenchCase, first: Map<string, ChildResult>): void {
  const problems: string[] = [];
  const expected = expectedObjects(benchCase.size);
  const reference = first.get('a') ?? [...first.values()][0];
  const referenceName = [...first].find(([, result]) => result === reference)![0];
  const r = reference.verification as Verification;
  for (const { arm, reference: other, what, words } of BYTE_IDENTICAL) {
    const mine = first.get(arm)?.verification;
    const theirs = first.get(other)?.verification;
    if (mine && theirs && mine[what] !== theirs[what]) {
      problems.push(`${arm}'s ${words} differ from ${other}'s byte for byte (sha256 ${mine[what].slice(0, 12)} vs ${theirs[what].slice(0, 12)})`);
    }
  }
  for (const [variant, result] of first) {
    const v = result.verification as Verification;
    if (result.objects !== expected) problems.push(`${variant} emitted ${result.objects} objects, expected ${expected}`);
    if (v.unwired > 0) problems.push(`${variant}: ${v.unwired} workloads have no imagePullSecrets`);
    if (result === reference) continue;
    if (result.objects !== reference.objects) {
      problems.push(`${variant} emitted ${result.objects} objects but ${referenceName} emitted ${reference.objects}`);
    }
    if (JSON.stringify(sortedKinds(v.kinds)) !== JSON.stringify(sortedKinds(r.kinds))) {
      problems.push(`${variant} emitted kinds ${JSON.stringify(v.kinds)} but ${referenceName} emitted ${JSON.stringify(r.kinds)}`);
    }
    if (v.digest !== r.digest) {
      problems.push(`${variant}'s secrets / workload pull secrets differ from ${referenceName}'s ` +
        `(digest ${v.digest.slice(0, 12)} vs ${r.digest.slice(0, 12)}):\n${lineDifferences(v.lines, variant, r.lines, referenceName)}`);
    }
    if (v.secretContentsSha256 !== r.secretContentsSha256) {
      problems.push(`${variant}'s decoded Secret contents differ from ${referenceName}'s`);
    }
  }
  if (problems.length > 0) {
    throw new BenchFailure(`VERIFICATION FAILED at ${caseName(benchCase)}:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The first lines only one side has, for a readable mismatch report. */
function lineDifferences(mine: string[], myName: string, theirs: string[], theirName: string): string {
  const onlyIn = (x: string[], y: string[]) => {
    const other = new Set(y);
    return x.filter((line) => !other.has(line));
  };
  const show = (name: string, lines: string[]) =>
    `      only in ${name} (${lines.length}): ${lines.slice(0, 5).join(' | ')}${lines.length > 5 ? ' | …' : ''}`;
  return `${show(myName, onlyIn(mine, theirs))}\n${show(theirName, onlyIn(theirs, mine))}`;
}

function sortedKinds(kinds: Record<string, number>): Array<[string, number]> {
  return Object.entries(kinds).sort(([x], [y]) => x.localeCompare(y));
}

/** Which arms emitted byte-identical YAML, from their verified first runs: `{a, c} {b1} …`. */
export function identicalGroups(perArm: Map<string, ChildResult[]>): string {
  const groups = new Map<string, string[]>();
  for (const [arm, runs] of perArm) {
    const sha = runs[0]?.verification?.yamlSha256;
    if (sha) groups.set(sha, [...(groups.get(sha) ?? []), arm]);
  }
  return [...groups].map(([sha, arms]) => `{${arms.join(', ')}} ${sha.slice(0, 12)}`).join('; ');
}

/** The verified first runs of the other arms, to compare a new verified run with. */
export function firstRuns(perArm: Map<string, ChildResult[]>, except: string): Array<[string, ChildResult]> {
  return [...perArm].filter(([arm, runs]) => arm !== except && runs.length > 0).map(([arm, runs]) => [arm, runs[0]]);
}
