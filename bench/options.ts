/** The options of bench/run.ts (documented in its header, which --help prints), and what they select. */
import * as fs from 'fs';
import * as path from 'path';
import { BenchSize, DEFAULT_VARIANTS, findSize, isVariant, Layout, LAYOUTS, SIZES, VariantName, VARIANTS } from './scenarios';

export class BenchFailure extends Error {}

export interface Options {
  readonly runs: number;
  readonly budgetSeconds: number;
  readonly sizes: BenchSize[];
  readonly variants: VariantName[];
  /** What is measured: every variant, and with --patch-validate-once every variant again with the patch. */
  readonly arms: Arm[];
  readonly patchValidateOnce: boolean;
  readonly retryBusy: boolean;
  /** --baseline: the other checkout's root. */
  readonly baseline?: string;
  readonly quietTimeoutSeconds: number;
  readonly busyRetries: number;
  readonly layouts: Layout[];
  readonly json?: string;
  readonly verifyAll: boolean;
  readonly warmup: boolean;
  readonly profile?: { size: BenchSize; variant: VariantName };
  readonly top: number;
  readonly intervalUs: number;
  readonly saveProfile?: string;
}

/** One measured configuration: a variant, with or without cdk8s patched to validate once per synth, from this checkout or the baseline. */
export interface Arm {
  /** `a`, `b1`…, `a+once`… with the patch, `a@base`… from the --baseline checkout. */
  readonly name: string;
  readonly variant: VariantName;
  readonly validateOnce: boolean;
  /** The checkout whose bench/child.ts (and so src/) runs; undefined for this one. */
  readonly root?: string;
}

const armOf = (variant: VariantName, validateOnce = false): Arm => ({ name: validateOnce ? `${variant}+once` : variant, variant, validateOnce });

/** A layout and a size: what one group of interleaved runs measures. */
export interface BenchCase {
  readonly layout: Layout;
  readonly size: BenchSize;
}

export const caseName = (c: BenchCase) => `${c.size.name} (${c.layout})`;

export function usage(): never {
  const header = fs.readFileSync(path.join(__dirname, 'run.ts'), 'utf8').split('*/')[0];
  process.stdout.write(header.replace(/^\/\*\*?|^ \* ?/gm, '').trimEnd() + '\n');
  process.exit(0);
}

export function parseOptions(argv: string[]): Options {
  let runs = 5;
  let budgetSeconds = 540;
  let sizes = [...SIZES];
  let variants = [...DEFAULT_VARIANTS];
  let patchValidateOnce = false;
  let retryBusy = false;
  let baseline: string | undefined;
  let quietTimeoutSeconds = 300;
  let busyRetries = 3;
  let layouts: Layout[] = ['per-namespace'];
  let json: string | undefined;
  let verifyAll = false;
  let warmup = false;
  let profile: Options['profile'];
  let top = 25;
  let intervalUs = 250;
  let saveProfile: string | undefined;
  const positive = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new BenchFailure(`${flag} needs a positive integer, got "${value}"`);
    return n;
  };
  const variantList = (value: string | undefined) => (value ?? '').split(',').map((v) => {
    if (!isVariant(v)) throw new BenchFailure(`unknown variant "${v}"; variants: ${Object.keys(VARIANTS).join(', ')}`);
    return v;
  });
  const sizeOf = (name: string | undefined) => {
    try {
      return findSize(name ?? '');
    } catch (e) {
      throw new BenchFailure((e as Error).message);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--runs': runs = positive(flag, argv[++i]); break;
      case '--budget': budgetSeconds = positive(flag, argv[++i]); break;
      case '--sizes': sizes = (argv[++i] ?? '').split(',').map(sizeOf); break;
      case '--variants': variants = variantList(argv[++i]); break;
      case '--layout': {
        const layout = argv[++i];
        if (layout === 'both') layouts = [...LAYOUTS];
        else if (LAYOUTS.includes(layout as Layout)) layouts = [layout as Layout];
        else throw new BenchFailure(`unknown layout "${layout}"; layouts: ${LAYOUTS.join(', ')}, both`);
        break;
      }
      case '--json': json = argv[++i]; if (!json) throw new BenchFailure('--json needs a path'); break;
      case '--verify-all': verifyAll = true; break;
      case '--patch-validate-once': patchValidateOnce = true; break;
      case '--retry-busy': retryBusy = true; break;
      case '--baseline': {
        baseline = path.resolve(argv[++i] ?? '');
        if (!fs.existsSync(path.join(baseline, 'bench', 'child.ts'))) throw new BenchFailure(`--baseline: no bench/child.ts under ${baseline}`);
        break;
      }
      case '--quiet-timeout': quietTimeoutSeconds = positive(flag, argv[++i]); break;
      case '--busy-retries': busyRetries = positive(flag, argv[++i]); break;
      case '--warmup': warmup = true; break;
      case '--top': top = positive(flag, argv[++i]); break;
      case '--interval': intervalUs = positive(flag, argv[++i]); break;
      case '--save-profile': saveProfile = argv[++i]; if (!saveProfile) throw new BenchFailure('--save-profile needs a path'); break;
      case '--profile': {
        const size = sizeOf(argv[++i]);
        const [variant] = variantList(argv[++i]);
        profile = { size, variant };
        break;
      }
      case '--help': case '-h': usage();
      default: throw new BenchFailure(`unknown option "${flag}" (try --help)`);
    }
  }
  if (profile && layouts.length !== 1) throw new BenchFailure('--profile takes one layout');
  if (new Set(variants).size !== variants.length) throw new BenchFailure('--variants lists a variant twice');
  const ownArms = [...variants.map((v) => armOf(v)), ...(patchValidateOnce ? variants.map((v) => armOf(v, true)) : [])];
  const arms = [...ownArms, ...(baseline ? ownArms.map((arm) => ({ ...arm, name: `${arm.name}@base`, root: baseline })) : [])];
  return {
    runs,
    budgetSeconds,
    sizes,
    variants,
    arms,
    patchValidateOnce,
    retryBusy,
    baseline,
    quietTimeoutSeconds,
    busyRetries,
    layouts,
    json,
    verifyAll,
    warmup,
    profile,
    top,
    intervalUs,
    saveProfile,
  };
}
