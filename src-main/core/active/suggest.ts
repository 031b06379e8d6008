/**
 * Which frames to label next. Each candidate frame (one with a face, not yet labelled) is scored on four
 * signals, each scaled to [0, 1]:
 *   - uncertainty: the predictive sd of its V/A (the smoother's, from anchor disagreement and distance to labels);
 *   - disagreement: how far apart the predictions of its different anchors are;
 *   - coverage: how far its descriptor is from every labelled frame (k-centre: label what nothing resembles);
 *   - gap: how far in time it is from the nearest label.
 * A batch is picked greedily: after each pick the picked frame counts as labelled for coverage and gap, which
 * is what keeps a batch spread over the video and over appearance; near-duplicates in time or appearance are
 * skipped outright. Every suggestion says why it was chosen, in words.
 *
 * Coverage is the costly signal (about 2,000 candidates x 1,000 labels x 263-d descriptors on a 20-minute video,
 * half a second): a CoverageIndex the caller keeps per video and annotator remembers each frame's nearest
 * labelled distance and updates it label by label, so once a frame is known an edit costs it a dot product or
 * two. Its distances are the same numbers a fresh computation gives (same unit rows, each dot product summed in
 * the same order, min is exact), hence so are the suggestions.
 */
export interface AxisSeries {
  valence: Float32Array;
  arousal: Float32Array;
}

export interface FrameSignals {
  frameCount: number;
  /** Presentation time of each frame, for the temporal gap. */
  ptsSec: ArrayLike<number>;
  /** 1 where a face was found: only those frames can be labelled usefully. */
  hasFace: Uint8Array;
  labelled: ReadonlySet<number>;
  /** Per-frame descriptor (embedding + expression probabilities); null for frames without a face. */
  descriptors: readonly (Float32Array | null)[];
  /** Predictive standard deviation per frame; null before there are predictions. */
  predictionSd: AxisSeries | null;
  /** Spread of the anchors' individual predictions per frame; null before there are predictions. */
  anchorSpread: AxisSeries | null;
  /** The video's kept coverage state (built over these descriptors); without one each call starts from scratch. */
  coverage?: CoverageIndex;
}

export interface Suggestion {
  frameIndex: number;
  score: number;
  reasons: string[];
}

export interface SuggestOptions {
  count: number;
  /** No two suggestions closer than this many frames (default: 1% of the video, at least 12). */
  minGapFrames?: number;
  /** No suggestion closer than this to a label, seconds (default 0.25). */
  nearLabelSec?: number;
  /** Descriptors more similar than this (cosine) to a picked frame count as the same view (default 0.999). */
  duplicateCosine?: number;
  /** At most this many candidates are scored (evenly spaced), which bounds the cost on long videos. */
  maxCandidates?: number;
}

const WEIGHTS_WITH_PREDICTIONS = { uncertainty: 0.35, disagreement: 0.25, coverage: 0.25, gap: 0.15 };
const WEIGHTS_WITHOUT = { uncertainty: 0, disagreement: 0, coverage: 0.6, gap: 0.4 };

