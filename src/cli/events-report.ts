/**
 * The report of `cdk8s-private-registry events`: a table for people, JSON
 * for tools. One line per pull, always: every text is put on one line, its
 * control characters shown as escapes, and what could be a credential in a
 * runtime's message or an image (user info in any shape, a signed URL's
 * token or signature, an Authorization value) is redacted.
 * Registry hosts and image names stay: they are what the reader needs.
 */
import { PullRecord } from '../events/pull-records';
import { ConstructOrigin, PodWorkload, PullSecretUse } from '../events/workloads';
import { printable, printableJson } from '../rules/printable';
import { redactUserInfo, redactUserInfoIn } from '../rules/redact';

/** One pull, what the manifests say about it, and what to fix. */
export interface PullEntry {
  readonly record: PullRecord;
  /** Undefined without `--manifests`; null when no workload of the manifests fits the pod. */
  readonly workload?: PodWorkload | null;
  readonly fix: string | null;
}

/** What one run of `events` found. */
export interface EventsResult {
  /** The events file, or `<stdin>`. */
  readonly source: string;
  /** The `--manifests` location; null without. */
  readonly manifests: string | null;
  /** The `--namespace` filter; null without. */
  readonly namespace: string | null;
  /** Event objects read. */
  readonly eventObjects: number;
  /** Of those, the image pull events (before the namespace filter). */
  readonly pullEvents: number;
  /** List items that are no Events. */
  readonly otherObjects: number;
  readonly entries: readonly PullEntry[];
}

/**
 * The JSON report (`--format json`), schema version 1. Stable: fields are
 * only ever added; absent values are `null`, never missing.
 *
 * ```
 * { "schemaVersion": 1, "source": string, "manifests": string | null, "namespace": string | null,
 *   "summary": { "events", "pullEvents", "otherObjects", "pulls", "pulled", "pulling", "failing": number },
 *   "pulls": [{ "namespace", "pod", "container", "image": string,  // container: "" when the event names none
 *               "status": "pulled" | "pulling" | "failing",
 *               "reason": "unauthorized" | "not-found" | "rate-limited" | "unreachable" | "unknown" | null,
 *               "message": string, "count": number,           // message: the runtime's error when failing; one line
 *               "volume": string | null,                       // the image volume pulling the image (with --manifests)
 *               "mirror": { "upstream", "original": string, "construct": string | null } | null, // the image is a RegistryMirror's
 *                                 // rewrite of "original", served by its cache for "upstream" (the object's original-images annotation;
 *                                 // with --manifests); construct: that RegistryMirror's path, from construct-paths.json; null when unknown
 *               "lastEvent": string, "lastSeen": string | null, // kubelet reason; RFC 3339
 *               "failures": number, "recovered": boolean, "retrying": boolean, "waitingReason": string | null,
 *               "workload": { "kind", "name", "namespace", "file": string, "document": number } | null,
 *               "construct": { "path": string | null, "pathFrom": "construct-paths" | "label" | "name" | null, "address": string | null } | null,
 *                                 // path: the Include, cdk8s-plus workload or raw object with "construct-paths"; else the API object's
 *               "serviceAccount": string | null,
 *               "pullSecrets": [{ "name": string, "from": "pod" | "service-account",
 *                                 "state": "matches" | "no-match" | "unusable" | "wrong-namespace" | "produced" | "not-in-manifests",
 *                                 "keys": string[],             // the auths keys that apply to the image
 *                                 "producer": string | null }] | null,  // e.g. 'ExternalSecret "x"'; null without --manifests or a workload
 *               "fix": string | null }] }
 * ```
 */
export function toEventsJson(result: EventsResult): Record<string, unknown> {
  return {
    schemaVersion: 1,
    source: result.source,
    manifests: result.manifests,
    namespace: result.namespace,
    summary: summaryOf(result),
    pulls: result.entries.map(({ record: r, workload, fix }) => ({
      namespace: r.namespace,
      pod: r.pod,
      container: r.container,
      image: redactUserInfo(r.image),
      status: r.status,
      reason: r.reason,
      message: sanitize(r.message),
      count: r.count,
      volume: workload?.volume ?? null,
      mirror: workload?.mirror
        ? { upstream: workload.mirror.upstream, original: workload.mirror.original, construct: workload.mirror.construct }
        : null,
      lastEvent: r.lastEvent,
      lastSeen: r.lastSeen === undefined ? null : new Date(r.lastSeen).toISOString(),
      failures: r.failures,
      recovered: r.recovered,
      retrying: r.retrying,
      waitingReason: r.waitingReason,
      workload: workload
        ? { kind: workload.kind, name: workload.name, namespace: workload.namespace, file: workload.file, document: workload.document }
        : null,
      construct: workload?.construct ? constructJson(workload.construct) : null,
      serviceAccount: workload?.serviceAccount ?? null,
      pullSecrets: workload ? workload.pullSecrets.map(secretJson) : null,
      fix: fix === null ? null : sanitize(fix),
    })),
  };
}

