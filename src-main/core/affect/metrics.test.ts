import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { ccc, evaluate, pearson, perGroup, pooled, rmse, sagr } from './metrics';

describe('metrics on a hand-computed example', () => {
  // pred  = [-1, 0, 1, 2], truth = [0, 0, 1, 3]
  // errors -1, 0, 0, -1            -> MSE = 2/4 = 0.5, RMSE = sqrt(0.5) = 0.7071068
  // means  mp = 0.5, mt = 1
  // dp = [-1.5, -0.5, 0.5, 1.5]    -> var_p = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25
  // dt = [-1, -1, 0, 2]            -> var_t = (1 + 1 + 0 + 4)/4 = 1.5
  // cov = (1.5 + 0.5 + 0 + 3)/4 = 1.25
  // PCC = 1.25 / sqrt(1.25 * 1.5) = 0.9128709
  // CCC = 2 * 1.25 / (1.25 + 1.5 + (0.5 - 1)^2) = 2.5 / 3 = 0.8333333
  // signs pred -, 0, +, +; truth 0, 0, +, +  -> 3 of 4 agree, SAGR = 0.75
  const pred = [-1, 0, 1, 2];
  const truth = [0, 0, 1, 3];

  it('RMSE', () => expect(rmse(pred, truth)).toBeCloseTo(0.7071068, 7));
  it('Pearson', () => expect(pearson(pred, truth)).toBeCloseTo(0.9128709, 7));
  it('CCC with population moments', () => expect(ccc(pred, truth)).toBeCloseTo(0.8333333, 7));
  it('SAGR', () => expect(sagr(pred, truth)).toBe(0.75));

  it('evaluate reports all four per dimension, pooled is the same thing', () => {
    const p = pred.map((v, i) => ({ valence: v, arousal: truth[i] as number }));
    const t = truth.map((v) => ({ valence: v, arousal: v }));
    const result = evaluate(p, t);
    expect(result.n).toBe(4);
    expect(result.valence.rmse).toBeCloseTo(0.7071068, 7);
    expect(result.valence.pcc).toBeCloseTo(0.9128709, 7);
    expect(result.valence.ccc).toBeCloseTo(0.8333333, 7);
    expect(result.valence.sagr).toBe(0.75);
    expect(result.arousal).toEqual({ n: 4, rmse: 0, pcc: 1, ccc: 1, sagr: 1 });
    expect(pooled(p, t)).toEqual(result);
  });
});

describe('CCC against Pearson', () => {
  it('is 1 for identical series', () => {
    const x = [0.3, -0.2, 0.7, 0.1, -0.9];
    expect(ccc(x, x)).toBeCloseTo(1, 12);
    expect(pearson(x, x)).toBe(1);
  });

  it('drops below Pearson = 1 for a shifted copy: 2 * 1.25 / (1.25 + 1.25 + 1^2) = 0.7142857', () => {
    const x = [1, 2, 3, 4];
    const y = x.map((v) => v + 1);
    expect(pearson(x, y)).toBe(1);
    expect(ccc(x, y)).toBeCloseTo(0.7142857, 7);
  });

  it('is -1 for a mirrored series with equal means', () => {
    expect(ccc([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });
});

describe('zero variance', () => {
  it('Pearson is NaN when either series is constant, even if its float mean is inexact', () => {
    expect(pearson([0.1, 0.1, 0.1], [1, 2, 3])).toBeNaN();
    expect(pearson([1, 2, 3], [0.1, 0.1, 0.1])).toBeNaN();
  });

  it('CCC follows the formula: 0 against a varying series or a different constant', () => {
    expect(ccc([0.1, 0.1, 0.1], [1, 2, 3])).toBe(0);
    expect(ccc([0.5, 0.5], [0.2, 0.2])).toBe(0);
  });

  it('CCC of two equal constants is 0/0, reported as NaN', () => {
    expect(ccc([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])).toBeNaN();
  });
});

describe('SAGR and zeros (np.sign equality, as in MT-CLAR)', () => {
  it('0 vs 0 agrees, 0 vs a signed value does not', () => {
    expect(sagr([0], [0])).toBe(1);
    expect(sagr([0], [0.4])).toBe(0);
    expect(sagr([-0.1], [0])).toBe(0);
    expect(sagr([-0], [0])).toBe(1);
  });

  it('counts matching signs only, not magnitudes', () => {
    // signs: (+,+) (-,-) (+,-) (-,+) (0,0) -> 3 of 5
    expect(sagr([0.9, -0.1, 0.2, -0.3, 0], [0.1, -0.8, -0.2, 0.3, 0])).toBeCloseTo(0.6, 12);
  });
});

describe('grouping', () => {
  it('computes each group on its own frames, in order of first appearance', () => {
    // Frames of videos "a" and "b" interleaved; "b" is predicted exactly, "a" is shifted by +1.
    const truth = [0, 5, 1, 6, 2, 7].map((v) => ({ valence: v, arousal: -v }));
    const pred = [1, 5, 2, 6, 3, 7].map((v) => ({ valence: v, arousal: -v }));
    const keys = ['a', 'b', 'a', 'b', 'a', 'b'];
    const groups = perGroup(pred, truth, keys);
    expect([...groups.keys()]).toEqual(['a', 'b']);
    expect(groups.get('a')?.valence.rmse).toBe(1);
    expect(groups.get('a')?.valence.pcc).toBe(1);
    expect(groups.get('b')?.valence.rmse).toBe(0);
    expect(groups.get('b')?.n).toBe(3);
    // Pooled: errors 1, 0, 1, 0, 1, 0 -> RMSE = sqrt(3/6)
    expect(pooled(pred, truth).valence.rmse).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('gives NaN correlations for a single-frame group rather than failing', () => {
    const groups = perGroup([{ valence: 0.1, arousal: 0.2 }], [{ valence: 0.1, arousal: 0.3 }], ['v1']);
    const v1 = groups.get('v1');
    expect(v1?.valence.pcc).toBeNaN();
    expect(v1?.valence.ccc).toBeNaN();
    expect(v1?.arousal.ccc).toBe(0);
    expect(v1?.arousal.rmse).toBeCloseTo(0.1, 12);
  });

  it('refuses keys that do not match the frames', () => {
    expect(() => perGroup([{ valence: 0, arousal: 0 }], [{ valence: 0, arousal: 0 }], [])).toThrow(StudioError);
  });
});

describe('bad input', () => {
  it('length mismatch', () => {
    expect(() => rmse([1, 2], [1])).toThrow(/differ in length \(2 vs 1\)/);
    expect(() => evaluate([{ valence: 0, arousal: 0 }], [])).toThrow(StudioError);
  });

  it('empty input', () => {
    expect(() => ccc([], [])).toThrow(/empty/);
    expect(() => evaluate([], [])).toThrow(/empty/);
  });

  it('non-finite values', () => {
    expect(() => pearson([1, Number.NaN], [1, 2])).toThrow(/non-finite value at index 1/);
    expect(() => sagr([1], [Number.POSITIVE_INFINITY])).toThrow(StudioError);
  });
});
