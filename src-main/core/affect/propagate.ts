/**
 * From a video's labelled frames (anchors) to a valence and arousal, with a standard deviation, for every frame
 * (docs/DESIGN.md §2, "where we go beyond it"). Pure functions over arrays; the caller supplies the pair head's outputs
 * for (anchor, frame) pairs and owns the storage.
 *
 * 1. Candidates: each anchor a proposes label_a + delta(a -> t) for frame t (clipped to [-1, 1]).
 * 2. Fusion (default): a weighted mean of all candidates, weight = sigmoid(similarity)^sharpness x time factor,
 *    time factor = exp(-|t - t_a| / timeScale) for an anchor of the same video and `crossVideo` for one of another
 *    video. Their weighted spread (anchor disagreement) becomes the observation variance, plus a model variance
 *    that shrinks with the total weight (how many similar, near anchors there are).
 *    The authors' rule (`nearest-preceding`) instead takes the nearest preceding anchor of the same video (the
 *    nearest following one before the first anchor); the head's delta is taken as is, because the contract's
 *    delta is already on the V/A scale (an export of the authors' model appends their 2 tanh(.) to its graph).
 * 3. Smoothing: a Rauch-Tung-Striebel smoother over a random walk in time (variance `driftPerSecond` per second)
 *    whose observations are the labels (variance `labelVariance`: near-exact) and the fused candidates; frames
 *    without a face get no observation and are bridged by their neighbours. The smoothed variance is the sd.
 *
 * Incremental updates: fusion keeps per-frame running sums, so adding, moving or removing one anchor costs one
 * pass over the frames with that anchor's cached head outputs, then one smoothing pass (both O(frames)).
 */
import { StudioError } from '../errors';

export type PropagationRule = 'fused' | 'nearest-preceding';

export interface PropagationSettings {
  rule: PropagationRule;
  /** Exponent on sigmoid(similarity): higher trusts the most similar anchors more. */
  sharpness: number;
  /** Seconds over which a same-video anchor's weight falls by e. */
  timeScale: number;
  /** Weight factor of an anchor from another video (0: same-video anchors only). */
  crossVideo: number;
  /**
   * Weight of the head's own prediction in the fusion: the plain mean of the candidates of other videos' labels,
   * i.e. the head's regression with its intercept from those labels. Where similar or near anchors add up to much
   * more weight it hardly counts; in a video (or clip) far from all of them it takes over from the few least
   * dissimilar ones. The video's own labels stay out of it: an edit then changes only the frames near it (far
   * frames of a long video keep following their nearest labels in time), not every frame of the video.
   */
  fallbackWeight: number;
  /** Variance of one fused candidate with weight 1, on top of the anchors' disagreement. */
  modelVariance: number;
  labelVariance: number;
  /** Random-walk variance per second of the smoother. */
  driftPerSecond: number;
}

export const DEFAULT_PROPAGATION: PropagationSettings = {
  rule: 'fused',
  sharpness: 4,
  timeScale: 10,
  crossVideo: 0.05,
  fallbackWeight: 0.5,
  modelVariance: 0.04,
  labelVariance: 1e-4,
  driftPerSecond: 0.02,
};

export interface HeadOutputs {
  /** Per frame of the video: the head's outputs for the pair (anchor, frame). */
  similarity: Float32Array;
  deltaValence: Float32Array;
  deltaArousal: Float32Array;
}

export interface Anchor {
  id: string;
  valence: number;
  arousal: number;
  /** The anchor's frame in this video, or null for an anchor from another video. */
  frame: number | null;
  outputs: HeadOutputs;
}

export interface VideoFrames {
  /** Presentation time of each frame, seconds. */
  times: Float64Array;
  /** 1 where the frame has a face (and so head outputs), 0 elsewhere. */
  hasFace: Uint8Array;
}

export interface Propagated {
  valence: Float32Array;
  arousal: Float32Array;
  valenceSd: Float32Array;
  arousalSd: Float32Array;
}

