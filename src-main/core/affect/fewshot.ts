/**
 * Few-shot evaluation in MT-CLAR's support-set protocol (issue 5): a support set of labelled images, every other
 * image a query, metrics pooled over queries and split by whether the query's clip has a support image.
 *
 * Predictors compared in one run, on the same draws:
 * - `support-mean`: the support set's mean V/A for every query;
 * - `knn`: mean label of the 3 support images nearest by cosine on the encoder embedding;
 * - `authors-prior`: the authors' rule with the prior head: nearest preceding support image of the same clip
 *   + delta; a clip without support takes the most similar support image (highest similarity logit) instead;
 * - `studio`: what ships: a head trained on the support labels (from the prior), then the product's wiring
 *   (labelPropagation.ts): each clip played as a video at 25 frames a second (CLIP_FRAME_SEC), its own support
 *   images anchors in place, every other support image a weak anchor, fused and smoothed (propagate.ts).
 *   Its held-back score (heldBack.ts, the one the studio shows) is computed on the same videos and support labels,
 *   pooled over clips, so it can be read beside the queries' true accuracy.
 */
import { StudioError } from '../errors';
import { shownText } from '../shownText';
import { decimalNumber, wholeNumber } from '../strictNumbers';
import { heldBackPredictions, poolHeldBack, retrainPerFold, scoreHeldBack, type FoldLabel, type HeldBackPredictions, type HeldBackScore } from './heldBack';
import { bandCoverage, distanceToNearestLabel, type BandCoverage, type BandSample } from './bandCalibration';
import { headFrames, otherVideoLabel, ownLabel, packDescriptors, propagateLabels } from './labelPropagation';
import { metricSet, type MetricSet } from './metrics';
import { ACTION_EMBEDDING_DIM } from '../vision/faceActions';
import { buildDescriptor, descriptorLayout, LATEST_DESCRIPTOR_VERSION, type DescriptorLayout, type DescriptorVersion } from './descriptorLayout';
import { projectDescriptors } from './pairHead';
import { DEFAULT_PROPAGATION, type PropagationSettings } from './propagate';
import { priorHead } from './priorHead';
import { clipsOf, clipVideos } from './pseudoVideos';
import { ridgeBaseline } from './ridge';
import { seededRandom, shuffled } from './random';
import { MIN_TRAINING_LABELS, trainPairHead } from './trainHead';

export type SupportSpec = { kind: 'first' } | { kind: 'random'; k: number } | { kind: 'every'; k: number } | { kind: 'fraction'; p: number };

export function parseSupportSpec(spec: string): SupportSpec {
  if (spec === 'first') return { kind: 'first' };
  const match = /^(random|every|fraction):(.*)$/.exec(spec);
  if (match?.[1] === 'fraction') {
    const p = decimalNumber(match[2] as string, `The support set's P in ${shownText(spec)}`);
    if (p > 0 && p < 1) return { kind: 'fraction', p };
  } else if (match?.[1] === 'random' || match?.[1] === 'every') {
    const k = wholeNumber(match[2] as string, `The support set's K in ${shownText(spec)}`);
    if (k >= 1) return { kind: match[1], k };
  }
  throw new StudioError(`The support set ${shownText(spec)} is not one of: first, random:K, every:K (K a whole number >= 1), fraction:P (0 < P < 1).`);
}

export interface FewshotItem {
  clip: string;
  frame: number;
  valence: number;
  arousal: number;
}

