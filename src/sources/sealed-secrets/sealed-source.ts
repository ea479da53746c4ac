/**
 * The credential source behind `RegistryCredentials.sealed`: emits a
 * SealedSecret per pull secret, sealed for the controller's key, reusing the
 * value in the sealing state while nothing it was sealed from changed.
 *
 * Per secret: the inner credentials are read (once per synth); when their
 * salted hash in the state still matches, and the certificate, scope, name,
 * namespace and server are the same, the stored value is reused (same bytes).
 * Otherwise the secret is sealed afresh. Without the credential (environment
 * variables unset, as in CI) a matching entry is reused as it is, with one
 * line on stderr; without one it is the inner credentials' error.
 */
import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CredentialSource, CredentialsUnavailableError, PlaintextReader } from '../credential-source';
import { hashedName } from '../docker-config-secret';
import { EmittedPullSecret, PullSecretTarget } from '../pull-secret-target';
import { SealingKey } from './certificate';
import { hybridEncrypt, KubesealScope, sealingLabel } from './kubeseal';
import { createSealedSecret, SealedSecretObject } from './sealed-secret-object';
import { hashPlaintext, parsePlaintextHash, plaintextMatches, SCRYPT_PARAMETERS, sealedNameSuffix } from './sealing-hash';
import { SealedStateEntry, SealingStateFile, SealingStates, sealingStateKey } from './sealing-state';
import { DOCKER_HUB_SERVER } from '../../rules/docker-hub';
import { printable } from '../../rules/printable';
import { constructError } from '../../wiring/construct-errors';
import { PullSecretOrigin } from '../../wiring/pull-secret-source';

/** What a sealed source is made of. */
export interface SealedSourceConfig {
  readonly scope: KubesealScope;
  /** How the public option names the scope, for messages (e.g. `SealingScope.STRICT`). */
  readonly scopeOption: string;
  /** The controller's key (read once; errors name `construct`). */
  readonly loadKey: (construct: IConstruct) => SealingKey;
  /** Absolute path of the sealing state file. */
  readonly statePath: string;
  /** Reads the inner credentials' payload; throws {@link CredentialsUnavailableError} when its inputs are absent. */
  readonly readInner: PlaintextReader;
  /** Whether the inner credentials are a password fixed at synth. */
  readonly holdsFixedPassword: boolean;
}

/** The inner payload, or why it is not available. */
type Plaintext =
  | { readonly payload: Buffer; readonly base64: string; readonly servers: readonly string[]; readonly unavailable?: undefined }
  | { readonly unavailable: CredentialsUnavailableError };

/** What a state entry must match to be reused, besides the plaintext. */
type Wanted = Pick<SealedStateEntry, 'namespace' | 'name' | 'scope' | 'server' | 'certificate'>;

/** What a source remembers during a synth, keyed by the plaintext: kept in a closure, so printing the source shows none of it. */
interface Memo {
  /** `payload base64 \0 PHC` → whether the PHC string is the payload's hash (scrypt is slow: once per synth). */
  readonly verified: Map<string, boolean>;
  /** Payload base64 → the PHC string new entries of it use, so a project's copies share one salt and one scrypt. */
  readonly hashes: Map<string, string>;
  /** Cluster-wide only: `payload base64 \0 key fingerprint` → the value sealed once for every secret of this source. */
  readonly sealedOnce: Map<string, string>;
}

/** A {@link CredentialSource} sealing the inner credentials for the Sealed Secrets controller. */
export class SealedCredentialSource implements CredentialSource {
  public readonly holdsFixedPassword: boolean;
  private readonly memo: () => Memo;

  constructor(private readonly config: SealedSourceConfig) {
    this.holdsFixedPassword = config.holdsFixedPassword;
    const memo: Memo = { verified: new Map(), hashes: new Map(), sealedOnce: new Map() };
    this.memo = () => memo;
  }

  public servers(scope: IConstruct, server: string | undefined): string[] {
    try {
      return this.config.readInner(scope, server).servers;
    } catch (e) {
      // Only environment variables are ever unavailable, and they hold one login for the declared server.
      if (e instanceof CredentialsUnavailableError) return [server ?? DOCKER_HUB_SERVER];
      throw e;
    }
  }