const clip = (x: number) => (x < -1 ? -1 : x > 1 ? 1 : x);
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/**
 * Running sums per frame: weight, weighted candidates and their squares, for V and A; and the count and plain sum
 * of other videos' candidates (the head's own prediction).
 */
class FusionSums {
  readonly count: Float64Array;
  readonly plainV: Float64Array;
  readonly plainA: Float64Array;
  readonly w: Float64Array;
  readonly v: Float64Array;
  readonly v2: Float64Array;
  readonly a: Float64Array;
  readonly a2: Float64Array;
  constructor(n: number) {
    this.count = new Float64Array(n);
    this.plainV = new Float64Array(n);
    this.plainA = new Float64Array(n);
    this.w = new Float64Array(n);
    this.v = new Float64Array(n);
    this.v2 = new Float64Array(n);
    this.a = new Float64Array(n);
    this.a2 = new Float64Array(n);
  }
}

export class VideoPropagation {
  private readonly anchors = new Map<string, Anchor>();
  private readonly sums: FusionSums;
  readonly frameCount: number;

  constructor(
    private readonly frames: VideoFrames,
    private readonly settings: PropagationSettings = DEFAULT_PROPAGATION,
  ) {
    if (frames.times.length !== frames.hasFace.length) throw new StudioError('Frame times and face flags must have one entry per frame.');
    this.frameCount = frames.times.length;
    this.sums = new FusionSums(this.frameCount);
  }

  /** Adds an anchor, or replaces the one with the same id (a label edited or moved). */
  setAnchor(anchor: Anchor): void {
    const n = this.frameCount;
    const { similarity, deltaValence, deltaArousal } = anchor.outputs;
    if (similarity.length !== n || deltaValence.length !== n || deltaArousal.length !== n) {
      throw new StudioError(`Anchor ${anchor.id} has head outputs for ${similarity.length} frames; the video has ${n}.`);
    }
    if (anchor.frame !== null && (anchor.frame < 0 || anchor.frame >= n)) throw new StudioError(`Anchor ${anchor.id} is on frame ${anchor.frame}, outside the video.`);
    this.removeAnchor(anchor.id);
    this.anchors.set(anchor.id, anchor);
    this.accumulate(anchor, 1);
  }

  removeAnchor(id: string): void {
    const old = this.anchors.get(id);
    if (!old) return;
    this.anchors.delete(id);
    this.accumulate(old, -1);
  }

  get anchorCount(): number {
    return this.anchors.size;
  }

  private accumulate(anchor: Anchor, sign: 1 | -1): void {
    if (this.settings.rule !== 'fused') return;
    const { times, hasFace } = this.frames;
    const { sharpness, timeScale, crossVideo } = this.settings;
    const s = this.sums;
    const t0 = anchor.frame === null ? 0 : (times[anchor.frame] as number);
    const { similarity, deltaValence, deltaArousal } = anchor.outputs;
    for (let t = 0; t < this.frameCount; t++) {
      if (!hasFace[t]) continue;
      const timeFactor = anchor.frame === null ? crossVideo : Math.exp(-Math.abs((times[t] as number) - t0) / timeScale);
      if (timeFactor === 0) continue;
      const w = sign * timeFactor * Math.exp(sharpness * logSigmoid(similarity[t] as number));
      const cv = clip(anchor.valence + (deltaValence[t] as number));
      const ca = clip(anchor.arousal + (deltaArousal[t] as number));
      if (anchor.frame === null) {
        s.count[t] = (s.count[t] as number) + sign;
        s.plainV[t] = (s.plainV[t] as number) + sign * cv;
        s.plainA[t] = (s.plainA[t] as number) + sign * ca;
      }
      s.w[t] = (s.w[t] as number) + w;
      s.v[t] = (s.v[t] as number) + w * cv;
      s.v2[t] = (s.v2[t] as number) + w * cv * cv;
      s.a[t] = (s.a[t] as number) + w * ca;
      s.a2[t] = (s.a2[t] as number) + w * ca * ca;
    }
  }

