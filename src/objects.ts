/** A copy of `record` without its undefined fields, which would otherwise override cdk8s defaults. */
export function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
