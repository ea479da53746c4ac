/**
 * What the preflight reports: one finding per container image (and per pull
 * secret problem), each safe to print. A finding never carries a secret
 * value: messages are built from names, keys and image references only.
 */
import { printable } from '../rules/printable';
import { redactUserInfo, redactUserInfoIn } from '../rules/redact';

/** Every status a finding can have. */
export const FINDING_STATUSES = [
  // offline
  'ok',
  'public',
  'not-pulled',
  'no-credential',
  'produced-in-cluster',
  'expected-in-cluster',
  'no-matching-credential',
  'invalid-image',
  'secret-wrong-type',
  'secret-invalid',
  'secret-wrong-namespace',
  'duplicate-secret',
  'unmirrored-image',
  // online
  'pullable',
  'unauthorized',
  'not-found',
  'unreachable',
  'registry-error',
  'timed-out',
] as const;

/** What was found for one image or pull secret. */
export type FindingStatus = typeof FINDING_STATUSES[number];

/** How much a status matters: only `problem` fails the preflight. */
export type Severity = 'ok' | 'info' | 'warning' | 'problem';

/** The severity of each status. */
export const SEVERITY: Readonly<Record<FindingStatus, Severity>> = {
  'ok': 'ok',
  'pullable': 'ok',
  // Under a public image pattern (--public-image, publicImages): pulled without credentials, as intended.
  'public': 'ok',
  // Pull policy Never: the kubelet only uses what the node has, so no credential is ever needed.
  'not-pulled': 'ok',
  // Most likely a public image; only an online anonymous pull could tell. A problem under --strict.
  'no-credential': 'info',
  // An ExternalSecret or SealedSecret of the manifests makes the pull secret in the cluster: its credential cannot be read here.
  'produced-in-cluster': 'info',
  // An image named in a container's args or env, on an upstream the object's images are mirrored from:
  // the app may pull it later, past the mirror (REFERENCE §11).
  'unmirrored-image': 'info',
  // The secret may well exist in the cluster; the manifests cannot tell.
  'expected-in-cluster': 'warning',
  // Applying both is order-dependent: the later one silently replaces the other.
  'duplicate-secret': 'warning',
  'no-matching-credential': 'problem',
  'invalid-image': 'problem',
  'secret-wrong-type': 'problem',
  'secret-invalid': 'problem',
  'secret-wrong-namespace': 'problem',
  'unauthorized': 'problem',
  'not-found': 'problem',
  'unreachable': 'problem',
  'registry-error': 'problem',
  // The image's deadline (3 × --timeout-ms) passed before the registry answered.
  'timed-out': 'problem',
};

/** Where a finding points: a field of one object in one document of one file. */
export interface FindingLocation {
  /** The manifest file, as found from the paths given. */
  readonly file: string;
  /** 1-based index of the YAML document in the file. */
  readonly document: number;
  /** The object's `kind`. */
  readonly kind: string;
  /** The object's namespace (its own, else the default namespace in force). */
  readonly namespace: string;
  /** The object's `metadata.name`. */
  readonly name: string;
  /** JSON pointer of the field concerned within the document, e.g. `/spec/template/spec/containers/0/image`. */
  readonly path: string;
}

/** One result of the preflight. */
export interface Finding extends FindingLocation {
  /** The container, for image findings of containers (init and ephemeral ones too). */
  readonly container?: string;
  /** The image volume, for image findings of image volumes (`spec.volumes[].image`). */
  readonly volume?: string;
  /** The image as written, for image findings. */
  readonly image?: string;
  /**
   * The pull secret concerned: for secret findings the secret itself; for
   * image findings the first of {@link secrets} (online: the one that pulled).
   */
  readonly secret?: string;
  /**
   * Image findings: every pull secret the finding is about, in the order the
   * kubelet tries them: those whose credentials match (`ok`), that make the
   * credential in the cluster (`produced-in-cluster`), that are expected in the
   * cluster, or that almost match (`no-matching-credential`).
   */
  readonly secrets?: readonly string[];
  /** What was found. */
  readonly status: FindingStatus;
  /** How much it matters (derived from `status`; `no-credential` is a problem under `--strict`). */
  readonly severity: Severity;
  /** One human sentence on one line (see {@link oneLine}); never a secret value. */
  readonly message: string;
}

/**
 * A message as a finding holds it: trimmed (OpenSSL's messages end with a
 * newline), whatever could be user info redacted as `***@` (registries and
 * keys are quoted), and every control character shown as an escape
 * (see {@link printable}), so a report prints one line per finding, always.
 */
export function oneLine(text: string): string {
  return printable(redactUserInfoIn(text.trim()));
}

/** The optional fields of a finding, and a severity other than its status's. */
export interface FindingExtra {
  readonly container?: string;
  readonly volume?: string;
  readonly image?: string;
  readonly secret?: string;
  readonly secrets?: readonly string[];
  /** @default SEVERITY[status] */
  readonly severity?: Severity;
}

/** Builds a finding, deriving its severity from its status unless told; the message is put on one line ({@link oneLine}). */
export function finding(location: FindingLocation, status: FindingStatus, message: string, extra: FindingExtra = {}): Finding {
  const secret = extra.secret ?? extra.secrets?.[0];
  return {
    ...location,
    ...(extra.container === undefined ? {} : { container: extra.container }),
    ...(extra.volume === undefined ? {} : { volume: extra.volume }),
    // An image is quoted as written, but never with what could be user info.
    ...(extra.image === undefined ? {} : { image: redactUserInfo(extra.image) }),
    ...(secret === undefined ? {} : { secret }),
    ...(extra.secrets === undefined || extra.secrets.length === 0 ? {} : { secrets: extra.secrets }),
    status,
    severity: extra.severity ?? SEVERITY[status],
    message: oneLine(message),
  };
}

/** Counts of findings, by severity and by status. */
export interface FindingSummary {
  /** Number of findings. */
  readonly total: number;
  readonly ok: number;
  readonly info: number;
  readonly warnings: number;
  readonly problems: number;
  /** Every status, with 0 for those not seen, in {@link FINDING_STATUSES} order. */
  readonly byStatus: Readonly<Record<FindingStatus, number>>;
}

/** Counts findings by severity and status. */
export function summarize(findings: readonly Finding[]): FindingSummary {
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  const bySeverity: Record<Severity, number> = { ok: 0, info: 0, warning: 0, problem: 0 };
  for (const f of findings) {
    byStatus[f.status]++;
    bySeverity[f.severity]++;
  }
  return {
    total: findings.length,
    ok: bySeverity.ok,
    info: bySeverity.info,
    warnings: bySeverity.warning,
    problems: bySeverity.problem,
    byStatus,
  };
}

/** Whether the finding is about one image (of a container or an image volume), not a pull secret. */
export function isImageFinding(f: Pick<Finding, 'container' | 'volume'>): boolean {
  return f.container !== undefined || f.volume !== undefined;
}

/** Whether any finding fails the preflight. */
export function hasProblems(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'problem');
}
