/**
 * Ridge regression on face descriptors (issue 16). Two users:
 * - the `ridge` baseline of `evaluate` (docs/notes/fewshot-baselines.md's strongest simple one), which the studio
 *   has to beat on clips it has no label of;
 * - a trained pair head's delta weights (trainHead.ts): MT-CLAR's delta loss on label pairs is least squares with
 *   almost no penalty, and with a few hundred labels on 263 features it overfits its support (kerc-dev: accuracy on
 *   unseen clips fell below the prior's as the support grew). Ridge pulls the weights towards a multiple of the
 *   prior head's, with the penalty and the multiple chosen by blocked cross-validation: the head falls back
 *   towards the prior exactly as far as held-out error says it should.
 *
 * Everything is chosen from the labelled rows alone: features standardised on them, folds made of whole groups
 * (clips or videos: frames of one clip are near copies, so a random split would pick a penalty that memorises) or,
 * with a single group, of contiguous blocks of rows (labels in time order). Predictions are then given the
 * labels' sd per dimension, because CCC rewards matching the spread and least squares shrinks it.
 *
 * Solved exactly in whichever form is smaller, primal (d x d) or dual (n x n), by Cholesky; the Gram matrix of a
 * fold is built once for all penalties.
 */
import { StudioError } from '../errors';

/** The penalties the inner cross-validation chooses from, per standardised feature. */
export const RIDGE_ALPHAS: readonly number[] = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000];
export const RIDGE_INNER_FOLDS = 5;

/** Lower-triangular L with L L^T = A (A symmetric positive definite, n x n row-major). */
function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(s > 0)) throw new StudioError('Ridge regression met a singular system: give a positive penalty.');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

/** Solves L L^T x = b. */
function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}

export interface RidgeFit {
  /** Per output: weights on the features as given, and the intercept. */
  weights: Float64Array[];
  intercepts: number[];
}

/**
 * The rows of one regression, centred, with their Gram matrix: solving for another penalty or other targets
 * costs one Cholesky, not a new Gram matrix.
 */
export class RidgeProblem {
  readonly n: number;
  private readonly mean: Float64Array;
  private readonly xc: Float64Array;
  private readonly primal: boolean;
  private readonly gram: Float64Array;

  /** `x`: n rows of d features, row-major. */
  constructor(
    x: Float64Array,
    readonly d: number,
  ) {
    const n = x.length / d;
    if (!Number.isInteger(n) || n < 1) throw new StudioError(`Ridge regression needs whole rows of ${d} features, not ${x.length} values.`);
    this.n = n;
    this.mean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) this.mean[k] = (this.mean[k] as number) + (x[i * d + k] as number) / n;
    this.xc = Float64Array.from(x, (v, idx) => v - (this.mean[idx % d] as number));
    this.primal = d <= n;
    const m = this.primal ? d : n;
    this.gram = new Float64Array(m * m);
    const xc = this.xc;
    if (this.primal) {
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < d; p++) {
          const xp = xc[i * d + p] as number;
          if (xp === 0) continue;
          for (let q = 0; q <= p; q++) this.gram[p * d + q] = (this.gram[p * d + q] as number) + xp * (xc[i * d + q] as number);
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += (xc[i * d + k] as number) * (xc[j * d + k] as number);
          this.gram[i * n + j] = s;
        }
      }
    }
    for (let p = 0; p < m; p++) for (let q = 0; q < p; q++) this.gram[q * m + p] = this.gram[p * m + q] as number;
  }

  /** Minimises |y - X w - b|^2 + alpha |w|^2 (b unpenalised) for every target column of `ys`. */
  solve(ys: readonly Float64Array[], alpha: number): RidgeFit {
    const { n, d, xc } = this;
    if (ys.some((y) => y.length !== n)) throw new StudioError(`Ridge regression needs one target per row (${n} rows).`);
    if (!(alpha > 0)) throw new StudioError(`A ridge penalty must be positive, not ${alpha}.`);
    const m = this.primal ? d : n;
    const a = Float64Array.from(this.gram);
    for (let p = 0; p < m; p++) a[p * m + p] = (a[p * m + p] as number) + alpha;
    const l = cholesky(a, m);
    const weights = ys.map((y) => {
      const ym = y.reduce((s, v) => s + v, 0) / n;
      const yc = Float64Array.from(y, (v) => v - ym);
      if (this.primal) {
        // (Xc^T Xc + alpha I) w = Xc^T yc
        const b = new Float64Array(d);
        for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) b[k] = (b[k] as number) + (xc[i * d + k] as number) * (yc[i] as number);
        return choleskySolve(l, d, b);
      }
      // The same solution through the n x n system: w = Xc^T (Xc Xc^T + alpha I)^-1 yc.
      const dual = choleskySolve(l, n, yc);
      const w = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) w[k] = (w[k] as number) + (xc[i * d + k] as number) * (dual[i] as number);
      return w;
    });
    const intercepts = weights.map((w, o) => (ys[o] as Float64Array).reduce((s, v) => s + v, 0) / n - w.reduce((s, v, k) => s + v * (this.mean[k] as number), 0));
    return { weights, intercepts };
  }
}

