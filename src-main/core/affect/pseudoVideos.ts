/**
 * Videos made of a labelled image set (kerc-dev, AFEW-VA), so evaluations and labelling replays run the product's
 * propagation on real times: a video's frames are played at a stated frame interval, never an index read as
 * seconds. Used by fewshot.ts (evaluate, bench/fewshot) and active/simulate.ts (bench/active-learning).
 */
import { shuffled } from './random';

export interface PseudoVideo {
  id: string;
  /** Dataset index of each frame, in play order. */
  items: number[];
  /** Presentation time of each frame, seconds. */
  times: Float64Array;
}

/** Indices per clip, each clip in frame order; clips in order of first appearance. */
export function clipsOf(items: readonly { clip: string; frame: number }[]): Map<string, number[]> {
  const byClip = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byClip.get(item.clip);
    if (list) list.push(i);
    else byClip.set(item.clip, [i]);
  });
  for (const list of byClip.values()) list.sort((a, b) => (items[a] as { frame: number }).frame - (items[b] as { frame: number }).frame);
  return byClip;
}

function videoOf(id: string, indices: number[], frameSec: number): PseudoVideo {
  return { id, items: indices, times: Float64Array.from(indices, (_, f) => f * frameSec) };
}

/**
 * Pseudo-videos: the clips shuffled, then cut into runs of `minClips`..`maxClips` clips (uniform), each run played
 * clip after clip with `frameSec` between frames. A last run shorter than `minClips` joins the one before it, so
 * every clip is used exactly once and the video sets are disjoint.
 */
export function pseudoVideos(items: readonly { clip: string; frame: number }[], options: { minClips: number; maxClips: number; frameSec: number; random: () => number }): PseudoVideo[] {
  const { minClips, maxClips, frameSec, random } = options;
  if (!(minClips >= 1 && maxClips >= minClips)) throw new RangeError(`clips per video must satisfy 1 <= min <= max, not ${minClips}..${maxClips}`);
  const clips = shuffled([...clipsOf(items).values()], random);
  const runs: number[][][] = [];
  for (let start = 0; start < clips.length; ) {
    const size = minClips + Math.floor(random() * (maxClips - minClips + 1));
    runs.push(clips.slice(start, start + size));
    start += size;
  }
  const last = runs[runs.length - 1];
  if (runs.length > 1 && last && last.length < minClips) (runs[runs.length - 2] as number[][]).push(...(runs.pop() as number[][]));
  return runs.map((run, v) => videoOf(`pseudo-${v}`, run.flat(), frameSec));
}

/** Each clip as a video of its own, frames in clip order, clips with fewer than `minFrames` left out. */
export function clipVideos(items: readonly { clip: string; frame: number }[], options: { frameSec: number; minFrames?: number }): PseudoVideo[] {
  return [...clipsOf(items).entries()].filter(([, indices]) => indices.length >= (options.minFrames ?? 1)).map(([clip, indices]) => videoOf(clip, indices, options.frameSec));
}
