import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { agreementReport, ewe, fuseMean, icc, krippendorffAlpha, meanSquares, pairAgreement } from './agreement';
import { ccc, pearson, rmse } from './metrics';

const NA = Number.NaN;

/** Shrout & Fleiss (1979), Table 1: 6 targets (rows) rated by 4 judges (columns). */
const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

/**
 * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example with missing data: coders A-D
 * (there as rows) by 12 units (columns). Transposed here to units x coders; "." is NaN.
 */
const KRIPPENDORFF_CODERS = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
  [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
];
const KRIPPENDORFF = Array.from({ length: 12 }, (_, unit) => KRIPPENDORFF_CODERS.map((coder) => coder[unit] as number));

describe('ICC: Shrout & Fleiss (1979) worked example', () => {
  it('reproduces the mean squares of Table 1 (BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02)', () => {
    const ms = meanSquares(SHROUT_FLEISS);
    expect(ms.n).toBe(6);
    expect(ms.k).toBe(4);
    expect(ms.bms).toBeCloseTo(11.24, 2);
    expect(ms.wms).toBeCloseTo(6.26, 2);
    expect(ms.jms).toBeCloseTo(32.49, 2);
    expect(ms.ems).toBeCloseTo(1.02, 2);
  });

  it('reproduces the six ICCs of Tables 2/3 to the printed two decimals', () => {
    const result = icc(SHROUT_FLEISS);
    expect(result['1,1']).toBeCloseTo(0.17, 2);
    expect(result['2,1']).toBeCloseTo(0.29, 2);
    expect(result['3,1']).toBeCloseTo(0.71, 2);
    expect(result['1,k']).toBeCloseTo(0.44, 2);
    expect(result['2,k']).toBeCloseTo(0.62, 2);
    expect(result['3,k']).toBeCloseTo(0.91, 2);
  });

  it('refuses incomplete or too small data with a clear error', () => {
    const withGap = SHROUT_FLEISS.map((row, i) => (i === 2 ? [row[0] as number, NA, ...row.slice(2)] : row));
    expect(() => icc(withGap)).toThrow(/Item 2 has a missing rating/);
    expect(() => icc([[1, 2, 3]])).toThrow(/at least 2 items/);
    expect(() => icc([[1], [2]])).toThrow(/at least 2 raters/);
    expect(() => icc([[1, 2], [3]])).toThrow(/Item 1 has 1 ratings/);
    expect(() => icc([])).toThrow(StudioError);
  });

  it('is NaN (0/0) when every rating is identical', () => {
    expect(icc([[3, 3], [3, 3]])['3,1']).toBeNaN();
  });
});

describe("Krippendorff's alpha: Krippendorff (2011) worked example with missing values", () => {
  it('interval alpha = 0.849', () => {
    expect(krippendorffAlpha(KRIPPENDORFF, 'interval')).toBeCloseTo(0.849, 3);
  });

  it('nominal alpha = 0.743 (same pairing logic, other distance)', () => {
    expect(krippendorffAlpha(KRIPPENDORFF, 'nominal')).toBeCloseTo(0.743, 3);
  });

  it('drops units with a single value: removing unit 12 (only B = 3) changes nothing', () => {
    expect(krippendorffAlpha(KRIPPENDORFF.slice(0, 11))).toBe(krippendorffAlpha(KRIPPENDORFF));
  });

  it('is 1 for perfect agreement and NaN without variation or pairable values', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [3, NA]])).toBe(1);
    expect(krippendorffAlpha([[2, 2], [2, 2]])).toBeNaN();
    expect(krippendorffAlpha([[1, NA], [NA, 2]])).toBeNaN();
  });

  it('is unchanged by a shift and a rescale of every rating (interval data)', () => {
    const rescaled = KRIPPENDORFF.map((row) => row.map((v) => v / 10 - 0.3));
    expect(krippendorffAlpha(rescaled)).toBeCloseTo(krippendorffAlpha(KRIPPENDORFF), 12);
  });
});

describe('two raters, reusing the metrics', () => {
  it('matches metrics.ts on complete data', () => {
    const a = [0.1, 0.4, -0.3, 0.8, 0];
    const b = [0.2, 0.3, -0.1, 0.6, 0.1];
    expect(pairAgreement(a, b)).toEqual({ n: 5, ccc: ccc(a, b), pearson: pearson(a, b), rmse: rmse(a, b) });
  });

  it('uses only the items both rated', () => {
    const result = pairAgreement([1, 2, NA, 4], [1, 2, 3, NA]);
    expect(result.n).toBe(2);
    expect(result.rmse).toBe(0);
    expect(result.ccc).toBeCloseTo(1, 12);
    expect(pairAgreement([1, NA], [1, 2]).ccc).toBeNaN();
  });
});

