/**
 * The example app: the seed docs' scenarios as code. `npm run synth` writes
 * them to dist/. Demo credentials are placeholders unless QUAY_USERNAME and
 * QUAY_PASSWORD are exported, in which case those are used.
 */
import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { RegistryCredentials, RegistrySecret, RegistryServer } from '../src';

/** Placeholders, obviously not real, so the example synthesizes with no environment. */
function quayCredentials(): RegistryCredentials {
  if (process.env.QUAY_USERNAME || process.env.QUAY_PASSWORD) {
    return RegistryCredentials.fromEnv('QUAY_USERNAME', 'QUAY_PASSWORD');
  }
  return RegistryCredentials.fromUsernamePassword('<username>', '<password>');
}

/** "Creating a Registry in Namespaces": the testquay secret in `default`. */
export class NamespaceRegistryChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, { namespace: 'default', ...props });
    new RegistrySecret(this, 'testquay', {
      name: 'testquay',
      server: RegistryServer.QUAY,
      credentials: quayCredentials(),
    });
  }
}

const app = new App();
new NamespaceRegistryChart(app, 'namespace-registry');
app.synth();
