/**
 * Differential tests: the TypeScript ports of the Go code the kubelet runs,
 * against the real Go code (test/go/main.go, built with the installed Go
 * toolchain and Debian's packaged distribution/reference and go-digest), on
 * at least 10,000 generated inputs per primitive.
 *
 * Inputs come from a seeded PRNG; the seed is printed, GO_DIFFERENTIAL_SEED=<n>
 * reruns a failure, and GO_DIFFERENTIAL_DUMP=<dir> writes every difference
 * found to <dir>/<primitive>.json.
 *
 * Every difference fails the test unless it belongs to one of the exception
 * classes (in test/support/go-differences.ts; the generators are in
 * test/support/go-inputs.ts). Each is a known difference between the Go code
 * installed here (Debian: Go 1.19, docker/distribution 2.8) and the Go code
 * the kubelet runs (current Go, distribution/reference v0.6), which the
 * ports follow; each is checked to be exactly that and nothing more, and
 * counted.
 */
import { compileGoGlob } from '../../src/rules/go-path-match';
import { compareGoStrings } from '../../src/rules/go-string-order';
import { parseGoHttpUrl, splitHostPortOrWhole } from '../../src/rules/go-url';
import { ImageReference, parseImageReference } from '../../src/rules/image-reference';
import { matchingRegistryKeys } from '../../src/rules/keyring';
import {
  attempt, classifyReference, countBy, Difference, ERR_NAME_TOO_LONG, expectNoDifferences, fromHex,
  GoRef, GoUrlAnswer, keyHost, sign, STRICT_HOST_CHECKS,
} from '../support/go-differences';
import {
  ALNUM, CASES, globName, globPattern, hostPort, imageReference, keyringImage, keyringKey,
  ORDER_ALPHABET, orderPair, orderString, registryKeyUrl, Rng, SEED, UNICODE,
} from '../support/go-inputs';
import { describeWithGoOracle, goAtLeast, GoOracle } from '../support/go-oracle';

// --- the tests ---

