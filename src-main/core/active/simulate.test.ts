import { describe, expect, it } from 'vitest';
import { descriptorLayout } from '../affect/descriptorLayout';
import { priorHead } from '../affect/priorHead';
import { seededRandom } from '../affect/random';
import { clipVideos, pseudoVideos } from '../affect/pseudoVideos';
import { everyKth, LabellingReplay, labelsToReach, randomStrategy, replayStrategy, suggestStrategy, type SimItem } from './simulate';

/** Version 1 descriptors of the default encoder: 256-d embedding and 7 expression probabilities. */
const V1 = descriptorLayout(1);

/** Clips of the given lengths; each clip has its own V/A and its own appearance (one-hot in the embedding). */
function dataset(lengths: readonly number[]): { items: SimItem[]; descriptors: Float32Array } {
  const items: SimItem[] = [];
  lengths.forEach((n, c) => {
    for (let f = 0; f < n; f++) items.push({ clip: `c${c}`, frame: f, valence: Math.sin(c * 2.1) * 0.8, arousal: Math.cos(c * 1.3) * 0.7 });
  });
  const descriptors = new Float32Array(items.length * V1.dim);
  items.forEach((item, i) => {
    const c = Number(item.clip.slice(1));
    descriptors[i * V1.dim + (c % V1.embeddingDim)] = 1;
    descriptors[i * V1.dim + ((c + 1 + item.frame) % V1.embeddingDim)] = 0.05; // frame-to-frame noise
    for (let k = 0; k < 7; k++) descriptors[i * V1.dim + V1.embeddingDim + k] = 1 / 7; // the prior head sees no change
  });
  return { items, descriptors };
}

describe('pseudo-videos', () => {
  it('play every clip exactly once, whole and in frame order, 8-12 clips per video', () => {
    const { items } = dataset(Array.from({ length: 100 }, (_, c) => 3 + (c % 7)));
    const videos = pseudoVideos(items, { minClips: 8, maxClips: 12, frameSec: 0.04, random: seededRandom(3) });
    const seen = videos.flatMap((v) => v.items).sort((a, b) => a - b);
    expect(seen).toEqual(items.map((_, i) => i));
    for (const video of videos) {
      const clips = video.items.map((i) => items[i]?.clip);
      const runs = clips.filter((c, f) => f === 0 || c !== clips[f - 1]);
      expect(new Set(runs).size).toBe(runs.length); // each clip one contiguous run
      expect(runs.length).toBeGreaterThanOrEqual(8);
      expect(runs.length).toBeLessThan(20);
      video.items.forEach((i, f) => {
        if (f > 0 && clips[f] === clips[f - 1]) expect(items[i]?.frame).toBeGreaterThan(items[video.items[f - 1] as number]?.frame as number);
      });
      expect(video.times[1]).toBeCloseTo(0.04);
    }
  });

  it('clipVideos keeps each clip as a video, dropping short ones', () => {
    const { items } = dataset([30, 5, 40]);
    expect(clipVideos(items, { frameSec: 0.04, minFrames: 10 }).map((v) => [v.id, v.items.length])).toEqual([
      ['c0', 30],
      ['c2', 40],
    ]);
  });
});

describe('labels to reach a target', () => {
  it('interpolates between the last point below and the first at or above', () => {
    const curve = [
      { labels: 10, value: 0.2 },
      { labels: 30, value: 0.6 },
      { labels: 20, value: 0.4 },
    ];
    expect(labelsToReach(curve, 0.5)).toBeCloseTo(25);
    expect(labelsToReach(curve, 0.1)).toBe(10);
    expect(labelsToReach(curve, 0.7)).toBeNull();
  });

  it('every k-th frame starts at frame 0', () => {
    expect(everyKth(45, 20)).toEqual([0, 20, 40]);
  });
});

describe('labelling replay', () => {
  it('scores only unlabelled frames and follows the schedule, never labelling a frame twice', () => {
    const { items, descriptors } = dataset([20, 20, 20, 20, 20, 20]);
    const videos = pseudoVideos(items, { minClips: 3, maxClips: 3, frameSec: 0.04, random: seededRandom(1) });
    const replay = new LabellingReplay(videos, items, descriptors, priorHead(V1));
    const curve = replayStrategy(replay, randomStrategy, { schedule: [0.05, 0.1, 0.2], random: seededRandom(2) });
    expect(curve.map((p) => p.labels)).toEqual([6, 12, 24]);
    expect(curve.map((p) => p.unlabelled)).toEqual([114, 108, 96]);
    replay.reveal(0, [...(replay.labelled[0] as Set<number>)][0] as number);
    expect(replay.labelCount).toBe(24);
    expect(replay.trainingFrames()).toHaveLength(24);
  });

  it('a new head keeps every label as an anchor', () => {
    const { items, descriptors } = dataset([20, 20, 20, 20]);
    const videos = pseudoVideos(items, { minClips: 2, maxClips: 2, frameSec: 0.04, random: seededRandom(1) });
    const replay = new LabellingReplay(videos, items, descriptors, priorHead(V1));
    everyKth(40, 10).forEach((f) => replay.reveal(0, f));
    const before = replay.score();
    replay.setHead(priorHead(V1));
    expect(replay.score()).toEqual(before);
  });

  it('on short, uneven segments the ranker labels every segment where a fixed stride misses some', () => {
    // One 16 s video: long stretches with short (0.8-1 s), different expressions between them.
    const { items, descriptors } = dataset([90, 20, 80, 25, 100, 20, 40, 25]);
    const videos = pseudoVideos(items, { minClips: 8, maxClips: 8, frameSec: 0.04, random: seededRandom(5) });
    const n = videos[0]?.items.length as number;
    const segmentsOf = (replay: LabellingReplay) => new Set([...(replay.labelled[0] as Set<number>)].map((f) => items[videos[0]?.items[f] as number]?.clip)).size;
    const stride = new LabellingReplay(videos, items, descriptors, priorHead(V1));
    everyKth(n, 40).forEach((f) => stride.reveal(0, f));
    const ours = new LabellingReplay(videos, items, descriptors, priorHead(V1));
    replayStrategy(ours, suggestStrategy, { schedule: [stride.labelCount / n], random: seededRandom(1) });
    expect(ours.labelCount).toBe(stride.labelCount);
    expect(segmentsOf(ours)).toBe(8);
    expect(segmentsOf(stride)).toBeLessThan(8);
  });
});
