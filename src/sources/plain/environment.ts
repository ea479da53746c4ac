/** A username and password read from environment variables when the app is synthesized. */
import { IConstruct } from 'constructs';
import { loginPayload } from './literal';
import { PlainSource } from './plain-source';
import { checkPlainString, constructError } from '../../wiring/construct-errors';
import { CredentialsUnavailableError } from '../credential-source';

/** The source behind `RegistryCredentials.fromEnv`. */
export function environmentSource(usernameVariable: string, passwordVariable: string, emailVariable: string | undefined): PlainSource {
  return new PlainSource((scope, server) => {
    checkPlainString(scope, 'the username variable name', usernameVariable);
    checkPlainString(scope, 'the password variable name', passwordVariable);
    if (emailVariable !== undefined) checkPlainString(scope, 'the e-mail variable name', emailVariable);
    const [username, password, email] = readVariables(scope, [usernameVariable, passwordVariable, emailVariable]);
    return loginPayload(scope, {
      username,
      password,
      email,
      usernameSource: `the username from $${usernameVariable}`,
      passwordSource: `the password from $${passwordVariable}`,
    }, server);
  });
}

/**
 * The values of `variables` (undefined names are skipped). Every unset or
 * empty one is reported at once, as a {@link CredentialsUnavailableError}
 * (sealed credentials may then reuse a value sealed before).
 */
function readVariables(scope: IConstruct, variables: ReadonlyArray<string | undefined>): Array<string | undefined> {
  const unset = variables.filter((v): v is string => v !== undefined && process.env[v] === undefined);
  const empty = variables.filter((v): v is string => v !== undefined && process.env[v] === '');
  if (unset.length + empty.length > 0) {
    const described = (names: string[], state: string) =>
      (names.length > 1 ? `environment variables ${listOf(names)} are ${state}` : `environment variable ${names[0]} is ${state}`);
    const problem = [unset.length > 0 ? described(unset, 'not set') : '', empty.length > 0 ? described(empty, 'empty') : ''].filter((p) => p).join('; ');
    const missing = [...unset, ...empty];
    throw new CredentialsUnavailableError(constructError(scope, problem, `export ${listOf(missing)} before running cdk8s synth`).message, missing);
  }
  return variables.map((v) => (v === undefined ? undefined : process.env[v]));
}

function listOf(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
}
