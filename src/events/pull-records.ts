/**
 * The kubelet's image pull events, read from `kubectl get events -o json`
 * (a List of core/v1 Events, or of events.k8s.io/v1 Events), grouped per
 * pod, container and image, and told as pulled, still pulling, or failing
 * and why. Pure: values in, records out. Message wordings, old and new, and
 * the runtime error texts: docs/facts.md#image-pull-events
 * (kubelet pkg/kubelet/images, containerd, CRI-O, dockershim).
 */
import { classifyPullError, PullFailureReason } from './classify';
import { InputError } from '../manifests/input-error';
import { isPlainObject } from '../rules/objects';

export { classifyPullError } from './classify';

/** Where a pull stands. */
export type PullStatus = 'pulled' | 'pulling' | 'failing';

/** What one kubelet event says about a pull. */
export type PullEventKind =
  | 'pulling' // Pulling "Pulling image ..."
  | 'pulled' // Pulled "Successfully pulled image ..." or "... already present on machine"
  | 'failed' // Failed "Failed to pull image ...: <runtime error>" (or InspectFailed "Failed to inspect image ...")
  | 'backoff' // BackOff "Back-off pulling image ..." (newer kubelets append the last error)
  | 'invalid-image' // InspectFailed "Failed to apply default image tag ..."
  | 'never-pull' // ErrImageNeverPull "... is not present with pull policy of Never"
  | 'pull-error'; // Failed "Error: ErrImagePull", "Error: ImagePullBackOff", ...: the container's waiting reason

/** One image pull event of a pod's container. */
export interface PullEvent {
  readonly namespace: string;
  readonly pod: string;
  /** From the event's fieldPath, `spec.containers{NAME}`; `''` when it names none. */
  readonly container: string;
  /** The image the message names; undefined for `Error: ...` events, which name none. */
  readonly image?: string;
  readonly kind: PullEventKind;
  /** The event's `reason` (`Pulling`, `Failed`, ...). */
  readonly reason: string;
  /** The event's message (`note` in events.k8s.io/v1). */
  readonly message: string;
  /** The runtime's error text, for `failed`, `invalid-image` and a `backoff` that carries one; the waiting reason for `pull-error`. */
  readonly detail?: string;
  /** How many times it happened (`count`, `series.count`, `deprecatedCount`; at least 1). */
  readonly count: number;
  /** When it last happened, in milliseconds since the epoch; undefined when the event carries no time. */
  readonly time?: number;
  /** Its position in the input: orders events of the same time. */
  readonly order: number;
}

/** What was read from an event list. */
export interface EventList {
  /** The image pull events, in input order. */
  readonly events: PullEvent[];
  /** Event objects read (core/v1 and events.k8s.io). */
  readonly eventObjects: number;
  /** Items that are no Events (a List may mix kinds). */
  readonly otherObjects: number;
}

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
/** Message patterns, first match wins; group 1 is the image, group 2 the runtime's text. */
const MESSAGES: ReadonlyArray<readonly [RegExp, PullEventKind]> = [
  [new RegExp(`^pulling image ${QUOTED}`, 'i'), 'pulling'],
  [new RegExp(`^successfully pulled image ${QUOTED}`, 'i'), 'pulled'],
  [new RegExp(`^container image ${QUOTED} already present on machine`, 'i'), 'pulled'],
  [new RegExp(`^failed to pull image ${QUOTED}(?::\\s*([\\s\\S]*))?$`, 'i'), 'failed'],
  [new RegExp(`^failed to inspect image ${QUOTED}(?::\\s*([\\s\\S]*))?$`, 'i'), 'failed'],
  [new RegExp(`^back-off pulling image ${QUOTED}(?::\\s*([\\s\\S]*))?$`, 'i'), 'backoff'],
  [new RegExp(`^failed to apply default image tag ${QUOTED}(?::\\s*([\\s\\S]*))?$`, 'i'), 'invalid-image'],
  [new RegExp(`^container image ${QUOTED} is not present with pull policy of never`, 'i'), 'never-pull'],
];
/** The kubelet's image errors, as `Error: X` events and container waiting reasons. */
const PULL_ERRORS = /^error:\s*(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|ImageInspectError|RegistryUnavailable|SignatureValidationFailed)\b/i;
const CONTAINER_FIELD = /^spec\.(?:initContainers|containers|ephemeralContainers)\{(.*)\}$/;

