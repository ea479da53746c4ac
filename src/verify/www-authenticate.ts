/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1): one header may hold several
 * challenges, and quoted parameter values may hold commas, spaces and
 * escaped quotes, e.g. `Bearer realm="https://a/token",scope="repository:x:pull,push"`.
 */

/** One authentication challenge. */
export interface AuthChallenge {
  /** The scheme in lower case, e.g. `basic` or `bearer`. */
  readonly scheme: string;
  /** Parameters by lower-case name, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

/** Every challenge of a `WWW-Authenticate` value (or several values joined with commas). */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: Array<{ scheme: string; params: Record<string, string> }> = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header[i])) i++;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const start = i;
    while (i < header.length && !/[\s,="]/.test(header[i])) i++;
    const token = header.slice(start, i);
    if (token === '') {
      i++; // a stray quote or `=`: skip it
      continue;
    }
    const afterToken = i;
    skip(/\s/);
    const current = challenges[challenges.length - 1];
    if (header[i] === '=' && current !== undefined) {
      i++;
      skip(/\s/);
      current.params[token.toLowerCase()] = readValue();
    } else {
      challenges.push({ scheme: token.toLowerCase(), params: {} });
      i = afterToken;
    }
  }
  return challenges;

  function readValue(): string {
    if (header[i] !== '"') {
      const start = i;
      while (i < header.length && !/[\s,]/.test(header[i])) i++;
      return header.slice(start, i);
    }
    let value = '';
    i++;
    while (i < header.length && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i++];
    }
    i++; // the closing quote
    return value;
  }
}
