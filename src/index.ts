export * from './credentials';
export * from './registry-server';
export * from './registry-secret';