/** Indices of the support set. `clipFraction` limits the support to that share of clips (the rest have none). */
export function drawSupport(items: readonly FewshotItem[], spec: SupportSpec, random: () => number, clipFraction = 1): Set<number> {
  const byClip = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = byClip.get(item.clip);
    if (list) list.push(i);
    else byClip.set(item.clip, [i]);
  });
  let clips = [...byClip.keys()];
  if (clipFraction < 1) clips = shuffled(clips, random).slice(0, Math.max(1, Math.round(clips.length * clipFraction)));
  const support = new Set<number>();
  if (spec.kind === 'fraction') {
    const pool = clips.flatMap((c) => byClip.get(c) as number[]);
    for (const i of shuffled(pool, random).slice(0, Math.round(pool.length * spec.p))) support.add(i);
  } else {
    for (const clip of clips) {
      const ordered = [...(byClip.get(clip) as number[])].sort((a, b) => (items[a] as FewshotItem).frame - (items[b] as FewshotItem).frame);
      if (spec.kind === 'first') support.add(ordered[0] as number);
      else if (spec.kind === 'random') for (const i of shuffled(ordered, random).slice(0, spec.k)) support.add(i);
      else ordered.forEach((i, rank) => rank % spec.k === 0 && support.add(i));
    }
  }
  if (support.size === 0) throw new StudioError('The support set is empty: the dataset is too small for this support specification.');
  if (support.size === items.length) throw new StudioError('The support set holds every image: no query is left to evaluate.');
  return support;
}

export type PredictorName = 'support-mean' | 'knn' | 'ridge' | 'authors-prior' | 'studio';
export const PREDICTORS: readonly PredictorName[] = ['support-mean', 'knn', 'ridge', 'authors-prior', 'studio'];

export interface FewshotData {
  items: readonly FewshotItem[];
  /** [N, 256], [N, 7] and [N, 64] (the blendshape model's action embedding) row-major. */
  embeddings: Float32Array;
  probabilities: Float32Array;
  actions: Float32Array;
}

export interface DrawOptions {
  layout: DescriptorLayout;
  anchors: 'same-video' | 'any';
  seed: number;
  propagation?: Partial<PropagationSettings>;
  /** Score the support's held-back labels too (FewshotOptions.heldBack). */
  heldBack: boolean;
}

interface Prediction {
  valence: Float64Array;
  arousal: Float64Array;
}

/** The studio's predictions with their uncertainty: sd per image and seconds to its clip's nearest support label. */
interface BandedPrediction extends Prediction {
  valenceSd: Float64Array;
  arousalSd: Float64Array;
  distanceSec: (number | null)[];
}

/** Every image's descriptor under the layout (descriptorLayout.ts), [N, layout.dim] row-major. */
export function descriptors(data: FewshotData, layout: DescriptorLayout): Float32Array {
  const n = data.items.length;
  const { embeddingDim: e, expressionDim: x, dim } = layout;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const parts = {
      embedding: data.embeddings.subarray(i * e, (i + 1) * e),
      probabilities: data.probabilities.subarray(i * x, (i + 1) * x),
      actions: data.actions.subarray(i * ACTION_EMBEDDING_DIM, (i + 1) * ACTION_EMBEDDING_DIM),
    };
    out.set(buildDescriptor(layout, parts), i * dim);
  }
  return out;
}

function supportMean(data: FewshotData, support: readonly number[]): Prediction {
  const n = data.items.length;
  const mv = support.reduce((s, i) => s + (data.items[i] as FewshotItem).valence, 0) / support.length;
  const ma = support.reduce((s, i) => s + (data.items[i] as FewshotItem).arousal, 0) / support.length;
  return { valence: new Float64Array(n).fill(mv), arousal: new Float64Array(n).fill(ma) };
}

function knn(data: FewshotData, support: readonly number[], k = 3): Prediction {
  const n = data.items.length;
  const embeddingDim = data.embeddings.length / n;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < embeddingDim; d++) s += (data.embeddings[i * embeddingDim + d] as number) ** 2;
    norms[i] = Math.sqrt(s) || 1;
  }
  const out: Prediction = { valence: new Float64Array(n), arousal: new Float64Array(n) };
  for (let q = 0; q < n; q++) {
    const scored = support.map((s) => {
      let dot = 0;
      for (let d = 0; d < embeddingDim; d++) dot += (data.embeddings[q * embeddingDim + d] as number) * (data.embeddings[s * embeddingDim + d] as number);
      return { s, cos: dot / ((norms[q] as number) * (norms[s] as number)) };
    });
    const top = scored.sort((a, b) => b.cos - a.cos).slice(0, k);
    out.valence[q] = top.reduce((sum, t) => sum + (data.items[t.s] as FewshotItem).valence, 0) / top.length;
    out.arousal[q] = top.reduce((sum, t) => sum + (data.items[t.s] as FewshotItem).arousal, 0) / top.length;
  }
  return out;
}

