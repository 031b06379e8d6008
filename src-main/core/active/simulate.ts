/**
 * Replaying labelling on data with known labels (issue 6): does a labelling strategy reach a given accuracy with
 * fewer labels than another? Pure computation over arrays; the bench (bench/active-learning.ts) loads data.
 *
 * - Videos: a labelled image set's clips played one after another (`pseudoVideos`, so valence and arousal change
 *   along the "video"), or each clip as one video (`clipVideos`, for sets labelled per frame such as AFEW-VA).
 * - `LabellingReplay` holds one `VideoPropagation` per video, wired as the project predictor wires them: every
 *   label is an anchor in its own video (in place) and, weakly (`crossVideo`), in every other video. Revealing a
 *   label costs one anchor pass per video; a new head (retraining) rebuilds every propagation.
 * - Strategies pick the next frames of one video from what the studio would know at that point (descriptors,
 *   labelled frames, current predictions with their sd and anchor spread), never from the hidden labels.
 * - Accuracy is the CCC, pooled over every still-unlabelled frame of every video.
 */
import { clipsOf } from '../affect/fewshot';
import { ccc } from '../affect/metrics';
import { DESCRIPTOR_DIM, projectDescriptors, type LinearPairHead } from '../affect/pairHead';
import { anchorOutputsFromProjections, DEFAULT_PROPAGATION, VideoPropagation, type ProjectedFrames, type Propagated, type PropagationSettings } from '../affect/propagate';
import { shuffled } from '../affect/random';
import type { LabelledFrame } from '../affect/trainHead';
import { suggestFrames } from './suggest';

export interface SimItem {
  clip: string;
  frame: number;
  valence: number;
  arousal: number;
}

export interface SimVideo {
  id: string;
  /** Dataset index of each frame, in play order. */
  items: number[];
  /** Presentation time of each frame, seconds. */
  times: Float64Array;
}

function videoOf(id: string, indices: number[], frameSec: number): SimVideo {
  return { id, items: indices, times: Float64Array.from(indices, (_, f) => f * frameSec) };
}

/**
 * Pseudo-videos: the clips shuffled, then cut into runs of `minClips`..`maxClips` clips (uniform), each run played
 * clip after clip with `frameSec` between frames. A last run shorter than `minClips` joins the one before it, so
 * every clip is used exactly once and the video sets are disjoint.
 */
export function pseudoVideos(items: readonly SimItem[], options: { minClips: number; maxClips: number; frameSec: number; random: () => number }): SimVideo[] {
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

/** Each clip as a video of its own (data labelled frame by frame), clips with fewer than `minFrames` left out. */
export function clipVideos(items: readonly SimItem[], options: { frameSec: number; minFrames?: number }): SimVideo[] {
  return [...clipsOf(items).entries()].filter(([, indices]) => indices.length >= (options.minFrames ?? 1)).map(([clip, indices]) => videoOf(clip, indices, options.frameSec));
}

/** The paper's support set: frames 0, k, 2k, ... */
export function everyKth(frameCount: number, k: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < frameCount; f += k) out.push(f);
  return out;
}

export interface StrategyContext {
  video: SimVideo;
  labelled: ReadonlySet<number>;
  /** Descriptor of each frame of the video. */
  descriptors: readonly Float32Array[];
  /** Current predictions of the video, null before the project has any label. */
  prediction: Propagated | null;
  anchorSpread: { valence: Float32Array; arousal: Float32Array } | null;
  random: () => number;
}

/** Picks up to `count` unlabelled frames of the context's video. */
export type Strategy = (context: StrategyContext, count: number) => number[];

export const randomStrategy: Strategy = ({ video, labelled, random }, count) =>
  shuffled(
    video.items.map((_, f) => f).filter((f) => !labelled.has(f)),
    random,
  ).slice(0, count);

