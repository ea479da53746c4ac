/**
 * The app-wide book of pull-secret sources, namespace groups and wired pod
 * bearers: one per construct tree, attached to its root. It owns the rules
 * that need the whole app, each built to cost one pass per synth, and it
 * re-wires a pod only when something that can change its answer changed.
 */
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { AppCensus, takeCensus } from './app-census';
import { constructError } from './construct-errors';
import { recordConstructPaths } from './construct-paths';
import { declareInManifests } from './declarations';
import { explicitOfSecret } from './explicit-secrets';
import { ImageRewritePatch, MirrorBook } from './mirror-book';
import { PodBearer, podBearerOfApiObject, podBearerOfPlus, PullSecretPatch } from './pod-bearer';
import { ExplicitPullSecret, explicitSecretProblems, planPullSecrets, ScopedSecret } from './pull-secret-plan';
import { NamespaceGroupSource, PullSecretOrigin, PullSecretSource } from './pull-secret-source';
import { CredentialIndex, NamespaceKey, namespaceKey } from './scope-index';
import { DeclaredSecretName, secretNameProblems } from './secret-names';
import { accountKey, keepingAccountSecrets } from './service-accounts';
import { SynthPassTracker } from './synth-pass';
import { problemWithFix } from '../rules/messages';
import { describePodKind, PodKind, PodKinds } from '../rules/pod-kinds';
import { PublicImagePattern } from '../rules/public-images';
import { sharedNamespaceProblems } from '../rules/rancher';

/** How one pod bearer is wired. */
export interface WireOptions {
  /** Pull secrets named by hand besides those the object already has. */
  readonly extraPullSecrets?: kplus.ISecret[];
  /** Allow images that no credential in scope matches. */
  readonly allowUnmatchedImages?: boolean;
  /** Public images, which get no secret and need none. */
  readonly publicImages?: readonly PublicImagePattern[];
}

/** A pod bearer the scope wires, with its last answer and what that answer was computed from. */
export interface WiredBearer {
  readonly bearer: PodBearer;
  /** The problems of the last wiring (empty when wired). */
  readonly problems: readonly string[];
}

interface WiredState extends WiredBearer {
  readonly options: WireOptions;
  readonly patch: PullSecretPatch;
  readonly images: ImageRewritePatch;
  readonly namespace: NamespaceKey;
  problems: string[];
  /** A container was added since the last wiring. */
  stale: boolean;
  /** The version of its namespace's sources at the last wiring. */
  namespaceVersion: number;
  /** The app-wide source version at the last wiring: unmatched-image messages mention other namespaces. */
  sourcesVersion: number;
  mirrorsVersion: number;
  /** The scope's change count when the answer was last confirmed. */
  checkedAt: number;
}

const SCOPE_ID = 'cdk8s-private-registry.RegistryScope';

/** The problems of a pod nobody wires, and the object that tells whether some wiring adopted it since. */
interface UnwiredProblems {
  readonly apiObject: ApiObject;
  readonly problems: string[];
}

/** Who reports problems on a construct: its wiring (claimed or adopted), or the check of pods nobody wires. */
export type Reporter = 'wiring' | 'unwired';

/** The app-wide registry of pull-secret sources and wired pod bearers. */
export class RegistryScope extends Construct {
  /** The scope of the app `construct` belongs to, created on first use. */
  public static of(construct: IConstruct): RegistryScope {
    const root = construct.node.root;
    const existing = root.node.tryFindChild(SCOPE_ID);
    return existing instanceof RegistryScope ? existing : new RegistryScope(root as Construct, SCOPE_ID);
  }

  /** Passes of one synth, told apart from the next synth. */
  public readonly passes: SynthPassTracker;
  /** The app's registry mirrors: every wired pod sees its images as pulled through them. */
  public readonly mirrors = new MirrorBook(() => this.changeCount++);
  private readonly sources: PullSecretSource[] = [];
  /** Source → namespaces already in the index (sources only grow). */
  private readonly indexed = new Map<PullSecretSource, Set<NamespaceKey>>();
  private readonly declarers = new Set<IConstruct>();
  private readonly groups: NamespaceGroupSource[] = [];
  private readonly wired = new Map<ApiObject, WiredState>();
  private readonly index = new CredentialIndex<ScopedSecret>();
  private readonly byName = new Map<string, ScopedSecret>();
  /** Secret name → the first declaration of it, in any namespace: a name written by hand may name one of another namespace. */
  private readonly anyNamespace = new Map<string, ScopedSecret>();
  private readonly namespaceVersions = new Map<NamespaceKey, number>();
  private sourcesVersion = 0;
  private readonly claimed: Array<{ readonly handle: WiredBearer; readonly reportOn: IConstruct }> = [];
  private claimsCheckedAt = -1;
  private rewired = 0;
  /** Bumped by every change that can alter an app-wide answer: the pass fingerprint includes it. */
  private changeCount = 0;
  private readonly appRules: { fingerprint?: string; value?: string[] } = {};
  private readonly appCensus: { fingerprint?: string; value?: AppCensus } = {};
  private readonly unwiredProblems: { fingerprint?: string; value?: Map<IConstruct, UnwiredProblems> } = {};
  /** Constructs given a validation by {@link reportOn}, with what it reports. */
  private readonly reporting = new Map<IConstruct, Map<Reporter, () => readonly string[]>>();
  private readonly customPodKinds: Array<{ readonly podKind: PodKind; readonly declaredBy: IConstruct }> = [];
  private knownPodKinds?: { readonly count: number; readonly kinds: PodKinds };

