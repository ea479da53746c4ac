/**
 * Checks of what TypeScript checks but JavaScript callers (and other jsii
 * languages, where a value can be a plain map) can get wrong: enum values,
 * booleans, whole numbers, string maps, lists of Secrets. Each throws a
 * construct error naming the construct, the prop and the fix; a value is
 * quoted only when it is a short string that can be no secret's content (an
 * enum candidate, a Secret name), never an object.
 */
import { Construct, IConstruct } from 'constructs';
import { checkPlainString, checkPlainStrings, constructError, kindOf as kindOfNonString } from './construct-errors';
import { dns1123SubdomainProblem } from '../rules/kube-names';
import { problemWithFix } from '../rules/messages';

/** Why `value` is not one of `enumObject`'s values (a phrase after the prop's name), or undefined when it is one. */
export function enumValueProblem(value: unknown, enumObject: Record<string, string>, enumName: string): string | undefined {
  const allowed = Object.values(enumObject);
  if (typeof value === 'string' && allowed.includes(value)) return undefined;
  return `${describeValue(value)} is not a ${enumName}; the allowed values are ${allowed.join(', ')}`;
}

/** The fix for a wrong enum value: the members to pass. */
export function enumFix(enumObject: Record<string, string>, enumName: string): string {
  return `pass one of ${Object.keys(enumObject).map((key) => `${enumName}.${key}`).join(', ')}`;
}

/** Throws, naming `scope`, unless `value` is undefined (the default) or a value of the enum. */
export function checkEnum(scope: IConstruct, what: string, value: unknown, enumObject: Record<string, string>, enumName: string): void {
  if (value === undefined) return;
  const problem = enumValueProblem(value, enumObject, enumName);
  if (problem) throw constructError(scope, `\`${what}\` ${problem}`, enumFix(enumObject, enumName));
}

/** Throws, naming `scope`, unless `value` is undefined or a boolean (the string "false" would count as true). */
export function checkBoolean(scope: IConstruct, what: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw constructError(scope, `\`${what}\` must be true or false, not ${kindOf(value)}`, `pass a boolean, e.g. ${what}: true`);
}

/** Throws, naming `scope`, unless `value` is undefined or a whole number from `min` up. */
export function checkWholeNumber(scope: IConstruct, what: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return;
  throw constructError(scope, `\`${what}\` must be a whole number from ${min} up, not ${typeof value === 'number' ? String(value) : kindOf(value)}`,
    `pass a number, e.g. ${what}: ${Math.max(min, 1)}`);
}

/** Throws, naming `scope`, unless `value` is undefined or an object mapping keys to plain strings (labels, annotations). */
export function checkStringMap(scope: IConstruct, what: string, value: unknown): void {
  if (value === undefined) return;
  const fix = `pass an object of strings, e.g. ${what}: { team: 'a' }`;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Construct.isConstruct(value)) {
    throw constructError(scope, `\`${what}\` must be an object of strings, not ${kindOf(value)}`, fix);
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw constructError(scope, `\`${what}\` value of key "${shortText(key)}" must be a string, not ${kindOf(entry)}`, fix);
  }
}

/** Throws, naming `scope`, unless `value` is undefined or a list of plain strings. */
export function checkOptionalStrings(scope: IConstruct, what: string, value: unknown): void {
  if (value !== undefined) checkPlainStrings(scope, what, value);
}

/** Throws, naming `scope`, unless `props` is an object (JavaScript callers can leave out a constructor's props). */
export function checkPropsObject(scope: IConstruct, props: unknown, example: string): void {
  if (typeof props === 'object' && props !== null && !Array.isArray(props)) return;
  throw constructError(scope, `the props are ${props === undefined ? 'missing' : kindOf(props)}, not an object`, `pass them, e.g. ${example}`);
}

/**
 * Throws, naming `scope`, unless `secrets` is undefined or a list of Secret
 * constructs (kplus.Secret, RegistrySecret, their imports) whose names a
 * Secret can have: plain strings that are DNS-1123 subdomains.
 */
export function checkSecretReferences(scope: IConstruct, what: string, secrets: unknown, fix: string): void {
  if (secrets === undefined) return;
  if (!Array.isArray(secrets)) throw constructError(scope, `\`${what}\` must be a list of Secrets, not ${kindOf(secrets)}`, fix);
  secrets.forEach((secret, i) => {
    if (!Construct.isConstruct(secret)) throw constructError(scope, `\`${what}[${i}]\` must be a Secret construct, not ${kindOf(secret)}`, fix);
    const name = (secret as { name?: unknown }).name;
    checkPlainString(scope, `the name of \`${what}[${i}]\``, name);
    const problem = dns1123SubdomainProblem(name);
    if (problem) throw constructError(scope, `\`${what}[${i}]\` is named "${shortText(name)}", which no Secret can be: it ${problem}`, fix);
  });
}

/** An error for a static factory (no construct yet): `Factory(): problem. Fix: fix`, as the RegistryServer presets word theirs. */
export function factoryError(factory: string, problem: string, fix: string): Error {
  return new Error(`${factory}: ${problemWithFix(problem, fix)}`);
}

/** What a wrong value is, for messages: "a string", "a number", "an object", "a cdk8s token (Lazy)", ... (never its content). */
export function kindOf(value: unknown): string {
  return typeof value === 'string' ? 'a string' : kindOfNonString(value);
}

/** A string value for a message: quoted, at most 64 characters, control characters escaped; other values by their kind. */
function describeValue(value: unknown): string {
  return typeof value === 'string' ? `"${shortText(value)}"` : kindOf(value);
}

/** `text` for a message, inside quotes the caller writes: at most 64 characters, control characters and quotes escaped. */
export function shortText(text: string): string {
  const short = text.length > 64 ? `${text.slice(0, 61)}...` : text;
  return JSON.stringify(short).slice(1, -1);
}
