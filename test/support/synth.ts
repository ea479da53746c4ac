import { App } from 'cdk8s';

/** Synthesizes `app` and returns the error message; fails the test if the synth succeeds. */
export function synthError(app: App): string {
  try {
    app.synthYaml();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the synth to fail');
}