describeWithGoOracle('the Go ports agree with the real Go code', () => {
  let oracle: GoOracle;
  let goVersion: string;

  beforeAll(() => {
    oracle = GoOracle.build();
    goVersion = oracle.version();
    console.log(`go-differential: GO_DIFFERENTIAL_SEED=${SEED}, ${goVersion}, ${CASES} inputs per primitive`);
  }, 120_000);

  afterAll(() => oracle?.dispose());

  test('parseImageReference vs reference.ParseNormalizedNamed (distribution 2.8, with the v0.6 differences as exceptions)', () => {
    const rng = new Rng(SEED, 'reference');
    const inputs = Array.from({ length: CASES }, () => imageReference(rng));
    const answers = oracle.ask<GoRef>(inputs.map((input) => ({ op: 'ref', in: input })));
    const differences: Difference[] = [];
    const exceptions: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    const pending: Array<{ input: string; go: GoRef; ours: ImageReference; classes: string[]; verify?: string; placeholderDomain?: string }> = [];

    inputs.forEach((input, i) => {
      const go = answers[i];
      const ours = attempt(() => parseImageReference(input));
      countBy(outcomes, `go ${go.ok ? 'ok' : 'error'} / ours ${ours.ok ? 'ok' : 'error'}`);
      if (go.ok && ours.ok) {
        const o = ours.value;
        const same = go.name === o.name && (go.domain ?? '') === o.domain && go.path === o.path
          && (go.hasTag ? go.tag : undefined) === o.tag && (go.hasDigest ? go.digest : undefined) === o.digest;
        if (!same) differences.push({ input, go, ours: o });
      } else if (ours.ok && !go.ok) {
        const c = classifyReference(input, go, ours.value);
        if (c.problem !== undefined) differences.push({ input, go, ours: ours.value, note: c.problem });
        else pending.push({ input, go, ours: ours.value, ...c });
      } else if (go.ok && !ours.ok) {
        differences.push({ input, go, ours: ours.error.message });
      }
    });

    // Check each exception case: 2.8 on the same reference with a plain host.
    const withVerify = pending.filter((p) => p.verify !== undefined);
    const verified = oracle.ask<GoRef>(withVerify.map((p) => ({ op: 'ref', in: p.verify })));
    const digestChecks = pending.filter((p) => p.verify === undefined);
    withVerify.forEach((p, i) => {
      const v = verified[i];
      const o = p.ours;
      const failed = (): void => {
        differences.push({ input: p.input, go: { original: p.go, withPlainHost: v }, ours: o, note: `exception ${p.classes.join('+')} does not hold` });
      };
      if (v.ok) {
        const same = v.domain === p.placeholderDomain && v.path === o.path
          && (v.hasTag ? v.tag : undefined) === o.tag && (v.hasDigest ? v.digest : undefined) === o.digest;
        if (same) p.classes.forEach((c) => countBy(exceptions, c));
        else failed();
      } else if (v.err === ERR_NAME_TOO_LONG && o.path.length <= 255 && p.placeholderDomain!.length + 1 + o.path.length > 255) {
        // The plain-host reference is too long for 2.8 (not for v0.6): the grammar matched, check the digest.
        digestChecks.push(p);
      } else {
        failed();
      }
    });
    const withDigest = digestChecks.filter((p) => p.ours.digest !== undefined);
    const digests = oracle.ask<{ ok: boolean; err?: string }>(withDigest.map((p) => ({ op: 'digest', in: p.ours.digest })));
    digestChecks.filter((p) => p.ours.digest === undefined).forEach((p) => p.classes.forEach((c) => countBy(exceptions, c)));
    withDigest.forEach((p, i) => {
      if (digests[i].ok) p.classes.forEach((c) => countBy(exceptions, c));
      else differences.push({ input: p.input, go: { original: p.go, digest: digests[i] }, ours: p.ours, note: 'go-digest rejects the digest' });
    });

    console.log(`image references: ${inputs.length} inputs; outcomes ${JSON.stringify(outcomes)}; exceptions ${JSON.stringify(exceptions)}`);
    expectNoDifferences('parseImageReference', inputs.length, differences);
  });

  test('parseGoHttpUrl vs url.Parse on registry keys (current Go host rules re-applied where the installed Go predates them)', () => {
    const rng = new Rng(SEED, 'url');
    const inputs = Array.from({ length: CASES }, () => registryKeyUrl(rng));
    const answers = oracle.ask<GoUrlAnswer>(inputs.map((input) => ({ op: 'url', in: input })));
    const differences: Difference[] = [];
    const exceptions: Record<string, number> = {};
    let accepted = 0;

    inputs.forEach((input, i) => {
      const go = answers[i];
      if (go.strict !== undefined) {
        const check = STRICT_HOST_CHECKS[go.strict];
        if (goAtLeast(goVersion, check.since)) {
          differences.push({ input, go, ours: null, note: `${goVersion} already has "${check.what}" yet accepted this URL: the re-applied check is wrong` });
          return;
        }
        countBy(exceptions, go.strict);
      }
      const goOk = go.ok && go.strict === undefined;
      const ours = attempt(() => parseGoHttpUrl(input));
      if (goOk !== ours.ok) {
        differences.push({
          input,
          go: go.ok ? { ...go, host: fromHex(go.hostHex), path: fromHex(go.pathHex) } : go,
          ours: ours.ok ? ours.value : ours.error.message,
          ...(go.strict === undefined ? {} : { note: `${goVersion} accepts, current Go rejects: ${STRICT_HOST_CHECKS[go.strict].what}` }),
        });
      } else if (goOk && ours.ok) {
        accepted++;
        const host = fromHex(go.hostHex);
        const path = fromHex(go.pathHex);
        if (host !== ours.value.host || path !== ours.value.path) differences.push({ input, go: { host, path }, ours: ours.value });
      }
    });

    console.log(`url.Parse: ${inputs.length} inputs, ${accepted} accepted by both; exceptions (older Go accepts, current Go rejects) ${JSON.stringify(exceptions)}`);
    expectNoDifferences('parseGoHttpUrl', inputs.length, differences);
  });

  test('splitHostPortOrWhole vs net.SplitHostPort with keyring.go\'s whole-host fallback', () => {
    const rng = new Rng(SEED, 'split');
    const inputs = Array.from({ length: CASES }, () => hostPort(rng));
    const answers = oracle.ask<{ host: string; port: string; fellBack: boolean }>(inputs.map((input) => ({ op: 'split', in: input })));
    const differences: Difference[] = [];
    let fellBack = 0;
    inputs.forEach((input, i) => {
      const go = answers[i];
      const ours = splitHostPortOrWhole(input);
      if (go.fellBack) fellBack++;
      if (go.host !== ours.host || go.port !== ours.port) differences.push({ input, go, ours });
    });
    console.log(`net.SplitHostPort: ${inputs.length} inputs, ${fellBack} fell back to the whole host`);
    expectNoDifferences('splitHostPortOrWhole', inputs.length, differences);
  });

  /** Pattern/name pairs; mostly names the pattern could match (its metacharacters filled in). */
  function globCases(rng: Rng, asciiNames: boolean): Array<{ pattern: string; name: string }> {
    const nameChar = (): string => (asciiNames ? rng.pick([...ALNUM, '-']) : rng.pick([...ALNUM, ...UNICODE]));
    return Array.from({ length: CASES }, (_, i) => {
      const pattern = globPattern(rng);
      let name = i % 3 === 0 ? globName(rng, asciiNames) : pattern
        .replace(/\*/g, () => Array.from({ length: rng.int(3) }, nameChar).join(''))
        .replace(/\?/g, nameChar)
        .replace(/\[\^?([^\]]*)\]/g, (_m, body: string) => (body.length > 0 && rng.chance(0.7) ? Array.from(body.replace(/[\\^-]/g, ''))[0] ?? 'a' : 'a'))
        .replace(/\\(.)/gu, '$1');
      // Host labels have no '/' (path.Match treats it specially); image host labels are ASCII.
      name = name.replace(/\//g, '');
      if (asciiNames) name = Array.from(name).map((ch) => (ch.charCodeAt(0) < 0x80 ? ch : rng.pick(ALNUM))).join('');
      return { pattern, name };
    });
  }

  function compareGlobs(cases: ReadonlyArray<{ pattern: string; name: string }>, label: string): void {
    const answers = oracle.ask<{ matched: boolean; bad: boolean }>(cases.map((c) => ({ op: 'match', ...c })));
    const differences: Difference[] = [];
    const outcomes: Record<string, number> = {};
    cases.forEach((c, i) => {
      const go = answers[i];
      const expected = go.matched && !go.bad;
      const ours = compileGoGlob(c.pattern)(c.name);
      countBy(outcomes, go.bad ? 'bad pattern' : go.matched ? 'match' : 'no match');
      if (expected !== ours) {
        const midRune = expected && /[^\x00-\x7f]/.test(c.name) && c.pattern.includes('*');
        differences.push({
          input: c,
          go,
          ours,
          ...(midRune ? { note: 'Go only: path.Match skips star bytes one at a time, so ? or [^...] can match a lone UTF-8 continuation byte (as U+FFFD)' } : {}),
        });
      }
    });
    console.log(`path.Match (${label}): ${cases.length} pattern/name pairs; Go outcomes ${JSON.stringify(outcomes)}`);
    expectNoDifferences(`compileGoGlob (${label})`, cases.length, differences);
  }

  test('compileGoGlob vs path.Match on ASCII host labels, any pattern (ErrBadPattern counts as no match)', () => {
    compareGlobs(globCases(new Rng(SEED, 'match-ascii'), true), 'ASCII names');
  });

  test('compileGoGlob vs path.Match on non-ASCII names', () => {
    // Image host labels are ASCII (the reference grammar); a key's labels need not be.
    compareGlobs(globCases(new Rng(SEED, 'match-unicode'), false), 'non-ASCII names');
  });

  test('compareGoStrings vs Go string order (strings.Compare on pairs, sort.Strings on batches)', () => {
    const rng = new Rng(SEED, 'order');
    const pairs = Array.from({ length: CASES }, () => orderPair(rng));
    const answers = oracle.ask<{ c: number }>(pairs.map(([a, b]) => ({ op: 'cmp', a, b })));
    const differences: Difference[] = [];
    pairs.forEach(([a, b], i) => {
      const ours = sign(compareGoStrings(a, b));
      if (ours !== answers[i].c) differences.push({ input: [a, b], go: answers[i].c, ours });
    });
    const batchItem = (): string => (rng.chance(0.5) ? orderString(rng) : orderPair(rng)[0]);
    const batches = Array.from({ length: 200 }, () => Array.from({ length: rng.range(2, 60) }, batchItem));
    const sorted = oracle.ask<{ list: string[] }>(batches.map((list) => ({ op: 'sort', list })));
    batches.forEach((list, i) => {
      const ours = [...list].sort(compareGoStrings);
      if (JSON.stringify(ours) !== JSON.stringify(sorted[i].list)) differences.push({ input: list, go: sorted[i].list, ours });
    });
    console.log(`string order: ${pairs.length} pairs and ${batches.length} sorted batches`);
    expectNoDifferences('compareGoStrings', pairs.length + batches.length, differences);
  });

  test('compareGoStrings on strings with lone surrogates, which Go sees as U+FFFD', () => {
    // A lone surrogate cannot reach Go as such: JSON (kubectl, the API
    // server, goJsonString) carries it as U+FFFD, and so does the oracle's
    // stdin. Compared here: our order on the JS string vs Go's on that.
    const rng = new Rng(SEED, 'order-surrogates');
    const alphabet = [...ORDER_ALPHABET, '\ud800', '\udbff', '\udc00', '\udfff'];
    const pairs = Array.from({ length: CASES }, (): [string, string] => {
      const prefix = rng.chance(0.5) ? rng.chars(alphabet, rng.range(0, 3)) : '';
      return [prefix + rng.chars(alphabet, rng.range(0, 4)), prefix + rng.chars(alphabet, rng.range(0, 4))];
    });
    const answers = oracle.ask<{ c: number }>(pairs.map(([a, b]) => ({ op: 'cmp', a, b })));
    const differences: Difference[] = [];
    pairs.forEach(([a, b], i) => {
      const ours = sign(compareGoStrings(a, b));
      if (ours !== answers[i].c) {
        differences.push({ input: [a, b].map((x) => Array.from(x).map((ch) => ch.codePointAt(0)!.toString(16)).join(' ')), go: answers[i].c, ours });
      }
    });
    console.log(`string order with lone surrogates: ${pairs.length} pairs`);
    expectNoDifferences('compareGoStrings (lone surrogates)', pairs.length, differences);
  });

  test('matchingRegistryKeys vs keyring.go Add + Lookup transcribed onto Go\'s url, net and filepath', () => {
    const rng = new Rng(SEED, 'keyring');
    const cases: Array<{ keys: string[]; image: string; name: string }> = [];
    while (cases.length < CASES) {
      const image = keyringImage(rng);
      const parsed = attempt(() => parseImageReference(image));
      if (!parsed.ok) continue;
      // Distinct keys: ours reports an exact duplicate once, where the kubelet,
      // given it in two secrets, would repeat its credential.
      const keys = [...new Set(Array.from({ length: rng.range(1, 6) }, () => keyringKey(rng, image)))];
      cases.push({ keys, image, name: parsed.value.name });
    }
    // Go's Lookup takes the normalised name, as the kubelet passes it.
    const answers = oracle.ask<{ raw: string[]; strict: string[] }>(cases.map((c) => ({ op: 'keyring', keys: c.keys, image: c.name })));
    const differences: Difference[] = [];
    let exceptions = 0;
    let nonEmpty = 0;
    cases.forEach((c, i) => {
      const go = answers[i];
      // strict = current Go's url.Parse (see STRICT_HOST_CHECKS); raw = the installed Go's.
      if (JSON.stringify(go.raw) !== JSON.stringify(go.strict)) exceptions++;
      const ours = matchingRegistryKeys(c.keys, c.image);
      if (ours.length > 0) nonEmpty++;
      if (JSON.stringify(ours) !== JSON.stringify(go.strict)) {
        const onlyOurs = ours.filter((k) => !go.strict.includes(k));
        const bracketNotFirst = onlyOurs.some((k) => keyHost(k).lastIndexOf('[') > 0);
        differences.push({ input: c, go, ours, ...(bracketNotFirst ? { note: "ours uses a key whose host has '[' after its first byte, which current Go's url.Parse rejects" } : {}) });
      }
    });
    console.log(`keyring: ${cases.length} key sets, ${nonEmpty} with a match; ${exceptions} where the installed Go's url.Parse gives another answer than current Go's`);
    expectNoDifferences('matchingRegistryKeys', cases.length, differences);
  });
});
