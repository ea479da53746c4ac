/** The path `cdk8s.yaml` files name for the validation plugin (`lib/validation-plugin.js`); the plugin lives in verify/. */
export * from './verify/validation-plugin';