  public emit(target: PullSecretTarget): EmittedPullSecret {
    const { scope, scopeOption } = this.config;
    const namespace = target.resolvedNamespace;
    if (scope !== 'cluster-wide' && namespace === undefined) {
      throw constructError(target.scope, `sealing with ${scopeOption} binds the value to the secret's namespace, but the secret has no namespace at synth`,
        'set `namespace` on the secret or its chart, or seal with scope: SealingScope.CLUSTER_WIDE, which opens in any namespace');
    }
    const key = this.config.loadKey(target.scope);
    const state = SealingStates.fileOf(target.scope, this.config.statePath);
    const plaintext = this.readPlaintext(target);

    let object: SealedSecretObject;
    let stateKey: string | undefined;
    let hash: string | undefined;
    if (target.appendHash) {
      // The suffix comes from the salted hash, never from the plaintext: kubectl's 10 characters of a fast
      // digest would let anyone test password guesses against the manifest.
      const name = hashedName(target, (base) => {
        stateKey = sealingStateKey(namespace, base);
        hash = this.currentHash(plaintext, state.lookup(target.scope, stateKey));
        return sealedNameSuffix(base, hash);
      });
      object = createSealedSecret(target, name, scope);
    } else {
      object = createSealedSecret(target, target.name, scope);
      stateKey = sealingStateKey(namespace, object.name);
    }
    const wanted: Wanted = { namespace, name: object.name, scope, server: target.server, certificate: key.fingerprint };
    const entry = this.entryFor(target, state, stateKey!, wanted, key, plaintext, hash);
    state.record(stateKey!, entry);
    // Resolved by cdk8s only after the whole app validated: the first one resolved writes the state.
    object.setSealedValue(Lazy.any({
      produce: () => {
        SealingStates.writeAll(target.scope);
        return entry.sealed;
      },
    }));
    return {
      apiObject: object.apiObject,
      servers: [...entry.servers],
      origin: PullSecretOrigin.PRODUCED,
      holder: `Secret produced by SealedSecret "${object.name}"`,
    };
  }

  private entryFor(
    target: PullSecretTarget, state: SealingStateFile, stateKey: string, wanted: Wanted,
    key: SealingKey, plaintext: Plaintext, hash: string | undefined,
  ): SealedStateEntry {
    const previous = state.lookup(target.scope, stateKey);
    if (plaintext.unavailable !== undefined) {
      const difference = previous && differenceOf(previous, wanted);
      const reusable = previous !== undefined && difference === undefined ? previous : this.clusterWideSibling(target, state, wanted);
      if (reusable === undefined) throw cannotReuse(target, plaintext.unavailable, difference, stateKey, state);
      const variables = plaintext.unavailable.variables.map((variable) => `$${variable}`).join(', ');
      // The state file's name is input: control characters shown as escapes.
      process.stderr.write(printable(`[${target.scope.node.path}] ${variables} not set: reusing the sealed value of "${stateKey}" from ${state.displayName} `) +
        '(set them and synth again to re-seal it)\n');
      return { ...wanted, servers: reusable.servers, plaintextHash: reusable.plaintextHash, sealed: reusable.sealed };
    }

    const plaintextHash = hash ?? this.currentHash(plaintext, previous);
    const fresh = (sealed: string): SealedStateEntry => ({ ...wanted, servers: [...plaintext.servers], plaintextHash, sealed });
    if (previous !== undefined && differenceOf(previous, wanted) === undefined && previous.plaintextHash === plaintextHash) {
      return this.rememberClusterWide(plaintext, key, fresh(previous.sealed));
    }
    if (wanted.scope === 'cluster-wide') {
      const once = this.memo().sealedOnce.get(`${plaintext.base64}\0${key.fingerprint}`)
        ?? this.clusterWideSibling(target, state, wanted, plaintext)?.sealed;
      if (once !== undefined) return this.rememberClusterWide(plaintext, key, fresh(once));
    }
    const label = sealingLabel(wanted.scope, wanted.namespace ?? '', wanted.name);
    return this.rememberClusterWide(plaintext, key, fresh(hybridEncrypt(key.publicKey, plaintext.payload, label).toString('base64')));
  }

  /** Cluster-wide values open anywhere: a source seals once per synth, and every secret of it carries the same value. */
  private rememberClusterWide(plaintext: { readonly base64: string }, key: SealingKey, entry: SealedStateEntry): SealedStateEntry {
    if (entry.scope === 'cluster-wide') {
      const memo = `${plaintext.base64}\0${key.fingerprint}`;
      if (!this.memo().sealedOnce.has(memo)) this.memo().sealedOnce.set(memo, entry.sealed);
    }
    return entry;
  }