  /** Per-frame observations (NaN variance: none) for both dimensions, then the smoothed result. */
  result(): Propagated {
    const n = this.frameCount;
    const obsV = new Float64Array(n);
    const obsA = new Float64Array(n);
    const varV = new Float64Array(n).fill(Number.NaN);
    const varA = new Float64Array(n).fill(Number.NaN);
    if (this.settings.rule === 'fused') this.fusedObservations(obsV, obsA, varV, varA);
    else this.nearestPrecedingObservations(obsV, obsA, varV, varA);
    // Labels of this video override whatever the other anchors propose for their own frame.
    for (const anchor of this.anchors.values()) {
      if (anchor.frame === null) continue;
      obsV[anchor.frame] = anchor.valence;
      obsA[anchor.frame] = anchor.arousal;
      varV[anchor.frame] = this.settings.labelVariance;
      varA[anchor.frame] = this.settings.labelVariance;
    }
    const v = smoothRandomWalk(this.frames.times, obsV, varV, this.settings.driftPerSecond);
    const a = smoothRandomWalk(this.frames.times, obsA, varA, this.settings.driftPerSecond);
    return { valence: v.mean, arousal: a.mean, valenceSd: v.sd, arousalSd: a.sd };
  }

  /** Per frame, how far apart the anchors' candidates are (their weighted sd): "the anchors disagree". */
  anchorSpread(): { valence: Float32Array; arousal: Float32Array } {
    const s = this.sums;
    const valence = new Float32Array(this.frameCount);
    const arousal = new Float32Array(this.frameCount);
    for (let t = 0; t < this.frameCount; t++) {
      const w = s.w[t] as number;
      if (!(w > 1e-9)) continue;
      const mv = (s.v[t] as number) / w;
      const ma = (s.a[t] as number) / w;
      valence[t] = Math.sqrt(Math.max(0, (s.v2[t] as number) / w - mv * mv));
      arousal[t] = Math.sqrt(Math.max(0, (s.a2[t] as number) / w - ma * ma));
    }
    return { valence, arousal };
  }

  /**
   * The fused candidates with the head's own prediction (the plain mean of other videos' candidates) as one more,
   * of weight `fallbackWeight`; the variance is the weighted spread of all of them plus the model variance.
   */
  private fusedObservations(obsV: Float64Array, obsA: Float64Array, varV: Float64Array, varA: Float64Array): void {
    const s = this.sums;
    const { modelVariance, fallbackWeight } = this.settings;
    for (let t = 0; t < this.frameCount; t++) {
      const count = Math.round(s.count[t] as number);
      const f = count > 0 ? fallbackWeight : 0;
      const ownV = count > 0 ? (s.plainV[t] as number) / count : 0;
      const ownA = count > 0 ? (s.plainA[t] as number) / count : 0;
      const w = (s.w[t] as number) + f;
      // Below this the weights are rounding residue of removed anchors or anchors too dissimilar to count.
      if (!(w > 1e-9)) continue;
      const mv = ((s.v[t] as number) + f * ownV) / w;
      const ma = ((s.a[t] as number) + f * ownA) / w;
      const extra = modelVariance * (1 + 1 / w);
      obsV[t] = mv;
      obsA[t] = ma;
      varV[t] = Math.max(0, ((s.v2[t] as number) + f * ownV * ownV) / w - mv * mv) + extra;
      varA[t] = Math.max(0, ((s.a2[t] as number) + f * ownA * ownA) / w - ma * ma) + extra;
    }
  }

