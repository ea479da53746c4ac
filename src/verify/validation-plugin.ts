/**
 * The offline pull preflight as a cdk8s CLI validation plugin, run by
 * `cdk8s synth` on the synthesized manifests. Enable it in `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-private-registry/lib/validation-plugin.js
 *     version: 0.0.0            # required by cdk8s; unused for a local path
 *     class: PullSecretValidation
 *     properties:
 *       allowExpectedInCluster: true
 *       namespace: default
 *       publicImages: [docker.io/library, registry.k8s.io]
 *       strict: true
 * ```
 *
 * cdk8s-cli is only a devDependency, so its plugin types are declared here
 * structurally (the subset used) instead of imported.
 */
import { Finding, FindingStatus, isImageFinding } from './findings';
import { checkOffline, DEFAULT_NAMESPACE } from './offline';
import { InputError } from '../manifests/input-error';
import { readManifests } from '../manifests/manifests';
import { parsePodKindFlag, PodKind, PodKinds } from '../rules/pod-kinds';
import { printable } from '../rules/printable';
import { publicImagePatternProblem } from '../rules/public-images';
import { redactUserInfoIn } from '../rules/redact';

/** A resource that breaks a rule (cdk8s-cli `ValidationViolatingResource`). */
export interface PullSecretViolatingResource {
  /** `metadata.name`; cdk8s maps it back to the construct path. */
  readonly resourceName: string;
  /** Where in the resource, with what is wrong. */
  readonly locations: string[];
  /** The manifest file. */
  readonly manifestPath: string;
}

/** A broken rule with every resource that breaks it (cdk8s-cli `ValidationViolation`). */
export interface PullSecretViolation {
  readonly ruleName: string;
  readonly recommendation: string;
  readonly fix: string;
  readonly violatingResources: PullSecretViolatingResource[];
}

/** The report a plugin fills (cdk8s-cli `ValidationReport`, the part used). */
export interface IPullSecretValidationReport {
  /** Adds a violation. */
  addViolation(violation: PullSecretViolation): void;
  /** Ends the report: `success` or `failure`, with string metadata. */
  submit(status: string, metadata?: { [key: string]: string }): void;
}

/** cdk8s-cli's `ValidationLogger`. */
export interface IPullSecretValidationLogger {
  /** Logs one message. */
  log(message: string): void;
}

/** What `validate` receives (cdk8s-cli `ValidationContext`, the part used). */
export interface IPullSecretValidationContext {
  /** Paths of the synthesized manifest files. */
  readonly manifests: string[];
  readonly report: IPullSecretValidationReport;
  readonly logger: IPullSecretValidationLogger;
}

/** `properties` of the `cdk8s.yaml` validation entry. */
export interface PullSecretValidationProps {
  /**
   * Let pull secrets that are not in the manifests pass (they may exist in
   * the cluster); they are still logged. When false, each one is a violation.
   * @default true
   */
  readonly allowExpectedInCluster?: boolean;
  /**
   * Namespace of objects that set none (where they will be applied).
   * @default 'default'
   */
  readonly namespace?: string;
  /**
   * Public images, as the constructs take them: normalized repository
   * prefixes at a path boundary (`registry.k8s.io`, `docker.io/library`).
   * An image under one needs no credential (status `public`). A pattern
   * that is not normalized is a violation.
   * @default - none
   */
  readonly publicImages?: string[];
  /**
   * An image with no credential that no public image pattern allows is a
   * violation, not info.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Pod-bearing custom resource kinds besides those known out of the box,
   * each `GROUP/KIND=/json/pointer` as `verify --pod-kind` takes them, e.g.
   * `apps.example.com/Worker=/spec/template/spec`.
   * @default - only the kinds known out of the box
   */
  readonly podKinds?: string[];
  /**
   * Ignore the public-image patterns and pod kinds the manifests declare in
   * their `cdk8s-private-registry/*` annotations (what the constructs were
   * given), and trust only these properties.
   * @default false
   */
  readonly ignoreManifestDeclarations?: boolean;
}

/** How each failing status is explained in the cdk8s report. */
const RULES: Readonly<Partial<Record<FindingStatus, { readonly recommendation: string; readonly fix: string }>>> = {
  'expected-in-cluster': {
    recommendation: 'A pull secret the pod references is not in its namespace in the synthesized manifests.',
    fix: 'Define the secret in the same namespace (e.g. a RegistrySecret), create it in the cluster before deploying, or set allowExpectedInCluster.',
  },
  'no-matching-credential': {
    recommendation: "A pull secret has credentials for the image's registry, but the kubelet does not apply them to this image (port, path prefix, host case or Docker Hub alias).",
    fix: "Change the secret's server to a key that matches the image (e.g. the registry host without a path), or reference a secret that does.",
  },
  'invalid-image': {
    recommendation: 'The image reference is not one the kubelet accepts.',
    fix: 'Write the image as [registry/]path[:tag][@digest] with a lowercase path.',
  },
  'secret-wrong-type': {
    recommendation: 'A referenced pull secret is not of type kubernetes.io/dockerconfigjson (or legacy kubernetes.io/dockercfg); the kubelet ignores it.',
    fix: 'Create the secret as a docker-registry secret (e.g. RegistrySecret, or kubectl create secret docker-registry).',
  },
  'secret-invalid': {
    recommendation: 'A pull secret does not decode to a docker config the kubelet can use.',
    fix: 'Rebuild the secret from its username and password (e.g. RegistrySecret, or kubectl create secret docker-registry).',
  },
  'secret-wrong-namespace': {
    recommendation: "The referenced pull secret exists only in another namespace; the kubelet reads pull secrets from the pod's own namespace.",
    fix: "Create the secret in the pod's namespace too (e.g. a ProjectRegistry), or move the workload.",
  },
  'no-credential': {
    recommendation: 'No pull secret of the pod has a credential for the image, and no public image pattern allows it (strict).',
    fix: 'Add a RegistrySecret (or ProjectRegistry) for its registry, or, if the image is public, list its registry or repository in publicImages (e.g. "docker.io/library").',
  },
};