export function suggestFrames(signals: FrameSignals, options: SuggestOptions): Suggestion[] {
  // Sorted once: both the candidate filter and the time-gap signal look up the nearest label by binary search.
  const labelTimes = Float64Array.from(signals.labelled, (f) => Number(signals.ptsSec[f])).sort();
  const candidates = candidateFrames(signals, labelTimes, options.nearLabelSec ?? 0.25, options.maxCandidates ?? 2000);
  if (candidates.length === 0 || options.count <= 0) return [];
  const minGap = options.minGapFrames ?? Math.max(12, Math.round(signals.frameCount * 0.01));
  const duplicateCosine = options.duplicateCosine ?? 0.999;
  const weights = signals.predictionSd ? WEIGHTS_WITH_PREDICTIONS : WEIGHTS_WITHOUT;

  const coverage = signals.coverage ?? new CoverageIndex(new UnitRows(signals.descriptors));
  const rows = coverage.rows;
  // Cosine distance from each candidate to its nearest labelled (or, below, already picked) frame.
  const nearest = coverage.nearestLabelled(candidates, signals.labelled);
  const gapSec = candidates.map((f) => gapToSorted(Number(signals.ptsSec[f]), labelTimes));

  const uncertainty = candidates.map((f) => axisMean(signals.predictionSd, f));
  const disagreement = candidates.map((f) => axisMax(signals.anchorSpread, f));
  const scale = {
    uncertainty: maxOf(uncertainty),
    disagreement: maxOf(disagreement),
    duration: Math.max(1e-6, Number(signals.ptsSec[signals.frameCount - 1] ?? 0) - Number(signals.ptsSec[0] ?? 0)),
  };

  const picked: Suggestion[] = [];
  const taken = new Uint8Array(candidates.length);
  while (picked.length < options.count) {
    let best = -1;
    let bestScore = -Infinity;
    const coverageScale = Math.max(1e-6, maxOf(nearest.filter((_, i) => !taken[i])));
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const score =
        weights.uncertainty * ratio(uncertainty[i], scale.uncertainty) +
        weights.disagreement * ratio(disagreement[i], scale.disagreement) +
        weights.coverage * ((nearest[i] as number) === Infinity ? 1 : (nearest[i] as number) / coverageScale) +
        weights.gap * Math.min(1, (gapSec[i] as number) / (scale.duration / 4));
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    taken[best] = 1;
    const frame = candidates[best] as number;
    picked.push({
      frameIndex: frame,
      score: Math.round(bestScore * 1000) / 1000,
      reasons: reasonsFor(frame, signals, nearest[best] as number, gapSec[best] as number, labelTimes.length > 0),
    });
    // The pick now counts as labelled: update coverage and gap, and rule out its near-duplicates.
    const pickedTime = Number(signals.ptsSec[frame]);
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const other = candidates[i] as number;
      const cosine = dot(rows.of(other), rows.of(frame));
      if (Math.abs(other - frame) < minGap || cosine > duplicateCosine) {
        taken[i] = 1;
        continue;
      }
      nearest[i] = Math.min(nearest[i] as number, 1 - cosine);
      gapSec[i] = Math.min(gapSec[i] as number, Math.abs(Number(signals.ptsSec[other]) - pickedTime));
    }
  }
  return picked;
}

/**
 * Frames with a face that are neither labelled nor within `nearLabelSec` of a label: a frame a few frames from a
 * label would mostly repeat it, however its descriptor jitters.
 */
function candidateFrames(signals: FrameSignals, labelTimes: Float64Array, nearLabelSec: number, maxCandidates: number): number[] {
  const all: number[] = [];
  for (let f = 0; f < signals.frameCount; f++) {
    if (signals.hasFace[f] !== 1 || !signals.descriptors[f] || signals.labelled.has(f)) continue;
    if (gapToSorted(Number(signals.ptsSec[f]), labelTimes) >= nearLabelSec) all.push(f);
  }
  if (all.length <= maxCandidates) return all;
  const step = all.length / maxCandidates;
  return Array.from({ length: maxCandidates }, (_, i) => all[Math.floor(i * step)] as number);
}