  private nearestPrecedingObservations(obsV: Float64Array, obsA: Float64Array, varV: Float64Array, varA: Float64Array): void {
    const own = [...this.anchors.values()].filter((a) => a.frame !== null).sort((x, y) => (x.frame as number) - (y.frame as number));
    if (own.length === 0) return;
    const { hasFace } = this.frames;
    let k = 0;
    for (let t = 0; t < this.frameCount; t++) {
      while (k + 1 < own.length && ((own[k + 1] as Anchor).frame as number) <= t) k++;
      if (!hasFace[t]) continue;
      const anchor = own[k] as Anchor;
      obsV[t] = clip(anchor.valence + (anchor.outputs.deltaValence[t] as number));
      obsA[t] = clip(anchor.arousal + (anchor.outputs.deltaArousal[t] as number));
      varV[t] = this.settings.modelVariance;
      varA[t] = this.settings.modelVariance;
    }
  }
}

/** The full computation from scratch; `VideoPropagation` must give the same result after any edit sequence. */
export function propagateVideo(frames: VideoFrames, anchors: readonly Anchor[], settings: PropagationSettings = DEFAULT_PROPAGATION): Propagated {
  const p = new VideoPropagation(frames, settings);
  for (const a of anchors) p.setAnchor(a);
  return p.result();
}

/**
 * Kalman filter + RTS smoother for x_t = x_{t-1} + w_t, w_t ~ N(0, drift * dt), y_t = x_t + v_t, v_t ~ N(0, r_t);
 * r_t NaN means no observation. The prior x_0 ~ N(0, 1) spans the V/A range. Means are clipped to [-1, 1].
 */
export function smoothRandomWalk(times: Float64Array, obs: Float64Array, obsVar: Float64Array, driftPerSecond: number): { mean: Float32Array; sd: Float32Array } {
  const n = times.length;
  const mf = new Float64Array(n); // filtered
  const pf = new Float64Array(n);
  const pp = new Float64Array(n); // predicted variance (before observing t)
  let m = 0;
  let p = 1;
  for (let t = 0; t < n; t++) {
    if (t > 0) p += driftPerSecond * Math.max(0, (times[t] as number) - (times[t - 1] as number));
    pp[t] = p;
    const r = obsVar[t] as number;
    if (!Number.isNaN(r)) {
      const gain = p / (p + r);
      m += gain * ((obs[t] as number) - m);
      p = (1 - gain) * p;
    }
    mf[t] = m;
    pf[t] = p;
  }
  const mean = new Float32Array(n);
  const sd = new Float32Array(n);
  let ms = m;
  let ps = p;
  mean[n - 1] = clip(ms);
  sd[n - 1] = Math.sqrt(ps);
  for (let t = n - 2; t >= 0; t--) {
    const next = pp[t + 1] as number;
    const c = next > 0 ? (pf[t] as number) / next : 0;
    ms = (mf[t] as number) + c * (ms - (mf[t] as number));
    ps = (pf[t] as number) + c * c * (ps - next);
    mean[t] = clip(ms);
    sd[t] = Math.sqrt(Math.max(0, ps));
  }
  return { mean, sd };
}

/**
 * Head outputs for one anchor against every frame, for a head linear in the descriptor difference (pairHead.ts):
 * with the per-frame projections x W cached once per video, an anchor costs O(frames x rank) instead of a pass of
 * the full head over every pair.
 */
export interface ProjectedFrames {
  dim: number;
  rank: number;
  /** [frames, 2 + rank]: delta projection (V, A), then metric projection. */
  values: Float32Array;
  bias: number;
}

export function anchorOutputsFromProjections(frames: ProjectedFrames, anchorFrame: Float32Array): HeadOutputs {
  const width = 2 + frames.rank;
  const n = frames.values.length / width;
  const out: HeadOutputs = { similarity: new Float32Array(n), deltaValence: new Float32Array(n), deltaArousal: new Float32Array(n) };
  for (let t = 0; t < n; t++) {
    const row = t * width;
    out.deltaValence[t] = (frames.values[row] as number) - (anchorFrame[0] as number);
    out.deltaArousal[t] = (frames.values[row + 1] as number) - (anchorFrame[1] as number);
    let sq = 0;
    for (let r = 2; r < width; r++) sq += ((frames.values[row + r] as number) - (anchorFrame[r] as number)) ** 2;
    out.similarity[t] = frames.bias - sq;
  }
  return out;
}
