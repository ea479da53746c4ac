import { RegistryCredentials } from '../../src';

/**
 * Credentials for user "robot" with `password`: each suite passes its own
 * password, so it can check that no message or output contains it.
 */
export function creds(password: string): RegistryCredentials {
  return RegistryCredentials.fromUsernamePassword('robot', password);
}
