/**
 * Reads a V8 `.cpuprofile` (as written by `node --cpu-prof`) and aggregates
 * self and inclusive time per function, optionally only for samples inside
 * a time window (the child's measured construct + synth).
 */
import { SourceMap, SourceMapPayload } from 'module';
import * as path from 'path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

/** The JSON of a `.cpuprofile`. */
export interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Time spent in one function (all its call sites merged). */
export interface FunctionTime {
  readonly functionName: string;
  /** Where it is defined: path relative to the project (or node: / internal) and 1-based line (a .ts file's own line when its source map is known). */
  readonly location: string;
  readonly origin: string;
  readonly selfMs: number;
  readonly inclusiveMs: number;
}

/** The aggregated profile. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly sampleCount: number;
  /** Whether the samples were cut to the window (false when the window was outside the profile). */
  readonly windowed: boolean;
  readonly functions: FunctionTime[];
  /** Self time by where the code comes from: ours (src/), cdk8s, cdk8s-plus-28, constructs, yaml, GC, node… */
  readonly byOrigin: Array<{ origin: string; selfMs: number }>;
}

/** Where the code of a frame comes from, in words. */
export function originOf(frame: CallFrame, projectRoot: string): string {
  const url = frame.url;
  if (url === '') {
    if (frame.functionName === '(garbage collector)') return 'GC';
    if (frame.functionName.startsWith('(')) return frame.functionName;
    return 'V8 builtins';
  }
  if (url.startsWith('node:')) return 'node internals';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = file.slice(modules + '/node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    // cdk8s-plus imports/k8s.ts is the generated props sanitizer (toJson_*), worth seeing apart.
    if (pkg === 'cdk8s-plus-28' && rest.includes('imports')) return 'cdk8s-plus-28 (generated k8s imports)';
    return pkg;
  }
  const relative = path.relative(projectRoot, file);
  if (relative.startsWith('src' + path.sep)) return 'OURS (src/)';
  if (relative.startsWith('bench' + path.sep)) return 'bench harness';
  return relative.startsWith('..') ? file : relative;
}

/** Maps a position in the JS ts-node executed (0-based line and column) to the 1-based .ts line. */
export type LineMapper = (file: string, line: number, column: number) => number | undefined;

/** A {@link LineMapper} over the source maps the child returned; undefined for files it has no map for. */
export function sourceMapLineMapper(payloads: Record<string, SourceMapPayload>): LineMapper {
  const maps = new Map<string, SourceMap>();
  return (file, line, column) => {
    const payload = payloads[file];
    if (!payload) return undefined;
    let map = maps.get(file);
    if (!map) {
      map = new SourceMap(payload);
      maps.set(file, map);
    }
    const entry = map.findEntry(line, column) as { originalLine?: number };
    return entry.originalLine === undefined ? undefined : entry.originalLine + 1;
  };
}

function locationOf(frame: CallFrame, projectRoot: string, mapLine?: LineMapper): string {
  if (frame.url === '') return '';
  const absolute = frame.url.startsWith('file://') ? new URL(frame.url).pathname : frame.url;
  let file = absolute;
  if (!file.startsWith('node:')) {
    const relative = path.relative(projectRoot, file);
    if (!relative.startsWith('..')) file = relative;
  }
  const mapped = mapLine?.(absolute, frame.lineNumber, frame.columnNumber);
  return mapped === undefined ? `${file}:${frame.lineNumber + 1}${absolute.endsWith('.ts') ? ' (js line)' : ''}` : `${file}:${mapped}`;
}

/**
 * Self time: each sample's interval goes to the function on top of the stack.
 * Inclusive time: to every distinct function on the stack (recursion counted once).
 * Samples are kept when their timestamp falls in [windowUs.start, windowUs.end].
 */
export function summarizeProfile(
  profile: CpuProfile, projectRoot: string, windowUs?: { start: number; end: number }, mapLine?: LineMapper,
): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (frame: CallFrame) => `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;

  // Sample i happened at timestamps[i]; it stands for the interval until the next sample.
  const timestamps: number[] = [];
  let now = profile.startTime;
  for (const delta of profile.timeDeltas) {
    now += delta;
    timestamps.push(now);
  }
  const windowed = windowUs !== undefined && windowUs.start >= profile.startTime && windowUs.end <= profile.endTime + 1000;

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const frames = new Map<string, CallFrame>();
  let totalUs = 0;
  let sampleCount = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const at = timestamps[i];
    if (windowed && (at < windowUs.start || at > windowUs.end)) continue;
    const next = i + 1 < timestamps.length ? timestamps[i + 1] : profile.endTime;
    const duration = Math.max(0, next - at);
    totalUs += duration;
    sampleCount++;
    const top = byId.get(profile.samples[i])!;
    const topKey = keyOf(top.callFrame);
    frames.set(topKey, top.callFrame);
    self.set(topKey, (self.get(topKey) ?? 0) + duration);
    const onStack = new Set<string>();
    for (let id: number | undefined = top.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const key = keyOf(frame);
      if (onStack.has(key)) continue;
      onStack.add(key);
      frames.set(key, frame);
      inclusive.set(key, (inclusive.get(key) ?? 0) + duration);
    }
  }

  const functions: FunctionTime[] = [...frames].map(([key, frame]) => ({
    functionName: frame.functionName || '(anonymous)',
    location: locationOf(frame, projectRoot, mapLine),
    origin: originOf(frame, projectRoot),
    selfMs: (self.get(key) ?? 0) / 1000,
    inclusiveMs: (inclusive.get(key) ?? 0) / 1000,
  }));
  const origins = new Map<string, number>();
  for (const f of functions) origins.set(f.origin, (origins.get(f.origin) ?? 0) + f.selfMs);
  return {
    totalMs: totalUs / 1000,
    sampleCount,
    windowed,
    functions,
    byOrigin: [...origins].map(([origin, selfMs]) => ({ origin, selfMs })).sort((x, y) => y.selfMs - x.selfMs),
  };
}