/** Ridge on the descriptor, penalty from an inner cross-validation over the support's clips (ridge.ts). */
function ridge(data: FewshotData, desc: Float32Array, support: readonly number[]): Prediction {
  const dim = desc.length / data.items.length;
  const rows = (indices: readonly number[]) => {
    const out = new Float64Array(indices.length * dim);
    indices.forEach((i, r) => out.set(desc.subarray(i * dim, (i + 1) * dim), r * dim));
    return out;
  };
  const items = support.map((i) => data.items[i] as FewshotItem);
  const all = data.items.map((_, i) => i);
  const [valence, arousal] = ridgeBaseline(
    rows(support),
    dim,
    [Float64Array.from(items, (item) => item.valence), Float64Array.from(items, (item) => item.arousal)],
    items.map((item) => item.clip),
    rows(all),
  ) as [Float64Array, Float64Array];
  return { valence, arousal };
}

function authorsRule(data: FewshotData, desc: Float32Array, support: readonly number[], layout: DescriptorLayout): Prediction {
  const n = data.items.length;
  const proj = projectDescriptors(priorHead(layout), desc);
  const width = 2 + proj.rank;
  const out: Prediction = { valence: new Float64Array(n), arousal: new Float64Array(n) };
  const supportSet = new Set(support);
  for (const indices of clipsOf(data.items).values()) {
    const own = indices.filter((i) => supportSet.has(i));
    for (const q of indices) {
      let anchor: number;
      if (own.length > 0) {
        const preceding = own.filter((s) => (data.items[s] as FewshotItem).frame <= (data.items[q] as FewshotItem).frame);
        anchor = preceding.length > 0 ? (preceding[preceding.length - 1] as number) : (own[0] as number);
      } else {
        anchor = support[0] as number;
        let best = -Infinity;
        for (const s of support) {
          let sq = 0;
          for (let r = 2; r < width; r++) sq += ((proj.values[q * width + r] as number) - (proj.values[s * width + r] as number)) ** 2;
          if (proj.bias - sq > best) {
            best = proj.bias - sq;
            anchor = s;
          }
        }
      }
      const a = data.items[anchor] as FewshotItem;
      const clip = (x: number) => Math.max(-1, Math.min(1, x));
      out.valence[q] = clip(a.valence + (proj.values[q * width] as number) - (proj.values[anchor * width] as number));
      out.arousal[q] = clip(a.arousal + (proj.values[q * width + 1] as number) - (proj.values[anchor * width + 1] as number));
    }
  }
  return out;
}

/**
 * A labelled image set's crops come in clip order without times: each clip is played at 25 frames a second, the
 * rate the labelling replay (bench/active-learning) uses too, so the smoother and time weights see video times.
 */
export const CLIP_FRAME_SEC = 1 / 25;

