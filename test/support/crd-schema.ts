/**
 * Validates synthesized custom resources against the OpenAPI v3 schema of
 * their CustomResourceDefinition (test/fixtures/crds), as the API server
 * does on create: the version must be served, and the object must match the
 * schema of that version. Kubernetes' own extensions (`x-kubernetes-*`) and
 * formats are not checked; the ESO CRDs used here carry no CEL rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

const CRD_DIR = path.join(__dirname, '..', 'fixtures', 'crds');

interface LoadedVersions {
  readonly kind: string;
  readonly group: string;
  readonly validators: Map<string, ValidateFunction>;
}

let loaded: Map<string, LoadedVersions> | undefined;

/** Every CRD in the fixtures folder, by `apiVersion/kind`. */
function crds(): Map<string, LoadedVersions> {
  if (loaded) return loaded;
  loaded = new Map();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const file of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const validators = new Map<string, ValidateFunction>();
      for (const version of crd.spec.versions) {
        if (!version.served) continue;
        validators.set(version.name, ajv.compile(version.schema.openAPIV3Schema));
      }
      for (const name of validators.keys()) {
        loaded.set(`${crd.spec.group}/${name}/${crd.spec.names.kind}`, { kind: crd.spec.names.kind, group: crd.spec.group, validators });
      }
    }
  }
  return loaded;
}

/** Whether a CRD in the fixtures defines `apiVersion`/`kind` (served or not). */
export function hasCrd(object: { apiVersion: string; kind: string }): boolean {
  const group = object.apiVersion.split('/')[0];
  return [...crds().values()].some((crd) => crd.group === group && crd.kind === object.kind);
}

/** The schema errors of `object` (empty when valid); an unknown or unserved version is an error. */
export function crdSchemaErrors(object: { apiVersion: string; kind: string }): string[] {
  const crd = crds().get(`${object.apiVersion}/${object.kind}`);
  if (!crd) return [`no served CRD version for ${object.apiVersion} ${object.kind}`];
  const validate = crd.validators.get(object.apiVersion.split('/')[1])!;
  if (validate(object)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
