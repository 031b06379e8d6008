/**
 * Bootstrap confidence intervals for agreement figures computed over video frames, resampling blocks of time
 * rather than single frames.
 *
 * Why blocks: ratings of neighbouring frames are near copies of each other (a continuous trace, or labels a few
 * frames apart on a face that has not changed), so a video of 3,000 rated frames holds far fewer than 3,000
 * independent observations. Resampling single frames treats every frame as independent and gives intervals that
 * are much too narrow; resampling whole stretches of time keeps the dependence inside each block, so the interval
 * reflects how many independent stretches there are (Kuensch 1989, "The jackknife and the bootstrap for general
 * stationary observations", Annals of Statistics 17:1217-1241; here non-overlapping blocks on the time axis). The
 * blocks are BLOCK_SEC long, the span within which the held-back score (heldBack.ts) already treats labels as near
 * copies. Blocks never cross videos.
 *
 * Seeded (random.ts), so the same data give the same interval on every run and machine. Percentile intervals.
 */
import { StudioError } from '../errors';
import { NEIGHBOURHOOD_SEC } from './heldBack';
import { seededRandom } from './random';

export const BLOCK_SEC = NEIGHBOURHOOD_SEC;
export const DEFAULT_REPLICATES = 1000;
export const DEFAULT_SEED = 1;
export const CONFIDENCE = 0.95;
/**
 * Below this many blocks there is no interval: a 2.4 s clip is one or two blocks, and resampling one block gives
 * the same figure every time, an interval of zero width that would read as certainty.
 */
export const MIN_BLOCKS = 5;

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
}

/** A figure with its bootstrap interval; NaN bounds when too few resamples had the figure defined. */
export interface Interval {
  value: number;
  low: number;
  high: number;
}

/** Where a row (a rated frame) sits in time: its video (or any group that must not share a block) and time. */
export interface RowTime {
  group: string;
  timeSec: number;
}

/** Row indices per block: rows of one group whose times fall in the same BLOCK_SEC window, in row order. */
export function timeBlocks(rows: readonly RowTime[], blockSec = BLOCK_SEC): number[][] {
  const blocks = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = `${row.group}\u0000${Math.floor(row.timeSec / blockSec)}`;
    const block = blocks.get(key);
    if (block) block.push(i);
    else blocks.set(key, [i]);
  });
  return [...blocks.values()];
}

/**
 * Percentile intervals of each figure `statistic` returns, over `replicates` resamples: each draws as many of the
 * `blocks` as there are, with replacement, and evaluates `statistic` on the drawn block indices (repeats included).
 * A figure undefined (NaN) in more than half the resamples gets NaN bounds: its interval would describe a
 * selected minority of resamples. So does every figure when there are fewer than MIN_BLOCKS blocks.
 */
export function blockBootstrap(blocks: number, statistic: (drawn: readonly number[]) => readonly number[], options: BootstrapOptions = {}): { low: number[]; high: number[] } {
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  if (!Number.isInteger(replicates) || replicates < 1) throw new StudioError(`The number of bootstrap resamples must be a whole number of at least 1, not ${replicates}.`);
  if (blocks === 0) throw new StudioError('There are no rated frames to resample.');
  if (blocks < MIN_BLOCKS) {
    const none = statistic(Array.from({ length: blocks }, (_, b) => b)).map(() => Number.NaN);
    return { low: none, high: [...none] };
  }
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const samples: number[][] = [];
  const drawn = new Array<number>(blocks);
  for (let r = 0; r < replicates; r++) {
    for (let b = 0; b < blocks; b++) drawn[b] = Math.floor(random() * blocks);
    statistic(drawn).forEach((value, m) => (samples[m] ??= []).push(value));
  }
  const alpha = (1 - CONFIDENCE) / 2;
  const low: number[] = [];
  const high: number[] = [];
  for (const values of samples) {
    const defined = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const enough = defined.length * 2 >= replicates;
    low.push(enough ? quantile(defined, alpha) : Number.NaN);
    high.push(enough ? quantile(defined, 1 - alpha) : Number.NaN);
  }
  return { low, high };
}

/** Linear interpolation between order statistics (type 7, R's default) of sorted values. */
export function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  return lo + 1 < sorted.length ? below + (h - lo) * ((sorted[lo + 1] as number) - below) : below;
}
