/**
 * Inter-rater agreement for continuous ratings (issues 8, 15): the ICC forms, Krippendorff's alpha, CCC, r, RMSE
 * and Bland-Altman limits, and fusion of several raters into a gold standard.
 *
 * Every function takes a ratings matrix: one row per item (a frame), one column per rater (an annotator, or the
 * model). NaN marks a missing rating, and is accepted only where a function says so: Krippendorff's alpha, the
 * pairwise measures, the fusions and the report. The ICCs need complete data and throw otherwise.
 */
import { StudioError } from '../errors';
import { mean, pearson } from './metrics';

/** Rows are items, columns are raters; NaN is a missing rating. */
export type RatingMatrix = readonly (readonly number[])[];

export interface MeanSquares {
  /** Number of targets (rows) and judges (columns). */
  n: number;
  k: number;
  /** Between-targets, within-target, between-judges and residual mean squares (Shrout & Fleiss 1979, Table 1). */
  bms: number;
  wms: number;
  jms: number;
  ems: number;
}

/**
 * The ICC forms by the names of McGraw & Wong (1996), "Forming inferences about some intraclass correlation
 * coefficients", Psychological Methods 1:30-46, which name what a form measures (A: absolute agreement, C:
 * consistency, i.e. a rater's constant offset ignored; 1: one rater, k: the mean of the k raters). Each is the same
 * formula as a form of Shrout & Fleiss (1979), named alongside so either literature can be followed.
 */
export const ICC_FORMS = {
  'ICC(1)': { shroutFleiss: 'ICC(1,1)', means: 'one-way random effects, absolute agreement, one rater' },
  'ICC(A,1)': { shroutFleiss: 'ICC(2,1)', means: 'two-way random effects, absolute agreement, one rater' },
  'ICC(C,1)': { shroutFleiss: 'ICC(3,1)', means: 'two-way mixed effects, consistency, one rater' },
  'ICC(k)': { shroutFleiss: 'ICC(1,k)', means: 'one-way random effects, absolute agreement, mean of k raters' },
  'ICC(A,k)': { shroutFleiss: 'ICC(2,k)', means: 'two-way random effects, absolute agreement, mean of k raters' },
  'ICC(C,k)': { shroutFleiss: 'ICC(3,k)', means: 'two-way mixed effects, consistency, mean of k raters' },
} as const;
export type IccForm = keyof typeof ICC_FORMS;
export const ICC_FORM_NAMES = Object.keys(ICC_FORMS) as IccForm[];

/** Every figure agreement reports for a set of raters, in the order it is shown. */
export const MEASURES = [...ICC_FORM_NAMES, 'alpha', 'CCC', 'r', 'RMSE'] as const;
export type Measure = (typeof MEASURES)[number];

export interface PairAgreement {
  /** Column indices of the two raters. */
  a: number;
  b: number;
  /** Items both rated. */
  n: number;
  ccc: number;
  pearson: number;
  rmse: number;
}

export interface MatrixAgreement {
  items: number;
  raters: number;
  /** Items every rater rated: the ones the ICCs are computed on. */
  completeItems: number;
  /**
   * ICCs on the complete items; Krippendorff's interval alpha on every pairable rating; CCC, r and RMSE between the
   * two raters, or for more the mean over rater pairs (the per-pair values are in `pairs`).
   */
  values: Record<Measure, number>;
  pairs: PairAgreement[];
}

export interface BlandAltman {
  /** Items both raters rated. */
  n: number;
  /** Mean of (a - b): a's bias against b. */
  meanDifference: number;
  /** Sample standard deviation (n - 1) of the differences. */
  sdDifference: number;
  /** Limits of agreement: meanDifference -+ 1.96 sdDifference, where 95% of differences are expected to fall. */
  lower: number;
  upper: number;
}

export interface EweResult {
  /** The fused rating per item; NaN where no rater with a positive weight rated the item. */
  gold: number[];
  /** One per rater, non-negative, summing to 1. */
  weights: number[];
  /** Each rater's correlation with its reference (before clipping); NaN where undefined. */
  correlations: number[];
}

/** Shape checks shared by everything here; missing values (NaN) are left to each function to accept or refuse. */
function checkMatrix(matrix: RatingMatrix, minRaters = 2): { n: number; k: number } {
  const n = matrix.length;
  if (n === 0) throw new StudioError('The ratings are empty: at least one item is needed.');
  const k = (matrix[0] as readonly number[]).length;
  if (k < minRaters) {
    throw new StudioError(`Agreement needs at least ${minRaters} raters (columns); got ${k}.`);
  }
  matrix.forEach((row, i) => {
    if (row.length !== k) {
      throw new StudioError(`Item ${i} has ${row.length} ratings where the first item has ${k}; every row needs one entry per rater (NaN for missing).`);
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v) && !Number.isNaN(v)) {
        throw new StudioError(`The rating of item ${i} by rater ${j} is ${v}; ratings must be finite numbers or NaN for missing.`);
      }
    });
  });
  return { n, k };
}