function reasonsFor(frame: number, signals: FrameSignals, distance: number, gap: number, hasLabels: boolean): string[] {
  const reasons: string[] = [];
  const spreadV = signals.anchorSpread?.valence[frame] ?? 0;
  const spreadA = signals.anchorSpread?.arousal[frame] ?? 0;
  if (Math.max(spreadV, spreadA) >= 0.2) {
    const [axis, value] = spreadV >= spreadA ? ['valence', spreadV] : ['arousal', spreadA];
    reasons.push(`anchors disagree: ${value.toFixed(1)} apart in ${axis}`);
  }
  const sdV = signals.predictionSd?.valence[frame] ?? 0;
  const sdA = signals.predictionSd?.arousal[frame] ?? 0;
  if (Math.max(sdV, sdA) >= 0.15) reasons.push(`uncertain prediction: ±${Math.max(sdV, sdA).toFixed(2)}`);
  if (!hasLabels) reasons.push('spreads the first labels over the video and its expressions');
  else if (distance === Infinity || distance >= 0.05) reasons.push('looks unlike every labelled frame');
  if (hasLabels && gap >= 2) reasons.push(`${gap.toFixed(1)} s from the nearest label`);
  if (reasons.length === 0) reasons.push('most informative of what is left');
  return reasons;
}

/**
 * A video's descriptors scaled to unit length, each made on first use and kept: the caller shares one per
 * video (30,000 rows of 263 floats are 32 MB, so not one per annotator), a fresh one packs only what is asked.
 */
export class UnitRows {
  private readonly units: (Float32Array | undefined)[] = [];

  constructor(readonly descriptors: readonly (Float32Array | null)[]) {}

  /** The frame's unit descriptor; only for frames that have a descriptor. */
  of(frame: number): Float32Array {
    const known = this.units[frame];
    if (known) return known;
    const v = this.descriptors[frame] as Float32Array;
    const unit = new Float32Array(v.length);
    let norm = 0;
    for (let k = 0; k < v.length; k++) norm += (v[k] as number) ** 2;
    const inverse = 1 / (Math.sqrt(norm) || 1);
    for (let k = 0; k < v.length; k++) unit[k] = (v[k] as number) * inverse;
    this.units[frame] = unit;
    return unit;
  }
}

/**
 * Each frame's cosine distance to its nearest labelled frame, kept across label edits of one annotator on one
 * video. A frame is computed the first time it is a candidate, or ahead of that by `warm` (the candidates move
 * with every label, so the caller fills the rest of the video in idle moments). Added labels go into a log that
 * a frame catches up on when it is next read (a dot product per added label, only for the frames read); a removed
 * label recomputes only the frames it was nearest to.
 */
export class CoverageIndex {
  /** Per frame: nearest distance over the labels it has seen, NaN while not computed. */
  private readonly distance: Float64Array;
  /** Per frame: the labelled frame at that distance (-1: none, no labels). */
  private readonly nearestFrame: Int32Array;
  /** Per frame: how much of `added` its distance includes. */
  private readonly seen: Int32Array;
  /** Every label added, in order (removed ones stay; catching up skips them). */
  private readonly added: number[] = [];
  /** The labelled frames with a descriptor, now. */
  private anchors = new Set<number>();
  /** No frame before this one waits for `warm`. */
  private warmFrom = 0;

  constructor(readonly rows: UnitRows) {
    this.distance = new Float64Array(rows.descriptors.length).fill(NaN);
    this.nearestFrame = new Int32Array(rows.descriptors.length).fill(-1);
    this.seen = new Int32Array(rows.descriptors.length);
  }

  /** The distance of each of `frames` (all with a descriptor) to the nearest of `labelled`; Infinity without labels. */
  nearestLabelled(frames: readonly number[], labelled: ReadonlySet<number>): number[] {
    this.follow(labelled);
    return frames.map((f) => {
      this.bringUpToDate(f);
      return this.distance[f] as number;
    });
  }

  /** Computes up to `count` frames not yet known; false once every frame with a descriptor is. */
  warm(count: number): boolean {
    const { descriptors } = this.rows;
    let done = 0;
    while (this.warmFrom < descriptors.length && done < count) {
      const f = this.warmFrom++;
      if (!descriptors[f] || !Number.isNaN(this.distance[f])) continue;
      this.bringUpToDate(f);
      done++;
    }
    return this.warmFrom < descriptors.length;
  }

