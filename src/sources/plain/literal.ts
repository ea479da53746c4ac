/** A username and password given in code, as `kubectl create secret docker-registry` takes them. */
import { IConstruct } from 'constructs';
import { PlainSource, payloadOf } from './plain-source';
import { DOCKER_HUB_SERVER } from '../../rules/docker-hub';
import { encodeDockerConfigJson } from '../../rules/dockerconfigjson';
import { checkPlainString, constructError } from '../../wiring/construct-errors';
import { DockerConfigPayload } from '../credential-source';

/** A username, password and e-mail, and how messages name where the first two came from. */
export interface Login {
  readonly username: unknown;
  readonly password: unknown;
  readonly email: unknown;
  /** e.g. "the username", "the username from $QUAY_USER" */
  readonly usernameSource: string;
  readonly passwordSource: string;
}

/** The source behind `RegistryCredentials.fromUsernamePassword`. */
export function literalSource(username: unknown, password: unknown, email: unknown): PlainSource {
  // The values stay in this closure: `util.inspect` and `JSON.stringify` of the source never show them.
  const login = (): Login => ({ username, password, email, usernameSource: 'the username', passwordSource: 'the password' });
  return new PlainSource((scope, server) => loginPayload(scope, login(), server));
}

/** kubectl's payload for one login, checked as the kubelet will read it. */
export function loginPayload(scope: IConstruct, login: Login, server: string | undefined): DockerConfigPayload {
  const { username, password, email, usernameSource, passwordSource } = login;
  checkPlainString(scope, usernameSource, username);
  checkPlainString(scope, passwordSource, password);
  if (email !== undefined) checkPlainString(scope, 'the e-mail', email);
  if (!username) {
    throw constructError(scope, `${usernameSource} is empty`, 'give the registry user name');
  }
  if (username.includes(':')) {
    throw constructError(scope, `${usernameSource} contains ":"`,
      'use a user name without ":" — the kubelet splits the `auth` field at the first ":", so this login could never work');
  }
  if (!password) {
    throw constructError(scope, `${passwordSource} is empty`, 'give the registry password or access token');
  }
  const key = server ?? DOCKER_HUB_SERVER;
  const json = encodeDockerConfigJson({ [key]: { username, password, email } });
  return payloadOf(scope, Buffer.from(json, 'utf8'), [key], 'use a shorter user name and password; registry tokens are far below this size');
}
