/**
 * The pull preflight: will every image in these manifests pull with the
 * credentials they reference? Offline checks read the manifests only;
 * online checks also ask each registry (registry HTTP API v2).
 */
import { Finding } from './findings';
import { checkOffline, OfflineOptions } from './offline';
import { checkOnline, OnlineOptions } from './online';
import { readManifests } from '../manifests/manifests';
import { PodKind, PodKinds } from '../rules/pod-kinds';

/** What a preflight run produced. */
export interface VerifyResult {
  /** Whether registries were contacted. */
  readonly online: boolean;
  /** Manifest files read. */
  readonly files: number;
  /** Kubernetes objects read. */
  readonly objects: number;
  /** In manifest order. */
  readonly findings: readonly Finding[];
}

/** Options of {@link verifyManifests}. */
export interface VerifyOptions extends OfflineOptions, OnlineOptions {
  /**
   * Contact the registries to check each pull.
   * @default false
   */
  readonly online?: boolean;
  /**
   * Pod-bearing kinds besides the built-in ones (`--pod-kind`).
   * @default - the built-in kinds only
   */
  readonly podKinds?: readonly PodKind[];
  /**
   * Ignore what the manifests declare in their annotations (public-image
   * patterns, custom pod kinds: rules/declarations.ts) and trust only these
   * options: for a CI gate, since whoever edits manifests could declare an
   * image public.
   * @default false
   */
  readonly ignoreManifestDeclarations?: boolean;
}

/**
 * Reads the manifests at `paths` (files, folders, or `-` for standard input) and runs the offline
 * checks, then the online ones when asked. Throws {@link InputError} for
 * unreadable input.
 */
export async function verifyManifests(paths: readonly string[], options: VerifyOptions = {}): Promise<VerifyResult> {
  // Only the objects the checks use are kept; the rest are counted.
  const manifests = readManifests(paths, new PodKinds(options.podKinds ?? []), options.ignoreManifestDeclarations === true ? 'ignored' : 'trusted');
  const offline = checkOffline(manifests.checked, options);
  const findings = options.online ? await checkOnline(offline, options) : offline.findings;
  return { online: options.online === true, files: manifests.files, objects: manifests.objects, findings };
}
