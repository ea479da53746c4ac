import * as fs from 'fs';
import { IConstruct } from 'constructs';
import { CredentialSource, CredentialsUnavailableError } from './emit/credential-source';
import { emitDockerConfigSecret } from './emit/docker-config-secret';
import { EmittedPullSecret, PullSecretTarget } from './emit/pull-secret-target';
import {
  acrAccessTokenSource, AcrAccessTokenProps, ecrAuthorizationTokenSource, EcrAuthorizationTokenProps, externalSecretSource,
  ExternalSecretCredentialsProps, gcrAccessTokenSource, GcrAccessTokenProps,
} from './external-secrets';
import { DOCKER_HUB_SERVER } from './rules/docker-hub';
import { encodeDockerConfigJson, MAX_SECRET_DATA_BYTES, parseDockerConfig } from './rules/dockerconfigjson';
import { ecrRegistry } from './rules/eso-generators';
import { displayServer } from './rules/registry-server';
import { SealedCredentialsOptions, sealedSource } from './sealed-secrets';
import { checkPlainString, constructError } from './wiring/construct-errors';

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

  /**
   * From External Secrets Operator: the operator reads the username and
   * password from a secret store and writes the pull secret in the cluster.
   * No credential is in the synthesized manifests.
   */
  public static fromExternalSecret(props: ExternalSecretCredentialsProps): RegistryCredentials {
    return new SourceCredentials(externalSecretSource(props));
  }

  /**
   * A short-lived Amazon ECR token (12 hours), generated and refreshed in the
   * cluster by External Secrets Operator's `ECRAuthorizationToken` generator.
   */
  public static fromEcrAuthorizationToken(props: EcrAuthorizationTokenProps): RegistryCredentials {
    return new SourceCredentials(ecrAuthorizationTokenSource(props));
  }

  /**
   * A short-lived Google access token (about 1 hour) for GCR and Artifact
   * Registry, generated in the cluster by the `GCRAccessToken` generator.
   */
  public static fromGcrAccessToken(props: GcrAccessTokenProps): RegistryCredentials {
    return new SourceCredentials(gcrAccessTokenSource(props));
  }

  /** A short-lived Azure Container Registry token, generated in the cluster by the `ACRAccessToken` generator. */
  public static fromAcrAccessToken(props: AcrAccessTokenProps): RegistryCredentials {
    return new SourceCredentials(acrAccessTokenSource(props));
  }

  /**
   * Any other credentials, sealed at synth with the Sealed Secrets
   * controller's public certificate: the manifests hold a SealedSecret that
   * only the cluster can open.
   */
  public static sealed(inner: RegistryCredentials, options: SealedCredentialsOptions): RegistryCredentials {
    return new SourceCredentials(sealedSource(options, (scope, server) => inner._bindOnce(scope, { server })), inner);
  }

  /** Payloads already read, by server, kept in a closure so that printing the credentials shows nothing of them. */
  private readonly rememberPayload = payloadMemo();

  /** Produces the payload for a secret; `scope` is the secret, for error messages. */
  public abstract bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload;

  /**
   * Emits the pull secret for `target`: by default a plain Secret holding
   * the payload {@link bind} reads. Sources that keep the password out of
   * the manifests emit what the cluster turns into that Secret instead.
   * @internal
   */
  public _emit(target: PullSecretTarget): EmittedPullSecret {
    return emitDockerConfigSecret(target, this._bindOnce(target.scope, { server: target.server }));
  }

  /**
   * The `auths` keys a secret made from these credentials holds, for `server`.
   * @internal
   */
  public _servers(scope: IConstruct, server: string | undefined): string[] {
    return this._bindOnce(scope, { server }).servers;
  }

  /**
   * Whether the secret holds a password fixed at synth (literal, environment,
   * docker config file, or those sealed), which the cluster never renews.
   * @internal
   */
  public _holdsFixedPassword(): boolean {
    return true;
  }

  /**
   * Refuses a fixed password for an Amazon ECR server, which stops working
   * 12 hours after it was issued, unless `allowed`.
   * @internal
   */
  public _checkFixedEcrPassword(scope: IConstruct, servers: readonly string[], allowed: boolean | undefined): void {
    if (allowed || !this._holdsFixedPassword()) return;
    for (const server of servers) {
      const ecr = ecrRegistry(server);
      if (ecr === undefined) continue;
      const region = ecr.region === '*' ? 'REGION' : ecr.region;
      throw constructError(scope,
        `registry server "${displayServer(server)}" is Amazon ECR, and these credentials are a password fixed at synth: an ECR password ` +
        '(`aws ecr get-login-password`) expires 12 hours after it was issued, so pulls start failing with 401/403 long after the deploy went fine',
        `use RegistryCredentials.fromEcrAuthorizationToken({ region: '${region}' }) so that External Secrets Operator renews the token in the cluster; ` +
        'if something else renews this secret, set allowStaticEcrCredentials: true');
    }
  }

  /**
   * {@link bind}, once per server: the environment or file is read once per
   * synth however many secrets (a project's copies) use these credentials.
   * @internal
   */
  public _bindOnce(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    return this.rememberPayload(options.server, () => this.bind(scope, options));
  }
}

/** Credentials whose secret is emitted by a {@link CredentialSource} (External Secrets, Sealed Secrets). */
class SourceCredentials extends RegistryCredentials {
  /** `wraps`: the credentials a source seals, whose password stays fixed. */
  constructor(private readonly source: CredentialSource, private readonly wraps?: RegistryCredentials) {
    super();
  }

