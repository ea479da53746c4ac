/**
 * How External Secrets Operator's token generators authenticate with the
 * cloud: classes with static factories, one per method the generator
 * supports. Secrets and service accounts they name live in the namespace of
 * the pull secret (where the generator is).
 */
import {
  AcrGeneratorAuth, acrManagedIdentityAuth, acrServicePrincipalAuth, acrWorkloadIdentityAuth, ecrAccessKeysAuth, EcrGeneratorAuth,
  ecrServiceAccountAuth, GcrGeneratorAuth, gcrServiceAccountKeyAuth, gcrWorkloadIdentityAuth, SecretKeyRef,
} from './generator-objects';
import { dns1123SubdomainProblem } from '../../rules/kube-names';
import { problemWithFix } from '../../rules/messages';
import { printable } from '../../rules/printable';
import { redactUserInfoIn } from '../../rules/redact';

/** Options for {@link EcrAuth.accessKeys}. */
export interface AwsAccessKeysOptions {
  /**
   * The key of the Secret holding the access key id.
   * @default 'access-key-id'
   */
  readonly accessKeyIdKey?: string;
  /**
   * The key of the Secret holding the secret access key.
   * @default 'secret-access-key'
   */
  readonly secretAccessKeyKey?: string;
  /**
   * The key of the Secret holding a session token, for temporary credentials.
   * @default - no session token
   */
  readonly sessionTokenKey?: string;
}

/** How the ECRAuthorizationToken generator authenticates with AWS. */
export class EcrAuth {
  /** The operator's own AWS identity: its pod's IRSA role or EKS Pod Identity, or the node's instance profile. */
  public static controllerIdentity(): EcrAuth {
    return new EcrAuth(undefined);
  }

  /** IRSA: a token of the Kubernetes service account `name` (annotated with `eks.amazonaws.com/role-arn`), exchanged for its IAM role. */
  public static serviceAccount(name: string): EcrAuth {
    return new EcrAuth(ecrServiceAccountAuth(checkName('EcrAuth.serviceAccount', 'service account name', name)));
  }

  /** Access keys of an IAM user (or temporary credentials) kept in the Secret `secretName`. */
  public static accessKeys(secretName: string, options: AwsAccessKeysOptions = {}): EcrAuth {
    const factory = 'EcrAuth.accessKeys';
    const name = checkName(factory, 'secret name', secretName);
    const ref = (key: string): SecretKeyRef => ({ name, key: checkKey(factory, key) });
    return new EcrAuth(ecrAccessKeysAuth(
      ref(options.accessKeyIdKey ?? 'access-key-id'),
      ref(options.secretAccessKeyKey ?? 'secret-access-key'),
      options.sessionTokenKey === undefined ? undefined : ref(options.sessionTokenKey),
    ));
  }

  /** @internal */
  public readonly _auth: EcrGeneratorAuth;

  private constructor(auth: EcrGeneratorAuth) {
    this._auth = auth;
  }
}

/** Options for {@link GcrAuth.serviceAccountKey}. */
export interface GcpServiceAccountKeyOptions {
  /**
   * The key of the Secret holding the service account key (JSON).
   * @default 'secret-access-credentials'
   */
  readonly key?: string;
}

/** Options for {@link GcrAuth.workloadIdentity}. */
export interface GcpWorkloadIdentityOptions {
  /** The Kubernetes service account bound to a Google service account (`iam.gke.io/gcp-service-account`). */
  readonly serviceAccount: string;
  /** The GKE cluster's location, e.g. `europe-west1`. */
  readonly clusterLocation: string;
  /** The GKE cluster's name. */
  readonly clusterName: string;
  /**
   * The project of the GKE cluster.
   * @default - the generator's `projectId`
   */
  readonly clusterProjectId?: string;
}