/** The studio's ranker (suggest.ts), fed exactly what `nextSuggestions` (core/app/predictions.ts) feeds it. */
export const suggestStrategy: Strategy = ({ video, labelled, descriptors, prediction, anchorSpread }, count) =>
  suggestFrames(
    {
      frameCount: video.items.length,
      ptsSec: video.times,
      hasFace: new Uint8Array(video.items.length).fill(1),
      labelled,
      descriptors,
      predictionSd: prediction ? { valence: prediction.valenceSd, arousal: prediction.arousalSd } : null,
      anchorSpread: prediction ? anchorSpread : null,
    },
    { count },
  ).map((s) => s.frameIndex);

export interface Score {
  labels: number;
  unlabelled: number;
  cccV: number;
  cccA: number;
}

/** Every video of a simulation with its labels revealed so far and its propagation. */
export class LabellingReplay {
  readonly labelled: Set<number>[];
  private projections: Float32Array;
  private width: number;
  private perVideo: { projected: ProjectedFrames; propagation: VideoPropagation }[] = [];
  private readonly frameDescriptors: Float32Array[][];

  constructor(
    readonly videos: readonly SimVideo[],
    readonly items: readonly SimItem[],
    /** [N, DESCRIPTOR_DIM] row-major, in dataset order. */
    private readonly descriptors: Float32Array,
    head: LinearPairHead,
    private readonly settings: PropagationSettings = DEFAULT_PROPAGATION,
  ) {
    this.labelled = videos.map(() => new Set<number>());
    this.frameDescriptors = videos.map((v) => v.items.map((i) => descriptors.subarray(i * DESCRIPTOR_DIM, (i + 1) * DESCRIPTOR_DIM)));
    this.projections = new Float32Array(0);
    this.width = 0;
    this.setHead(head);
  }

  get labelCount(): number {
    return this.labelled.reduce((sum, set) => sum + set.size, 0);
  }

  /** Switches to another head: projections and every anchor are recomputed. */
  setHead(head: LinearPairHead): void {
    const projected = projectDescriptors(head, this.descriptors);
    this.projections = projected.values;
    this.width = 2 + projected.rank;
    this.perVideo = this.videos.map((video) => {
      const values = new Float32Array(video.items.length * this.width);
      video.items.forEach((i, f) => values.set(this.projections.subarray(i * this.width, (i + 1) * this.width), f * this.width));
      return {
        projected: { ...projected, values },
        propagation: new VideoPropagation({ times: video.times, hasFace: new Uint8Array(video.items.length).fill(1) }, this.settings),
      };
    });
    this.labelled.forEach((set, v) => set.forEach((f) => this.addAnchor(v, f)));
  }

  /** Reveals the label of frame `frame` of video `v`. */
  reveal(v: number, frame: number): void {
    const set = this.labelled[v] as Set<number>;
    if (set.has(frame)) return;
    set.add(frame);
    this.addAnchor(v, frame);
  }

  private addAnchor(v: number, frame: number): void {
    const i = (this.videos[v] as SimVideo).items[frame] as number;
    const item = this.items[i] as SimItem;
    const row = this.projections.subarray(i * this.width, (i + 1) * this.width);
    this.perVideo.forEach(({ projected, propagation }, u) => {
      if (u !== v && this.settings.crossVideo === 0) return;
      propagation.setAnchor({ id: `${v}:${frame}`, frame: u === v ? frame : null, valence: item.valence, arousal: item.arousal, outputs: anchorOutputsFromProjections(projected, row) });
    });
  }

  context(v: number, random: () => number): StrategyContext {
    const state = this.perVideo[v] as { propagation: VideoPropagation };
    const any = this.labelCount > 0;
    return {
      video: this.videos[v] as SimVideo,
      labelled: this.labelled[v] as Set<number>,
      descriptors: this.frameDescriptors[v] as Float32Array[],
      prediction: any ? state.propagation.result() : null,
      anchorSpread: any ? state.propagation.anchorSpread() : null,
      random,
    };
  }

