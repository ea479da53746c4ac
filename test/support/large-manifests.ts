import * as fs from 'fs';

/** A pull secret for registry.example.com in namespace `team-a`, as the first document of a generated file. */
export const LARGE_PULL_SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: regcred',
  '  namespace: team-a',
  'type: kubernetes.io/dockerconfigjson',
  'stringData:',
  '  .dockerconfigjson: \'{"auths":{"registry.example.com":{"auth":"dXNlcjpwYXNz"}}}\'',
  '',
].join('\n');

/** One Deployment of about 315 bytes, pulling from registry.example.com with `regcred`. */
export function deploymentYaml(i: number): string {
  const name = `app-${String(i).padStart(6, '0')}`;
  return [
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  namespace: team-a',
    'spec:',
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    '      imagePullSecrets: [{name: regcred}]',
    '      containers:',
    '        - name: main',
    `          image: registry.example.com/team/${name}:1.0`,
    '',
  ].join('\n');
}

/** One small ConfigMap document (about 75 bytes). */
export function configMapYaml(i: number): string {
  return `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(8, '0')}\n`;
}

/**
 * Writes `count` documents made by `document` (after `header`) to `file`,
 * in batches, without holding the file in memory. Returns the file's size.
 */
export function writeManyDocuments(file: string, count: number, document: (i: number) => string, header = ''): number {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(document(i));
      if (batch.length === 4096) {
        fs.writeSync(fd, batch.join(''));
        batch = [];
      }
    }
    fs.writeSync(fd, batch.join(''));
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}
