/**
 * Report formats: a table for people, JSON for tools. Both are built from
 * findings only, which never hold secret values.
 */
import { printable, printableJson } from '../rules/printable';
import { Finding, FindingSummary, isImageFinding, summarize } from '../verify/findings';
import { VerifyResult } from '../verify/verify';

/**
 * The JSON report (`--format json`), schema version 1. Stable: fields are
 * only ever added, and absent values are `null`, never missing.
 *
 * ```
 * {
 *   "schemaVersion": 1,
 *   "mode": "offline" | "online",
 *   "summary": {
 *     "files": number, "objects": number, "images": number,  // images: image findings (containers and image volumes)
 *     "total": number, "ok": number, "info": number, "warnings": number, "problems": number,
 *     "byStatus": { "<status>": number, ... }                 // every status, 0 when unseen
 *   },
 *   "findings": [{
 *     "status": "ok" | "public" | "not-pulled" | "no-credential" | "produced-in-cluster" | "expected-in-cluster"
 *             | "no-matching-credential" | "invalid-image" | "secret-wrong-type" | "secret-invalid"
 *             | "secret-wrong-namespace" | "duplicate-secret"
 *             | "pullable" | "unauthorized" | "not-found" | "unreachable" | "registry-error" | "timed-out",
 *     "severity": "ok" | "info" | "warning" | "problem",      // only "problem" fails (exit 1);
 *                                                             // "no-credential" is a problem under --strict
 *     "file": string, "document": number,                     // document: 1-based YAML document index
 *     "path": string,                                         // JSON pointer within the document
 *     "kind": string, "namespace": string, "name": string,
 *     "container": string | null,  // image findings of containers (init and ephemeral too)
 *     "volume": string | null,     // image findings of image volumes (spec.volumes[].image)
 *     "image": string | null,
 *     "secret": string | null,     // secret findings: the secret; image findings: the first of "secrets"
 *                                  // (online, when pullable: the secret that pulled)
 *     "secrets": string[],         // image findings: the secrets that match ("ok"), make the credential in
 *                                  // the cluster ("produced-in-cluster"), are expected in the cluster, or
 *                                  // almost match ("no-matching-credential"), in the kubelet's order; else [] or [secret]
 *     "message": string                                       // one line: control characters shown as escapes (\x1b, \n)
 *   }]
 * }
 * ```
 */
export interface JsonReport {
  readonly schemaVersion: 1;
  readonly mode: 'offline' | 'online';
  readonly summary: FindingSummary & { readonly files: number; readonly objects: number; readonly images: number };
  readonly findings: ReadonlyArray<JsonFinding>;
}

/** One finding in the JSON report. */
export interface JsonFinding {
  readonly status: Finding['status'];
  readonly severity: Finding['severity'];
  readonly file: string;
  readonly document: number;
  readonly path: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly container: string | null;
  readonly volume: string | null;
  readonly image: string | null;
  readonly secret: string | null;
  readonly secrets: readonly string[];
  readonly message: string;
}

/** The JSON report object (see {@link JsonReport}). */
export function toJsonReport(result: VerifyResult): JsonReport {
  return {
    schemaVersion: 1,
    mode: result.online ? 'online' : 'offline',
    summary: {
      files: result.files,
      objects: result.objects,
      images: result.findings.filter(isImageFinding).length,
      ...summarize(result.findings),
    },
    findings: result.findings.map((f) => ({
      status: f.status,
      severity: f.severity,
      file: f.file,
      document: f.document,
      path: f.path,
      kind: f.kind,
      namespace: f.namespace,
      name: f.name,
      container: f.container ?? null,
      volume: f.volume ?? null,
      image: f.image ?? null,
      secret: f.secret ?? null,
      secrets: f.secrets ?? (f.secret === undefined ? [] : [f.secret]),
      message: f.message,
    })),
  };
}

/** The JSON report as text, two-space indented, with a final newline. */
export function formatJson(result: VerifyResult): string {
  // JSON escapes C0 controls itself; DEL, C1 and bidirectional controls become \u escapes too.
  return `${printableJson(JSON.stringify(toJsonReport(result), null, 2))}\n`;
}

/**
 * A plain-text table (status, namespace/kind/name, container, image, detail)
 * and a summary line. One line per finding, always: every cell is
 * {@link printable} (file and object names and images come from the
 * manifests, details from registries), control characters shown as escapes.
 */
export function formatTable(result: VerifyResult): string {
  const header = ['STATUS', 'OBJECT', 'CONTAINER', 'IMAGE', 'DETAIL'];
  const rows = result.findings.map((f) => [
    f.status,
    `${f.namespace}/${f.kind}/${f.name}`,
    f.container ?? (f.volume === undefined ? '-' : `volume ${f.volume}`),
    f.image ?? '-',
    // Where to look is worth the width only when there is something to fix.
    f.severity === 'ok' || f.severity === 'info' ? f.message : `${f.message} [${f.file}#${f.document} ${f.path}]`,
  ].map(printable));
  const lines: string[] = [];
  if (rows.length > 0) {
    const widths = header.slice(0, -1).map((h, i) => rows.reduce((width, row) => Math.max(width, row[i].length), h.length));
    for (const row of [header, ...rows]) {
      lines.push(row.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd());
    }
    lines.push('');
  }
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

function summaryLine(result: VerifyResult): string {
  const s = summarize(result.findings);
  const read = `${result.objects} object${plural(result.objects)} in ${result.files} file${plural(result.files)}`;
  if (s.total === 0) {
    return `No container images or pull secrets to check (${read}).`;
  }
  const counts = `${s.ok} ok, ${s.info} info, ${s.warnings} warning${plural(s.warnings)}, ${s.problems} problem${plural(s.problems)}`;
  const mode = result.online ? 'online: registries contacted' : 'offline: no registry contacted (add --online to try the pulls)';
  return `${s.total} finding${plural(s.total)} (${counts}) from ${read}; ${mode}.`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
