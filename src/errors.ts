import { IConstruct } from 'constructs';

/** `problem. Fix: fix` — the shape of every message this library emits. */
export function problemWithFix(problem: string, fix: string): string {
  return `${problem}. Fix: ${fix}`;
}

/**
 * An error thrown while the app is built. The message starts with the
 * construct path, as cdk8s prefixes validation errors; callers never pass
 * secret values into it.
 */
export function constructError(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`[${scope.node.path}] ${problemWithFix(problem, fix)}`);
}
