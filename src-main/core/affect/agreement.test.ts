import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { agreementMeasures, blandAltman, ewe, fuseMean, ICC_FORMS, icc, krippendorffAlpha, meanSquares, MEASURES, pairAgreement } from './agreement';
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

  it('reproduces the six ICCs of Tables 2/3 to the printed two decimals, under their McGraw & Wong names', () => {
    const result = icc(SHROUT_FLEISS);
    // Shrout & Fleiss Table 3: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
    const printed: Record<string, number> = { 'ICC(1,1)': 0.17, 'ICC(2,1)': 0.29, 'ICC(3,1)': 0.71, 'ICC(1,k)': 0.44, 'ICC(2,k)': 0.62, 'ICC(3,k)': 0.91 };
    for (const [form, { shroutFleiss }] of Object.entries(ICC_FORMS)) expect(result[form as keyof typeof ICC_FORMS]).toBeCloseTo(printed[shroutFleiss] as number, 2);
    expect(result['ICC(A,1)']).toBeCloseTo(0.29, 2);
    expect(result['ICC(C,1)']).toBeCloseTo(0.71, 2);
    expect(result['ICC(A,k)']).toBeCloseTo(0.62, 2);
  });

  it('matches the forms computed by hand from the mean squares (McGraw & Wong 1996, Table 4 formulas)', () => {
    // Two raters, three targets: x = [[1, 2], [3, 5], [5, 8]]. Row means 1.5, 4, 6.5; column means 3, 5; grand 4.
    // SS targets = 2 (6.25 + 0 + 6.25) = 25, SS raters = 3 (1 + 1) = 6, SS total = 9+4+1+1+1+16 = 32, SS error = 1.
    // MSR = 12.5, MSC = 6, MSE = 0.5, MSW = (6 + 1) / 3 = 7/3.
    const result = icc([[1, 2], [3, 5], [5, 8]]);
    expect(result['ICC(C,1)']).toBeCloseTo((12.5 - 0.5) / (12.5 + 0.5), 12);
    expect(result['ICC(A,1)']).toBeCloseTo((12.5 - 0.5) / (12.5 + 0.5 + (2 / 3) * (6 - 0.5)), 12);
    expect(result['ICC(A,k)']).toBeCloseTo((12.5 - 0.5) / (12.5 + (6 - 0.5) / 3), 12);
    expect(result['ICC(C,k)']).toBeCloseTo((12.5 - 0.5) / 12.5, 12);
    expect(result['ICC(1)']).toBeCloseTo((12.5 - 7 / 3) / (12.5 + 7 / 3), 12);
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
    expect(icc([[3, 3], [3, 3]])['ICC(C,1)']).toBeNaN();
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
    const result = pairAgreement(a, b);
    expect(result.n).toBe(5);
    expect(result.ccc).toBeCloseTo(ccc(a, b), 12);
    expect(result.pearson).toBeCloseTo(pearson(a, b), 12);
    expect(result.rmse).toBeCloseTo(rmse(a, b), 12);
  });

  it('treats a constant series as metrics.ts does: r undefined, CCC 0 against a varying one, NaN against the same constant', () => {
    const constant = [0.1, 0.1, 0.1, 0.1];
    const varying = [0.2, 0.4, 0.1, 0.3];
    expect(pairAgreement(constant, varying)).toMatchObject({ pearson: NaN, ccc: 0 });
    expect(pearson(constant, varying)).toBeNaN();
    expect(ccc(constant, varying)).toBe(0);
    expect(pairAgreement(constant, [...constant]).ccc).toBeNaN();
    expect(pairAgreement(constant, [0.3, 0.3, 0.3, 0.3]).ccc).toBe(0);
  });

  it('uses only the items both rated', () => {
    const result = pairAgreement([1, 2, NA, 4], [1, 2, 3, NA]);
    expect(result.n).toBe(2);
    expect(result.rmse).toBe(0);
    expect(result.ccc).toBeCloseTo(1, 12);
    expect(pairAgreement([1, NA], [1, 2]).ccc).toBeNaN();
  });
});

describe('Bland-Altman', () => {
  it('gives the mean difference, the sample SD and the limits by hand', () => {
    // Differences a - b: 0.1, -0.1, 0.3, 0.1 (the NaN pair is skipped). Mean 0.1; squared deviations 0, 0.04, 0.04,
    // 0 sum to 0.08; SD = sqrt(0.08 / 3).
    const result = blandAltman([0.5, 0.2, 0.9, 0.0, NA], [0.4, 0.3, 0.6, -0.1, 0.2]);
    const sd = Math.sqrt(0.08 / 3);
    expect(result.n).toBe(4);
    expect(result.meanDifference).toBeCloseTo(0.1, 12);
    expect(result.sdDifference).toBeCloseTo(sd, 12);
    expect(result.lower).toBeCloseTo(0.1 - 1.96 * sd, 12);
    expect(result.upper).toBeCloseTo(0.1 + 1.96 * sd, 12);
  });

  it('has no limits below two shared items', () => {
    expect(blandAltman([1, NA], [0.5, 2])).toMatchObject({ n: 1, meanDifference: 0.5, lower: NaN });
  });
});

describe('every measure for a ratings matrix', () => {
  it('gives the Shrout & Fleiss ICCs, alpha, and pair means over the 6 judge pairs', () => {
    const report = agreementMeasures(SHROUT_FLEISS);
    expect(report.items).toBe(6);
    expect(report.raters).toBe(4);
    expect(report.completeItems).toBe(6);
    expect(Object.keys(report.values)).toEqual([...MEASURES]);
    expect(report.values['ICC(A,1)']).toBeCloseTo(0.29, 2);
    expect(report.values['ICC(C,k)']).toBeCloseTo(0.91, 2);
    expect(report.pairs).toHaveLength(6);
    const col = (j: number) => SHROUT_FLEISS.map((row) => row[j] as number);
    const expectedCcc = report.pairs.reduce((s, p) => s + ccc(col(p.a), col(p.b)), 0) / 6;
    expect(report.values.CCC).toBeCloseTo(expectedCcc, 12);
    expect(report.values.r).toBeGreaterThan(report.values.CCC); // judge bias lowers CCC, not r
    expect(Number.isFinite(report.values.alpha)).toBe(true);
  });

  it('with two raters, CCC, r and RMSE are those of the single pair', () => {
    const matrix = [[0.1, 0.2], [0.5, 0.4], [-0.2, -0.1], [0.9, 0.7]];
    const report = agreementMeasures(matrix);
    expect(report.pairs).toHaveLength(1);
    expect(report.values.CCC).toBeCloseTo(ccc([0.1, 0.5, -0.2, 0.9], [0.2, 0.4, -0.1, 0.7]), 12);
  });

  it('computes the ICCs on complete items only and alpha on everything pairable', () => {
    const report = agreementMeasures(KRIPPENDORFF);
    expect(report.completeItems).toBe(8); // units 2-9
    expect(report.values['ICC(C,1)']).toBeCloseTo(icc(KRIPPENDORFF.filter((row) => row.every((v) => !Number.isNaN(v))))['ICC(C,1)'], 12);
    expect(report.values.alpha).toBeCloseTo(0.849, 3);
  });

  it('reports NaN ICCs rather than failing when fewer than two items are complete', () => {
    const report = agreementMeasures([[1, NA], [NA, 2], [3, 3]]);
    expect(report.values['ICC(1)']).toBeNaN();
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