function constructJson(c: ConstructOrigin) {
  return { path: c.path, pathFrom: c.pathFrom, address: c.address };
}

function secretJson(s: PullSecretUse) {
  // An auths key may hold user info the kubelet ignores when matching: redacted as ***@.
  return { name: s.name, from: s.from, state: s.state, keys: s.keys.map(redactUserInfo), producer: s.producer ?? null };
}

/** The JSON report as text, two-space indented, with a final newline. */
export function formatEventsJson(result: EventsResult): string {
  return `${printableJson(JSON.stringify(toEventsJson(result), null, 2))}\n`;
}

/** The table: one line per pull, then one line per fix, then a summary line. */
export function formatEventsTable(result: EventsResult): string {
  const withWorkloads = result.manifests !== null;
  const header = ['NAMESPACE', 'POD', 'CONTAINER', 'IMAGE', 'STATUS', 'REASON', 'COUNT', ...(withWorkloads ? ['WORKLOAD'] : []), 'MESSAGE'];
  const rows = result.entries.map(({ record: r, workload }) => [
    r.namespace, r.pod, r.container || '-', r.image || '-', r.status, r.reason ?? '-', String(r.count),
    ...(withWorkloads ? [workload ? `${workload.kind}/${workload.name}` : '-'] : []),
    tableMessage(r),
  ].map(sanitize));
  const lines: string[] = [];
  if (rows.length > 0) {
    const widths = header.slice(0, -1).map((h, i) => rows.reduce((width, row) => Math.max(width, row[i].length), h.length));
    for (const row of [header, ...rows]) {
      lines.push(row.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd());
    }
    lines.push('');
  }
  const fixes = result.entries.filter((e) => e.fix !== null);
  if (fixes.length > 0) {
    lines.push('What to fix:');
    for (const { record: r, fix } of fixes) {
      lines.push(sanitize(`- ${r.namespace}/${r.pod} ${r.container || '-'} (${r.image || 'image unknown'}): ${fix}`));
    }
    lines.push('');
  }
  lines.push(summaryLine(result));
  return `${lines.join('\n')}\n`;
}

function tableMessage(r: PullRecord): string {
  if (r.recovered) return `recovered after ${r.failures} failed pull${plural(r.failures)}: ${r.message}`;
  if (r.retrying) return `pulling again after ${r.failures} failed pull${plural(r.failures)}; last error: ${r.message}`;
  return r.message;
}

function summaryOf(result: EventsResult) {
  const count = (status: PullRecord['status']) => result.entries.filter((e) => e.record.status === status).length;
  return {
    events: result.eventObjects,
    pullEvents: result.pullEvents,
    otherObjects: result.otherObjects,
    pulls: result.entries.length,
    pulled: count('pulled'),
    pulling: count('pulling'),
    failing: count('failing'),
  };
}

function summaryLine(result: EventsResult): string {
  const s = summaryOf(result);
  const filter = result.namespace === null ? '' : ` in namespace ${sanitize(result.namespace)}`;
  const read = `${s.events} event${plural(s.events)} read, ${s.pullEvents} about image pulls`
    + (s.otherObjects > 0 ? `; ${s.otherObjects} other object${plural(s.otherObjects)} skipped` : '');
  if (s.pulls === 0) return `No image pulls${filter} (${read}).`;
  return `${s.pulls} pull${plural(s.pulls)}${filter}: ${s.pulled} pulled, ${s.pulling} pulling, ${s.failing} failing (${read}).`;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** The longest text kept of one message. */
const MAX_MESSAGE = 2000;
const SENSITIVE_PARAMETER = /([?&;][^=&\s"'<>]*(?:token|signature|credential|password|secret|sig|key|auth|code)[^=&\s"'<>]*=)[^&\s"'<>]*/gi;
const AUTHORIZATION_VALUE = /\b(bearer|basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi;

/**
 * One line, at most 2000 characters: whatever could be user info redacted
 * as `***@` (in any shape: see {@link redactUserInfoIn}), signed-URL tokens
 * and Authorization values redacted, and every control character shown as
 * an escape (see {@link printable}).
 */
export function sanitize(text: string): string {
  const redacted = redactUserInfoIn(text)
    .replace(SENSITIVE_PARAMETER, '$1[redacted]')
    .replace(AUTHORIZATION_VALUE, '$1 [redacted]');
  const line = printable(redacted.trim());
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}