function studio(data: FewshotData, desc: Float32Array, support: readonly number[], options: DrawOptions): { prediction: BandedPrediction; heldBack: HeldBackPredictions } {
  const n = data.items.length;
  const { dim } = options.layout;
  const descriptorOf = (i: number) => desc.subarray(i * dim, (i + 1) * dim);
  const training = support.map((i) => {
    const item = data.items[i] as FewshotItem;
    return { descriptor: descriptorOf(i).slice(), valence: item.valence, arousal: item.arousal, group: item.clip };
  });
  const trainOptions = { start: priorHead(options.layout), seed: options.seed };
  const trained = training.length >= MIN_TRAINING_LABELS;
  const head = trained ? trainPairHead(training, trainOptions).head : trainOptions.start;
  const settings: PropagationSettings = { ...DEFAULT_PROPAGATION, ...options.propagation };
  const supportSet = new Set(support);
  const weak = new Map(support.map((s) => [s, otherVideoLabel(head, String(s), descriptorOf(s), (data.items[s] as FewshotItem).valence, (data.items[s] as FewshotItem).arousal)]));
  const out: BandedPrediction = { valence: new Float64Array(n), arousal: new Float64Array(n), valenceSd: new Float64Array(n), arousalSd: new Float64Array(n), distanceSec: [] };
  const heldBack: HeldBackPredictions[] = [];
  for (const video of clipVideos(data.items, { frameSec: CLIP_FRAME_SEC })) {
    const frames = headFrames(head, video.items.map(descriptorOf), video.times);
    const own = video.items.flatMap((i, f) => (supportSet.has(i) ? [ownLabel(frames, String(i), f, (data.items[i] as FewshotItem).valence, (data.items[i] as FewshotItem).arousal)] : []));
    // With same-video anchors a clip without support would have nothing to go on: it falls back to all anchors.
    const clipSettings = { ...settings, crossVideo: options.anchors === 'same-video' && own.length > 0 ? 0 : settings.crossVideo };
    const labels = [...own, ...[...weak.entries()].filter(([s]) => !video.items.includes(s)).map(([, label]) => label)];
    const result = propagateLabels(frames, labels, clipSettings).result();
    const distance = distanceToNearestLabel(video.times, own.map((l) => l.frame as number));
    video.items.forEach((i, f) => {
      out.valence[i] = result.valence[f] as number;
      out.arousal[i] = result.arousal[f] as number;
      out.valenceSd[i] = result.valenceSd[f] as number;
      out.arousalSd[i] = result.arousalSd[f] as number;
      out.distanceSec[i] = distance[f] as number | null;
    });
    if (own.length === 0 || !options.heldBack) continue;
    // The held-back score as the studio computes it for a video: a trained head is retrained per fold on the
    // support minus the fold's left-out labels (the clip's own labels in place, the others weak, as above).
    const retrain = trained
      ? retrainPerFold(
          trainOptions,
          { times: video.times, hasFace: frames.hasFace, descriptors: packDescriptors(video.items.map(descriptorOf), dim) },
          support.map((s): FoldLabel => {
            const item = data.items[s] as FewshotItem;
            const f = video.items.indexOf(s);
            return { id: String(s), frame: f >= 0 ? f : null, descriptor: descriptorOf(s), valence: item.valence, arousal: item.arousal, group: item.clip };
          }),
        )
      : undefined;
    heldBack.push(heldBackPredictions(frames, labels, { settings: clipSettings, retrain }));
  }
  return { prediction: out, heldBack: poolHeldBack(heldBack) };
}

export interface DimensionMetrics {
  valence: MetricSet;
  arousal: MetricSet;
}

export interface DrawResult {
  draw: number;
  supportSize: number;
  queries: { all: number; clipHasSupport: number; clipWithoutSupport: number };
  predictors: Record<PredictorName, { all: DimensionMetrics | null; clipHasSupport: DimensionMetrics | null; clipWithoutSupport: DimensionMetrics | null }>;
  /** The studio's held-back score of the support labels (what the studio would show), pooled over clips. */
  heldBack: HeldBackScore | null;
  /**
   * Share of the queries inside the studio's 90% band (±1.645 sd), as the propagation gives it and calibrated by
   * the factors its held-back score fitted on the support labels (null when it had too few residuals).
   */
  band90: Record<QueryGroup, { coverage: BandCoverage; calibratedCoverage: BandCoverage | null } | null>;
}

type QueryGroup = 'all' | 'clipHasSupport' | 'clipWithoutSupport';

function bandSamples(pred: BandedPrediction, items: readonly FewshotItem[], queries: readonly number[]): BandSample[] {
  return queries.map((q) => ({
    residualValence: (items[q] as FewshotItem).valence - (pred.valence[q] as number),
    residualArousal: (items[q] as FewshotItem).arousal - (pred.arousal[q] as number),
    sdValence: pred.valenceSd[q] as number,
    sdArousal: pred.arousalSd[q] as number,
    distanceSec: pred.distanceSec[q] ?? null,
  }));
}