/** The offline pull preflight as a cdk8s validation plugin: a violation per failing finding. */
export class PullSecretValidation {
  private readonly allowExpectedInCluster: boolean;
  private readonly namespace: string;
  private readonly publicImages: unknown;
  private readonly strict: unknown;
  private readonly podKinds: unknown;
  private readonly ignoreManifestDeclarations: unknown;

  public constructor(props: PullSecretValidationProps = {}) {
    this.allowExpectedInCluster = props.allowExpectedInCluster ?? true;
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    // Checked in validate(), where a bad value can be reported: cdk8s.yaml may hold anything.
    this.publicImages = props.publicImages ?? [];
    this.strict = props.strict ?? false;
    this.podKinds = props.podKinds ?? [];
    this.ignoreManifestDeclarations = props.ignoreManifestDeclarations ?? false;
  }

  /** Checks the manifests of `context` and submits the report. */
  public async validate(context: IPullSecretValidationContext): Promise<void> {
    const propertyProblems = this.propertyProblems();
    if (propertyProblems.length > 0) {
      context.report.addViolation({
        ruleName: 'invalid-property',
        recommendation: 'A property of the PullSecretValidation entry in cdk8s.yaml is not valid.',
        fix: 'Write publicImages as a list of normalized repository prefixes (e.g. "docker.io/library", "registry.k8s.io"), strict and ignoreManifestDeclarations as true or false, '
          + 'and podKinds as a list of GROUP/KIND=/json/pointer (e.g. "apps.example.com/Worker=/spec/template/spec").',
        // cdk8s.yaml is input: what could be user info redacted, control characters shown as escapes.
        violatingResources: [{ resourceName: '', locations: propertyProblems.map((p) => printable(redactUserInfoIn(p))), manifestPath: '' }],
      });
      context.report.submit('failure');
      return;
    }
    let findings: Finding[];
    try {
      const kinds = new PodKinds((this.podKinds as string[]).map((value) => (parsePodKindFlag(value) as { podKind: PodKind }).podKind));
      const declarations = this.ignoreManifestDeclarations === true ? 'ignored' : 'trusted';
      findings = checkOffline(readManifests(context.manifests, kinds, declarations).checked, {
        defaultNamespace: this.namespace,
        publicImages: this.publicImages as string[],
        strict: this.strict === true,
      }).findings;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      context.report.addViolation({
        ruleName: 'unreadable-manifest',
        recommendation: 'A synthesized manifest could not be read as Kubernetes objects.',
        fix: 'Check the manifest named in the location.',
        violatingResources: [{ resourceName: '', locations: [printable(error.message)], manifestPath: printable(error.file ?? '') }],
      });
      context.report.submit('failure');
      return;
    }
    const fails = (f: Finding) => f.severity === 'problem' || (f.status === 'expected-in-cluster' && !this.allowExpectedInCluster);
    for (const f of findings.filter((x) => x.severity === 'warning' && !fails(x))) {
      // Names and files come from the manifests: control characters shown as escapes (messages already are).
      context.logger.log(`pull preflight warning: ${printable(`${f.namespace}/${f.kind}/${f.name}`)}: ${f.message}`);
    }
    const failing = findings.filter(fails);
    const byStatus = new Map<FindingStatus, Finding[]>();
    for (const f of failing) {
      byStatus.set(f.status, [...(byStatus.get(f.status) ?? []), f]);
    }
    for (const [status, group] of byStatus) {
      const rule = RULES[status] ?? { recommendation: status, fix: 'See the location.' };
      context.report.addViolation({
        ruleName: status,
        recommendation: rule.recommendation,
        fix: rule.fix,
        violatingResources: group.map((f) => ({
          resourceName: printable(f.name),
          locations: [`${printable(f.path)}: ${f.message}`],
          manifestPath: printable(f.file),
        })),
      });
    }
    // What failed is counted as a problem, expected-in-cluster findings too when they are not allowed.
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      images: String(findings.filter(isImageFinding).length),
      problems: String(failing.length),
      warnings: String(findings.filter((f) => f.severity === 'warning' && !fails(f)).length),
      failed: String(failing.length),
    });
  }

  /** What is wrong with publicImages and strict, as given in cdk8s.yaml. */
  private propertyProblems(): string[] {
    const problems: string[] = [];
    if (!Array.isArray(this.publicImages)) {
      problems.push('publicImages must be a list of patterns');
    } else {
      this.publicImages.forEach((pattern: unknown, i) => {
        const problem = typeof pattern === 'string' ? publicImagePatternProblem(pattern) : 'is not a string';
        if (problem) problems.push(`publicImages[${i}] ${typeof pattern === 'string' ? JSON.stringify(pattern) : ''} ${problem}`.replace('  ', ' '));
      });
    }
    if (typeof this.strict !== 'boolean') problems.push('strict must be true or false');
    if (typeof this.ignoreManifestDeclarations !== 'boolean') problems.push('ignoreManifestDeclarations must be true or false');
    if (!Array.isArray(this.podKinds)) {
      problems.push('podKinds must be a list of GROUP/KIND=/json/pointer');
    } else {
      this.podKinds.forEach((value: unknown, i) => {
        const parsed = typeof value === 'string' ? parsePodKindFlag(value) : { problem: 'is not a string' };
        if ('problem' in parsed) problems.push(`podKinds[${i}] ${parsed.problem}`);
      });
    }
    return problems;
  }
}