  private constructor(root: Construct, id: string) {
    super(root, id);
    recordConstructPaths(root, () => this.mirrors.all); // construct-paths.json, after each App.synth() that succeeds
    this.passes = new SynthPassTracker(root, () => this.changeCount);
    // On the root, so it runs first in every pass (cdk8s visits in preorder): claimed workloads carry no
    // validation of their own until they have a problem, so a pass costs nothing per workload.
    root.node.addValidation({ validate: () => [...this.reportClaimedProblems(), ...this.reportUnwiredPodProblems()] });
    this.node.addValidation({
      validate: () => this.passes.memoize(this.appRules, () => [...this.secretNameProblems(), ...this.namespaceGroupProblems()]),
    });
  }

  /**
   * Registers a source of pull secrets, so pods in its namespaces are wired
   * to it. A source declared inside another source (a project registry's
   * per-namespace copies) is part of that one and not registered again.
   */
  public addSource(source: PullSecretSource): void {
    if (source.declaredBy.node.scope !== undefined && this.declarers.has(source.declaredBy.node.scope)) return;
    this.sources.push(source);
    this.declarers.add(source.declaredBy);
    this.indexed.set(source, new Set());
    this.sourceChanged(source);
  }

  /** A registered source reached more namespaces: pods there are re-wired, no others. */
  public sourceChanged(source: PullSecretSource): void {
    const seen = this.indexed.get(source);
    if (seen === undefined) return;
    for (const namespace of source.namespaces) {
      const key = namespaceKey(namespace);
      if (seen.has(key)) continue;
      seen.add(key);
      const scoped: ScopedSecret = { name: source.name, namespace, servers: source.servers };
      this.index.add(key, source.servers, scoped);
      this.byName.set(`${key}/${source.name}`, scoped);
      if (!this.anyNamespace.has(source.name)) this.anyNamespace.set(source.name, scoped);
      this.namespaceVersions.set(key, (this.namespaceVersions.get(key) ?? 0) + 1);
    }
    this.sourcesVersion++;
    this.changeCount++;
  }

  /**
   * Custom pod kinds declared for the subtree of `declaredBy`: returns the
   * table the subtree is wired with. A kind declared elsewhere in the app
   * with another pod spec path fails the synth.
   */
  public declarePodKinds(declaredBy: IConstruct, custom: readonly PodKind[]): PodKinds {
    for (const podKind of custom) {
      const other = this.customPodKinds.find((known) => known.podKind.apiGroup === podKind.apiGroup && known.podKind.kind === podKind.kind);
      if (other && other.podKind.podSpecPath !== podKind.podSpecPath) {
        throw constructError(declaredBy, `pod-bearing kind ${describePodKind(podKind)} has pod spec path ${podKind.podSpecPath} here, `
          + `but ${other.podKind.podSpecPath} where ${other.declaredBy.node.path} declares it`, 'declare each kind with one path, the one its CRD gives');
      }
      if (!other) this.customPodKinds.push({ podKind, declaredBy });
    }
    this.changeCount++;
    return custom.length === 0 ? PodKinds.BUILT_IN : new PodKinds(custom);
  }

  /** Every pod kind the app knows: the built-in ones and those declared anywhere. */
  public get podKinds(): PodKinds {
    if (this.knownPodKinds?.count !== this.customPodKinds.length) {
      this.knownPodKinds = { count: this.customPodKinds.length, kinds: new PodKinds(this.customPodKinds.map((known) => known.podKind)) };
    }
    return this.knownPodKinds.kinds;
  }

  /** Registers a group of namespaces (a project), so a namespace in two groups is caught. */
  public addNamespaceGroup(group: NamespaceGroupSource): void {
    this.groups.push(group);
    this.changeCount++;
  }