describe('agreement report', () => {
  it('gives the Shrout & Fleiss ICCs, alpha, and pair means over the 6 judge pairs', () => {
    const report = agreementReport(SHROUT_FLEISS);
    expect(report.items).toBe(6);
    expect(report.raters).toBe(4);
    expect(report.completeItems).toBe(6);
    expect(Object.keys(report.icc)).toEqual(['1,1', '2,1', '3,1', '2,k', '3,k']);
    expect(report.icc['2,1']).toBeCloseTo(0.29, 2);
    expect(report.icc['3,k']).toBeCloseTo(0.91, 2);
    expect(report.pairs).toHaveLength(6);
    const col = (j: number) => SHROUT_FLEISS.map((row) => row[j] as number);
    const expectedCcc = report.pairs.reduce((s, p) => s + ccc(col(p.a), col(p.b)), 0) / 6;
    expect(report.ccc).toBeCloseTo(expectedCcc, 12);
    expect(report.pearson).toBeGreaterThan(report.ccc); // judge bias lowers CCC, not r
    expect(Number.isFinite(report.alpha)).toBe(true);
  });

  it('with two raters, ccc/pearson/rmse are those of the single pair', () => {
    const matrix = [[0.1, 0.2], [0.5, 0.4], [-0.2, -0.1], [0.9, 0.7]];
    const report = agreementReport(matrix);
    expect(report.pairs).toHaveLength(1);
    expect(report.ccc).toBe(ccc([0.1, 0.5, -0.2, 0.9], [0.2, 0.4, -0.1, 0.7]));
  });

  it('computes the ICCs on complete items only and alpha on everything pairable', () => {
    const report = agreementReport(KRIPPENDORFF);
    expect(report.completeItems).toBe(8); // units 2-9
    expect(report.icc['3,1']).toBeCloseTo(icc(KRIPPENDORFF.filter((row) => row.every((v) => !Number.isNaN(v))))['3,1'], 12);
    expect(report.alpha).toBeCloseTo(0.849, 3);
  });

  it('reports NaN ICCs rather than failing when fewer than two items are complete', () => {
    const report = agreementReport([[1, NA], [NA, 2], [3, 3]]);
    expect(report.icc['1,1']).toBeNaN();
    expect(report.completeItems).toBe(1);
  });
});

/** A small deterministic generator so the test data are the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

describe('fusion into a gold standard', () => {
  it('mean: the average of the ratings present', () => {
    expect(fuseMean([[1, 2, 3], [NA, 4, 6], [NA, NA, NA]])).toEqual([2, 5, NA]);
  });

  const rand = lcg(42);
  const truth = Array.from({ length: 400 }, (_, i) => 0.6 * Math.sin(i / 15) + 0.2 * rand());
  const good = (noise: number) => truth.map((t) => t + noise * rand());
  // Three good raters with growing noise, one pure-noise rater, one that inverts the scale.
  const raters = [good(0.1), good(0.15), good(0.2), truth.map(() => rand()), truth.map((t) => -t)];
  const matrix = truth.map((_, i) => raters.map((series) => series[i] as number));

  it('EWE: a noise rater and an anticorrelated rater get ~0 weight; the gold is closer to the truth than the mean', () => {
    const { gold, weights, correlations } = ewe(matrix);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(weights.every((w) => w >= 0)).toBe(true);
    expect(weights[3]).toBeLessThan(0.05); // pure noise
    expect(correlations[4]).toBeLessThan(0); // anticorrelated: clipped ...
    expect(weights[4]).toBe(0); // ... to exactly 0
    for (const j of [0, 1, 2]) expect(weights[j]).toBeGreaterThan(0.25);
    const errorOfEwe = rmse(gold, truth);
    const errorOfMean = rmse(fuseMean(matrix), truth);
    expect(errorOfEwe).toBeLessThan(errorOfMean / 3);
  });

  it('EWE with the reference of Grimm & Kroschel (mean of all raters) also sums to 1 and drops the anticorrelated rater', () => {
    const { weights } = ewe(matrix, { reference: 'all' });
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(weights[4]).toBe(0);
  });

  it('EWE of equally good raters is close to the mean, and skips missing ratings per item', () => {
    const m = [[1, 1.1, NA], [2, 2.1, 2], [3, 2.9, 3.1], [4, 4.2, 3.9]];
    const { gold, weights } = ewe(m);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    gold.forEach((g, i) => expect(g).toBeCloseTo(fuseMean(m)[i] as number, 1));
    expect(gold[0]).toBeGreaterThanOrEqual(1);
    expect(gold[0]).toBeLessThanOrEqual(1.1);
  });

  it('EWE is undefined when nobody agrees with anybody', () => {
    expect(() => ewe([[1, -1], [2, -2], [3, -3]])).toThrow(/use the plain mean/);
  });
});
