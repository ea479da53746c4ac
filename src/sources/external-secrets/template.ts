/**
 * The External Secrets Operator template that makes the operator write
 * kubectl's `.dockerconfigjson` in the cluster: the same compact JSON, key
 * order and escapes as `kubectl create secret docker-registry`, for a
 * username and password the operator fetches (or generates) there.
 *
 * The template language is Go `text/template` with Sprig (engine v2):
 * `toJson` is Go's `json.Marshal` (HTML-safe escapes, as kubectl's
 * encoder), `b64enc` standard base64, `printf` Go's fmt. The server key is
 * known at synth and written as literal JSON text.
 * Facts and sources: docs/facts-external-secrets.md#eso-template.
 */
import { goJsonString } from '../../rules/dockerconfigjson';

/** The template data key holding the username (a `spec.data[].secretKey`, or a generator's output). */
export const ESO_USERNAME_KEY = 'username';
/** The template data key holding the password or token. */
export const ESO_PASSWORD_KEY = 'password';
/** The template data key holding the e-mail, when one is fetched. */
export const ESO_EMAIL_KEY = 'email';

/** Why `server` cannot be written into the template, or undefined. */
export function esoTemplateServerProblem(server: string): string | undefined {
  // Literal text may hold anything but the action delimiter: "{{" would start a template action.
  return goJsonString(server).includes('{{') ? 'contains "{{", which the operator\'s template language reads as the start of an action' : undefined;
}

/**
 * The template of the `.dockerconfigjson` key for `server`: kubectl's
 * entry (username, password, email only when non-empty, auth =
 * base64(username:password)), every value through `toJson`.
 * @param withEmail whether the data holds an `email` key
 */
export function dockerConfigJsonTemplate(server: string, withEmail: boolean): string {
  const problem = esoTemplateServerProblem(server);
  if (problem) throw new Error(`registry server ${problem}`);
  const u = `.${ESO_USERNAME_KEY}`;
  const p = `.${ESO_PASSWORD_KEY}`;
  const e = `.${ESO_EMAIL_KEY}`;
  // kubectl leaves an empty e-mail out (Go's omitempty): `if` is false for "".
  const email = withEmail ? `{{ if ${e} }},"email":{{ ${e} | toJson }}{{ end }}` : '';
  return `{"auths":{${goJsonString(server)}:{`
    + `"username":{{ ${u} | toJson }},`
    + `"password":{{ ${p} | toJson }}`
    + email
    + `,"auth":{{ printf "%s:%s" ${u} ${p} | b64enc | toJson }}`
    + '}}}';
}