  /** A registered group gained a namespace. */
  public namespaceGroupChanged(): void {
    this.changeCount++;
  }

  /**
   * Wires `bearer` from now on: its `imagePullSecrets` follow the sources in
   * its namespace, and it is left alone by app-wide wiring. Its problems are
   * reported as validation errors of `reportOn`.
   */
  public claim(bearer: PodBearer, reportOn: IConstruct, options: WireOptions = {}): WiredBearer {
    this.changeCount++;
    const handle = this.track(bearer, options);
    this.claimed.push({ handle, reportOn });
    return handle;
  }

  /**
   * Re-checks the claimed bearers when anything changed since the last pass,
   * and gives those with a problem a validation that reports it. Validations
   * cannot be removed, so one stays and reports nothing once fixed.
   */
  private reportClaimedProblems(): string[] {
    if (this.claimsCheckedAt === this.changeCount) return [];
    this.claimsCheckedAt = this.changeCount;
    for (const claim of this.claimed) {
      if (this.problemsOf(claim.handle).length > 0) this.reportOn(claim.reportOn, 'wiring', () => this.problemsOf(claim.handle));
    }
    return [];
  }

  /**
   * For app-wide wiring found during a validation pass: wires `bearer`
   * unless a construct already does (then undefined).
   */
  public adopt(bearer: PodBearer, options: WireOptions = {}): WiredBearer | undefined {
    return this.wired.has(bearer.apiObject) ? undefined : this.track(bearer, options);
  }

  /** How many times a pod bearer was wired or re-wired so far: what the change detection saves, observable. */
  public get wirings(): number {
    return this.rewired;
  }

  /** Whether some construct or app-wide wiring already wires `apiObject`. */
  public isWired(apiObject: ApiObject): boolean {
    return this.wired.has(apiObject);
  }

  /**
   * The problems of `handle`, re-wiring it first only when a container was
   * added, a source reached its namespace, or (for a pod with problems,
   * whose messages look at other namespaces) any source changed.
   */
  public problemsOf(handle: WiredBearer): readonly string[] {
    const state = handle as WiredState;
    // Nothing anywhere changed since this bearer's last answer: the common case, once per chart per synth.
    if (state.checkedAt === this.changeCount) return state.problems;
    state.checkedAt = this.changeCount;
    const namespaceVersion = this.namespaceVersions.get(state.namespace) ?? 0;
    const stale = state.stale
      || state.namespaceVersion !== namespaceVersion
      || (state.problems.length > 0 && state.sourcesVersion !== this.sourcesVersion) || state.mirrorsVersion !== this.mirrors.version;
    if (stale) this.rewire(state, namespaceVersion);
    return state.problems;
  }

  private track(bearer: PodBearer, options: WireOptions): WiredBearer {
    const state: WiredState = {
      bearer,
      options,
      patch: new PullSecretPatch(bearer.apiObject, bearer.podSpecPath),
      images: new ImageRewritePatch(bearer.apiObject, bearer.podSpecPath),
      namespace: namespaceKey(bearer.namespace),
      problems: [],
      stale: true,
      namespaceVersion: -1,
      sourcesVersion: -1,
      mirrorsVersion: -1,
      checkedAt: -1,
    };
    this.wired.set(bearer.apiObject, state);
    bearer.watch(() => {
      state.stale = true;
      this.changeCount++;
    });
    return state;
  }

  private rewire(state: WiredState, namespaceVersion: number): void {
    this.rewired++;
    state.problems = this.plan(state);
    state.stale = false;
    state.namespaceVersion = namespaceVersion;
    state.sourcesVersion = this.sourcesVersion;
    state.mirrorsVersion = this.mirrors.version;
  }

  /** Sets the bearer's `imagePullSecrets` from the plan; returns the problems that stop the synth instead. */
  private plan(state: WiredState): string[] {
    const { bearer, options } = state;
    const unreadable = bearer.specProblems();
    if (unreadable.length > 0) return unreadable.map((problem) => problemWithFix(problem, 'make it a list of objects, as in the Kubernetes API'));
    const explicit = [...bearer.explicitSecrets(), ...(options.extraPullSecrets ?? [])]
      .map((secret) => (typeof secret === 'string' ? this.explicitByName(state.namespace, secret) : explicitOfSecret(secret)));
    const plan = planPullSecrets({
      namespace: bearer.namespace,
      images: bearer.images(),
      explicit,
      allowUnmatchedImages: options.allowUnmatchedImages ?? false,
      publicImages: options.publicImages,
      rewrite: this.mirrors.rewriterFor(bearer.namespace),
    }, this.index);
    if (plan.problems.length > 0) return plan.problems;
    state.images.set(plan.rewrites);
    state.patch.set(keepingAccountSecrets(plan.secretNames, explicit.length, this.accountSecretsOf(bearer)));
    declareInManifests(bearer, this.podKinds, plan.publicPatterns);
    return plan.problems;
  }

