// The package's public API, exported deliberately: every name here is in API.md (test/package-exports.test.ts).
export { EnvCredentialsOptions, RegistryCredentials, UsernamePasswordOptions } from './credentials';
export {
  AcrAccessTokenProps, AcrEnvironment, EcrAuthorizationTokenProps, ExternalSecretCredentialsProps, ExternalSecretStore, GcrAccessTokenProps,
} from './sources/external-secrets/external-secrets';
export {
  AcrAuth, AwsAccessKeysOptions, AzureServicePrincipalOptions, EcrAuth, GcpServiceAccountKeyOptions, GcpWorkloadIdentityOptions, GcrAuth,
} from './sources/external-secrets/auth';
export { SealedCredentialsOptions, SealingCertificate, SealingScope } from './sources/sealed-secrets/sealed-secrets';
export { RegistryServer } from './registry-server';
export { ImportedRegistrySecretOptions, IRegistrySecret, RegistrySecret, RegistrySecretProps } from './registry-secret';
export { PrivateImageWorkload, PrivateImageWorkloadProps, WorkloadKind } from './private-image-workload';
export { PullSecretWiring, PullSecretWiringOptions } from './pull-secret-wiring';
export { RegistryMirror, RegistryMirrorProps } from './registry-mirror';
export { CustomPodBearingKindProps, PodBearingKind } from './pod-bearing-kind';
export { ServiceAccountPullSecrets, ServiceAccountPullSecretsProps } from './service-account-pull-secrets';
export { Project, ProjectProps } from './project';
export { ProjectRegistry, ProjectRegistryMode, ProjectRegistryProps } from './project-registry';
export {
  IPullSecretValidationContext, IPullSecretValidationLogger, IPullSecretValidationReport, PullSecretValidation, PullSecretValidationProps,
  PullSecretViolatingResource, PullSecretViolation,
} from './verify/validation-plugin';
