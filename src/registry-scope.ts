import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { problemWithFix } from './errors';
import type { IRegistrySecret } from './registry-secret';

/** How a registry secret entered the app. */
export interface RegisteredSecretOptions {
  /** The secret exists in the cluster already and is not emitted. */
  readonly imported?: boolean;
}

interface RegisteredSecret {
  readonly secret: IRegistrySecret;
  readonly imported: boolean;
}

const SCOPE_ID = 'cdk8s-private-registry.RegistryScope';

/**
 * The app-wide book of registry secrets: one per construct tree, attached to
 * its root. It owns every rule that needs the whole app (secret names unique
 * per namespace), so each rule costs one pass per synth, not one per object.
 */
export class RegistryScope extends Construct {
  /** The scope of the app `construct` belongs to, created on first use. */
  public static of(construct: IConstruct): RegistryScope {
    const root = construct.node.root;
    const existing = root.node.tryFindChild(SCOPE_ID);
    return existing instanceof RegistryScope ? existing : new RegistryScope(root as Construct, SCOPE_ID);
  }

  private readonly secrets: RegisteredSecret[] = [];

  private constructor(root: Construct, id: string) {
    super(root, id);
    this.node.addValidation({ validate: () => this.validateSecretNames() });
  }

  /** Registers a registry secret so workloads in its namespace can be wired to it. */
  public addSecret(secret: IRegistrySecret, options: RegisteredSecretOptions = {}): void {
    this.secrets.push({ secret, imported: options.imported ?? false });
  }

  /**
   * Secret names are unique per namespace across every Secret (registries,
   * TLS, opaque…): a second one overwrites the first when applied.
   */
  private validateSecretNames(): string[] {
    const holders = new Map<string, string[]>();
    const note = (namespace: string | undefined, name: string, holder: string) => {
      const key = `${namespace ?? ''}/${name}`;
      const list = holders.get(key);
      if (list) list.push(holder); else holders.set(key, [holder]);
    };
    for (const object of this.node.root.node.findAll()) {
      if (object instanceof ApiObject && object.kind === 'Secret' && object.apiVersion === 'v1') {
        note(object.metadata.namespace ?? Chart.of(object).namespace, object.name, object.node.path);
      }
    }
    const importedKeys = new Set<string>();
    for (const { secret, imported } of this.secrets) {
      const key = `${secret.namespace ?? ''}/${secret.name}`;
      // Two imports of one existing secret are the same secret, not a clash.
      if (imported && !importedKeys.has(key)) {
        importedKeys.add(key);
        note(secret.namespace, secret.name, `${secret.node.path} (existing secret, imported)`);
      }
    }
    const errors: string[] = [];
    for (const [key, list] of holders) {
      if (list.length < 2) continue;
      const [namespace, name] = splitKey(key);
      errors.push(problemWithFix(
        `secret name "${name}" is used ${list.length} times in ${namespace ? `namespace "${namespace}"` : 'the default namespace'}: ${list.join(', ')}; ` +
        'secret names are unique per namespace across all secrets (registries, certificates, opaque), so one would overwrite the other',
        'give each secret its own `name`'));
    }
    return errors;
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
