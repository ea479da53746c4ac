/**
 * External Secrets Operator sources: the pull secret is written in the
 * cluster by the operator, from a username and password it reads from a
 * secret store, or from a short-lived token a generator makes (ECR, GCR,
 * ACR). The manifests hold an ExternalSecret (and the generator), never a
 * credential. The public options live here; the objects are built in
 * src/emit/external-secret.ts and src/emit/eso-generators.ts.
 */
import { ApiObject, Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CredentialSource } from '../credential-source';
import { checkExternalSecretTarget, emitExternalSecret, RemoteValue } from './external-secret-object';
import { PullSecretTarget } from '../pull-secret-target';
import { AcrAuth, EcrAuth, GcrAuth } from './auth';
import { emitAcrGenerator, emitEcrGenerator, emitGcrGenerator } from './generator-objects';
import { ESO_EMAIL_KEY, ESO_PASSWORD_KEY, ESO_USERNAME_KEY } from './template';
import { ACR_TOKEN, ECR_TOKEN, GCR_TOKEN, goDuration, refreshIntervalProblem, TokenKind } from './token-lifetimes';
import { DOCKER_HUB_SERVER } from '../../rules/docker-hub';
import { ECR_PUBLIC_HOST, ecrRegistry, registryHost } from '../../rules/ecr';
import { dns1123SubdomainProblem } from '../../rules/kube-names';
import { problemWithFix } from '../../rules/messages';
import { displayServer } from '../../rules/registry-server';
import { checkPlainString, constructError } from '../../wiring/construct-errors';

export * from './auth';

/** A SecretStore or ClusterSecretStore of External Secrets Operator. */
export class ExternalSecretStore {
  /** A ClusterSecretStore, usable from every namespace. */
  public static cluster(name: string): ExternalSecretStore {
    return new ExternalSecretStore('ClusterSecretStore', checkStoreName('cluster', name));
  }

  /** A SecretStore, which must exist in the namespace of each secret that uses it. */
  public static namespaced(name: string): ExternalSecretStore {
    return new ExternalSecretStore('SecretStore', checkStoreName('namespaced', name));
  }

  private constructor(
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: string,
    /** The store's name. */
    public readonly name: string,
  ) {}
}

function checkStoreName(factory: string, name: unknown): string {
  const problem = typeof name !== 'string' ? 'must be a plain string' : dns1123SubdomainProblem(name);
  if (problem) {
    throw new Error(`ExternalSecretStore.${factory}(): ${problemWithFix(`the store name ${problem}`, 'pass the name of the store as `kubectl get secretstores,clustersecretstores` shows it')}`);
  }
  return name as string;
}

/** Props for {@link RegistryCredentials.fromExternalSecret}. */
export interface ExternalSecretCredentialsProps {
  /** The store holding the credential. */
  readonly store: ExternalSecretStore;
  /** The key of the credential in the store (e.g. the path of a Vault secret, the name of an AWS secret). */
  readonly remoteKey: string;
  /**
   * The property of the remote secret holding the username.
   * @default 'username'
   */
  readonly usernameProperty?: string;
  /**
   * The property of the remote secret holding the password or token.
   * @default 'password'
   */
  readonly passwordProperty?: string;
  /**
   * The property of the remote secret holding the e-mail written into the entry
   * (left out when empty, as kubectl does).
   * @default - no email field
   */
  readonly emailProperty?: string;
  /**
   * How often the operator reads the store again; `Duration.seconds(0)` reads it once.
   * @default Duration.hours(1) (the operator's own default)
   */
  readonly refreshInterval?: Duration;
}