/** One output's predictions for n rows of d features. */
export function predictRidge(weights: Float64Array, intercept: number, x: Float64Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = intercept;
    for (let k = 0; k < d; k++) s += (x[i * d + k] as number) * (weights[k] as number);
    out[i] = s;
  }
  return out;
}

/** Per-feature mean and sd over the rows (sd 1 for a constant feature), to standardise with. */
export function featureStats(x: Float64Array, d: number): { mean: Float64Array; sd: Float64Array } {
  const n = x.length / d;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] = (mean[k] as number) + (x[i * d + k] as number) / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) sq[k] = (sq[k] as number) + ((x[i * d + k] as number) - (mean[k] as number)) ** 2 / n;
  return { mean, sd: Float64Array.from(sq, (v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export const standardise = (x: Float64Array, d: number, stats: { mean: Float64Array; sd: Float64Array }): Float64Array =>
  Float64Array.from(x, (v, idx) => (v - (stats.mean[idx % d] as number)) / (stats.sd[idx % d] as number));

/**
 * Fold of each row: whole groups dealt round-robin into at most RIDGE_INNER_FOLDS folds when there are at least
 * two groups, else contiguous blocks of rows.
 */
export function blockedFolds(groups: readonly string[]): { folds: number; foldOf: number[] } {
  const order = [...new Set(groups)];
  if (order.length >= 2) {
    const folds = Math.min(RIDGE_INNER_FOLDS, order.length);
    const index = new Map(order.map((g, i) => [g, i % folds]));
    return { folds, foldOf: groups.map((g) => index.get(g) as number) };
  }
  const folds = Math.min(RIDGE_INNER_FOLDS, groups.length);
  return { folds, foldOf: groups.map((_, i) => Math.floor((i * folds) / groups.length)) };
}

const rowsOf = (x: Float64Array, d: number, idx: readonly number[]) => {
  const out = new Float64Array(idx.length * d);
  idx.forEach((i, r) => out.set(x.subarray(i * d, (i + 1) * d), r * d));
  return out;
};

export interface ShrinkChoice {
  alpha: number;
  /** Multiple of the start weights the ridge penalty pulls towards (0: towards zero). */
  towards: number;
}

/**
 * For each target: the penalty and the multiple of `start` (weights per standardised feature, one array per
 * target) with the least squared error over blocked folds. `x` must already be standardised.
 */
export function chooseShrinkage(
  x: Float64Array,
  d: number,
  ys: readonly Float64Array[],
  groups: readonly string[],
  start: readonly Float64Array[] | null,
  options: { alphas?: readonly number[]; towards?: readonly number[] } = {},
): ShrinkChoice[] {
  const alphas = options.alphas ?? RIDGE_ALPHAS;
  const towards = start ? (options.towards ?? [0, 0.5, 1]) : [0];
  const n = x.length / d;
  const { folds, foldOf } = blockedFolds(groups);
  const errors = ys.map(() => towards.map(() => new Float64Array(alphas.length)));
  const startPrediction = (o: number, rows: Float64Array) => (start ? predictRidge(start[o] as Float64Array, 0, rows, d) : new Float64Array(rows.length / d));
  for (let f = 0; f < folds; f++) {
    const train = [...Array(n).keys()].filter((i) => foldOf[i] !== f);
    const test = [...Array(n).keys()].filter((i) => foldOf[i] === f);
    if (train.length < 2 || test.length === 0) continue;
    const xTrain = rowsOf(x, d, train);
    const xTest = rowsOf(x, d, test);
    const problem = new RidgeProblem(xTrain, d);
    ys.forEach((y, o) => {
      const baseTrain = startPrediction(o, xTrain);
      const baseTest = startPrediction(o, xTest);
      const targets = towards.map((c) => Float64Array.from(train, (i, r) => (y[i] as number) - c * (baseTrain[r] as number)));
      alphas.forEach((alpha, a) => {
        const fit = problem.solve(targets, alpha);
        towards.forEach((c, t) => {
          const pred = predictRidge(fit.weights[t] as Float64Array, fit.intercepts[t] as number, xTest, d);
          let sq = 0;
          test.forEach((i, r) => (sq += ((pred[r] as number) + c * (baseTest[r] as number) - (y[i] as number)) ** 2));
          const row = (errors[o] as Float64Array[])[t] as Float64Array;
          row[a] = (row[a] as number) + sq;
        });
      });
    });
  }
  return errors.map((perTowards) => {
    let best = { alpha: alphas[0] as number, towards: towards[0] as number, error: Infinity };
    perTowards.forEach((row, t) => row.forEach((e, a) => e < best.error && (best = { alpha: alphas[a] as number, towards: towards[t] as number, error: e })));
    return { alpha: best.alpha, towards: best.towards };
  });
}

/**
 * Ridge weights per target on the raw features, shrunk towards a multiple of `start` (raw-feature weights, or
 * null for plain ridge) as cross-validation chose, then scaled so the fitted values have the labels' sd.
 */
export function shrunkRegression(x: Float64Array, d: number, ys: readonly Float64Array[], groups: readonly string[], start: readonly Float64Array[] | null): RidgeFit {
  const stats = featureStats(x, d);
  const xs = standardise(x, d, stats);
  // Start weights per standardised feature: a raw weight w on x is w * sd on (x - mean) / sd.
  const startStd = start?.map((w) => Float64Array.from(w, (v, k) => v * (stats.sd[k] as number))) ?? null;
  const choices = chooseShrinkage(xs, d, ys, groups, startStd);
  const problem = new RidgeProblem(xs, d);
  const weights: Float64Array[] = [];
  const intercepts: number[] = [];
  ys.forEach((y, o) => {
    const { alpha, towards } = choices[o] as ShrinkChoice;
    const base = startStd ? predictRidge(startStd[o] as Float64Array, 0, xs, d) : new Float64Array(y.length);
    const fit = problem.solve([Float64Array.from(y, (v, i) => v - towards * (base[i] as number))], alpha);
    const std = Float64Array.from(fit.weights[0] as Float64Array, (v, k) => v + towards * (startStd ? ((startStd[o] as Float64Array)[k] as number) : 0));
    const gain = spreadGain(predictRidge(std, 0, xs, d), y);
    // Back to raw features: w_raw = w_std / sd, and the intercept absorbs the means.
    const raw = Float64Array.from(std, (v, k) => (gain * v) / (stats.sd[k] as number));
    weights.push(raw);
    intercepts.push(mean(y) - raw.reduce((s, v, k) => s + v * (stats.mean[k] as number), 0));
  });
  return { weights, intercepts };
}

/**
 * The ridge baseline of `evaluate`: plain ridge (towards zero) on the support rows, penalty per output by blocked
 * cross-validation over `groups`, predictions for `queries` (rows of d features) with the support's sd and mean.
 */
export function ridgeBaseline(support: Float64Array, d: number, ys: readonly Float64Array[], groups: readonly string[], queries: Float64Array): Float64Array[] {
  const fit = shrunkRegression(support, d, ys, groups, null);
  return ys.map((_, o) => predictRidge(fit.weights[o] as Float64Array, fit.intercepts[o] as number, queries, d));
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  return s / v.length;
}

function sd(v: ArrayLike<number>): number {
  const m = mean(v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += ((v[i] as number) - m) ** 2;
  return Math.sqrt(s / v.length);
}

/** The factor that gives `fitted` the sd of `target` (1 when `fitted` is constant). */
export function spreadGain(fitted: ArrayLike<number>, target: ArrayLike<number>): number {
  const s = sd(fitted);
  return s > 1e-12 ? sd(target) / s : 1;
}
