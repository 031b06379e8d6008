import { describe, expect, it } from 'vitest';
import { pearson } from './metrics';
import { blockBootstrap, quantile, timeBlocks } from './blockBootstrap';
import { seededRandom } from './random';

/** Two raters following one slowly changing signal (an AR(1) with 25 fps frames), each with its own slow error. */
function slowRatings(frames: number, seed: number) {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let truth = 0;
  let errA = 0;
  let errB = 0;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < frames; i++) {
    truth = 0.98 * truth + 0.2 * gauss();
    errA = 0.98 * errA + 0.15 * gauss();
    errB = 0.98 * errB + 0.15 * gauss();
    a.push(truth + errA);
    b.push(truth + errB);
  }
  return { a, b, times: a.map((_, i) => i / 25) };
}

describe('blocks of time', () => {
  it('puts rows of one group in the same window together, and never joins two groups', () => {
    const rows = [
      { group: 'v1', timeSec: 0.1 },
      { group: 'v1', timeSec: 1.9 },
      { group: 'v1', timeSec: 2.0 },
      { group: 'v2', timeSec: 0.5 },
      { group: 'v1', timeSec: 5.0 },
    ];
    expect(timeBlocks(rows, 2)).toEqual([[0, 1], [2], [3], [4]]);
  });
});

describe('the percentile', () => {
  it('interpolates between order statistics as R type 7 does', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12);
    expect(quantile([5], 0.5)).toBe(5);
  });
});

describe('the block bootstrap', () => {
  const { a, b, times } = slowRatings(3000, 3);
  const rows = times.map((timeSec) => ({ group: 'v', timeSec }));
  /** Pearson's r over the rows of the drawn blocks. */
  const r = (blocks: readonly (readonly number[])[]) => (drawn: readonly number[]) => {
    const picked = drawn.flatMap((block) => blocks[block] as readonly number[]);
    return [pearson(picked.map((i) => a[i] as number), picked.map((i) => b[i] as number))];
  };

  it('repeats exactly with the same seed and differs with another', () => {
    const blocks = timeBlocks(rows);
    const first = blockBootstrap(blocks.length, r(blocks), { replicates: 200, seed: 5 });
    expect(blockBootstrap(blocks.length, r(blocks), { replicates: 200, seed: 5 })).toEqual(first);
    expect(blockBootstrap(blocks.length, r(blocks), { replicates: 200, seed: 6 }).low[0]).not.toBe(first.low[0]);
  });

  it('brackets the estimate, and on slowly changing ratings is much wider than resampling single frames', () => {
    const everyFrame = times.map((_, i) => [i]);
    const estimate = r(everyFrame)(everyFrame.map((_, i) => i))[0] as number;
    const blocks = timeBlocks(rows);
    const blocked = blockBootstrap(blocks.length, r(blocks), { replicates: 300 });
    const single = blockBootstrap(everyFrame.length, r(everyFrame), { replicates: 300 });
    expect(blocked.low[0]).toBeLessThan(estimate);
    expect(blocked.high[0]).toBeGreaterThan(estimate);
    const width = (x: { low: number[]; high: number[] }) => (x.high[0] as number) - (x.low[0] as number);
    // 3,000 frames of a signal that keeps its value for seconds: the frames are not 3,000 independent observations.
    expect(width(blocked)).toBeGreaterThan(2 * width(single));
  });

  it('gives no interval for a figure undefined in most resamples, and refuses nonsense', () => {
    const undefinedMostly = () => [Number.NaN];
    expect(blockBootstrap(5, undefinedMostly, { replicates: 10 })).toEqual({ low: [Number.NaN], high: [Number.NaN] });
    expect(() => blockBootstrap(1, undefinedMostly, { replicates: 0 })).toThrow(/at least 1/);
    expect(() => blockBootstrap(0, undefinedMostly)).toThrow(/no rated frames/);
  });

  it('gives no interval from fewer than five blocks, where every resample would be nearly the same', () => {
    const short = timeBlocks(rows.slice(0, 200)); // 8 s: four blocks
    expect(short).toHaveLength(4);
    expect(blockBootstrap(short.length, r(short))).toEqual({ low: [Number.NaN], high: [Number.NaN] });
  });
});
