/**
 * The app's registry mirrors, by scope, and the patch that writes a wired
 * object's rewritten images into the output. A mirror made in a chart
 * serves its chart's namespace (as a RegistrySecret does); one made on the
 * App serves every chart; for one upstream, the namespace's mirror wins
 * over the App's. The rewrite rules are rules/mirrors.ts.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ImageRewrite, MirroredImage } from './pull-secret-plan';
import { NamespaceKey, namespaceKey } from './scope-index';
import { formatOriginalImages, ORIGINAL_IMAGES_ANNOTATION } from '../rules/declarations';
import { problemWithFix } from '../rules/messages';
import { MirrorRule, rewriteImage, upstreamOfImage } from '../rules/mirrors';

/** A registry mirror, as the scope needs to know it. */
export interface MirrorSource {
  /** The construct that declared it, named in messages. */
  readonly declaredBy: IConstruct;
  /** Made on the App: serves every chart's namespace. */
  readonly appWide: boolean;
  /** The namespace it serves when not app-wide (undefined: the deploy-time default). */
  readonly namespace: string | undefined;
  readonly rule: MirrorRule;
  /** The cache serves without credentials. */
  readonly anonymous: boolean;
}

/** An image's pulled form through the mirrors in scope, or undefined when none serves it. */
export type Rewriter = (image: string) => MirroredImage | undefined;

/** The app's registry mirrors. */
export class MirrorBook {
  private readonly sources: MirrorSource[] = [];
  private readonly rewriters = new Map<NamespaceKey, { readonly version: number; readonly rewrite: Rewriter }>();

  /** `onChange` is told of every mirror added (it can change any pod's images). */
  constructor(private readonly onChange: () => void) {}

  /** Registers a mirror: pods in its scope are re-wired. */
  public add(source: MirrorSource): void {
    this.sources.push(source);
    this.onChange();
  }

  /** Every mirror added, in order. */
  public get all(): readonly MirrorSource[] {
    return this.sources;
  }

  /** How many mirrors were added: a wiring computed with fewer is stale. */
  public get version(): number {
    return this.sources.length;
  }

  /**
   * How the mirrors in scope of a pod in `namespace` rewrite an image;
   * undefined when the app has no mirror. For each upstream, the first
   * mirror of the namespace, else the first of the App. Answers are kept
   * per image until a mirror is added: many pods share their images.
   */
  public rewriterFor(namespace: string | undefined): Rewriter | undefined {
    if (this.sources.length === 0) return undefined;
    const key = namespaceKey(namespace);
    const known = this.rewriters.get(key);
    if (known?.version === this.version) return known.rewrite;
    const byUpstream = new Map<string, MirrorSource>();
    const inNamespace = this.sources.filter((source) => !source.appWide && namespaceKey(source.namespace) === key);
    for (const source of [...inNamespace, ...this.sources.filter((s) => s.appWide)]) {
      if (!byUpstream.has(source.rule.upstream)) byUpstream.set(source.rule.upstream, source);
    }
    const answers = new Map<string, MirroredImage | undefined>();
    const rewrite: Rewriter = (image) => {
      if (answers.has(image)) return answers.get(image);
      const upstream = upstreamOfImage(image);
      const mirror = upstream === undefined ? undefined : byUpstream.get(upstream);
      const rewritten = mirror === undefined ? undefined : rewriteImage(image, mirror.rule);
      const answer = rewritten === undefined ? undefined : {
        image: rewritten, endpoint: mirror!.rule.endpoint, mirrorPath: mirror!.declaredBy.node.path, anonymous: mirror!.anonymous,
      };
      answers.set(image, answer);
      return answer;
    };
    this.rewriters.set(key, { version: this.version, rewrite });
    return rewrite;
  }

  /** A mirror registered before `source` for the same upstream in the same scope: two mirrors there fail the synth. */
  public conflictProblems(source: MirrorSource): string[] {
    const sameScope = (other: MirrorSource) => other.appWide === source.appWide
      && (source.appWide || namespaceKey(other.namespace) === namespaceKey(source.namespace));
    const first = this.sources.find((other) => other !== source && other.rule.upstream === source.rule.upstream && sameScope(other));
    if (first === undefined || this.sources.indexOf(first) > this.sources.indexOf(source)) return [];
    const scope = source.appWide ? 'the App (every chart)' : describeNamespace(source.namespace);
    return [problemWithFix(
      `two registry mirrors for upstream "${source.rule.upstream}" in ${scope}: ${first.declaredBy.node.path} and ${source.declaredBy.node.path}`,
      'keep one of them; a mirror made in a chart already takes precedence over one made on the App for its namespace')];
  }
}

function describeNamespace(namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? 'no namespace (the deploy-time default)' : `namespace "${namespace}"`;
}

/**
 * Writes a wired object's rewritten images into the output: a JSON patch per
 * image (cdk8s-plus containers' `image` cannot be changed), and the original
 * of each on the object's own metadata (rules/declarations.ts), never on the
 * pod template. A re-wiring that changes an answer adds a later patch.
 */
export class ImageRewritePatch {
  /** Pointer → the value the last patch there wrote. */
  private readonly patched = new Map<string, string>();
  /** Pointer → the image as written, to put back should a mirror stop serving it. */
  private readonly originals = new Map<string, string>();

  constructor(private readonly apiObject: ApiObject, private readonly podSpecPath: string) {}

  /** Makes the emitted images those of `rewrites`, and the others as written. */
  public set(rewrites: readonly ImageRewrite[]): void {
    const wanted = new Map(rewrites.map((rewrite) => [rewrite.pointer, rewrite.image]));
    for (const rewrite of rewrites) this.originals.set(rewrite.pointer, rewrite.original);
    for (const pointer of new Set([...this.patched.keys(), ...wanted.keys()])) {
      const value = wanted.get(pointer) ?? this.originals.get(pointer)!;
      if (this.patched.get(pointer) === value) continue;
      this.apiObject.addJsonPatch(JsonPatch.replace(`${this.podSpecPath}${pointer}`, value));
      this.patched.set(pointer, value);
    }
    if (rewrites.length === 0) return;
    // The first original of each pulled image (two spellings of one image are one pull).
    const originals = new Map<string, string>();
    for (const rewrite of rewrites) if (!originals.has(rewrite.image)) originals.set(rewrite.image, rewrite.original);
    this.apiObject.metadata.addAnnotation(ORIGINAL_IMAGES_ANNOTATION, formatOriginalImages(originals));
  }
}
