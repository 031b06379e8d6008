/**
 * Replaying labelling on data with known labels (issue 6): does a labelling strategy reach a given accuracy with
 * fewer labels than another? Pure computation over arrays; the bench (bench/active-learning.ts) loads data.
 *
 * - Videos (pseudoVideos.ts): a labelled image set's clips played one after another (`pseudoVideos`, so valence
 *   and arousal change along the "video"), or each clip as one video (`clipVideos`, for sets labelled per frame).
 * - `LabellingReplay` holds one `VideoPropagation` per video, its anchors built by the product's wiring
 *   (labelPropagation.ts): every label is an anchor in its own video (in place) and, weakly (`crossVideo`), in
 *   every other video. Revealing a
 *   label costs one anchor pass per video; a new head (retraining) rebuilds every propagation.
 * - Strategies pick the next frames of one video from what the studio would know at that point (descriptors,
 *   labelled frames, current predictions with their sd and anchor spread), never from the hidden labels.
 * - Accuracy is the CCC, pooled over every still-unlabelled frame of every video.
 */
import { anchorOf, headFrames, otherVideoLabel, ownLabel, videoPropagation, type HeadFrames } from '../affect/labelPropagation';
import { ccc } from '../affect/metrics';
import type { LinearPairHead } from '../affect/pairHead';
import { DEFAULT_PROPAGATION, type Propagated, type PropagationSettings, type VideoPropagation } from '../affect/propagate';
import type { PseudoVideo } from '../affect/pseudoVideos';
import { shuffled } from '../affect/random';
import type { LabelledFrame } from '../affect/trainHead';
import { suggestFrames } from './suggest';

export interface SimItem {
  clip: string;
  frame: number;
  valence: number;
  arousal: number;
}

/** The paper's support set: frames 0, k, 2k, ... */
export function everyKth(frameCount: number, k: number): number[] {
  const out: number[] = [];
  for (let f = 0; f < frameCount; f += k) out.push(f);
  return out;
}

export interface StrategyContext {
  video: PseudoVideo;
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
  private head: LinearPairHead;
  private perVideo: { frames: HeadFrames; propagation: VideoPropagation }[] = [];
  private readonly frameDescriptors: Float32Array[][];
  /** The descriptor layout's size, the first head's (every later head reads the same layout). */
  private readonly dim: number;

  constructor(
    readonly videos: readonly PseudoVideo[],
    readonly items: readonly SimItem[],
    /** [N, head.dim] row-major, in dataset order. */
    private readonly descriptors: Float32Array,
    head: LinearPairHead,
    private readonly settings: PropagationSettings = DEFAULT_PROPAGATION,
  ) {
    this.labelled = videos.map(() => new Set<number>());
    this.dim = head.dim;
    this.frameDescriptors = videos.map((v) => v.items.map((i) => descriptors.subarray(i * head.dim, (i + 1) * head.dim)));
    this.head = head;
    this.setHead(head);
  }

  get labelCount(): number {
    return this.labelled.reduce((sum, set) => sum + set.size, 0);
  }

  /** Switches to another head: projections and every anchor are recomputed. */
  setHead(head: LinearPairHead): void {
    this.head = head;
    this.perVideo = this.videos.map((video, v) => {
      const frames = headFrames(head, this.frameDescriptors[v] as Float32Array[], video.times);
      return { frames, propagation: videoPropagation(frames, this.settings) };
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

  /** The label in place in its own video and, as the product does, weakly in every other video. */
  private addAnchor(v: number, frame: number): void {
    const item = this.items[(this.videos[v] as PseudoVideo).items[frame] as number] as SimItem;
    const id = `${v}:${frame}`;
    const own = this.perVideo[v] as { frames: HeadFrames; propagation: VideoPropagation };
    own.propagation.setAnchor(anchorOf(own.frames, ownLabel(own.frames, id, frame, item.valence, item.arousal)));
    if (this.settings.crossVideo === 0) return;
    const weak = otherVideoLabel(this.head, id, (this.frameDescriptors[v] as Float32Array[])[frame] as Float32Array, item.valence, item.arousal);
    this.perVideo.forEach(({ frames, propagation }, u) => u !== v && propagation.setAnchor(anchorOf(frames, weak)));
  }

  context(v: number, random: () => number): StrategyContext {
    const state = this.perVideo[v] as { propagation: VideoPropagation };
    const any = this.labelCount > 0;
    return {
      video: this.videos[v] as PseudoVideo,
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
        const i = (this.videos[v] as PseudoVideo).items[f] as number;
        const item = this.items[i] as SimItem;
        return { descriptor: this.descriptors.slice(i * this.dim, (i + 1) * this.dim), valence: item.valence, arousal: item.arousal, group: (this.videos[v] as PseudoVideo).id };
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
      (this.videos[v] as PseudoVideo).items.forEach((i, f) => {
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
