/**
 * Only the API is exported: every name the package's main module gives at
 * run time is documented in API.md (which jsii-docgen writes from the jsii
 * assembly, so Python and Go users see the same names).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as api from '../src';

const API_MD = fs.readFileSync(path.join(__dirname, '..', 'API.md'), 'utf8');
/** The types API.md documents: its `### Name` headings. */
const DOCUMENTED = new Set([...API_MD.matchAll(/^### (\w+) <a name=/gm)].map((match) => match[1]));

/** Runtime exports with a value (type-only re-exports transpile to undefined getters under isolatedModules). */
const EXPORTED = Object.keys(api).filter((name) => (api as Record<string, unknown>)[name] !== undefined).sort();

test('API.md is read: it documents the fixed names', () => {
  for (const name of ['RegistrySecret', 'RegistryCredentials', 'PrivateImageWorkload', 'ProjectRegistry', 'PullSecretValidation', 'SealingCertificate']) {
    expect(DOCUMENTED.has(name)).toBe(true);
  }
});

test('every runtime export of the main module is in API.md', () => {
  expect(EXPORTED.length).toBeGreaterThan(15);
  expect(EXPORTED.filter((name) => !DOCUMENTED.has(name))).toEqual([]);
});

test('what used to leak is gone: source factories, and constants jsii could not see', () => {
  for (const name of ['externalSecretSource', 'ecrAuthorizationTokenSource', 'gcrAccessTokenSource', 'acrAccessTokenSource', 'sealedSource',
    'MAX_SECRET_BYTES', 'DOCKER_CONFIG_JSON_KEY', 'DOCKER_CONFIG_JSON_TYPE',
    'RANCHER_IGNORE_NAMESPACES_ANNOTATION', 'RANCHER_PROJECT_ID_KEY', 'RANCHER_PROJECT_SCOPED_SECRET_LABEL']) {
    expect(Object.keys(api)).not.toContain(name);
  }
});

test('the constants are static members, visible to every jsii language', () => {
  expect(api.RegistrySecret.MAX_SECRET_BYTES).toBe(1024 * 1024);
  expect(api.RegistrySecret.DOCKER_CONFIG_JSON_TYPE).toBe('kubernetes.io/dockerconfigjson');
  expect(api.RegistrySecret.DOCKER_CONFIG_JSON_KEY).toBe('.dockerconfigjson');
  expect(api.Project.RANCHER_PROJECT_ID_KEY).toBe('field.cattle.io/projectId');
  expect(api.ProjectRegistry.RANCHER_PROJECT_SCOPED_SECRET_LABEL).toBe('management.cattle.io/project-scoped-secret');
  expect(api.ProjectRegistry.RANCHER_IGNORE_NAMESPACES_ANNOTATION).toBe('management.cattle.io/project-scoped-secret-ignore-namespaces');
  for (const member of ['MAX_SECRET_BYTES', 'DOCKER_CONFIG_JSON_TYPE', 'DOCKER_CONFIG_JSON_KEY', 'RANCHER_PROJECT_ID_KEY',
    'RANCHER_PROJECT_SCOPED_SECRET_LABEL', 'RANCHER_IGNORE_NAMESPACES_ANNOTATION']) {
    expect(API_MD).toMatch(new RegExp(`\\.property\\.${member}"`));
  }
});

test('RegistryCredentials has no public bind: its contract is the static factories', () => {
  expect(Object.getOwnPropertyNames(api.RegistryCredentials.prototype)).not.toContain('bind');
  expect(API_MD).not.toMatch(/RegistryCredentials\.bind/);
});