function column(matrix: RatingMatrix, j: number): number[] {
  return matrix.map((row) => row[j] as number);
}

function isComplete(row: readonly number[]): boolean {
  return row.every((v) => !Number.isNaN(v));
}

/**
 * The two-way ANOVA mean squares of Shrout & Fleiss (1979): with row means r_i, column means c_j and grand mean g,
 *   BMS = k sum_i (r_i - g)^2 / (n - 1)                    between targets
 *   JMS = n sum_j (c_j - g)^2 / (k - 1)                    between judges
 *   WMS = sum_ij (x_ij - r_i)^2 / (n (k - 1))              within targets (judges + residual)
 *   EMS = (SS_total - SS_targets - SS_judges) / ((n - 1)(k - 1))   residual
 * computed from the matrix's sums (RatingSums), as every figure here is.
 */
export function meanSquares(matrix: RatingMatrix): MeanSquares {
  const { n, k } = checkMatrix(matrix);
  if (n < 2) throw new StudioError('The ICC needs at least 2 items (rows) to separate targets from error.');
  matrix.forEach((row, i) => {
    if (!isComplete(row)) {
      throw new StudioError(`Item ${i} has a missing rating; the ICC needs every rater to rate every item (use Krippendorff's alpha for incomplete data).`);
    }
  });
  return meanSquaresOfSums(ratingSums(matrix), k);
}

function meanSquaresOfSums(sums: RatingSums, k: number): MeanSquares {
  const at = slots(k);
  const n = sums[at.complete] as number;
  const grand = (sums[at.rowMeans] as number) / n;
  const ssTargets = k * ((sums[at.rowMeanSquares] as number) - n * grand * grand);
  let ssJudges = 0;
  for (let j = 0; j < k; j++) ssJudges += n * ((sums[at.columns + j] as number) / n - grand) ** 2;
  const ssTotal = (sums[at.squares] as number) - n * k * grand * grand;
  return {
    n,
    k,
    bms: ssTargets / (n - 1),
    wms: (ssTotal - ssTargets) / (n * (k - 1)),
    jms: ssJudges / (k - 1),
    ems: (ssTotal - ssTargets - ssJudges) / ((n - 1) * (k - 1)),
  };
}

/**
 * ICC(1,1) to ICC(3,k) of Shrout & Fleiss (1979), Table 2, from the mean squares:
 *   (1,1) = (BMS - WMS) / (BMS + (k-1) WMS)               one-way random: each target rated by different judges
 *   (2,1) = (BMS - EMS) / (BMS + (k-1) EMS + k (JMS - EMS) / n)   two-way random, absolute agreement
 *   (3,1) = (BMS - EMS) / (BMS + (k-1) EMS)               two-way mixed, consistency (judge bias ignored)
 *   (1,k) = (BMS - WMS) / BMS
 *   (2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
 *   (3,k) = (BMS - EMS) / BMS
 * Complete data only. If every rating is identical the forms are 0/0 and come out NaN. Keyed by the McGraw & Wong
 * names (ICC_FORMS maps each to its Shrout & Fleiss name).
 */
export function icc(matrix: RatingMatrix): Record<IccForm, number> {
  return iccOfMeanSquares(meanSquares(matrix));
}

function iccOfMeanSquares({ n, k, bms, wms, jms, ems }: MeanSquares): Record<IccForm, number> {
  return {
    'ICC(1)': (bms - wms) / (bms + (k - 1) * wms),
    'ICC(A,1)': (bms - ems) / (bms + (k - 1) * ems + (k * (jms - ems)) / n),
    'ICC(C,1)': (bms - ems) / (bms + (k - 1) * ems),
    'ICC(k)': (bms - wms) / bms,
    'ICC(A,k)': (bms - ems) / (bms + (jms - ems) / n),
    'ICC(C,k)': (bms - ems) / bms,
  };
}

