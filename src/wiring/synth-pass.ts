import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Tells the validation passes of one synth apart from the next synth.
 *
 * cdk8s validates the whole app once more for every chart it serializes
 * (`App._synthChart`), so a synth of N charts runs every validation N+1
 * times, with nothing changing in between. App-wide rules of this library
 * (secret names, app-wide wiring) would then cost O(N × app). A validation on
 * the root runs first in every pass (cdk8s visits constructs in preorder) and
 * takes a cheap fingerprint of what can change between synths; app-wide rules
 * recompute only when it changed.
 *
 * The fingerprint counts this library's registrations, the children of the
 * app and those of its charts. A construct nested deeper than a chart's
 * direct children, added after a first synth of the same app, is seen once
 * anything in the fingerprint changes.
 */
export class SynthPassTracker {
  private currentFingerprint = '';

  constructor(private readonly root: IConstruct, private readonly registrations: () => number) {
    root.node.addValidation({
      validate: () => {
        this.currentFingerprint = this.takeFingerprint();
        return [];
      },
    });
  }

  /** Runs `compute` when the fingerprint changed since `memo` was filled; else returns the memo. */
  public memoize<T>(memo: { fingerprint?: string; value?: T }, compute: () => T): T {
    if (memo.fingerprint !== this.currentFingerprint || this.currentFingerprint === '') {
      memo.value = compute();
      memo.fingerprint = this.currentFingerprint;
    }
    return memo.value as T;
  }

  private takeFingerprint(): string {
    const children = this.root.node.children;
    const counts = [this.registrations(), children.length];
    for (const child of children) if (Chart.isChart(child)) counts.push(child.node.children.length);
    return counts.join(',');
  }
}
