/**
 * Throwaway experiment behind `npm run bench -- --patch-validate-once`: what
 * cdk8s would cost if it validated (and resolved dependencies of) the app
 * once per `App.synth()` / `App.synthYaml()` instead of once per chart.
 *
 * cdk8s 2.70's `App.synthYaml()` and `App.synth()` resolve dependencies and
 * validate the whole app, then serialize each chart with `chart.toJson()`,
 * which calls `App._synthChart(chart)`, which resolves dependencies and
 * validates the WHOLE app again before `chartToKube(chart)`. With one chart
 * per namespace, that is charts + 1 walks of every construct.
 *
 * The patch: while an app is inside `synth()` / `synthYaml()` (which already
 * prepared it), `_synthChart` only serializes the chart. A `chart.toJson()`
 * called on its own (e.g. `Testing.synth(chart)`) still prepares the app.
 * Not for production: it replaces an internal cdk8s method.
 */
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';

/** Apps currently inside `synth()` / `synthYaml()`, which resolved and validated the whole app before any chart. */
const prepared = new WeakSet<App>();
let patched = false;

/** Patches cdk8s's `App` in this process (idempotent). */
export function patchValidateOnce(): void {
  if (patched) return;
  patched = true;
  const originalSynthChart = App._synthChart.bind(App);
  App._synthChart = (chart: Chart): any[] => {
    const app = App.of(chart);
    if (!prepared.has(app)) return originalSynthChart(chart);
    return chartToKube(chart).map((o) => o.toJson());
  };
  for (const method of ['synth', 'synthYaml'] as const) {
    const original = App.prototype[method] as (this: App) => unknown;
    Object.defineProperty(App.prototype, method, {
      configurable: true,
      writable: true,
      value: function (this: App) {
        prepared.add(this);
        try {
          return original.call(this);
        } finally {
          prepared.delete(this);
        }
      },
    });
  }
}

/** cdk8s's own (module-private) `chartToKube`: the chart's API objects in dependency order, each only in its closest chart. */
function chartToKube(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart);
}