  /** The labelled frames as training data for a pair head (group: the video). */
  trainingFrames(): LabelledFrame[] {
    return this.labelled.flatMap((set, v) =>
      [...set].map((f) => {
        const i = (this.videos[v] as SimVideo).items[f] as number;
        const item = this.items[i] as SimItem;
        return { descriptor: this.descriptors.slice(i * DESCRIPTOR_DIM, (i + 1) * DESCRIPTOR_DIM), valence: item.valence, arousal: item.arousal, group: (this.videos[v] as SimVideo).id };
      }),
    );
  }

  /** CCC of the predictions against the hidden labels, pooled over every unlabelled frame of every video. */
  score(): Score {
    const pv: number[] = [];
    const pa: number[] = [];
    const tv: number[] = [];
    const ta: number[] = [];
    this.perVideo.forEach(({ propagation }, v) => {
      const result = propagation.result();
      const set = this.labelled[v] as Set<number>;
      (this.videos[v] as SimVideo).items.forEach((i, f) => {
        if (set.has(f)) return;
        const item = this.items[i] as SimItem;
        pv.push(result.valence[f] as number);
        pa.push(result.arousal[f] as number);
        tv.push(item.valence);
        ta.push(item.arousal);
      });
    });
    return { labels: this.labelCount, unlabelled: pv.length, cccV: ccc(pv, tv), cccA: ccc(pa, ta) };
  }
}

export interface ReplayOptions {
  /** Fractions of each video's frames labelled after each round (increasing); at least one label per video. */
  schedule: readonly number[];
  random: () => number;
  /** Retrains the head on every label so far before the rounds whose number (1-based) divides by `every`. */
  retrain?: { every: number; train: (frames: LabelledFrame[]) => LinearPairHead };
}

/**
 * Rounds of batch labelling: every round each video asks the strategy for the frames that bring it to the
 * round's share of labels (picked from the state before the round: batch mode), the labels are revealed, the
 * videos re-propagated and scored. A strategy returning fewer frames than asked is asked again with the frames
 * it gave labelled (at most 4 times), then the round moves on.
 */
export function replayStrategy(replay: LabellingReplay, strategy: Strategy, options: ReplayOptions): (Score & { fraction: number })[] {
  const curve: (Score & { fraction: number })[] = [];
  options.schedule.forEach((fraction, round) => {
    if (options.retrain && round > 0 && round % options.retrain.every === 0) replay.setHead(options.retrain.train(replay.trainingFrames()));
    const picks = replay.videos.map((video, v) => {
      const target = Math.min(video.items.length, Math.max(1, Math.round(fraction * video.items.length)));
      const want = target - (replay.labelled[v] as Set<number>).size;
      if (want <= 0) return [];
      const context = replay.context(v, options.random);
      const chosen = new Set<number>();
      for (let attempt = 0; attempt < 4 && chosen.size < want; attempt++) {
        const labelled = new Set([...context.labelled, ...chosen]);
        const got = strategy({ ...context, labelled }, want - chosen.size).filter((f) => !labelled.has(f));
        if (got.length === 0) break;
        got.forEach((f) => chosen.add(f));
      }
      return [...chosen];
    });
    picks.forEach((frames, v) => frames.forEach((f) => replay.reveal(v, f)));
    curve.push({ fraction, ...replay.score() });
  });
  return curve;
}

/**
 * Labels needed to reach `target`: the first point of the curve (sorted by labels) at or above it, linearly
 * interpolated from the point before; null if the curve never gets there.
 */
export function labelsToReach(curve: readonly { labels: number; value: number }[], target: number): number | null {
  const sorted = [...curve].filter((p) => Number.isFinite(p.value)).sort((a, b) => a.labels - b.labels);
  for (let k = 0; k < sorted.length; k++) {
    const p = sorted[k] as { labels: number; value: number };
    if (p.value < target) continue;
    const prev = sorted[k - 1];
    if (!prev) return p.labels;
    return prev.labels + ((target - prev.value) / (p.value - prev.value)) * (p.labels - prev.labels);
  }
  return null;
}
