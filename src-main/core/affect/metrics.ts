/**
 * Accuracy of valence/arousal predictions against ground truth: RMSE, PCC, CCC and SAGR, the four metrics MT-CLAR
 * reports (docs/DESIGN.md §2), pooled over all frames or per group (video, clip).
 *
 * Pure functions over plain number arrays. They do not care about the scale (the core uses [-1, 1]), except SAGR,
 * which compares signs and so assumes 0 is the neutral point of the scale.
 *
 * Degenerate inputs are answered, not hidden:
 * - length mismatch, empty input or a non-finite value throws a StudioError;
 * - `pearson` is NaN when either series is constant (the correlation is 0/0);
 * - `ccc` follows Lin's formula whenever its denominator is positive, so a constant series against a varying one,
 *   or two constants that differ, give 0; two constant series that are equal make the formula 0/0 and give NaN.
 */
import { StudioError } from '../errors';

export interface MetricSet {
  /** Number of (prediction, truth) pairs. */
  n: number;
  rmse: number;
  pcc: number;
  ccc: number;
  sagr: number;
}

export interface AffectValue {
  valence: number;
  arousal: number;
}

export interface AffectEvaluation {
  n: number;
  valence: MetricSet;
  arousal: MetricSet;
}

/** Throws unless both series are non-empty, equally long and finite; every metric needs all three. */
export function checkPaired(x: readonly number[], y: readonly number[], what = 'series'): void {
  if (x.length !== y.length) {
    throw new StudioError(`The two ${what} differ in length (${x.length} vs ${y.length}); they must be paired value by value.`);
  }
  if (x.length === 0) {
    throw new StudioError(`The ${what} are empty: at least one pair of values is needed.`);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) {
      throw new StudioError(`The ${what} hold a non-finite value at index ${i} (${x[i]}, ${y[i]}); remove or fill it first.`);
    }
  }
}

export function mean(x: readonly number[]): number {
  let sum = 0;
  for (const v of x) sum += v;
  return sum / x.length;
}

/**
 * Exact constancy test. Testing the computed variance against 0 would miss constant series whose floating-point
 * mean is not exactly representable (e.g. [0.1, 0.1, 0.1]) and report a garbage correlation instead of NaN.
 */
function isConstant(x: readonly number[]): boolean {
  return x.every((v) => v === x[0]);
}

/** Population (1/n) variances and covariance, as Lin's CCC is defined with them. Two-pass for accuracy. */
function moments(x: readonly number[], y: readonly number[]): { mx: number; my: number; vx: number; vy: number; cov: number } {
  const mx = mean(x);
  const my = mean(y);
  let vx = 0;
  let vy = 0;
  let cov = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    vx += dx * dx;
    vy += dy * dy;
    cov += dx * dy;
  }
  const n = x.length;
  return { mx, my, vx: vx / n, vy: vy / n, cov: cov / n };
}

export function rmse(pred: readonly number[], truth: readonly number[]): number {
  checkPaired(pred, truth);
  let sum = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = (pred[i] as number) - (truth[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum / pred.length);
}

/** Pearson's r; NaN when either series is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  if (isConstant(x) || isConstant(y)) return Number.NaN;
  const { vx, vy, cov } = moments(x, y);
  // Rounding can push |r| a hair past 1 for (anti)identical series; r is bounded by definition.
  return Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy)));
}

/**
 * Lin's (1989) concordance correlation coefficient with population moments:
 *   ccc = 2 cov(x, y) / (var(x) + var(y) + (mean(x) - mean(y))^2).
 * Unlike Pearson it penalises bias and scale differences, so a shifted copy scores below 1.
 */
export function ccc(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y);
  const xConst = isConstant(x);
  const yConst = isConstant(y);
  if (xConst && yConst) {
    // 0/0 when the constants are equal; otherwise 0 / (mean difference)^2 = 0.
    return x[0] === y[0] ? Number.NaN : 0;
  }
  // A constant series has zero covariance with anything; say so exactly rather than as rounding noise.
  if (xConst || yConst) return 0;
  const { mx, my, vx, vy, cov } = moments(x, y);
  return (2 * cov) / (vx + vy + (mx - my) ** 2);
}

/**
 * Sign agreement rate: the fraction of pairs whose signs are equal. Signs are compared as numpy's `np.sign` does in
 * MT-CLAR's code, with 0 a sign of its own: 0 vs 0 agrees, 0 vs positive or negative does not.
 */
export function sagr(pred: readonly number[], truth: readonly number[]): number {
  checkPaired(pred, truth);
  let agree = 0;
  for (let i = 0; i < pred.length; i++) {
    // Math.sign(-0) is -0, and -0 === 0, so negative zero counts as zero, as in numpy.
    if (Math.sign(pred[i] as number) === Math.sign(truth[i] as number)) agree++;
  }
  return agree / pred.length;
}

/** All four metrics for one dimension. */
export function metricSet(pred: readonly number[], truth: readonly number[]): MetricSet {
  checkPaired(pred, truth);
  return { n: pred.length, rmse: rmse(pred, truth), pcc: pearson(pred, truth), ccc: ccc(pred, truth), sagr: sagr(pred, truth) };
}

/** RMSE, PCC, CCC and SAGR for valence and for arousal, over all given frames at once. */
export function evaluate(pred: readonly AffectValue[], truth: readonly AffectValue[]): AffectEvaluation {
  if (pred.length !== truth.length) {
    throw new StudioError(`There are ${pred.length} predictions for ${truth.length} ground-truth values; they must be paired frame by frame.`);
  }
  return {
    n: pred.length,
    valence: metricSet(
      pred.map((p) => p.valence),
      truth.map((t) => t.valence),
    ),
    arousal: metricSet(
      pred.map((p) => p.arousal),
      truth.map((t) => t.arousal),
    ),
  };
}

/**
 * Pooled over every frame, as MT-CLAR reports its results: one long series, not an average of per-video scores.
 * The two differ, because per-video CCC/PCC ignore between-video differences in level.
 */
export const pooled = evaluate;

/**
 * The same metrics computed separately within each group (`groupKeys[i]` is the video or clip of frame i).
 * Groups appear in the order of their first frame. Small groups give NaN where a metric is undefined (a single frame
 * has no correlation).
 */
export function perGroup(
  pred: readonly AffectValue[],
  truth: readonly AffectValue[],
  groupKeys: readonly string[],
): Map<string, AffectEvaluation> {
  if (groupKeys.length !== pred.length || truth.length !== pred.length) {
    throw new StudioError(
      `Predictions (${pred.length}), ground truth (${truth.length}) and group keys (${groupKeys.length}) must have one entry per frame.`,
    );
  }
  const indices = new Map<string, number[]>();
  groupKeys.forEach((key, i) => {
    const list = indices.get(key);
    if (list) list.push(i);
    else indices.set(key, [i]);
  });
  const result = new Map<string, AffectEvaluation>();
  for (const [key, idx] of indices) {
    result.set(
      key,
      evaluate(
        idx.map((i) => pred[i] as AffectValue),
        idx.map((i) => truth[i] as AffectValue),
      ),
    );
  }
  return result;
}