  /**
   * A cluster-wide entry of the same name, certificate and server in another
   * namespace (a project copy), so a namespace added later gets the value
   * its siblings carry. With the plaintext at hand, only one sealed from it;
   * the copies of a project share one hash, so at most
   * {@link MAX_SIBLING_HASHES} hashes not checked before are tried: a state
   * file of thousands of look-alike entries costs a few scrypts, not hours.
   */
  private clusterWideSibling(
    target: PullSecretTarget, state: SealingStateFile, wanted: Wanted, plaintext?: { readonly payload: Buffer; readonly base64: string },
  ): SealedStateEntry | undefined {
    if (wanted.scope !== 'cluster-wide') return undefined;
    let budget = MAX_SIBLING_HASHES;
    for (const entry of state.previousEntries(target.scope).values()) {
      if (entry.scope !== 'cluster-wide' || entry.name !== wanted.name || entry.certificate !== wanted.certificate || entry.server !== wanted.server) continue;
      if (staleHash(entry)) continue;
      if (plaintext === undefined) return entry;
      if (!this.memo().verified.has(`${plaintext.base64}\0${entry.plaintextHash}`) && budget-- <= 0) continue;
      if (this.matches(plaintext, entry.plaintextHash)) return entry;
    }
    return undefined;
  }

  /** The salted hash of the payload: the previous entry's when it matches, else one shared by this source's new entries. */
  private currentHash(plaintext: Plaintext, previous: SealedStateEntry | undefined): string {
    if (plaintext.unavailable !== undefined) {
      if (previous === undefined) throw plaintext.unavailable;
      return previous.plaintextHash;
    }
    if (previous !== undefined && this.matches(plaintext, previous.plaintextHash)) {
      if (!this.memo().hashes.has(plaintext.base64)) this.memo().hashes.set(plaintext.base64, previous.plaintextHash);
      return previous.plaintextHash;
    }
    let hash = this.memo().hashes.get(plaintext.base64);
    if (hash === undefined) {
      hash = hashPlaintext(plaintext.payload);
      this.memo().hashes.set(plaintext.base64, hash);
      this.memo().verified.set(`${plaintext.base64}\0${hash}`, true);
    }
    return hash;
  }

  private matches(plaintext: { readonly payload: Buffer; readonly base64: string }, phc: string): boolean {
    const memo = `${plaintext.base64}\0${phc}`;
    let matches = this.memo().verified.get(memo);
    if (matches === undefined) {
      matches = plaintextMatches(plaintext.payload, phc);
      this.memo().verified.set(memo, matches);
    }
    return matches;
  }

  private readPlaintext(target: PullSecretTarget): Plaintext {
    try {
      const { base64, servers } = this.config.readInner(target.scope, target.server);
      return { payload: Buffer.from(base64, 'base64'), base64, servers };
    } catch (e) {
      if (e instanceof CredentialsUnavailableError) return { unavailable: e };
      throw e;
    }
  }
}

/** The most hashes of look-alike cluster-wide entries one search checks with scrypt, besides those checked before. */
const MAX_SIBLING_HASHES = 4;

/**
 * Whether an entry's plaintext hash is not scrypt with the one parameter set
 * (edited, or written with other parameters): such an entry is stale. It is
 * never reused and its hash never computed; the secret is sealed afresh, and
 * without the credential that is an error naming the entry and the file.
 */
function staleHash(entry: SealedStateEntry): boolean {
  return parsePlaintextHash(entry.plaintextHash) === undefined;
}

/** Why a state entry cannot stand for the secret as it is now (a phrase after "the sealed value of …"), or undefined when it can. */
function differenceOf(entry: SealedStateEntry, wanted: Wanted): string | undefined {
  if (entry.certificate !== wanted.certificate) return 'was sealed for another certificate';
  if (entry.scope !== wanted.scope) return `was sealed for scope ${entry.scope}`;
  if (entry.server !== wanted.server) return `was sealed for server "${entry.server ?? 'default'}"`;
  if (entry.namespace !== wanted.namespace || entry.name !== wanted.name) return `was sealed for secret "${sealingStateKey(entry.namespace, entry.name)}"`;
  if (staleHash(entry)) {
    const { ln, r, p } = SCRYPT_PARAMETERS;
    return `has a plaintextHash that is not scrypt with ln=${ln},r=${r},p=${p} (the only parameters computed)`;
  }
  return undefined;
}

function cannotReuse(
  target: PullSecretTarget, unavailable: CredentialsUnavailableError, difference: string | undefined, stateKey: string, state: SealingStateFile,
): Error {
  if (difference === undefined) return unavailable;
  const variables = unavailable.variables.map((variable) => `$${variable}`);
  return constructError(target.scope,
    `${variables.join(', ')} not set, and the sealed value of "${stateKey}" in ${state.displayName} ${difference}, so it cannot be reused`,
    `export ${unavailable.variables.join(' and ')} before running cdk8s synth, to seal it again`);
}
