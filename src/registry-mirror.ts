import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { mirrorEndpointProblem, mirrorExcludeProblem, MirrorRule, normalizeUpstream, rewriteImage, upstreamProblem } from './rules/mirrors';
import { checkPlainString, checkPlainStrings, constructError } from './wiring/construct-errors';
import { MirrorSource } from './wiring/mirror-book';
import { checkPropsObject } from './wiring/prop-checks';
import { RegistryScope } from './wiring/registry-scope';

/** Props for {@link RegistryMirror}. */
export interface RegistryMirrorProps {
  /**
   * The registry whose images the mirror serves: a host with an optional
   * port, e.g. `docker.io` (also `index.docker.io`, `registry-1.docker.io`),
   * `quay.io` or `registry.example.com:5000`.
   */
  readonly upstream: string;
  /**
   * Where those images are pulled from instead: `host[:port][/path prefix]`,
   * e.g. `harbor.example.com/dockerhub-proxy` (a Harbor proxy-cache project),
   * `mirror.example.com:5000` (a registry in proxy mode) or
   * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub` (an ECR
   * pull-through cache rule's prefix). No scheme, tag or digest.
   */
  readonly endpoint: string;
  /**
   * Repositories of the upstream left as they are: normalized repository
   * prefixes at a path boundary, as `publicImages` takes them, e.g.
   * `docker.io/library/ubuntu` or `quay.io/jetstack`.
   * @default - none: every image of the upstream is rewritten
   */
  readonly exclude?: string[];
  /**
   * The cache serves without credentials: its images need no pull secret,
   * like public images (the endpoint is declared as a public-images pattern
   * in the manifests, so `verify` agrees).
   * @default false - a registry secret for the endpoint's host must be in scope
   */
  readonly anonymous?: boolean;
}

/**
 * A registry mirror or pull-through cache (Harbor proxy-cache project,
 * `registry` in proxy mode, ECR pull-through cache rule, Artifact Registry or
 * Artifactory remote repository): every image of `upstream` that the library
 * wires in the mirror's scope — {@link PrivateImageWorkload}s and objects
 * under {@link PullSecretWiring} — is pulled from `endpoint` instead, tag and
 * digest kept, Docker Hub's implicit `library/` spelled out, and wired with
 * the credentials of the endpoint's host.
 *
 * Scope: made in a chart, the chart's namespace (as a RegistrySecret's);
 * made on the App, every chart. For one upstream, a chart's mirror wins over
 * the App's; two mirrors for one upstream in one scope fail the synth. Each
 * rewritten image's original reference is recorded on the object's metadata
 * (annotation `cdk8s-private-registry/original-images`).
 */
export class RegistryMirror extends Construct {
  /** The upstream registry host, normalized (`docker.io` for every name of Docker Hub). */
  public readonly upstream: string;
  /** Where the upstream's images are pulled from: `host[:port][/path prefix]`. */
  public readonly endpoint: string;
  /** Normalized repository prefixes of the upstream left as they are. */
  public readonly exclude: string[];
  /** Whether the cache serves without credentials. */
  public readonly anonymous: boolean;
  /** Whether the mirror was made on the App, and so serves every chart. */
  public readonly appWide: boolean;
  /** The namespace the mirror serves when made in a chart; undefined for the deploy-time default or on the App. */
  public readonly namespace?: string;
  private readonly rule: MirrorRule;

  constructor(scope: Construct, id: string, props: RegistryMirrorProps) {
    super(scope, id);
    this.rule = checkProps(this, props);
    this.upstream = this.rule.upstream;
    this.endpoint = this.rule.endpoint;
    this.exclude = [...this.rule.exclude];
    this.anonymous = props.anonymous ?? false;
    const chart = chartOf(this);
    this.appWide = chart === undefined;
    this.namespace = chart?.namespace;

    const book = RegistryScope.of(this).mirrors;
    const source: MirrorSource = { declaredBy: this, appWide: this.appWide, namespace: this.namespace, rule: this.rule, anonymous: this.anonymous };
    book.add(source);
    this.node.addValidation({ validate: () => book.conflictProblems(source) });
  }

  /**
   * The reference `image` is pulled by through this mirror, e.g.
   * `nginx:1.27` -> `harbor.example.com/dockerhub-proxy/library/nginx:1.27`;
   * the image unchanged when the mirror does not serve it (another
   * registry, excluded, already on the endpoint, or no valid reference).
   * For images the library does not wire: container args, env, Helm values.
   */
  public rewrite(image: string): string {
    return rewriteImage(image, this.rule) ?? image;
  }
}

/** The nearest chart above the mirror; undefined when it is made on the App. */
function chartOf(construct: IConstruct): Chart | undefined {
  return construct.node.scopes.slice().reverse().find((scope): scope is Chart => Chart.isChart(scope));
}

function checkProps(scope: Construct, props: RegistryMirrorProps): MirrorRule {
  checkPropsObject(scope, props, '{ upstream: \'docker.io\', endpoint: \'harbor.example.com/dockerhub-proxy\' }');
  checkPlainString(scope, 'upstream', props.upstream);
  checkPlainString(scope, 'endpoint', props.endpoint);
  const upstreamIssue = upstreamProblem(props.upstream);
  if (upstreamIssue) {
    throw constructError(scope, `upstream "${props.upstream}" ${upstreamIssue}`, 'give the upstream registry\'s host, e.g. "docker.io", "quay.io" or "registry.example.com:5000"');
  }
  const endpointIssue = mirrorEndpointProblem(props.endpoint);
  if (endpointIssue) {
    throw constructError(scope, `endpoint "${props.endpoint}" ${endpointIssue}`,
      'give the host, optional port and path prefix the cache serves the upstream under, e.g. "harbor.example.com/dockerhub-proxy" or "mirror.example.com:5000"');
  }
  if (props.anonymous !== undefined && typeof props.anonymous !== 'boolean') {
    throw constructError(scope, '`anonymous` must be true or false', 'pass a boolean');
  }
  const upstream = normalizeUpstream(props.upstream);
  const exclude = props.exclude ?? [];
  checkPlainStrings(scope, 'exclude', exclude);
  for (const pattern of exclude) {
    const problem = mirrorExcludeProblem(pattern, upstream);
    if (problem) {
      throw constructError(scope, `exclude entry "${pattern}" ${problem}`,
        `list normalized repository prefixes of the upstream, e.g. "${upstream}/${upstream === 'docker.io' ? 'library/ubuntu' : 'org/app'}"`);
    }
  }
  return { upstream, endpoint: props.endpoint, exclude: [...exclude] };
}