/**
 * Krippendorff's alpha, alpha = 1 - D_o / D_e, in the coincidence formulation of Krippendorff (2011), "Computing
 * Krippendorff's Alpha-Reliability". Missing ratings (NaN) are allowed: only pairable values count, i.e. values in
 * items rated by at least two raters; an item with a single rating is dropped entirely.
 *   D_o = (1/n) sum_u [ sum_{i != j in u} delta(v_i, v_j) / (m_u - 1) ]
 *   D_e = sum_{i != j over all n pairable values} delta(v_i, v_j) / (n (n - 1))
 * with delta = (a - b)^2 for interval data and [a != b] for nominal data. The pair sums have closed forms
 * (2 m^2 var for interval, m^2 - sum of squared category counts for nominal), so this is linear in the number of
 * ratings and fine for whole videos. NaN when there are no pairable values or no variation at all (D_e = 0).
 */
export function krippendorffAlpha(matrix: RatingMatrix, level: 'interval' | 'nominal' = 'interval'): number {
  const { k } = checkMatrix(matrix);
  if (level === 'interval') return alphaOfSums(ratingSums(matrix), k);
  const pairable: number[] = [];
  let observed = 0;
  for (const row of matrix) {
    const values = row.filter((v) => !Number.isNaN(v));
    if (values.length < 2) continue;
    observed += countUnequalPairs(values) / (values.length - 1);
    pairable.push(...values);
  }
  const n = pairable.length;
  if (n < 2) return Number.NaN;
  const expected = countUnequalPairs(pairable) / (n - 1);
  // Both D_o and D_e carry a 1/n that cancels; keep them as sums.
  if (expected === 0) return Number.NaN;
  return 1 - observed / expected;
}

/** Interval alpha from the sums: D_e's pair sum over all N pairable values is 2 (N sum v^2 - (sum v)^2). */
function alphaOfSums(sums: RatingSums, k: number): number {
  const at = slots(k);
  const n = sums[at.alpha + 1] as number;
  if (n < 2) return Number.NaN;
  const sum = sums[at.alpha + 2] as number;
  const squares = sums[at.alpha + 3] as number;
  const spread = n * squares - sum * sum;
  if (isNoSpread(spread, n * squares)) return Number.NaN;
  return 1 - (sums[at.alpha] as number) / ((2 * spread) / (n - 1));
}

/** Number of ordered pairs i != j with different values: m^2 minus the pairs (incl. i = j) within each category. */
function countUnequalPairs(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let same = 0;
  for (const c of counts.values()) same += c * c;
  return values.length ** 2 - same;
}

/**
 * CCC, Pearson r and RMSE between two raters over the items both rated (metrics.ts definitions: Lin's CCC with
 * population moments). With fewer than two shared items all three are NaN: a single point says nothing about
 * concordance.
 */
export function pairAgreement(x: readonly number[], y: readonly number[]): Omit<PairAgreement, 'a' | 'b'> {
  if (x.length !== y.length) {
    throw new StudioError(`The two raters' series differ in length (${x.length} vs ${y.length}); they must be paired item by item.`);
  }
  const sums = ratingSums(x.map((v, i) => [v, y[i] as number]));
  return pairOfSums(sums, slots(2).pairs);
}

/**
 * From a pair's sums (n, sum x, sum y, sum x^2, sum y^2, sum xy). A series counts as constant when its variance is
 * below 1e-12 of its mean square: the sums cannot tell rounding noise from no variance at all, and a constant
 * series has no correlation (r NaN; CCC 0 against a varying one, NaN against an equal constant).
 */
function pairOfSums(sums: RatingSums, at: number): Omit<PairAgreement, 'a' | 'b'> {
  const n = sums[at] as number;
  if (n < 2) return { n, ccc: Number.NaN, pearson: Number.NaN, rmse: Number.NaN };
  const mx = (sums[at + 1] as number) / n;
  const my = (sums[at + 2] as number) / n;
  const sxx = (sums[at + 3] as number) / n;
  const syy = (sums[at + 4] as number) / n;
  const sxy = (sums[at + 5] as number) / n;
  const vx = Math.max(0, sxx - mx * mx);
  const vy = Math.max(0, syy - my * my);
  const cov = sxy - mx * my;
  const rmse = Math.sqrt(Math.max(0, sxx + syy - 2 * sxy));
  const xConst = isNoSpread(vx, sxx);
  const yConst = isNoSpread(vy, syy);
  const pearson = xConst || yConst ? Number.NaN : Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy)));
  let ccc: number;
  if (xConst && yConst) ccc = isNoSpread((mx - my) ** 2, sxx + syy) ? Number.NaN : 0;
  else if (xConst || yConst) ccc = 0;
  else ccc = (2 * cov) / (vx + vy + (mx - my) ** 2);
  return { n, ccc, pearson, rmse };
}