  public _holdsFixedPassword(): boolean {
    return this.wraps?._holdsFixedPassword() ?? false;
  }

  public bind(scope: IConstruct): DockerConfigPayload {
    throw constructError(scope, 'these credentials are produced in the cluster, so there is no payload to read at synth',
      'use them in a RegistrySecret or ProjectRegistry, which emit what the cluster needs');
  }

  public _emit(target: PullSecretTarget): EmittedPullSecret {
    return this.source.emit(target);
  }

  public _servers(scope: IConstruct, server: string | undefined): string[] {
    return this.source.servers(scope, server);
  }
}

function payloadMemo(): (server: string | undefined, read: () => DockerConfigPayload) => DockerConfigPayload {
  const payloads = new Map<string | undefined, DockerConfigPayload>();
  return (server, read) => {
    let payload = payloads.get(server);
    if (payload === undefined) {
      payload = read();
      payloads.set(server, payload);
    }
    return payload;
  };
}

/** A username, password and e-mail, held in a closure: `util.inspect` and `JSON.stringify` of the credentials never show them. */
type SecretValues = () => { readonly username: unknown; readonly password: unknown; readonly email: unknown };

class LiteralCredentials extends RegistryCredentials {
  private readonly values: SecretValues;

  constructor(
    username: unknown, password: unknown, email: unknown, private readonly usernameSource: string, private readonly passwordSource: string,
  ) {
    super();
    this.values = () => ({ username, password, email });
  }

  public bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    const { username, password, email } = this.values();
    checkPlainString(scope, this.usernameSource, username);
    checkPlainString(scope, this.passwordSource, password);
    if (email !== undefined) checkPlainString(scope, 'the e-mail', email);
    if (!username) {
      throw constructError(scope, `${this.usernameSource} is empty`, 'give the registry user name');
    }
    if (username.includes(':')) {
      throw constructError(scope, `${this.usernameSource} contains ":"`,
        'use a user name without ":" — the kubelet splits the `auth` field at the first ":", so this login could never work');
    }
    if (!password) {
      throw constructError(scope, `${this.passwordSource} is empty`, 'give the registry password or access token');
    }
    const server = options.server ?? DOCKER_HUB_SERVER;
    const json = encodeDockerConfigJson({ [server]: { username, password, email } });
    return payloadOf(scope, Buffer.from(json, 'utf8'), [server], 'use a shorter user name and password; registry tokens are far below this size');
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
    checkPlainString(scope, 'the username variable name', this.usernameVariable);
    checkPlainString(scope, 'the password variable name', this.passwordVariable);
    if (this.emailVariable !== undefined) checkPlainString(scope, 'the e-mail variable name', this.emailVariable);
    const [username, password, email] = readVariables(scope, [this.usernameVariable, this.passwordVariable, this.emailVariable]);
    return new LiteralCredentials(username, password, email,
      `the username from $${this.usernameVariable}`, `the password from $${this.passwordVariable}`).bind(scope, options);
  }
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

class DockerConfigFileCredentials extends RegistryCredentials {
  constructor(private readonly path: string) {
    super();
  }

  public bind(scope: IConstruct, options: CredentialsBindOptions): DockerConfigPayload {
    checkPlainString(scope, 'the docker config file path', this.path);
    const file = `docker config file "${this.path}"`;
    const bytes = readBoundedFile(scope, this.path, file);
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      throw constructError(scope, `${file} is not UTF-8 text`, 'pass a docker config.json such as `docker login` writes');
    }
    let parsed;
    try {
      parsed = parseDockerConfig(text);
    } catch (e) {
      throw constructError(scope, `${file} ${(e as Error).message}`, 'pass a docker config.json such as `docker login` writes');
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
    if (options.server !== undefined && !parsed.usableServers.includes(options.server)) {
      throw constructError(scope,
        `server "${displayServer(options.server)}" is not among the usable "auths" entries of ${file} (${parsed.usableServers.map(displayServer).join(', ')})`,
        'leave out `server` (the file decides), or log in to that server in the file');
    }
    return payloadOf(scope, bytes, parsed.usableServers, 'keep only the registries this secret needs in the docker config file');
  }
}

/** The file's bytes, refusing what is no regular file or is larger than a Secret can hold, without reading it. */
function readBoundedFile(scope: IConstruct, path: string, what: string): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    throw constructError(scope, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'pass the path of an existing config.json');
  }
  if (!stat.isFile()) {
    throw constructError(scope, `${what} is not a regular file`, 'pass the path of a config.json file (not a folder, device or pipe)');
  }
  if (stat.size > MAX_SECRET_DATA_BYTES) {
    throw constructError(scope, `${what} is ${stat.size} bytes; a Secret holds at most ${MAX_SECRET_DATA_BYTES} bytes (1 MiB)`,
      'keep only the registries this secret needs in the docker config file');
  }
  try {
    return fs.readFileSync(path);
  } catch (e) {
    throw constructError(scope, `cannot read ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'pass the path of an existing config.json');
  }
}

/** The payload of `bytes`, which the API server accepts only up to 1 MiB; `fix` fits the source. */
function payloadOf(scope: IConstruct, bytes: Buffer, servers: string[], fix: string): DockerConfigPayload {
  if (bytes.length > MAX_SECRET_DATA_BYTES) {
    throw constructError(scope, `the .dockerconfigjson payload is ${bytes.length} bytes; the API server rejects Secrets over ${MAX_SECRET_DATA_BYTES} bytes (1 MiB)`, fix);
  }
  return { base64: bytes.toString('base64'), servers };
}
