/**
 * What every command's argument parsing shares: the usage error each command
 * prints (exit 2) and the check of a `--pod-kind` value.
 */
import { parsePodKindFlag, PodKind } from '../rules/pod-kinds';

/** Bad command-line arguments. */
export class UsageError extends Error {}

/** A `--pod-kind` value, checked (the same rules as PodBearingKind.custom in code). */
export function podKindOption(flag: string, value: string): PodKind {
  const parsed = parsePodKindFlag(value);
  if ('problem' in parsed) throw new UsageError(`${flag}: ${parsed.problem}`);
  return parsed.podKind;
}
