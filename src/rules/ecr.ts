/**
 * Which registry servers are Amazon ECR's: the host pattern the kubelet's
 * ECR credential provider uses. Pure: no cdk8s.
 * Facts and sources: docs/facts-external-secrets.md#eso-generators.
 */
import { splitHostAndPort } from './registry-server';

/** The host of a registry server: without scheme, port and path. */
export function registryHost(server: string): string {
  const rest = server.replace(/^https?:\/\//, '');
  return splitHostAndPort(rest.split('/')[0]).host;
}

// The kubelet's ECR credential provider pattern (cloud-provider-aws, ecrPattern), with `*` globs for the account.
const ECR_HOST = /^(\d{12}|\*)\.dkr[.-]ecr(-fips)?\.([a-z0-9][a-z0-9-_]*|\*)\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

/** Amazon ECR Public's registry host, whose tokens come from the ECR Public API (region us-east-1). */
export const ECR_PUBLIC_HOST = 'public.ecr.aws';

/** When `server` is an Amazon ECR private registry (`<account>.dkr.ecr.<region>.amazonaws.com`): its region (`*` for a glob). */
export function ecrRegistry(server: string): { readonly region: string } | undefined {
  const match = ECR_HOST.exec(registryHost(server).toLowerCase());
  return match ? { region: match[3] } : undefined;
}