/** Props for {@link RegistryCredentials.fromEcrAuthorizationToken}. */
export interface EcrAuthorizationTokenProps {
  /** The AWS region of the registry, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * An IAM role (ARN) to assume before asking for the token.
   * @default - no role: the identity of `auth` asks
   */
  readonly role?: string;
  /**
   * How the generator authenticates with AWS.
   * @default EcrAuth.controllerIdentity()
   */
  readonly auth?: EcrAuth;
  /**
   * How often a new token is made; must be shorter than the token's 12 hours.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Props for {@link RegistryCredentials.fromGcrAccessToken}. */
export interface GcrAccessTokenProps {
  /** The Google Cloud project id. */
  readonly projectId: string;
  /** How the generator authenticates with Google Cloud. */
  readonly auth: GcrAuth;
  /**
   * How often a new token is made; must be shorter than the token's hour.
   * @default Duration.minutes(30)
   */
  readonly refreshInterval?: Duration;
}

/** Azure clouds, as the ACRAccessToken generator names them. */
export enum AcrEnvironment {
  /** Azure public cloud. */
  PUBLIC_CLOUD = 'PublicCloud',
  /** Azure US Government. */
  US_GOVERNMENT_CLOUD = 'USGovernmentCloud',
  /** Azure China. */
  CHINA_CLOUD = 'ChinaCloud',
  /** Azure Germany. */
  GERMAN_CLOUD = 'GermanCloud',
  /** Azure Stack. */
  AZURE_STACK_CLOUD = 'AzureStackCloud',
}

/** Props for {@link RegistryCredentials.fromAcrAccessToken}. */
export interface AcrAccessTokenProps {
  /** The Azure tenant id. */
  readonly tenantId: string;
  /** How the generator authenticates with Azure. */
  readonly auth: AcrAuth;
  /**
   * The registry's domain, e.g. `myregistry.azurecr.io`.
   * @default - the host of the secret's `server`
   */
  readonly registry?: string;
  /**
   * The Azure cloud.
   * @default AcrEnvironment.PUBLIC_CLOUD
   */
  readonly environmentType?: AcrEnvironment;
  /**
   * How often a new token is made; must be shorter than the token's 3 hours.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** The source behind {@link RegistryCredentials.fromExternalSecret}. */
export function externalSecretSource(props: ExternalSecretCredentialsProps): CredentialSource {
  const read = (scope: IConstruct) => {
    if (!(props.store instanceof ExternalSecretStore)) {
      throw constructError(scope, '`store` is not an ExternalSecretStore', 'pass ExternalSecretStore.cluster(NAME) or ExternalSecretStore.namespaced(NAME)');
    }
    const values: RemoteValue[] = [
      remoteValue(scope, ESO_USERNAME_KEY, props.remoteKey, props.usernameProperty ?? 'username', 'usernameProperty'),
      remoteValue(scope, ESO_PASSWORD_KEY, props.remoteKey, props.passwordProperty ?? 'password', 'passwordProperty'),
    ];
    if (props.emailProperty !== undefined) values.push(remoteValue(scope, ESO_EMAIL_KEY, props.remoteKey, props.emailProperty, 'emailProperty'));
    return { values, refreshInterval: goDuration(refreshMillis(scope, props.refreshInterval) ?? 3_600_000) };
  };
  return {
    holdsFixedPassword: false,
    servers: (scope, server) => {
      read(scope);
      return [server ?? DOCKER_HUB_SERVER];
    },
    emit: (target) => {
      const { values, refreshInterval } = read(target.scope);
      return emitExternalSecret(target, {
        server: target.server ?? DOCKER_HUB_SERVER,
        refreshInterval,
        store: { kind: props.store.kind, name: props.store.name },
        remoteValues: values,
        withEmail: props.emailProperty !== undefined,
      });
    },
  };
}

function remoteValue(scope: IConstruct, secretKey: string, key: unknown, property: unknown, what: string): RemoteValue {
  checkPlainString(scope, 'remoteKey', key);
  if (key === '') throw constructError(scope, '`remoteKey` is empty', 'give the key of the credential in the store, e.g. "registry/quay"');
  checkPlainString(scope, what, property);
  if (property === '') throw constructError(scope, `\`${what}\` is empty`, `leave \`${what}\` out for the default, or name the property of the remote secret`);
  return { secretKey, key, property };
}

/** The refresh interval in whole milliseconds, or undefined when not given. */
function refreshMillis(scope: IConstruct, duration: Duration | undefined): number | undefined {
  if (duration === undefined) return undefined;
  if (!(duration instanceof Duration)) {
    throw constructError(scope, '`refreshInterval` is not a cdk8s Duration', 'pass e.g. Duration.hours(1)');
  }
  try {
    return duration.toMilliseconds();
  } catch {
    throw constructError(scope, '`refreshInterval` is not a whole number of milliseconds', 'pass e.g. Duration.minutes(30)');
  }
}

/** A generator source: the generator and the ExternalSecret reading it, for a server that must be declared. */
function generatorSource(
  token: TokenKind,
  refreshInterval: Duration | undefined,
  check: (scope: IConstruct, server: string) => void,
  emitGenerator: (target: PullSecretTarget, server: string) => ApiObject,
): CredentialSource {
  const servers = (scope: IConstruct, server: string | undefined): string[] => {
    if (server === undefined) {
      throw constructError(scope, `the ${token.kind} generator needs the registry server: without one the secret would be for Docker Hub`,
        'set `server` to the registry, e.g. RegistryServer.ecr(ACCOUNT, REGION), RegistryServer.artifactRegistry(LOCATION) or RegistryServer.azure(NAME)');
    }
    check(scope, server);
    return [server];
  };
  return {
    holdsFixedPassword: false,
    servers,
    emit: (target) => {
      const [server] = servers(target.scope, target.server);
      const refreshMs = refreshMillis(target.scope, refreshInterval) ?? token.defaultRefreshMs;
      const problem = refreshIntervalProblem(token, refreshMs);
      if (problem) {
        throw constructError(target.scope, problem, `leave \`refreshInterval\` out (default ${goDuration(token.defaultRefreshMs)}) or choose one well below ${goDuration(token.lifetimeMs)}`);
      }
      if (target.immutable) {
        throw constructError(target.scope, `an immutable secret cannot take the renewed token: ${token.what} expires after ${goDuration(token.lifetimeMs)}`,
          'remove `immutable`');
      }
      checkExternalSecretTarget(target, server);
      return emitExternalSecret(target, { server, refreshInterval: goDuration(refreshMs), generator: emitGenerator(target, server) });
    },
  };
}

function checkNonEmpty(scope: IConstruct, what: string, value: unknown, fix: string): asserts value is string {
  checkPlainString(scope, what, value);
  if (value === '') throw constructError(scope, `\`${what}\` is empty`, fix);
}

function checkAuth(scope: IConstruct, auth: unknown, type: Function, factories: string): void {
  if (!(auth instanceof type)) throw constructError(scope, `\`auth\` was not made by ${type.name}`, `pass one of ${factories}`);
}

/** The source behind {@link RegistryCredentials.fromEcrAuthorizationToken}. */
export function ecrAuthorizationTokenSource(props: EcrAuthorizationTokenProps): CredentialSource {
  const auth = props.auth ?? EcrAuth.controllerIdentity();
  return generatorSource(ECR_TOKEN, props.refreshInterval, (scope, server) => {
    checkNonEmpty(scope, 'region', props.region, 'give the AWS region of the registry, e.g. "eu-west-1"');
    if (props.role !== undefined) checkNonEmpty(scope, 'role', props.role, 'leave `role` out, or give an IAM role ARN');
    checkAuth(scope, auth, EcrAuth, 'EcrAuth.controllerIdentity(), EcrAuth.serviceAccount(NAME), EcrAuth.accessKeys(SECRET)');
    const ecr = ecrRegistry(server);
    if (ecr && ecr.region !== '*' && ecr.region !== props.region) {
      throw constructError(scope, `registry server "${displayServer(server)}" is in region ${ecr.region}, but the token is asked for in ${props.region}`,
        `set region: "${ecr.region}"; an ECR token is valid for the registries of the region it was asked for`);
    }
    if (registryHost(server) === ECR_PUBLIC_HOST && props.region !== 'us-east-1') {
      throw constructError(scope, `ECR Public tokens are issued in us-east-1 only, not in ${props.region}`, 'set region: "us-east-1"');
    }
  }, (target, server) => emitEcrGenerator(target, {
    region: props.region,
    role: props.role,
    // ECR Public (public.ecr.aws) has its own token API.
    scope: registryHost(server) === ECR_PUBLIC_HOST ? 'public' : undefined,
    auth: auth._auth,
  }));
}

/** The source behind {@link RegistryCredentials.fromGcrAccessToken}. */
export function gcrAccessTokenSource(props: GcrAccessTokenProps): CredentialSource {
  return generatorSource(GCR_TOKEN, props.refreshInterval, (scope) => {
    checkNonEmpty(scope, 'projectId', props.projectId, 'give the Google Cloud project id, e.g. "my-project"');
    checkAuth(scope, props.auth, GcrAuth, 'GcrAuth.serviceAccountKey(SECRET), GcrAuth.workloadIdentity({...})');
  }, (target) => emitGcrGenerator(target, { projectId: props.projectId, auth: props.auth._auth }));
}

/** The source behind {@link RegistryCredentials.fromAcrAccessToken}. */
export function acrAccessTokenSource(props: AcrAccessTokenProps): CredentialSource {
  return generatorSource(ACR_TOKEN, props.refreshInterval, (scope) => {
    checkNonEmpty(scope, 'tenantId', props.tenantId, 'give the Azure tenant id');
    if (props.registry !== undefined) checkNonEmpty(scope, 'registry', props.registry, 'leave `registry` out (the server\'s host), or give e.g. "myregistry.azurecr.io"');
    checkAuth(scope, props.auth, AcrAuth, 'AcrAuth.managedIdentity(), AcrAuth.workloadIdentity(NAME), AcrAuth.servicePrincipal(SECRET)');
    if (props.environmentType !== undefined && !Object.values(AcrEnvironment).includes(props.environmentType)) {
      throw constructError(scope, '`environmentType` is not an AcrEnvironment', 'pass e.g. AcrEnvironment.PUBLIC_CLOUD');
    }
  }, (target, server) => emitAcrGenerator(target, {
    registry: props.registry ?? registryHost(server),
    tenantId: props.tenantId,
    environmentType: props.environmentType,
    auth: props.auth._auth,
  }));
}
