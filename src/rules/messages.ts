/** `problem. Fix: fix` — the shape of every message this library emits. */
export function problemWithFix(problem: string, fix: string): string {
  return `${problem}. Fix: ${fix}`;
}
