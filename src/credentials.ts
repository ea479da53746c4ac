/**
 * The facade over the credential sources (src/sources/): the one place
 * outside them that knows them all.
 */
import { IConstruct } from 'constructs';
import { ecrRegistry } from './rules/ecr';
import { displayServer } from './rules/registry-server';
import { CredentialSource } from './sources/credential-source';
import {
  acrAccessTokenSource, AcrAccessTokenProps, ecrAuthorizationTokenSource, EcrAuthorizationTokenProps, externalSecretSource,
  ExternalSecretCredentialsProps, gcrAccessTokenSource, GcrAccessTokenProps,
} from './sources/external-secrets/external-secrets';
import { dockerConfigFileSource } from './sources/plain/docker-config-file';
import { environmentSource } from './sources/plain/environment';
import { literalSource } from './sources/plain/literal';
import { EmittedPullSecret, PullSecretTarget } from './sources/pull-secret-target';
import { SealedCredentialsOptions, SealingScope, sealedSource } from './sources/sealed-secrets/sealed-secrets';
import { constructError } from './wiring/construct-errors';
import { enumFix, enumValueProblem, factoryError, kindOf } from './wiring/prop-checks';

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

/**
 * Where a registry secret's credentials come from. Values are read when the
 * secret is constructed (that is, at synth); no error message ever quotes them.
 */
export class RegistryCredentials {
  /**
   * A username and password (or token), like `kubectl create secret docker-registry`.
   * @param username registry user name; must not contain ':'
   * @param password password or access token
   */
  public static fromUsernamePassword(username: string, password: string, options: UsernamePasswordOptions = {}): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromUsernamePassword()', 'options', options, '{ email: \'robot@example.com\' }');
    return new RegistryCredentials(literalSource(username, password, options.email));
  }

  /**
   * Read from environment variables when the app is synthesized.
   * A missing or empty variable is an error that names it.
   */
  public static fromEnv(usernameVariable: string, passwordVariable: string, options: EnvCredentialsOptions = {}): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromEnv()', 'options', options, '{ emailVariable: \'REGISTRY_EMAIL\' }');
    return new RegistryCredentials(environmentSource(usernameVariable, passwordVariable, options.emailVariable));
  }

  /**
   * A docker `config.json` (e.g. `~/.docker/config.json` after `docker login`),
   * stored byte for byte like `kubectl create secret generic --from-file=.dockerconfigjson=PATH`.
   * It must hold at least one `auths` entry with a credential: logins kept in a
   * `credsStore` or `credHelpers` never reach the cluster.
   */
  public static fromDockerConfigFile(path: string): RegistryCredentials {
    return new RegistryCredentials(dockerConfigFileSource(path));
  }

  /**
   * From External Secrets Operator: the operator reads the username and
   * password from a secret store and writes the pull secret in the cluster.
   * No credential is in the synthesized manifests.
   */
  public static fromExternalSecret(props: ExternalSecretCredentialsProps): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromExternalSecret()', 'props', props, '{ store: ExternalSecretStore.cluster(\'vault\'), remoteKey: \'registry/quay\' }');
    return new RegistryCredentials(externalSecretSource(props));
  }

  /**
   * A short-lived Amazon ECR token (12 hours), generated and refreshed in the
   * cluster by External Secrets Operator's `ECRAuthorizationToken` generator.
   */
  public static fromEcrAuthorizationToken(props: EcrAuthorizationTokenProps): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromEcrAuthorizationToken()', 'props', props, '{ region: \'eu-west-1\' }');
    return new RegistryCredentials(ecrAuthorizationTokenSource(props));
  }

  /**
   * A short-lived Google access token (about 1 hour) for GCR and Artifact
   * Registry, generated in the cluster by the `GCRAccessToken` generator.
   */
  public static fromGcrAccessToken(props: GcrAccessTokenProps): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromGcrAccessToken()', 'props', props, '{ projectId: \'my-project\', auth: GcrAuth.… }');
    return new RegistryCredentials(gcrAccessTokenSource(props));
  }

  /** A short-lived Azure Container Registry token, generated in the cluster by the `ACRAccessToken` generator. */
  public static fromAcrAccessToken(props: AcrAccessTokenProps): RegistryCredentials {
    checkFactoryProps('RegistryCredentials.fromAcrAccessToken()', 'props', props, '{ tenantId: TENANT_ID, registry: \'myregistry.azurecr.io\', auth: AcrAuth.… }');
    return new RegistryCredentials(acrAccessTokenSource(props));
  }

  /**
   * Any other credentials, sealed at synth with the Sealed Secrets
   * controller's public certificate: the manifests hold a SealedSecret that
   * only the cluster can open.
   */
  public static sealed(inner: RegistryCredentials, options: SealedCredentialsOptions): RegistryCredentials {
    checkSealedArguments(inner, options);
    return new RegistryCredentials(sealedSource(options, inner.source));
  }

  private constructor(private readonly source: CredentialSource) {}

  /**
   * Emits the pull secret for `target`: a plain Secret holding the payload
   * read at synth, or, for sources that keep the password out of the
   * manifests, what the cluster turns into that Secret.
   * @internal
   */
  public _emit(target: PullSecretTarget): EmittedPullSecret {
    return this.source.emit(target);
  }

  /**
   * The `auths` keys a secret made from these credentials holds, for `server`.
   * @internal
   */
  public _servers(scope: IConstruct, server: string | undefined): string[] {
    return this.source.servers(scope, server);
  }

  /**
   * Refuses a fixed password for an Amazon ECR server, which stops working
   * 12 hours after it was issued, unless `allowed`.
   * @internal
   */
  public _checkFixedEcrPassword(scope: IConstruct, servers: readonly string[], allowed: boolean | undefined): void {
    if (allowed || !this.source.holdsFixedPassword) return;
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
}