/** How the GCRAccessToken generator authenticates with Google Cloud. */
export class GcrAuth {
  /** A Google service account key (JSON) kept in the Secret `secretName`. */
  public static serviceAccountKey(secretName: string, options: GcpServiceAccountKeyOptions = {}): GcrAuth {
    const factory = 'GcrAuth.serviceAccountKey';
    return new GcrAuth(gcrServiceAccountKeyAuth({ name: checkName(factory, 'secret name', secretName), key: checkKey(factory, options.key ?? 'secret-access-credentials') }));
  }

  /** GKE workload identity: a Kubernetes service account bound to a Google service account. */
  public static workloadIdentity(options: GcpWorkloadIdentityOptions): GcrAuth {
    const factory = 'GcrAuth.workloadIdentity';
    return new GcrAuth(gcrWorkloadIdentityAuth(
      checkName(factory, 'service account name', options.serviceAccount),
      checkText(factory, 'clusterLocation', options.clusterLocation),
      checkText(factory, 'clusterName', options.clusterName),
      options.clusterProjectId === undefined ? undefined : checkText(factory, 'clusterProjectId', options.clusterProjectId),
    ));
  }

  /** @internal */
  public readonly _auth: GcrGeneratorAuth;

  private constructor(auth: GcrGeneratorAuth) {
    this._auth = auth;
  }
}

/** Options for {@link AcrAuth.servicePrincipal}. */
export interface AzureServicePrincipalOptions {
  /**
   * The key of the Secret holding the client id.
   * @default 'client-id'
   */
  readonly clientIdKey?: string;
  /**
   * The key of the Secret holding the client secret.
   * @default 'client-secret'
   */
  readonly clientSecretKey?: string;
}

/** How the ACRAccessToken generator authenticates with Azure. */
export class AcrAuth {
  /**
   * An Azure managed identity of the operator's pod.
   * @param identityId which identity, when several are assigned
   */
  public static managedIdentity(identityId?: string): AcrAuth {
    return new AcrAuth(acrManagedIdentityAuth(identityId === undefined ? undefined : checkText('AcrAuth.managedIdentity', 'identityId', identityId)));
  }

  /** Azure workload identity: a Kubernetes service account federated with an Azure identity. */
  public static workloadIdentity(serviceAccount: string): AcrAuth {
    return new AcrAuth(acrWorkloadIdentityAuth(checkName('AcrAuth.workloadIdentity', 'service account name', serviceAccount)));
  }

  /** A service principal whose client id and secret are kept in the Secret `secretName`. */
  public static servicePrincipal(secretName: string, options: AzureServicePrincipalOptions = {}): AcrAuth {
    const factory = 'AcrAuth.servicePrincipal';
    const name = checkName(factory, 'secret name', secretName);
    return new AcrAuth(acrServicePrincipalAuth(
      { name, key: checkKey(factory, options.clientIdKey ?? 'client-id') },
      { name, key: checkKey(factory, options.clientSecretKey ?? 'client-secret') },
    ));
  }

  /** @internal */
  public readonly _auth: AcrGeneratorAuth;

  private constructor(auth: AcrGeneratorAuth) {
    this._auth = auth;
  }
}

/**
 * Factories run before any construct exists: errors name the factory. Names
 * are not secret, so they are quoted, but as every quote is: what could be
 * user info redacted, control characters shown as escapes.
 */
function factoryError(factory: string, problem: string, fix: string): Error {
  return new Error(`${factory}(): ${problemWithFix(printable(redactUserInfoIn(problem)), fix)}`);
}

function checkText(factory: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw factoryError(factory, `${what} must be a non-empty plain string`, `pass ${what} as a string literal`);
  }
  return value;
}

function checkName(factory: string, what: string, value: unknown): string {
  const problem = dns1123SubdomainProblem(checkText(factory, what, value));
  if (problem) throw factoryError(factory, `${what} "${value as string}" ${problem}`, `pass the ${what} as Kubernetes shows it`);
  return value as string;
}

function checkKey(factory: string, key: unknown): string {
  if (!/^[-._a-zA-Z0-9]+$/.test(checkText(factory, 'secret key', key))) {
    throw factoryError(factory, `secret key "${key as string}" is not a Secret data key`, 'use letters, digits, "-", "_" and "." only');
  }
  return key as string;
}
