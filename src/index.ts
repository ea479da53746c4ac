export * from './credentials';
export * from './registry-server';
export * from './registry-secret';
export * from './private-image-workload';
export * from './pull-secret-wiring';
export * from './service-account-pull-secrets';
export * from './project';
export * from './project-registry';
