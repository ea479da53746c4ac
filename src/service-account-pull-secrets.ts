import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { IRegistrySecret } from './registry-secret';
import { withoutUndefined } from './rules/objects';
import { crossNamespaceProblem } from './rules/pull-secret-namespace';
import { checkKubeName, checkNamespace, constructError } from './wiring/construct-errors';
import { checkPropsObject, checkSecretReferences } from './wiring/prop-checks';

/** Props for {@link ServiceAccountPullSecrets}. */
export interface ServiceAccountPullSecretsProps {
  /** Registry secrets to attach; each must live in the service account's namespace. */
  readonly secrets: IRegistrySecret[];
  /**
   * Name of the service account.
   * @default 'default'
   */
  readonly serviceAccountName?: string;
  /**
   * Namespace of the service account.
   * @default - the chart's namespace; none when the chart has none
   */
  readonly namespace?: string;
}

/**
 * A ServiceAccount (the namespace's `default` one unless named) whose
 * `imagePullSecrets` list registry secrets: Kubernetes copies them into every
 * new pod that runs as it — the documented way to give credentials to pods
 * that are not defined in this app (`kubectl run`, Helm charts, operators).
 * Applying it replaces the account's `imagePullSecrets`.
 */
export class ServiceAccountPullSecrets extends Construct {
  /** The emitted ServiceAccount. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceAccountPullSecretsProps) {
    super(scope, id);
    checkPropsObject(this, props, '{ secrets: [registrySecret] }');
    const secretsFix = 'pass the registry secrets to attach, e.g. secrets: [registrySecret] (a RegistrySecret or RegistrySecret.fromSecretName(...))';
    if (props.secrets === undefined) throw constructError(this, '`secrets` is missing', secretsFix);
    checkSecretReferences(this, 'secrets', props.secrets, secretsFix);
    const name = props.serviceAccountName ?? 'default';
    const namespace = props.namespace ?? Chart.of(this).namespace;
    checkKubeName(this, 'subdomain', 'service account name', name, 'use a name such as "default" or "builder"');
    checkNamespace(this, namespace);
    if (props.secrets.length === 0) {
      throw constructError(this, 'no secrets to attach', 'pass at least one registry secret in `secrets`');
    }
    for (const secret of props.secrets) {
      const elsewhere = crossNamespaceProblem(secret.name, secret.namespace, 'the service account is', namespace);
      if (elsewhere) throw constructError(this, elsewhere, `attach a secret of namespace "${namespace}"`);
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: withoutUndefined({ name, namespace: props.namespace }),
      imagePullSecrets: [...new Set(props.secrets.map((secret) => secret.name))].map((secretName) => ({ name: secretName })),
    });
  }
}