function isNoSpread(spread: number, scale: number): boolean {
  return spread <= 1e-12 * scale;
}

/**
 * Bland & Altman (1986), "Statistical methods for assessing agreement between two methods of clinical
 * measurement", Lancet 327:307-310: the mean and the sample SD of the differences a - b over the items both rated,
 * and the limits of agreement mean -+ 1.96 SD. NaN below two shared items (no SD).
 */
export function blandAltman(x: readonly number[], y: readonly number[]): BlandAltman {
  const differences: number[] = [];
  x.forEach((v, i) => {
    const w = y[i] as number;
    if (!Number.isNaN(v) && !Number.isNaN(w)) differences.push(v - w);
  });
  const n = differences.length;
  if (n < 2) return { n, meanDifference: n === 1 ? (differences[0] as number) : Number.NaN, sdDifference: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  const meanDifference = mean(differences);
  const sdDifference = Math.sqrt(differences.reduce((s, d) => s + (d - meanDifference) ** 2, 0) / (n - 1));
  return { n, meanDifference, sdDifference, lower: meanDifference - 1.96 * sdDifference, upper: meanDifference + 1.96 * sdDifference };
}

/** The plain mean of the available ratings of each item; NaN for an item nobody rated. */
export function fuseMean(matrix: RatingMatrix): number[] {
  checkMatrix(matrix, 1);
  return matrix.map(meanOfPresent);
}

function meanOfPresent(row: readonly number[]): number {
  const present = row.filter((v) => !Number.isNaN(v));
  return present.length === 0 ? Number.NaN : mean(present);
}

/**
 * Evaluator Weighted Estimator after Grimm & Kroschel (2005), "Evaluation of natural emotions using self assessment
 * manikins", IEEE ASRU, pp. 381-385 (also Grimm, Kroschel & Narayanan 2007, Speech Communication 49:787-800):
 *   gold_i = sum_k w_k x_ik / sum_k w_k,   w_k = max(0, r_k),
 * where r_k is Pearson's r between rater k and a reference series:
 * - `reference: 'others'` (default): the per-item mean of the OTHER raters. A rater is then never correlated with
 *   itself, so a pure-noise rater gets a weight near 0 even with few raters.
 * - `reference: 'all'`: the per-item mean of all raters, the maximum-likelihood estimate Grimm & Kroschel
 *   correlate with. It includes the rater itself, which gives a noise rater roughly 1/sqrt(K) instead of 0.
 * Clipping negative r to 0 is ours (the paper assumes positive correlations): an anticorrelated rater is dropped
 * rather than subtracted. Weights are normalised to sum to 1.
 * Missing ratings (NaN): r_k uses the items where rater k and its reference are both defined (an undefined r, e.g.
 * a constant rater, counts as 0), and each item's weighted mean is renormalised over the raters who rated it.
 * Throws when no rater has a positive weight, since the estimator is then undefined; fall back to `fuseMean`.
 */
export function ewe(matrix: RatingMatrix, options: { reference?: 'others' | 'all' } = {}): EweResult {
  const { k } = checkMatrix(matrix);
  const reference = options.reference ?? 'others';
  const correlations = Array.from({ length: k }, (_, j) => {
    const ref = matrix.map((row) => meanOfPresent(reference === 'all' ? row : row.filter((_, c) => c !== j)));
    return correlationOfPresent(column(matrix, j), ref);
  });
  const raw = correlations.map((r) => (Number.isNaN(r) ? 0 : Math.max(0, r)));
  const total = raw.reduce((s, w) => s + w, 0);
  if (total === 0) {
    throw new StudioError('No rater correlates positively with the others, so the evaluator weighted estimator is undefined; use the plain mean.');
  }
  const weights = raw.map((w) => w / total);
  const gold = matrix.map((row) => {
    let sum = 0;
    let weight = 0;
    row.forEach((v, j) => {
      if (Number.isNaN(v)) return;
      sum += (weights[j] as number) * v;
      weight += weights[j] as number;
    });
    return weight > 0 ? sum / weight : Number.NaN;
  });
  return { gold, weights, correlations };
}

function correlationOfPresent(x: readonly number[], y: readonly number[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  x.forEach((v, i) => {
    const w = y[i] as number;
    if (!Number.isNaN(v) && !Number.isNaN(w)) {
      xs.push(v);
      ys.push(w);
    }
  });
  return xs.length < 2 ? Number.NaN : pearson(xs, ys);
}

/** Mean of the defined values; NaN if none is. Used to summarise pairs, some of which may be undefined. */
function meanOfDefined(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? Number.NaN : mean(defined);
}

/**
 * Sums over a ratings matrix's rows from which every measure follows (measuresOfSums). Sums of two sets of rows add
 * up to the sums of their union, so the bootstrap (blockBootstrap.ts) sums each block once and adds blocks up per
 * resample instead of recomputing every measure over every frame: a study of 15,000 frames took minutes otherwise.
 * Layout for k raters (slots): item count; complete items, the sum of their row means, of squared row means, of
 * squared ratings, and each rater's sum over them (the ICC's mean squares); alpha's observed disagreement, and the
 * count, sum and sum of squares of pairable values; per rater pair the items both rated, sum x, sum y, sum x^2,
 * sum y^2 and sum xy.
 */
export type RatingSums = Float64Array;

function slots(k: number) {
  const columns = 5;
  const alpha = columns + k;
  const pairs = alpha + 4;
  return { items: 0, complete: 1, rowMeans: 2, rowMeanSquares: 3, squares: 4, columns, alpha, pairs, size: pairs + 6 * ((k * (k - 1)) / 2) };
}

/** The sums of the matrix's rows (or of the rows listed). */
export function ratingSums(matrix: RatingMatrix, rows?: readonly number[]): RatingSums {
  const { k } = checkMatrix(matrix);
  const at = slots(k);
  const sums = new Float64Array(at.size);
  const add = (slot: number, value: number) => {
    sums[slot] = (sums[slot] as number) + value;
  };
  const addRow = (row: readonly number[]) => {
    add(at.items, 1);
    let m = 0;
    let sum = 0;
    let squares = 0;
    for (const v of row) {
      if (Number.isNaN(v)) continue;
      m++;
      sum += v;
      squares += v * v;
    }
    if (m === k) {
      const rowMean = sum / k;
      add(at.complete, 1);
      add(at.rowMeans, rowMean);
      add(at.rowMeanSquares, rowMean * rowMean);
      add(at.squares, squares);
      for (let j = 0; j < k; j++) add(at.columns + j, row[j] as number);
    }
    if (m >= 2) {
      // The pair sum of the item's values, 2 m sum (v - mean)^2, over m - 1 (Krippendorff's D_o).
      add(at.alpha, (2 * (m * squares - sum * sum)) / (m - 1));
      add(at.alpha + 1, m);
      add(at.alpha + 2, sum);
      add(at.alpha + 3, squares);
    }
    let p = at.pairs;
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++, p += 6) {
        const x = row[a] as number;
        const y = row[b] as number;
        if (Number.isNaN(x) || Number.isNaN(y)) continue;
        add(p, 1);
        add(p + 1, x);
        add(p + 2, y);
        add(p + 3, x * x);
        add(p + 4, y * y);
        add(p + 5, x * y);
      }
    }
  };
  if (rows) for (const i of rows) addRow(matrix[i] as readonly number[]);
  else matrix.forEach(addRow);
  return sums;
}