const CREDENTIALS_FIX = 'use RegistryCredentials.from…, e.g. RegistryCredentials.fromEnv(\'REGISTRY_USER\', \'REGISTRY_PASSWORD\') ' +
  'or RegistryCredentials.fromUsernamePassword(user, password); a plain object is not read';

/**
 * Throws, naming `scope`, unless `value` was made by a RegistryCredentials
 * factory: JavaScript callers can leave it out or pass a plain object. The
 * value is never quoted (a plain object may hold the password).
 */
export function checkCredentials(scope: IConstruct, value: unknown, what = 'credentials'): asserts value is RegistryCredentials {
  if (value instanceof RegistryCredentials) return;
  throw constructError(scope, `\`${what}\` ${value === undefined ? 'is missing' : `is ${kindOf(value)}, not RegistryCredentials`}`, CREDENTIALS_FIX);
}

/** Throws, naming the factory, unless `value` is an object (JavaScript callers can leave out props or pass a string). */
function checkFactoryProps(factory: string, what: 'props' | 'options', value: unknown, example: string): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return;
  throw factoryError(factory, `the ${what} are ${value === undefined ? 'missing' : kindOf(value)}, not an object`, `pass them, e.g. ${example}`);
}

/** The checks of RegistryCredentials.sealed that need no construct: refused at the call, before any secret uses it. */
function checkSealedArguments(inner: unknown, options: unknown): asserts options is SealedCredentialsOptions {
  const factory = 'RegistryCredentials.sealed()';
  if (!(inner instanceof RegistryCredentials)) {
    throw factoryError(factory, `the credentials to seal are ${inner === undefined ? 'missing' : `${kindOf(inner)}, not RegistryCredentials`}`, CREDENTIALS_FIX);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw factoryError(factory, `the options are ${options === undefined ? 'missing' : kindOf(options)}, not an object`,
      'pass { certificate: SealingCertificate.fromFile(\'sealed-secrets-cert.pem\') } with the output of `kubeseal --fetch-cert`');
  }
  const { scope, stateFile } = options as Partial<Record<keyof SealedCredentialsOptions, unknown>>;
  // An unknown scope would seal with the strict label and record no scope, so every synth would seal again.
  const scopeProblem = scope === undefined ? undefined : enumValueProblem(scope, SealingScope, 'SealingScope');
  if (scopeProblem) throw factoryError(factory, `\`scope\` ${scopeProblem}`, enumFix(SealingScope, 'SealingScope'));
  if (stateFile !== undefined && typeof stateFile !== 'string') {
    throw factoryError(factory, `\`stateFile\` must be a plain string, not ${kindOf(stateFile)}`, 'pass a path such as \'sealed-secrets.state.json\'');
  }
}