/**
 * The image pull events of parsed `kubectl get events -o json` output.
 * Items of other kinds are counted and skipped; an input with items but no
 * Event among them is an {@link InputError} (the wrong command's output).
 */
export function readEventList(values: readonly unknown[], name: string): EventList {
  const events: PullEvent[] = [];
  let eventObjects = 0;
  let otherObjects = 0;
  const visit = (item: unknown, listApiVersion?: string): void => {
    if (!isPlainObject(item)) {
      otherObjects++;
      return;
    }
    const kind = item.kind ?? (listApiVersion === undefined ? undefined : 'Event');
    const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : listApiVersion ?? '';
    if (kind !== 'Event' || !(apiVersion === 'v1' || apiVersion === '' || apiVersion.startsWith('events.k8s.io/'))) {
      otherObjects++;
      return;
    }
    eventObjects++;
    const event = pullEventOf(item, apiVersion, events.length);
    if (event !== undefined) events.push(event);
  };
  for (const value of values) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (isPlainObject(item) && typeof item.kind === 'string' && item.kind.endsWith('List')) {
        if (!Array.isArray(item.items) && item.items !== undefined && item.items !== null) {
          throw new InputError(`is not a valid ${item.kind}: "items" is not a list`, name);
        }
        const typed = item.kind === 'EventList' && typeof item.apiVersion === 'string' ? item.apiVersion : undefined;
        for (const listed of Array.isArray(item.items) ? item.items : []) visit(listed, typed);
      } else {
        visit(item);
      }
    }
  }
  if (eventObjects === 0 && otherObjects > 0) {
    throw new InputError('holds no Event objects: expected the output of `kubectl get events -o json`', name);
  }
  return { events, eventObjects, otherObjects };
}

/** The pull event an Event object tells, or undefined when it is about something else. */
function pullEventOf(item: Record<string, unknown>, apiVersion: string, order: number): PullEvent | undefined {
  const modern = apiVersion.startsWith('events.k8s.io/');
  const regarding = modern ? item.regarding : item.involvedObject;
  if (!isPlainObject(regarding) || regarding.kind !== 'Pod' || typeof regarding.name !== 'string') return undefined;
  const message = modern ? item.note : item.message;
  if (typeof message !== 'string') return undefined;
  const parsed = parseMessage(message.trim());
  if (parsed === undefined) return undefined;
  const metadata = isPlainObject(item.metadata) ? item.metadata : {};
  const namespace = stringOr(regarding.namespace, stringOr(metadata.namespace, ''));
  const fieldPath = stringOr(regarding.fieldPath, '');
  const container = CONTAINER_FIELD.exec(fieldPath)?.[1] ?? '';
  const time = eventTime(item, metadata);
  return {
    namespace,
    pod: regarding.name,
    container,
    ...(parsed.image === undefined ? {} : { image: parsed.image }),
    kind: parsed.kind,
    reason: stringOr(item.reason, ''),
    message: message.trim(),
    ...(parsed.detail === undefined ? {} : { detail: parsed.detail }),
    count: eventCount(item),
    ...(time === undefined ? {} : { time }),
    order,
  };
}

/** The kind, image and runtime text of a kubelet pull message; undefined for other messages. */
export function parseMessage(message: string): { kind: PullEventKind; image?: string; detail?: string } | undefined {
  for (const [pattern, kind] of MESSAGES) {
    const match = pattern.exec(message);
    if (match !== null) {
      // Kubelets since 1.32 append the last error to a back-off: `Back-off pulling image "X": ErrImagePull: <runtime error>`.
      const detail = match[2]?.replace(/^(?:ErrImagePull|RegistryUnavailable|SignatureValidationFailed):\s*/, '').trim();
      return { kind, image: unquote(match[1]), ...(detail ? { detail } : {}) };
    }
  }
  const error = PULL_ERRORS.exec(message);
  if (error !== null) {
    const canonical = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'ImageInspectError', 'RegistryUnavailable', 'SignatureValidationFailed']
      .find((e) => e.toLowerCase() === error[1].toLowerCase())!;
    return { kind: 'pull-error', detail: canonical };
  }
  return undefined;
}