function scores(pred: Prediction, items: readonly FewshotItem[], queries: readonly number[]): DimensionMetrics | null {
  if (queries.length === 0) return null;
  return {
    valence: metricSet(queries.map((q) => pred.valence[q] as number), queries.map((q) => (items[q] as FewshotItem).valence)),
    arousal: metricSet(queries.map((q) => pred.arousal[q] as number), queries.map((q) => (items[q] as FewshotItem).arousal)),
  };
}

export function evaluateDraw(data: FewshotData, support: Set<number>, draw: number, options: DrawOptions, desc = descriptors(data, options.layout)): DrawResult {
  const supportList = [...support].sort((a, b) => a - b);
  const supportedClips = new Set(supportList.map((i) => (data.items[i] as FewshotItem).clip));
  const queries = data.items.map((_, i) => i).filter((i) => !support.has(i));
  const withSupport = queries.filter((q) => supportedClips.has((data.items[q] as FewshotItem).clip));
  const without = queries.filter((q) => !supportedClips.has((data.items[q] as FewshotItem).clip));
  const shipped = studio(data, desc, supportList, options);
  const predictions: Record<PredictorName, Prediction> = {
    'support-mean': supportMean(data, supportList),
    knn: knn(data, supportList),
    ridge: ridge(data, desc, supportList),
    'authors-prior': authorsRule(data, desc, supportList, options.layout),
    studio: shipped.prediction,
  };
  const predictors = Object.fromEntries(
    PREDICTORS.map((name) => [
      name,
      { all: scores(predictions[name], data.items, queries), clipHasSupport: scores(predictions[name], data.items, withSupport), clipWithoutSupport: scores(predictions[name], data.items, without) },
    ]),
  ) as DrawResult['predictors'];
  const heldBack = scoreHeldBack(shipped.heldBack);
  const calibration = heldBack?.calibration ?? null;
  const groups: Record<QueryGroup, number[]> = { all: queries, clipHasSupport: withSupport, clipWithoutSupport: without };
  const band90 = Object.fromEntries(
    Object.entries(groups).map(([group, members]) => {
      if (members.length === 0) return [group, null];
      const samples = bandSamples(shipped.prediction, data.items, members);
      return [group, { coverage: bandCoverage(samples, null), calibratedCoverage: calibration && bandCoverage(samples, calibration) }];
    }),
  ) as DrawResult['band90'];
  return {
    draw,
    supportSize: support.size,
    queries: { all: queries.length, clipHasSupport: withSupport.length, clipWithoutSupport: without.length },
    predictors,
    heldBack,
    band90,
  };
}

export interface FewshotRun {
  spec: string;
  draws: DrawResult[];
  /** Mean and sd over draws of every metric, per predictor and query group; NaN draws are skipped. */
  summary: Record<PredictorName, Record<'all' | 'clipHasSupport' | 'clipWithoutSupport', Record<'valence' | 'arousal', Record<keyof MetricSet, { mean: number; sd: number }>> | null>>;
  /**
   * Mean and sd over the draws that have one of the studio's held-back score (`retrainedPerFold` as 1 or 0: its
   * mean is the share of draws whose head was retrained per fold); null when none has.
   */
  heldBack: Record<HeldBackField, { mean: number; sd: number }> | null;
  /** Mean and sd over draws of the studio's 90% band coverage per query group, as given and calibrated. */
  band90: Record<QueryGroup, Record<'valence' | 'arousal' | 'calibratedValence' | 'calibratedArousal', { mean: number; sd: number }> | null>;
}

const HELD_BACK_FIELDS = ['labels', 'folds', 'neighbourhoodSec', 'retrainedPerFold', 'cccValence', 'cccArousal', 'rmseValence', 'rmseArousal'] as const;
type HeldBackField = (typeof HELD_BACK_FIELDS)[number];