/**
 * Every measure for one dimension (MEASURES) from a matrix's sums:
 * - the ICCs on the items every rater rated (listwise deletion); NaN with fewer than 2 such items;
 * - Krippendorff's interval alpha on all pairable ratings;
 * - CCC, r and RMSE: for two raters, between them; for more, the unweighted mean over all K(K-1)/2 rater pairs,
 *   each pair on the items both rated, skipping pairs where the value is undefined (NaN if all are).
 */
export function measuresOfSums(sums: RatingSums, k: number): MatrixAgreement {
  const at = slots(k);
  const complete = sums[at.complete] as number;
  const iccs = complete >= 2 ? iccOfMeanSquares(meanSquaresOfSums(sums, k)) : undefined;
  const pairs: PairAgreement[] = [];
  let p = at.pairs;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++, p += 6) pairs.push({ a, b, ...pairOfSums(sums, p) });
  }
  const values = Object.fromEntries(ICC_FORM_NAMES.map((form) => [form, iccs?.[form] ?? Number.NaN])) as Record<Measure, number>;
  values.alpha = alphaOfSums(sums, k);
  values.CCC = meanOfDefined(pairs.map((p) => p.ccc));
  values.r = meanOfDefined(pairs.map((p) => p.pearson));
  values.RMSE = meanOfDefined(pairs.map((p) => p.rmse));
  return { items: sums[at.items] as number, raters: k, completeItems: complete, values, pairs };
}

/** Every measure for one dimension of a ratings matrix (measuresOfSums). */
export function agreementMeasures(matrix: RatingMatrix): MatrixAgreement {
  const { k } = checkMatrix(matrix);
  return measuresOfSums(ratingSums(matrix), k);
}