  /** Takes in the labels now: logs the new ones, forgets the distances to the removed ones. */
  private follow(labelled: ReadonlySet<number>): void {
    const now = new Set([...labelled].filter((f) => this.rows.descriptors[f]));
    const gone = new Set([...this.anchors].filter((f) => !now.has(f)));
    for (const f of now) if (!this.anchors.has(f)) this.added.push(f);
    this.anchors = now;
    if (gone.size === 0) return;
    for (let f = 0; f < this.distance.length; f++) {
      if (!gone.has(this.nearestFrame[f] as number)) continue;
      this.distance[f] = NaN;
      this.warmFrom = Math.min(this.warmFrom, f);
    }
  }

  private bringUpToDate(frame: number): void {
    const from = this.seen[frame] as number;
    this.seen[frame] = this.added.length;
    if (Number.isNaN(this.distance[frame])) {
      this.distance[frame] = Infinity;
      this.nearestFrame[frame] = -1;
      this.include(frame, [...this.anchors]);
    } else if (from < this.added.length) {
      this.include(frame, this.added.slice(from).filter((f) => this.anchors.has(f)));
    }
  }

  /**
   * Lowers the frame's distance to the nearest of `labels`. Four labels at a time, each its own running sum: the
   * sums are independent, so the CPU overlaps them (twice as fast), and each still adds its terms in `dot`'s
   * order, so every distance is the very number `dot` gives.
   */
  private include(frame: number, labels: readonly number[]): void {
    const a = this.rows.of(frame);
    let best = this.distance[frame] as number;
    let bestFrame = this.nearestFrame[frame] as number;
    const consider = (d: number, label: number) => {
      if (d < best) {
        best = d;
        bestFrame = label;
      }
    };
    let j = 0;
    for (; j + 4 <= labels.length; j += 4) {
      const l0 = labels[j] as number;
      const l1 = labels[j + 1] as number;
      const l2 = labels[j + 2] as number;
      const l3 = labels[j + 3] as number;
      const b0 = this.rows.of(l0);
      const b1 = this.rows.of(l1);
      const b2 = this.rows.of(l2);
      const b3 = this.rows.of(l3);
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < a.length; k++) {
        const x = a[k] as number;
        s0 += x * (b0[k] as number);
        s1 += x * (b1[k] as number);
        s2 += x * (b2[k] as number);
        s3 += x * (b3[k] as number);
      }
      consider(1 - s0, l0);
      consider(1 - s1, l1);
      consider(1 - s2, l2);
      consider(1 - s3, l3);
    }
    for (; j < labels.length; j++) consider(1 - dot(a, this.rows.of(labels[j] as number)), labels[j] as number);
    this.distance[frame] = best;
    this.nearestFrame[frame] = bestFrame;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k] as number) * (b[k] as number);
  return sum;
}

/** Distance from t to the nearest of `sorted` (ascending), by binary search; Infinity when it is empty. */
function gapToSorted(t: number, sorted: Float64Array): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  const after = lo < sorted.length ? (sorted[lo] as number) - t : Infinity;
  const before = lo > 0 ? t - (sorted[lo - 1] as number) : Infinity;
  return Math.min(after, before);
}

function axisMean(series: AxisSeries | null, frame: number): number {
  if (!series) return 0;
  const v = series.valence[frame] ?? 0;
  const a = series.arousal[frame] ?? 0;
  return (Number.isFinite(v) ? v : 0) / 2 + (Number.isFinite(a) ? a : 0) / 2;
}

function axisMax(series: AxisSeries | null, frame: number): number {
  if (!series) return 0;
  return Math.max(series.valence[frame] ?? 0, series.arousal[frame] ?? 0);
}

function maxOf(xs: readonly number[]): number {
  let best = 0;
  for (const x of xs) if (Number.isFinite(x) && x > best) best = x;
  return best;
}

function ratio(x: number | undefined, scale: number): number {
  return scale > 0 && x !== undefined && Number.isFinite(x) ? x / scale : 0;
}