function summariseBands(draws: readonly DrawResult[]): FewshotRun['band90'] {
  const groups: QueryGroup[] = ['all', 'clipHasSupport', 'clipWithoutSupport'];
  return Object.fromEntries(
    groups.map((group) => {
      const present = draws.map((d) => d.band90[group]).filter((b) => b !== null);
      if (present.length === 0) return [group, null];
      const calibrated = present.map((b) => b.calibratedCoverage).filter((c) => c !== null);
      return [
        group,
        {
          valence: stat(present.map((b) => b.coverage.valence)),
          arousal: stat(present.map((b) => b.coverage.arousal)),
          calibratedValence: stat(calibrated.map((c) => c.valence)),
          calibratedArousal: stat(calibrated.map((c) => c.arousal)),
        },
      ];
    }),
  ) as FewshotRun['band90'];
}

export interface FewshotOptions {
  draws: number;
  seed: number;
  anchors: 'same-video' | 'any';
  clipFraction?: number;
  propagation?: Partial<PropagationSettings>;
  /** The descriptor contract to evaluate under (descriptorLayout.ts); the latest by default. */
  descriptorVersion?: DescriptorVersion;
  /**
   * Score the support's held-back labels as the studio does (true by default). That retrains the head per fold of
   * every clip with support, about 98% of a draw's time at 5% support; the predictions and their CCC do not depend
   * on it, so a comparison of predictions alone may leave it out (the band coverage and held-back fields are null).
   */
  heldBack?: boolean;
}

/** Each draw's support set and training seed, from the options alone: every descriptor version gets the same ones. */
function drawPlan(data: FewshotData, spec: string, options: FewshotOptions): { support: Set<number>; seed: number }[] {
  const parsed = parseSupportSpec(spec);
  if (!Number.isInteger(options.draws) || options.draws < 1) throw new StudioError(`--draws must be a whole number >= 1, not ${options.draws}.`);
  return Array.from({ length: options.draws }, (_, d) => {
    const seed = options.seed * 1000 + d;
    return { support: drawSupport(data.items, parsed, seededRandom(seed), options.clipFraction), seed };
  });
}

function drawOptions(layout: DescriptorLayout, options: FewshotOptions, seed: number): DrawOptions {
  return { layout, anchors: options.anchors, seed, propagation: options.propagation, heldBack: options.heldBack ?? true };
}

export function runFewshot(data: FewshotData, spec: string, options: FewshotOptions, onDraw?: (d: DrawResult) => void): FewshotRun {
  const layout = descriptorLayout(options.descriptorVersion ?? LATEST_DESCRIPTOR_VERSION);
  const desc = descriptors(data, layout);
  const draws = drawPlan(data, spec, options).map((plan, d) => {
    const result = evaluateDraw(data, plan.support, d, drawOptions(layout, options, plan.seed), desc);
    onDraw?.(result);
    return result;
  });
  return summariseRun(spec, draws);
}

function summariseRun(spec: string, draws: DrawResult[]): FewshotRun {
  const heldBack = draws.map((d) => d.heldBack).filter((h): h is HeldBackScore => h !== null);
  return {
    spec,
    draws,
    summary: summarise(draws),
    band90: summariseBands(draws),
    heldBack: heldBack.length === 0 ? null : (Object.fromEntries(HELD_BACK_FIELDS.map((field) => [field, stat(heldBack.map((h) => Number(h[field])))])) as FewshotRun['heldBack']),
  };
}

type PairedGroup = 'all' | 'clipWithoutSupport';
const PAIRED_GROUPS: readonly PairedGroup[] = ['all', 'clipWithoutSupport'];

/** The studio's CCC under version 2 minus under version 1 on one draw (null: the draw has no such queries). */
export interface PairedDraw {
  draw: number;
  difference: Record<PairedGroup, { valence: number; arousal: number } | null>;
}

/** The mean paired difference over draws and its 95% interval (percentile bootstrap over the draws). */
export interface PairedMean {
  mean: number;
  low: number;
  high: number;
  draws: number;
}

export interface DescriptorComparison {
  spec: string;
  /** Version 1 (without the action embedding) and version 2 (with it), run on the same draws. */
  v1: FewshotRun;
  v2: FewshotRun;
  paired: PairedDraw[];
  mean: Record<PairedGroup, { valence: PairedMean; arousal: PairedMean } | null>;
}

