import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { creds } from './credentials';
import { PullSecretWiring, RegistrySecret } from '../../src';

/** The password of the app's pull secret: no output may contain it. */
export const PATHS_PASSWORD = 'Paths-S3cret!';

/** A Deployment and a Service of one name, as a Helm chart or an upstream manifest has them. */
export const REDIS_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: redis-follower}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers: [{name: follower, image: quay.io/example/redis-follower:7}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-follower}
spec:
  selector: {app: redis}
  ports: [{port: 6379}]
`;

/**
 * Chart "shop" (namespace shop): a RegistrySecret, an Include of
 * {@link REDIS_YAML}, a cdk8s-plus Deployment "frontend" and a raw
 * ConfigMap, all wired; chart "ops" (no namespace): a raw ConfigMap.
 */
export function includeApp(dir: string, outdir: string, props: { recordConstructMetadata?: boolean } = {}): App {
  const yaml = path.join(dir, 'redis.yaml');
  fs.writeFileSync(yaml, REDIS_YAML);
  const app = new App({ outdir, ...props });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(shop, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(PATHS_PASSWORD) });
  new Include(shop, 'redis', { url: yaml });
  new kplus.Deployment(shop, 'frontend', { metadata: { name: 'frontend' }, containers: [{ name: 'web', image: 'quay.io/example/frontend:1' }] });
  new ApiObject(shop, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  PullSecretWiring.applyTo(shop);
  const ops = new Chart(app, 'ops');
  new ApiObject(ops, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
  return app;
}
