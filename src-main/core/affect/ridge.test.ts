/**
 * Ridge regression against systems solved by hand, in both of its forms (primal with more rows than features,
 * dual with fewer), and the cross-validated shrinkage that trained heads rely on to fall back towards the prior.
 */
import { describe, expect, it } from 'vitest';
import { blockedFolds, chooseShrinkage, predictRidge, ridgeBaseline, RidgeProblem, shrunkRegression, spreadGain } from './ridge';
import { seededRandom } from './random';

describe('ridge regression', () => {
  it('solves a one-feature system as by hand (primal form)', () => {
    // x = 0, 1, 2; y = 1, 3, 5. Centred: x -1, 0, 1 and y -2, 0, 2, so w = (sum x y) / (sum x^2 + alpha) = 4 / (2 + alpha).
    const fit = new RidgeProblem(Float64Array.from([0, 1, 2]), 1).solve([Float64Array.from([1, 3, 5])], 2);
    expect((fit.weights[0] as Float64Array)[0]).toBeCloseTo(1, 12);
    // b = mean y - w mean x = 3 - 1.
    expect(fit.intercepts[0]).toBeCloseTo(2, 12);
  });

  it('solves a two-row, three-feature system as by hand (dual form)', () => {
    // Rows (1,0,0) and (0,1,0), y = 1, -1, alpha 0.5: centred rows +-(0.5,-0.5,0), Gram [[0.5,-0.5],[-0.5,0.5]] + 0.5 I,
    // dual weights (2/3, -2/3), w = Xc^T (2/3, -2/3) = (2/3, -2/3, 0), b = 0.
    const fit = new RidgeProblem(Float64Array.from([1, 0, 0, 0, 1, 0]), 3).solve([Float64Array.from([1, -1])], 0.5);
    const w = [...(fit.weights[0] as Float64Array)];
    expect(w[0]).toBeCloseTo(2 / 3, 12);
    expect(w[1]).toBeCloseTo(-2 / 3, 12);
    expect(w[2]).toBeCloseTo(0, 12);
    expect(fit.intercepts[0]).toBeCloseTo(0, 12);
    expect([...predictRidge(fit.weights[0] as Float64Array, fit.intercepts[0] as number, Float64Array.from([1, 0, 0]), 3)][0]).toBeCloseTo(2 / 3, 12);
  });

  it('refuses a penalty that is not positive and targets of the wrong length', () => {
    const problem = new RidgeProblem(Float64Array.from([0, 1, 2]), 1);
    expect(() => problem.solve([Float64Array.from([1, 2, 3])], 0)).toThrow(/penalty must be positive/);
    expect(() => problem.solve([Float64Array.from([1, 2])], 1)).toThrow(/one target per row/);
  });

  it('makes folds of whole groups, or of contiguous rows with a single group', () => {
    expect(blockedFolds(['a', 'a', 'b', 'c', 'b']).foldOf).toEqual([0, 0, 1, 2, 1]);
    expect(blockedFolds(Array(10).fill('video')).foldOf).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  /** n rows of d features, y = x . truth + noise. */
  function linearData(n: number, d: number, truth: (k: number) => number, noise: number, seed: number) {
    const random = seededRandom(seed);
    const x = Float64Array.from({ length: n * d }, () => random() * 2 - 1);
    const y = Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += (x[i * d + k] as number) * truth(k);
      return s + noise * (random() * 2 - 1);
    });
    return { x, y, groups: Array.from({ length: n }, (_, i) => `g${i % 10}`) };
  }

  it('stays at the start weights when the labels say nothing, and leaves them when the labels say otherwise', () => {
    const d = 20;
    const start = [Float64Array.from({ length: d }, (_, k) => (k === 0 ? 1 : 0))];
    // The labels are the start's prediction plus noise: held-out error is least with a strong pull towards the
    // start (towards zero would lose feature 0, a weak pull would fit the noise).
    const noisy = linearData(60, d, (k) => (k === 0 ? 1 : 0), 0.5, 3);
    const near = chooseShrinkage(noisy.x, d, [noisy.y], noisy.groups, start)[0];
    expect(near?.towards).toBe(1);
    expect(near?.alpha).toBeGreaterThanOrEqual(300);
    // The labels follow feature 1 only: the start's weight on feature 0 is worth nothing and is dropped.
    const other = linearData(200, d, (k) => (k === 1 ? 1 : 0), 0.05, 5);
    const fit = shrunkRegression(other.x, d, [other.y], other.groups, start);
    const w = fit.weights[0] as Float64Array;
    expect(w[1] as number).toBeGreaterThan(0.8);
    expect(Math.abs(w[0] as number)).toBeLessThan(0.2);
  });

  it('gives the baseline the spread of the support labels', () => {
    const d = 30;
    const data = linearData(40, d, (k) => (k < 3 ? 1 : 0), 0.5, 8);
    const [pred] = ridgeBaseline(data.x, d, [data.y], data.groups, data.x) as [Float64Array];
    const sd = (v: Float64Array) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
    };
    expect(sd(pred)).toBeCloseTo(sd(data.y), 10);
    expect(spreadGain([1, 1, 1], [0, 2])).toBe(1);
  });
});
