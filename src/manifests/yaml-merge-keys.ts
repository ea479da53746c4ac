/**
 * YAML 1.1 merge keys (`<<`) as kubectl's parser (go-yaml v2) merges them,
 * as a custom tag for the `yaml` package. Used by yaml-documents.ts.
 */
import { isAlias, isMap, isSeq, Scalar, ScalarTag, Tags } from 'yaml';
import { toJS, ToJSContext } from 'yaml/util';

/** Thrown while converting, for a merge key whose value is not a mapping or a list of mappings. */
export class MergeError {
  public constructor(public readonly offset: number, public readonly problem: string) {}
}

/**
 * The YAML 1.1 merge key `<<` (a plain `<<`, or one tagged `!!merge`), as
 * kubectl's parser (go-yaml v2) merges it: the map's pairs are applied in
 * document order, a merge setting every key of what it merges (so a key
 * written before the `<<` is overwritten by the merged value, and one
 * written after it wins); for a list of maps (`<<: [*a, *b]`), earlier maps
 * win over later ones. Its value must be a mapping, an alias of one, or a
 * list of those.
 */
export const MERGE_KEY_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:merge',
  default: 'key',
  test: /^<<$/,
  identify: (value) => typeof value === 'symbol' && value.description === '<<',
  resolve: () => Object.assign(new Scalar(Symbol('<<')), { addToJSMap: mergeIntoMap }),
  stringify: () => '<<',
};

/** The schema's tags with {@link MERGE_KEY_TAG} for the parser's own merge key (which lets keys before `<<` win). */
export function withKubectlMergeKeys(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_KEY_TAG.tag).concat(MERGE_KEY_TAG);
}

function mergeIntoMap(ctx: ToJSContext | undefined, map: unknown, value: unknown): void {
  const sources = isSeq(value) ? value.items : [value];
  // Backwards, as go-yaml does, so that earlier maps take precedence.
  for (let i = sources.length - 1; i >= 0; i--) {
    const source = sources[i];
    // An alias gives the value it names, shared, not copied (and counted against the alias cap once).
    const merged: unknown = isMap(source) || isAlias(source) ? toJS(source, '', ctx) : undefined;
    if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
      const offset = (source as { range?: number[] } | null)?.range?.[0] ?? (value as { range?: number[] } | null)?.range?.[0] ?? 0;
      throw new MergeError(offset, 'a merge key ("<<") takes a mapping, an alias of one, or a list of those');
    }
    for (const key of Object.keys(merged)) {
      Object.defineProperty(map, key, { value: (merged as Record<string, unknown>)[key], writable: true, enumerable: true, configurable: true });
    }
  }
}
