import { App, Chart, Cron } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { creds } from './credentials';
import { PrivateImageWorkload, RegistrySecret, WorkloadKind } from '../../src';

/** The password of the events suites' pull secrets: no output may contain it. */
export const EVENTS_PASSWORD = 'Ev3nts-S3cret!';

/**
 * The app behind test/fixtures/events/manifests (synthesized with
 * `recordConstructMetadata`, as cdk8s-cli does when validations run):
 *
 * - chart "shop" (namespace shop): pull secrets "quay-pull" (quay.io) and
 *   "hub-pull" (Docker Hub); Deployment "web" (quay.io), CronJob
 *   "nightly-report" (a private Docker Hub image); a raw Deployment "api"
 *   (no cdk8s-plus label) next to a Service also called "api"; a raw Job
 *   "migrate" whose ServiceAccount "builder" holds the pull secret;
 * - chart "data" (namespace data, no Docker Hub credential): StatefulSet "db" (postgres).
 */
export function eventsApp(outdir: string): App {
  const app = new App({ outdir, recordConstructMetadata: true });
  const shop = new Chart(app, 'shop', { namespace: 'shop' });
  new RegistrySecret(shop, 'quay', { name: 'quay-pull', server: 'quay.io', credentials: creds(EVENTS_PASSWORD) });
  new RegistrySecret(shop, 'hub', { name: 'hub-pull', credentials: creds(EVENTS_PASSWORD) });
  new PrivateImageWorkload(shop, 'web', { name: 'web', image: 'quay.io/example/shop-web:2.3.1', containerName: 'main' });
  new PrivateImageWorkload(shop, 'report', {
    name: 'nightly-report', kind: WorkloadKind.CRON_JOB, schedule: Cron.daily(), image: 'example/private-tool:1.0', containerName: 'main',
  });
  new k8s.KubeDeployment(shop, 'api-deployment', {
    metadata: { name: 'api' },
    spec: {
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'ghcr.io/example/api:3.0' }] } },
    },
  });
  new k8s.KubeService(shop, 'api-service', { metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } });
  new k8s.KubeServiceAccount(shop, 'builder', { metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'quay-pull' }] });
  new k8s.KubeJob(shop, 'migrate', {
    metadata: { name: 'migrate' },
    spec: {
      template: {
        spec: { serviceAccountName: 'builder', restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'quay.io/example/migrate:1.0' }] },
      },
    },
  });
  const data = new Chart(app, 'data', { namespace: 'data' });
  new PrivateImageWorkload(data, 'db', {
    name: 'db', kind: WorkloadKind.STATEFUL_SET, image: 'postgres:16', containerName: 'postgres', publicImages: ['docker.io/library'],
  });
  return app;
}
