/**
 * The registry servers of an External Secrets Operator template for a
 * docker config payload, read without running the template: the JSON
 * structure around the `auths` keys is literal text, and template actions
 * (`{{ ... }}`) stand for values, or wrap members (`{{ if .email }},...{{ end }}`).
 * The library's own template (rules/eso-template.ts) has this shape, and so
 * do the operator's documented examples. Only keys are read: an action, a
 * literal value or anything else in the template is never kept or quoted.
 */

/** What {@link templateServers} could read. */
export type TemplateServers =
  /** The keys of the server map, in template order. */
  | { readonly known: true; readonly servers: readonly string[] }
  /** The server map is built by actions, or the text is no JSON around actions. */
  | { readonly known: false };

const UNKNOWN: TemplateServers = { known: false };

/** A parse failure: the servers cannot be read. */
class Unreadable extends Error {}

/**
 * The servers of a `.dockerconfigjson` template (`auths: true`: the keys of
 * its `auths` object) or of a legacy `.dockercfg` one (`auths: false`: the
 * keys of the top-level object).
 */
export function templateServers(template: string, auths: boolean): TemplateServers {
  try {
    const parser = new TemplateParser(template);
    const root = parser.document();
    const map = auths ? (root instanceof Map ? root.get('auths') : undefined) : root;
    if (!(map instanceof Map) || map.has(ACTION_MEMBERS) || map.has(ACTION_KEY)) return UNKNOWN;
    return { known: true, servers: [...map.keys()] };
  } catch (error) {
    if (error instanceof Unreadable) return UNKNOWN;
    throw error;
  }
}

/** Marks an object that has actions where its members are: its keys may be made by them. */
const ACTION_MEMBERS = '\0actions';
/** A key written with an action in it: not literal. */
const ACTION_KEY = '\0key';
/** Any value that is not an object (a string, number, literal, array or action): only objects are looked into. */
const SCALAR = Symbol('scalar');
type Value = Map<string, Value> | typeof SCALAR;

const MAX_DEPTH = 64;

/** A recursive-descent reader of JSON text in which `{{ ... }}` actions may stand for values or members. */
class TemplateParser {
  private i = 0;

  public constructor(private readonly text: string) {}

  public document(): Value {
    const value = this.value(0);
    this.skipSpace();
    if (this.i !== this.text.length) throw new Unreadable();
    return value;
  }

  private value(depth: number): Value {
    if (depth > MAX_DEPTH) throw new Unreadable();
    this.skipSpace();
    const c = this.text[this.i];
    if (this.atAction()) {
      this.action();
      return SCALAR;
    }
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') {
      this.string();
      return SCALAR;
    }
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.i, this.i + 64));
    if (literal === null) throw new Unreadable();
    this.i += literal[0].length;
    return SCALAR;
  }

  private object(depth: number): Value {
    const members = new Map<string, Value>();
    this.i++; // {
    for (;;) {
      this.skipSpace();
      if (this.atAction()) {
        // An action between members: `{{ if ... }}`, `{{ end }}`, or one that writes members.
        this.action();
        members.set(ACTION_MEMBERS, SCALAR);
        continue;
      }
      const c = this.text[this.i];
      if (c === '}') {
        this.i++;
        return members;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c !== '"') throw new Unreadable();
      const key = this.string();
      this.skipSpace();
      if (this.text[this.i] !== ':') throw new Unreadable();
      this.i++;
      members.set(key, this.value(depth + 1));
    }
  }

  private array(depth: number): Value {
    this.i++; // [
    for (;;) {
      this.skipSpace();
      const c = this.text[this.i];
      if (c === ']') {
        this.i++;
        return SCALAR;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === undefined) throw new Unreadable();
      this.value(depth + 1);
    }
  }

  /** A JSON string; its value when it is literal, else it cannot name a server. */
  private string(): string {
    const start = this.i;
    this.i++; // "
    let literal = true;
    while (this.i < this.text.length && this.text[this.i] !== '"') {
      if (this.atAction()) {
        this.action(); // `"{{ .x | b64enc }}"`: its quotes are the action's own
        literal = false;
      } else {
        this.i += this.text[this.i] === '\\' ? 2 : 1;
      }
    }
    if (this.i >= this.text.length) throw new Unreadable();
    this.i++;
    if (!literal) return ACTION_KEY;
    try {
      return JSON.parse(this.text.slice(start, this.i)) as string;
    } catch {
      throw new Unreadable();
    }
  }

  private atAction(): boolean {
    return this.text.startsWith('{{', this.i);
  }

  /** Skips `{{ ... }}`, with the quoted strings inside it. */
  private action(): void {
    this.i += 2;
    while (this.i < this.text.length) {
      if (this.text.startsWith('}}', this.i)) {
        this.i += 2;
        return;
      }
      const c = this.text[this.i];
      if (c === '"' || c === '`') {
        const end = c === '`' ? this.text.indexOf('`', this.i + 1) : this.endOfGoString(this.i + 1);
        if (end < 0) throw new Unreadable();
        this.i = end + 1;
      } else {
        this.i++;
      }
    }
    throw new Unreadable();
  }

  private endOfGoString(from: number): number {
    for (let j = from; j < this.text.length; j++) {
      if (this.text[j] === '\\') j++;
      else if (this.text[j] === '"') return j;
    }
    return -1;
  }

  private skipSpace(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }
}