/** Go's %q of an image: JSON reads it (image references hold no escapes JSON lacks). */
function unquote(inner: string): string {
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return inner;
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * When the event last happened: the latest of `series.lastObservedTime`,
 * `lastTimestamp` (`deprecatedLastTimestamp`), `eventTime`, `firstTimestamp`
 * (`deprecatedFirstTimestamp`) and `metadata.creationTimestamp`, as
 * `kubectl get events` shows LAST SEEN. (Each is at most the last occurrence.)
 */
function eventTime(item: Record<string, unknown>, metadata: Record<string, unknown>): number | undefined {
  const series = isPlainObject(item.series) ? item.series : {};
  const times = [series.lastObservedTime, item.lastTimestamp, item.deprecatedLastTimestamp, item.eventTime,
    item.firstTimestamp, item.deprecatedFirstTimestamp, metadata.creationTimestamp]
    .map((t) => (typeof t === 'string' ? Date.parse(t) : NaN))
    .filter((t) => Number.isFinite(t));
  return times.length === 0 ? undefined : times.reduce((latest, t) => Math.max(latest, t));
}

function eventCount(item: Record<string, unknown>): number {
  const series = isPlainObject(item.series) ? item.series : {};
  const counts = [item.count, item.deprecatedCount, series.count]
    .filter((c): c is number => typeof c === 'number' && Number.isSafeInteger(c) && c > 0);
  return counts.reduce((most, c) => Math.max(most, c), 1);
}

/** Where one container's pull of one image stands, from its events. */
export interface PullRecord {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** `''` when no event of the container named its image. */
  readonly image: string;
  readonly status: PullStatus;
  /** Why it fails (`failing`, or `pulling` once more after failures); null otherwise. */
  readonly reason: PullFailureReason | null;
  /** The runtime's error text when failing; the kubelet's message otherwise. */
  readonly message: string;
  /** How many times the event that `message` comes from happened. */
  readonly count: number;
  /** The kubelet event reason of the latest event (`Pulled`, `BackOff`, ...). */
  readonly lastEvent: string;
  /** When the latest event happened (ms since the epoch); undefined when no event carried a time. */
  readonly lastSeen?: number;
  /** Failed pull attempts seen, in all. */
  readonly failures: number;
  /** Pulled after failing: the pod recovered. */
  readonly recovered: boolean;
  /** Failing, and the kubelet is trying once more right now ("Pulling" after the failures). */
  readonly retrying: boolean;
  /** The container's waiting reason while failing (`ErrImagePull`, `ImagePullBackOff`, `InvalidImageName`, ...); null otherwise. */
  readonly waitingReason: string | null;
  /** The error is Docker Hub's "denied, or does not exist" (see {@link PullErrorClass.ambiguous}). */
  readonly ambiguous: boolean;
}

/**
 * Groups events per namespace, pod, container and image and replays each
 * group in time order (ties: input order), so a pod that failed and then
 * pulled is `pulled`. `Error: ...` events name no image: they belong to the
 * image the container's events named last before them (or first after).
 */
export function pullRecords(events: readonly PullEvent[]): PullRecord[] {
  const byContainer = new Map<string, PullEvent[]>();
  for (const event of events) {
    const key = JSON.stringify([event.namespace, event.pod, event.container]);
    appendTo(byContainer, key, event);
  }
  const records: PullRecord[] = [];
  for (const group of byContainer.values()) {
    group.sort(byTime);
    const byImage = new Map<string, PullEvent[]>();
    let current = group.find((e) => e.image !== undefined)?.image ?? '';
    for (const event of group) {
      current = event.image ?? current;
      appendTo(byImage, current, event);
    }
    for (const [image, imageEvents] of byImage) records.push(replay(image, imageEvents));
  }
  return records.sort((a, b) => compareKeys([a.namespace, a.pod, a.container, a.image], [b.namespace, b.pod, b.container, b.image]));
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function byTime(a: PullEvent, b: PullEvent): number {
  if (a.time !== undefined && b.time !== undefined && a.time !== b.time) return a.time - b.time;
  return a.order - b.order;
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** The state of one pull while its events are replayed. */
interface Replay {
  status: PullStatus;
  reason: PullFailureReason | null;
  ambiguous: boolean;
  message: string;
  count: number;
  failures: number;
  recovered: boolean;
  retrying: boolean;
  waitingReason: string | null;
}

/** Replays one container's events for one image, oldest first. */
function replay(image: string, events: readonly PullEvent[]): PullRecord {
  const first = events[0];
  const state: Replay = {
    status: 'pulling',
    reason: null,
    ambiguous: false,
    message: first.message,
    count: first.count,
    failures: 0,
    recovered: false,
    retrying: false,
    waitingReason: null,
  };
  for (const event of events) {
    switch (event.kind) {
      case 'pulling':
        if (state.status === 'failing') {
          state.retrying = true; // failing until this pull ends: the pod shows ImagePullBackOff meanwhile
        } else {
          Object.assign(state, { status: 'pulling', message: event.message, count: event.count });
        }
        break;
      case 'pulled':
        Object.assign(state, {
          status: 'pulled',
          reason: null,
          ambiguous: false,
          retrying: false,
          waitingReason: null,
          message: event.message,
          count: event.count,
          recovered: state.recovered || state.failures > 0 || state.status === 'failing',
        });
        break;
      case 'failed':
        state.failures += event.count;
        fail(state, event, event.detail ?? event.message, 'ErrImagePull');
        break;
      case 'backoff':
        fail(state, event, event.detail, 'ImagePullBackOff');
        break;
      case 'invalid-image':
        fail(state, event, event.detail ?? event.message, 'InvalidImageName', 'unknown');
        break;
      case 'never-pull':
        fail(state, event, event.message, 'ErrImageNeverPull', 'not-found');
        break;
      case 'pull-error':
        fail(state, event, undefined, event.detail ?? 'ErrImagePull', event.detail === 'ErrImageNeverPull' ? 'not-found' : undefined);
        break;
    }
  }
  const last = events[events.length - 1];
  const failing = state.status === 'failing';
  return {
    namespace: first.namespace,
    pod: first.pod,
    container: first.container,
    image,
    status: state.status,
    reason: state.status === 'pulled' ? null : state.reason,
    message: state.message,
    count: state.count,
    lastEvent: last.reason,
    ...(last.time === undefined ? {} : { lastSeen: last.time }),
    failures: state.failures,
    recovered: state.status === 'pulled' && state.recovered,
    retrying: failing && state.retrying,
    waitingReason: failing ? state.waitingReason : null,
    ambiguous: state.status !== 'pulled' && state.ambiguous,
  };
}

/**
 * A failure event: the pull is failing. An event with the runtime's text
 * (`error`) says why; one without (`Error: ErrImagePull`, a bare back-off)
 * keeps the reason already known. `fixed` overrides the classification.
 */
function fail(state: Replay, event: PullEvent, error: string | undefined, waiting: string, fixed?: PullFailureReason): void {
  state.status = 'failing';
  state.retrying = false;
  state.waitingReason = waiting;
  if (error !== undefined) {
    const classified = classifyPullError(error);
    state.reason = fixed ?? classified.reason;
    state.ambiguous = fixed === undefined && classified.ambiguous;
    state.message = error;
    state.count = event.count;
  } else if (state.reason === null) {
    state.reason = fixed ?? 'unknown';
    state.message = event.message;
    state.count = event.count;
  }
}

/** Whether any record is failing (exit code 1). */
export function anyFailing(records: readonly PullRecord[]): boolean {
  return records.some((r) => r.status === 'failing');
}
