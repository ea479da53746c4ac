/**
 * Sealed Secrets: credentials sealed at synth for the Sealed Secrets
 * controller, so the manifests hold a SealedSecret only the cluster can open.
 */
import { IConstruct } from 'constructs';
import { CredentialSource, PlaintextReader } from '../credential-source';
import { certificateExpired, MAX_CERTIFICATE_BYTES, readSealingKey, SealingKey } from './certificate';
import { KubesealScope } from './kubeseal';
import { SealedCredentialSource } from './sealed-source';
import { resolveSealingStatePath } from './sealing-state';
import { printable } from '../../rules/printable';
import { checkPlainString, constructError } from '../../wiring/construct-errors';
import { readFileOf } from '../read-file';

/** The scope a sealed value may be opened in (the OAEP label kubeseal uses). */
export enum SealingScope {
  /** Only as a secret of this name in this namespace (the default). */
  STRICT = 'STRICT',
  /** As a secret of any name in this namespace. */
  NAMESPACE_WIDE = 'NAMESPACE_WIDE',
  /** As a secret of any name in any namespace. */
  CLUSTER_WIDE = 'CLUSTER_WIDE',
}

/** The Sealed Secrets controller's public certificate. */
export class SealingCertificate {
  /**
   * Reads the PEM (as `kubeseal --fetch-cert` prints it, or a bare RSA
   * public key) from a file at synth, relative to the working directory.
   */
  public static fromFile(path: string): SealingCertificate {
    return new SealingCertificate(true, path, undefined);
  }

  /** A PEM given inline: an X.509 certificate as `kubeseal --fetch-cert` prints it, or a bare RSA public key. */
  public static fromPem(pem: string): SealingCertificate {
    return new SealingCertificate(false, undefined, pem);
  }

  /** The key, read once, kept in a closure so printing the certificate object shows nothing of it. */
  private readonly loadOnce: (scope: IConstruct) => SealingKey;

  private constructor(private readonly isFile: boolean, private readonly path: string | undefined, pem: string | undefined) {
    let key: SealingKey | undefined;
    this.loadOnce = (scope) => {
      key ??= this.read(scope, pem);
      return key;
    };
  }

  /**
   * Where the certificate comes from, for messages (never its content).
   * @internal
   */
  public _describe(): string {
    if (!this.isFile) return 'the inline certificate';
    return typeof this.path === 'string' ? `certificate file "${this.path}"` : 'the certificate file';
  }

  /**
   * The controller's public key, read and checked once; an expired
   * certificate is a warning on stderr (the controller keeps old keys).
   * @internal
   */
  public _load(scope: IConstruct): SealingKey {
    return this.loadOnce(scope);
  }

  private read(scope: IConstruct, inline: string | undefined): SealingKey {
    const what = this._describe();
    let pem: string;
    if (this.isFile) {
      checkPlainString(scope, 'the certificate path', this.path);
      pem = readCertificateFile(scope, this.path, what);
    } else {
      checkPlainString(scope, 'the certificate PEM', inline);
      pem = inline;
    }
    const result = readSealingKey(pem);
    if ('problem' in result) throw constructError(scope, `${what} ${result.problem}`, result.fix);
    const { notAfter } = result.key;
    if (certificateExpired(notAfter, new Date())) {
      // `what` names the certificate file, which is input: control characters shown as escapes.
      process.stderr.write(printable(`[${scope.node.path}] warning: ${what} expired on ${notAfter!.toISOString().slice(0, 10)}; `) +
        'sealing with it still works (the controller keeps its old keys), but values sealed for the current key need its certificate: ' +
        'kubeseal --fetch-cert > FILE\n');
    }
    return result.key;
  }
}

/** Options for {@link RegistryCredentials.sealed}. */
export interface SealedCredentialsOptions {
  /** The controller's public certificate. */
  readonly certificate: SealingCertificate;
  /**
   * Where the sealed value may be opened.
   * @default SealingScope.STRICT
   */
  readonly scope?: SealingScope;
  /**
   * The sealing state file: per sealed secret, the sealed value and a salted
   * scrypt hash of the plaintext, so unchanged credentials keep their bytes
   * and CI can synthesize without them. Commit it. Relative to the working
   * directory (where `cdk8s.yaml` is, for `cdk8s synth`).
   * @default - $CDK8S_PRIVATE_REGISTRY_SEAL_STATE, else 'sealed-secrets.state.json'
   */
  readonly stateFile?: string;
}

/** The source behind {@link RegistryCredentials.sealed}: `inner` sealed for the controller. */
export function sealedSource(options: SealedCredentialsOptions, inner: CredentialSource): CredentialSource {
  const scope = options.scope ?? SealingScope.STRICT;
  const readInner: PlaintextReader = inner.plaintext ?? ((construct) => {
    throw constructError(construct, 'these credentials are produced in the cluster, so there is no payload to seal at synth',
      'use them directly in the RegistrySecret or ProjectRegistry, without RegistryCredentials.sealed');
  });
  return new SealedCredentialSource({
    holdsFixedPassword: inner.holdsFixedPassword,
    scope: KUBESEAL_SCOPES[scope],
    scopeOption: `SealingScope.${scope}`,
    loadKey: (construct) => certificateOf(construct, options)._load(construct),
    statePath: resolveSealingStatePath(options.stateFile),
    readInner,
  });
}

const KUBESEAL_SCOPES: Record<SealingScope, KubesealScope> = {
  [SealingScope.STRICT]: 'strict',
  [SealingScope.NAMESPACE_WIDE]: 'namespace-wide',
  [SealingScope.CLUSTER_WIDE]: 'cluster-wide',
};

function certificateOf(scope: IConstruct, options: SealedCredentialsOptions): SealingCertificate {
  if (!(options.certificate instanceof SealingCertificate)) {
    throw constructError(scope, 'the sealing `certificate` is missing', 'pass SealingCertificate.fromFile(\'sealed-secrets-cert.pem\') with the output of `kubeseal --fetch-cert`');
  }
  return options.certificate;
}

/** The certificate file's text, read with the one bounded reader, never quoted. */
function readCertificateFile(scope: IConstruct, path: string, what: string): string {
  const fix = 'save the controller\'s certificate with `kubeseal --fetch-cert > sealed-secrets-cert.pem` and pass that path';
  return readFileOf(scope, path, MAX_CERTIFICATE_BYTES, {
    what,
    fix,
    tooLarge: (size) => ({ problem: `is ${size === undefined ? 'over the limit' : `${size} bytes`}, too large for a certificate`, fix }),
  }).toString('utf8');
}