/**
 * Few-shot accuracy with and without the action embedding (issue 16), paired: every draw's support set and
 * training seed are shared by both versions, so a difference is the descriptor's and not the draw's.
 */
export function compareDescriptors(data: FewshotData, spec: string, options: Omit<FewshotOptions, 'descriptorVersion'>, onDraw?: (paired: PairedDraw) => void): DescriptorComparison {
  const layouts = [descriptorLayout(1), descriptorLayout(2)] as const;
  const desc = layouts.map((layout) => descriptors(data, layout));
  const results: [DrawResult[], DrawResult[]] = [[], []];
  const paired = drawPlan(data, spec, options).map((plan, d): PairedDraw => {
    const [v1, v2] = layouts.map((layout, k) => evaluateDraw(data, plan.support, d, drawOptions(layout, options, plan.seed), desc[k])) as [DrawResult, DrawResult];
    results[0].push(v1);
    results[1].push(v2);
    const difference = Object.fromEntries(
      PAIRED_GROUPS.map((group) => {
        const [a, b] = [v1.predictors.studio[group], v2.predictors.studio[group]];
        return [group, a && b ? { valence: b.valence.ccc - a.valence.ccc, arousal: b.arousal.ccc - a.arousal.ccc } : null];
      }),
    ) as PairedDraw['difference'];
    const result = { draw: d, difference };
    onDraw?.(result);
    return result;
  });
  const mean = Object.fromEntries(
    PAIRED_GROUPS.map((group) => {
      const present = paired.map((p) => p.difference[group]).filter((x) => x !== null);
      if (present.length === 0) return [group, null];
      return [group, { valence: pairedMean(present.map((x) => x.valence), options.seed), arousal: pairedMean(present.map((x) => x.arousal), options.seed) }];
    }),
  ) as DescriptorComparison['mean'];
  return { spec, v1: summariseRun(spec, results[0]), v2: summariseRun(spec, results[1]), paired, mean };
}

const BOOTSTRAP_RESAMPLES = 2000;

/** Draws are independent, so they are resampled singly (NaN draws, e.g. a constant prediction, are left out). */
export function pairedMean(differences: readonly number[], seed: number): PairedMean {
  const ok = differences.filter(Number.isFinite);
  if (ok.length === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN, draws: 0 };
  const random = seededRandom(seed);
  const means = Array.from({ length: BOOTSTRAP_RESAMPLES }, () => {
    let s = 0;
    for (let i = 0; i < ok.length; i++) s += ok[Math.floor(random() * ok.length)] as number;
    return s / ok.length;
  }).sort((a, b) => a - b);
  return {
    mean: ok.reduce((a, b) => a + b, 0) / ok.length,
    low: means[Math.floor(0.025 * BOOTSTRAP_RESAMPLES)] as number,
    high: means[Math.ceil(0.975 * BOOTSTRAP_RESAMPLES) - 1] as number,
    draws: ok.length,
  };
}

function stat(values: number[]): { mean: number; sd: number } {
  const ok = values.filter(Number.isFinite);
  if (ok.length === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = ok.reduce((a, b) => a + b, 0) / ok.length;
  return { mean, sd: Math.sqrt(ok.reduce((a, b) => a + (b - mean) ** 2, 0) / ok.length) };
}

function summarise(draws: readonly DrawResult[]): FewshotRun['summary'] {
  const groups = ['all', 'clipHasSupport', 'clipWithoutSupport'] as const;
  const metrics: (keyof MetricSet)[] = ['n', 'rmse', 'pcc', 'ccc', 'sagr'];
  return Object.fromEntries(
    PREDICTORS.map((name) => [
      name,
      Object.fromEntries(
        groups.map((group) => {
          const present = draws.map((d) => d.predictors[name][group]).filter((g): g is DimensionMetrics => g !== null);
          if (present.length === 0) return [group, null];
          return [
            group,
            Object.fromEntries((['valence', 'arousal'] as const).map((dim) => [dim, Object.fromEntries(metrics.map((m) => [m, stat(present.map((g) => g[dim][m]))]))])),
          ];
        }),
      ),
    ]),
  ) as FewshotRun['summary'];
}
