/**
 * A docker `config.json`, stored byte for byte like
 * `kubectl create secret generic --from-file=.dockerconfigjson=PATH`.
 */
import { PlainSource, payloadOf } from './plain-source';
import { MAX_SECRET_DATA_BYTES, parseDockerConfig } from '../../rules/dockerconfigjson';
import { displayServer } from '../../rules/registry-server';
import { checkPlainString, constructError } from '../../wiring/construct-errors';
import { readFileOf } from '../read-file';

const CONFIG_FIX = 'pass a docker config.json such as `docker login` writes';
const SHRINK_FIX = 'keep only the registries this secret needs in the docker config file';

/** The source behind `RegistryCredentials.fromDockerConfigFile`. */
export function dockerConfigFileSource(path: string): PlainSource {
  return new PlainSource((scope, server) => {
    checkPlainString(scope, 'the docker config file path', path);
    const file = `docker config file "${path}"`;
    const bytes = readFileOf(scope, path, MAX_SECRET_DATA_BYTES, {
      what: file,
      fix: 'pass the path of an existing config.json',
      notRegularFix: 'pass the path of a config.json file (not a folder, device or pipe)',
      tooLarge: (size) => ({
        problem: `is ${size ?? `over ${MAX_SECRET_DATA_BYTES}`} bytes; a Secret holds at most ${MAX_SECRET_DATA_BYTES} bytes (1 MiB)`,
        fix: SHRINK_FIX,
      }),
    });
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      throw constructError(scope, `${file} is not UTF-8 text`, CONFIG_FIX);
    }
    let parsed;
    try {
      parsed = parseDockerConfig(text);
    } catch (e) {
      throw constructError(scope, `${file} ${(e as Error).message}`, CONFIG_FIX);
    }
    if (parsed.entryProblems.length > 0) {
      const { key, problem } = parsed.entryProblems[0];
      throw constructError(scope, `${file}: the "auths" entry "${displayServer(key)}" ${problem}`,
        'log in again to write a fresh entry (e.g. `docker --config DIR login`), or remove the entry from the file');
    }
    if (parsed.usableServers.length === 0) {
      const why = parsed.usesCredentialHelpers
        ? 'its logins are kept by a credsStore/credHelpers program, which the cluster cannot run'
        : 'it has no "auths" entry with an "auth" or a username and password';
      throw constructError(scope, `${file} has no usable credential: ${why}`,
        'log in with a config that stores credentials in the file (e.g. `docker --config DIR login`), or use RegistryCredentials.fromUsernamePassword');
    }
    if (server !== undefined && !parsed.usableServers.includes(server)) {
      throw constructError(scope,
        `server "${displayServer(server)}" is not among the usable "auths" entries of ${file} (${parsed.usableServers.map(displayServer).join(', ')})`,
        'leave out `server` (the file decides), or log in to that server in the file');
    }
    return payloadOf(scope, bytes, parsed.usableServers, SHRINK_FIX);
  });
}
