import * as fs from 'fs';
import { IConstruct } from 'constructs';
import { DOCKER_HUB_SERVER } from './rules/docker-hub';
import { encodeDockerConfigJson, parseDockerConfig } from './rules/dockerconfigjson';
import { constructError } from './wiring/construct-errors';

/** Options for {@link RegistryCredentials.fromUsernamePassword}. */
export interface UsernamePasswordOptions {
  /**
   * E-mail written into the entry, as `kubectl --docker-email`.
   * @default - no email field
   */
  readonly email?: string;
}

/** Options for {@link RegistryCredentials.fromEnv}. */
export interface EnvCredentialsOptions {
  /**
   * Environment variable holding the e-mail written into the entry.
   * @default - no email field
   */
  readonly emailVariable?: string;
}

/** Options passed by a secret when it binds its credentials. */
export interface CredentialsBindOptions {
  /**
   * The registry server the secret was given.
   * @default - the credentials choose (Docker Hub for username/password)
   */
  readonly server?: string;
}

/** The `.dockerconfigjson` payload a secret stores, and the servers it serves. */
export interface DockerConfigPayload {
  /** The payload bytes, base64-encoded (standard alphabet, padded) as in a Secret's `data`. */
  readonly base64: string;
  /** The `auths` keys with a usable credential, in payload order. */
  readonly servers: string[];
}

/**
 * Where a registry secret's credentials come from. Values are read when the
 * secret is constructed (that is, at synth); no error message ever quotes them.
 */
export abstract class RegistryCredentials {
  /**
   * A username and password (or token), like `kubectl create secret docker-registry`.
   * @param username registry user name; must not contain ':'
   * @param password password or access token
   */
  public static fromUsernamePassword(username: string, password: string, options: UsernamePasswordOptions = {}): RegistryCredentials {
    return new LiteralCredentials(username, password, options.email, 'the username', 'the password');
  }

  /**
   * Read from environment variables when the app is synthesized.
   * A missing or empty variable is an error that names it.
   */
  public static fromEnv(usernameVariable: string, passwordVariable: string, options: EnvCredentialsOptions = {}): RegistryCredentials {
    return new EnvCredentials(usernameVariable, passwordVariable, options.emailVariable);
  }

  /**
   * A docker `config.json` (e.g. `~/.docker/config.json` after `docker login`),
   * stored byte for byte like `kubectl create secret generic --from-file=.dockerconfigjson=PATH`.
   * It must hold at least one `auths` entry with a credential: logins kept in a
   * `credsStore` or `credHelpers` never reach the cluster.
   */
  public static fromDockerConfigFile(path: string): RegistryCredentials {
    return new DockerConfigFileCredentials(path);
  }

  /** Payloads already read, by server: every secret made from these credentials gets the same bytes. */
  private readonly payloads = new Map<string | undefined, DockerConfigPayload>();

  /** Produces the payload for a secret; `scope` is the secret, for error messages. */
  public abstract bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload;

  /**
   * {@link bind}, once per server: the environment or file is read once per
   * synth however many secrets (a project's copies) use these credentials.
   * @internal
   */
  public _bindOnce(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    let payload = this.payloads.get(options.server);
    if (payload === undefined) {
      payload = this.bind(scope, options);
      this.payloads.set(options.server, payload);
    }
    return payload;
  }
}

class LiteralCredentials extends RegistryCredentials {
  constructor(
    private readonly username: string | undefined,
    private readonly password: string | undefined,
    private readonly email: string | undefined,
    private readonly usernameSource: string,
    private readonly passwordSource: string,
  ) {
    super();
  }

  public bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    if (!this.username) {
      throw constructError(scope, `${this.usernameSource} is empty`, 'give the registry user name');
    }
    if (this.username.includes(':')) {
      throw constructError(scope, `${this.usernameSource} contains ":"`,
        'use a user name without ":" — the kubelet splits the `auth` field at the first ":", so this login could never work');
    }
    if (!this.password) {
      throw constructError(scope, `${this.passwordSource} is empty`, 'give the registry password or access token');
    }
    const server = options.server ?? DOCKER_HUB_SERVER;
    const json = encodeDockerConfigJson({ [server]: { username: this.username, password: this.password, email: this.email } });
    return { base64: Buffer.from(json, 'utf8').toString('base64'), servers: [server] };
  }
}

class EnvCredentials extends RegistryCredentials {
  constructor(
    private readonly usernameVariable: string,
    private readonly passwordVariable: string,
    private readonly emailVariable: string | undefined,
  ) {
    super();
  }

  public bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    const username = readVariable(scope, this.usernameVariable);
    const password = readVariable(scope, this.passwordVariable);
    const email = this.emailVariable === undefined ? undefined : readVariable(scope, this.emailVariable);
    return new LiteralCredentials(username, password, email,
      `the username from $${this.usernameVariable}`, `the password from $${this.passwordVariable}`).bind(scope, options);
  }
}

function readVariable(scope: IConstruct, variable: string): string {
  const value = process.env[variable];
  if (value === undefined || value === '') {
    throw constructError(scope, `environment variable ${variable} is ${value === undefined ? 'not set' : 'empty'}`,
      `export ${variable} before running cdk8s synth`);
  }
  return value;
}

class DockerConfigFileCredentials extends RegistryCredentials {
  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.path);
    } catch (e) {
      throw constructError(scope, `cannot read docker config file "${this.path}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        'pass the path of an existing config.json');
    }
    let parsed;
    try {
      parsed = parseDockerConfig(bytes.toString('utf8'));
    } catch (e) {
      throw constructError(scope, `docker config file "${this.path}" ${(e as Error).message}`,
        'pass a docker config.json such as `docker login` writes');
    }
    if (parsed.usableServers.length === 0) {
      const why = parsed.usesCredentialHelpers
        ? 'its logins are kept by a credsStore/credHelpers program, which the cluster cannot run'
        : 'it has no "auths" entry with an "auth" or a username and password';
      throw constructError(scope, `docker config file "${this.path}" has no usable credential: ${why}`,
        'log in with a config that stores credentials in the file (e.g. `docker --config DIR login`), or use RegistryCredentials.fromUsernamePassword');
    }
    if (options.server !== undefined && !parsed.usableServers.includes(options.server)) {
      throw constructError(scope, `server "${options.server}" is not among the usable "auths" entries of docker config file "${this.path}" (${parsed.usableServers.join(', ')})`,
        'leave out `server` (the file decides), or log in to that server in the file');
    }
    return { base64: bytes.toString('base64'), servers: parsed.usableServers };
  }
}
