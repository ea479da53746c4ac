import { createHash } from 'crypto';

/** The Secret fields kubectl's `--append-hash` digests. */
export interface HashedSecret {
  readonly name: string;
  readonly type: string;
  /** data key → base64 value, as in the Secret's `data`. */
  readonly data: Record<string, string>;
}

/**
 * kubectl's `--append-hash` suffix (docs/facts.md#append-hash): sha256 of the JSON
 * `{"data":{...},"kind":"Secret","name":N,"type":T}` with sorted keys, first
 * 10 hex characters, with 0→g 1→h 3→k a→m e→t so it never looks like a number.
 */
export function secretHashSuffix(secret: HashedSecret): string {
  const sortedData = Object.fromEntries(Object.keys(secret.data).sort().map((key) => [key, secret.data[key]]));
  const encoded = JSON.stringify({ data: sortedData, kind: 'Secret', name: secret.name, type: secret.type });
  const hex = createHash('sha256').update(encoded, 'utf8').digest('hex');
  return hex.slice(0, 10).replace(/[013ae]/g, (ch) => HASH_LETTERS[ch]);
}

const HASH_LETTERS: Record<string, string> = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