  /** The pull secrets of the bearer's service account, when this app declares it. */
  private accountSecretsOf(bearer: PodBearer): readonly string[] {
    return this.census().serviceAccounts.get(accountKey(bearer.namespace, bearer.serviceAccountName())) ?? [];
  }

  /** The app's pods and service accounts: one walk of the app per synth, shared by the rules that need them. */
  private census(): AppCensus {
    return this.passes.memoize(this.appCensus, () => takeCensus(this.node.root, this.podKinds));
  }

  /**
   * A name written by hand in a raw manifest: known if it names a source of
   * this app in the pod's namespace; a name this app declares only in
   * another namespace is known to be there (and is a problem).
   */
  private explicitByName(namespace: NamespaceKey, name: string): ExplicitPullSecret {
    const known = this.byName.get(`${namespace}/${name}`) ?? this.anyNamespace.get(name);
    return known
      ? { name, namespace: known.namespace, namespaceKnown: true, servers: known.servers }
      : { name, namespaceKnown: false };
  }

  /**
   * Pods nobody wires are still checked, once an app declares any registry
   * secret: the pull secrets they name by hand must not be declared only in
   * another namespace, nor be a typo of a declared one. One walk of the app
   * per synth (the pass memo), from the root's validation, which cdk8s runs
   * first: a pod with a problem gets a validation of its own, so the message
   * carries its construct path once.
   */
  private reportUnwiredPodProblems(): string[] {
    const found = this.passes.memoize(this.unwiredProblems, () => this.unwiredPodProblems());
    for (const [construct, { apiObject }] of found) {
      // Checked again when reported: wiring adopted later in the pass reports these problems itself.
      this.reportOn(construct, 'unwired', () => (this.wired.has(apiObject) ? [] : this.unwiredProblems.value?.get(construct)?.problems ?? []));
    }
    return [];
  }

  private unwiredPodProblems(): Map<IConstruct, UnwiredProblems> {
    const found = new Map<IConstruct, UnwiredProblems>();
    const kinds = this.podKinds;
    for (const pod of this.census().pods) {
      const bearer = pod instanceof kplus.AbstractPod ? podBearerOfPlus(pod) : podBearerOfApiObject(pod, kinds);
      if (bearer === undefined || this.wired.has(bearer.apiObject)) continue;
      const namespace = namespaceKey(bearer.namespace);
      const explicit = bearer.explicitSecrets().map((secret) => (typeof secret === 'string' ? this.explicitByName(namespace, secret) : explicitOfSecret(secret)));
      if (explicit.length === 0) continue;
      const problems = explicitSecretProblems(bearer.namespace, explicit, this.index.itemsIn(namespace).map((secret) => secret.name));
      if (problems.length > 0) found.set(bearer.construct, { apiObject: bearer.apiObject, problems });
    }
    return found;
  }

  /**
   * Gives `construct` one validation reporting what each reporter's
   * `problems` returns, each message once (validations cannot be removed: it
   * reports nothing once fixed).
   */
  public reportOn(construct: IConstruct, reporter: Reporter, problems: () => readonly string[]): void {
    let reporters = this.reporting.get(construct);
    if (reporters === undefined) {
      const created = new Map<Reporter, () => readonly string[]>();
      this.reporting.set(construct, reporters = created);
      construct.node.addValidation({ validate: () => [...new Set([...created.values()].flatMap((report) => report()))] });
    }
    reporters.set(reporter, problems);
  }

  private namespaceGroupProblems(): string[] {
    return sharedNamespaceProblems(this.groups.map((group) => ({ path: group.declaredBy.node.path, namespaces: group.namespaces })));
  }

  /** Emitted Secrets (found in the tree), plus names taken by existing and produced secrets. */
  private secretNameProblems(): string[] {
    const declared: DeclaredSecretName[] = [];
    const existing = new Set<string>();
    for (const source of this.sources) {
      if (source.origin === PullSecretOrigin.EMITTED) continue;
      for (const namespace of source.namespaces) {
        const key = `${namespace ?? ''}/${source.name}`;
        // Two imports of one existing secret are the same secret, not a clash.
        if (source.origin === PullSecretOrigin.EXISTING) {
          if (existing.has(key)) continue;
          existing.add(key);
        }
        declared.push({ namespace, name: source.name, holder: `${source.declaredBy.node.path} (${source.holder ?? 'declared elsewhere'})` });
      }
    }
    return secretNameProblems(this.node.root, declared);
  }
}
