/**
 * Agreement and fusion over a project's labels, as pure functions of the data the caller loaded: the caller picks
 * the raters, this builds the frame-by-rater matrices agreement.ts works on, per group (a video) and pooled, with
 * block-bootstrap intervals (blockBootstrap.ts) and Bland-Altman data per rater pair, and fuses annotators into a
 * gold standard for the caller to save as a layer.
 *
 * Who counts as a rater, so that the figures mean what they say:
 * - by default the human annotators with labels in scope: imported layers and fused gold layers are other data
 *   sets, compared only when named;
 * - a rater counts in a video only where its frames overlap another rater's (an AFEW-VA layer of another video is
 *   not a missing rater here, it is not a rater here);
 * - the model is a rater only as "the model anchored on X's labels" and only on frames it was not anchored on:
 *   frames within the held-back neighbourhood (heldBack.ts, NEIGHBOURHOOD_SEC) of one of X's labels on the video are
 *   left out, so X is never compared with copies of X's own labels.
 */
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import type { CurrentLabel } from '../store/labelStore';
import { agreementMeasures, blandAltman, ewe, fuseMean, MEASURES, measuresOfSums, ratingSums, type BlandAltman, type Measure, type RatingSums } from './agreement';
import { blockBootstrap, BLOCK_SEC, CONFIDENCE, DEFAULT_REPLICATES, DEFAULT_SEED, timeBlocks, type BootstrapOptions, type Interval } from './blockBootstrap';
import { NEIGHBOURHOOD_SEC } from './heldBack';

export const AXES = ['valence', 'arousal'] as const;
export type Axis = (typeof AXES)[number];

import { FUSION_METHODS, type FusionMethod } from '../fusedLayers';
export { FUSION_METHODS, type FusionMethod };

/** A rater: an annotator's layer, or the model's predictions anchored on one annotator's labels. */
export type RaterRef = { kind: 'annotator'; name: string } | { kind: 'model'; anchoredOn: string };

/** At most this many points per Bland-Altman plot or trace: a screen or a page shows no more. */
export const MAX_PLOT_POINTS = 800;

/**
 * What figures are grouped by: a person of a video (an item is a frame of one person: two people on one frame are
 * two items, never one). Every other part works on groups and does not care what identifies one.
 */
export interface GroupKey {
  videoId: VideoId;
  personId: PersonId;
}

/** A V/A value by frame. */
export type FrameValues = ReadonlyMap<number, { valence: number; arousal: number }>;

/** What agreement and fusion are computed from, for the videos in scope. */
export interface LabelledVideos {
  videos: readonly { id: VideoId; displayName: string; frameTimesSec: readonly number[] }[];
  annotators: readonly Annotator[];
  /** Every annotator's current labels, per video. */
  labels: ReadonlyMap<VideoId, readonly CurrentLabel[]>;
  /** The model's predictions anchored on each annotator asked for as a model rater, per video and person; absent where none. */
  model: ReadonlyMap<VideoId, ReadonlyMap<AnnotatorId, ReadonlyMap<PersonId, FrameValues>>>;
}

export interface PairFigures {
  a: string;
  b: string;
  /** Frames both rated. */
  n: number;
  ccc: Interval;
  pearson: Interval;
  rmse: Interval;
  /** Differences a - b; `points` are (mean of the two, difference), thinned to MAX_PLOT_POINTS. */
  blandAltman: BlandAltman & { points: [number, number][] };
}

export interface AxisFigures {
  measures: Record<Measure, Interval>;
  pairs: PairFigures[];
}

export interface GroupAgreement {
  /** The raters who overlap another rater here, in the order of the choice. */
  raters: string[];
  /** Frames rated by at least two of them. */
  frames: number;
  /** Frames rated by all of them: the ones the ICCs use. */
  completeFrames: number;
  /** Blocks of BLOCK_SEC the bootstrap resampled. */
  blocks: number;
  valence: AxisFigures | null;
  arousal: AxisFigures | null;
}

export interface ProjectAgreement {
  raters: string[];
  method: { confidence: number; replicates: number; seed: number; blockSec: number; neighbourhoodSec: number };
  pooled: GroupAgreement;
  videos: (GroupKey & { name: string } & GroupAgreement)[];
  /** Per model rater: frames left out as within the neighbourhood of its anchoring annotator's labels. */
  leftOut: { rater: string; frames: number }[];
}

interface Rater {
  name: string;
  ref: RaterRef;
  /** The annotator whose layer this is, or whose labels the model is anchored on. */
  annotator: Annotator;
}

/** Ratings: a row per frame rated by two or more raters, a column per rater (NaN: not rated). */
interface Rows {
  frames: number[];
  times: number[];
  /** The group of each row, so that bootstrap blocks never span two groups. */
  groupOfRow: string[];
  valence: number[][];
  arousal: number[][];
}

export function raterName(ref: RaterRef): string {
  return ref.kind === 'annotator' ? ref.name : `model (anchored on ${ref.anchoredOn})`;
}

/** The raters asked for, or by default the human annotators with labels in scope; each must exist. */
export function resolveRaters(data: LabelledVideos, choice: readonly RaterRef[] | undefined): Rater[] {
  const refs: readonly RaterRef[] =
    choice ??
    (() => {
      const labelled = new Set(data.videos.flatMap((video) => labelsOf(data, video.id).map((label) => label.annotatorId)));
      return data.annotators.filter((a) => a.kind === 'human' && labelled.has(a.id)).map((a) => ({ kind: 'annotator' as const, name: a.name }));
    })();
  const raters = refs.map((ref) => {
    const wanted = ref.kind === 'annotator' ? ref.name : ref.anchoredOn;
    const annotator = data.annotators.find((a) => a.name === wanted);
    if (!annotator) throw new StudioError(`This project has no annotator named "${wanted}"; check the name (annotators are listed in the studio's raters panel).`);
    return { name: raterName(ref), ref, annotator };
  });
  const names = raters.map((r) => r.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new StudioError(`"${twice}" is chosen twice as a rater; choose each rater once.`);
  return raters;
}

/** Agreement between the chosen raters per group and pooled over the groups, each figure with its interval. */
export function projectAgreement(data: LabelledVideos, choice?: readonly RaterRef[], options: BootstrapOptions = {}): ProjectAgreement {
  const raters = resolveRaters(data, choice);
  const leftOut = new Map(raters.filter((r) => r.ref.kind === 'model').map((r) => [r.name, 0]));
  const groups = groupsOf(data).map((group) => {
    const columns = raters.map((rater) => {
      const values = raterValues(data, group, rater);
      if (rater.ref.kind === 'model') leftOut.set(rater.name, (leftOut.get(rater.name) ?? 0) + values.leftOut);
      return values.values;
    });
    return { group, rows: rowsOf(group, columns) };
  });
  const names = raters.map((r) => r.name);
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const seed = options.seed ?? DEFAULT_SEED;
  return {
    raters: names,
    method: { confidence: CONFIDENCE, replicates, seed, blockSec: BLOCK_SEC, neighbourhoodSec: NEIGHBOURHOOD_SEC },
    pooled: groupAgreement(pool(groups.map((g) => g.rows)), names, { replicates, seed }),
    videos: groups.map(({ group, rows }) => ({ ...group.key, name: group.name, ...groupAgreement(rows, names, { replicates, seed }) })),
    leftOut: [...leftOut].map(([rater, frames]) => ({ rater, frames })),
  };
}

/** One series per rater on one video, over the frames it counts on (a model rater: outside the neighbourhood). */
export interface RaterTrace {
  rater: string;
  frameIndex: number[];
  timeSec: number[];
  valence: number[];
  arousal: number[];
}

/**
 * The chosen raters' values on a person of a video (the first labelled one unless named), as agreement uses them,
 * thinned to MAX_PLOT_POINTS for drawing.
 */
export function raterTraces(data: LabelledVideos, videoId: VideoId, choice?: readonly RaterRef[], personId?: PersonId): RaterTrace[] {
  const raters = resolveRaters(data, choice);
  const group = groupsOf(data).find((g) => g.key.videoId === videoId && (personId === undefined || g.key.personId === personId));
  if (!group) throw new StudioError(`Video ${videoId} is not among the videos agreement is computed on (it is not indexed yet).`);
  return raters.map((rater) => {
    const { values } = raterValues(data, group, rater);
    const frames = thinned([...values.keys()].sort((a, b) => a - b), MAX_PLOT_POINTS);
    return {
      rater: rater.name,
      frameIndex: frames,
      timeSec: frames.map((f) => group.frameTimesSec[f] ?? Number.NaN),
      valence: frames.map((f) => values.get(f)?.valence as number),
      arousal: frames.map((f) => values.get(f)?.arousal as number),
    };
  });
}

interface Group {
  key: GroupKey;
  name: string;
  frameTimesSec: readonly number[];
}

/** One group per person with labels on a video (person 1 of a video nobody labelled), videos in order. */
function groupsOf(data: LabelledVideos): Group[] {
  return data.videos.flatMap((video) => {
    const persons = [...new Set(labelsOf(data, video.id).map((label) => label.personId))].sort((a, b) => a - b);
    return (persons.length > 0 ? persons : [1 as PersonId]).map((personId) => ({
      key: { videoId: video.id, personId },
      name: persons.length > 1 ? `${video.displayName} · person ${personId}` : video.displayName,
      frameTimesSec: video.frameTimesSec,
    }));
  });
}

/**
 * The rater's values on a group's frames. An annotator: its labels. A model rater: the predictions anchored on the
 * annotator, except on frames within NEIGHBOURHOOD_SEC of one of that annotator's labels on the video.
 */
function raterValues(data: LabelledVideos, group: Group, rater: Rater): { values: FrameValues; leftOut: number } {
  const own = labelsOf(data, group.key.videoId).filter((label) => label.annotatorId === rater.annotator.id && label.personId === group.key.personId);
  if (rater.ref.kind === 'annotator') {
    return { values: new Map(own.map((label) => [label.frameIndex, { valence: label.valence, arousal: label.arousal }])), leftOut: 0 };
  }
  const predicted = data.model.get(group.key.videoId)?.get(rater.annotator.id)?.get(group.key.personId);
  if (!predicted) return { values: new Map(), leftOut: 0 };
  const times = group.frameTimesSec;
  const anchors = own.map((label) => times[label.frameIndex] as number).sort((a, b) => a - b);
  const values = new Map<number, { valence: number; arousal: number }>();
  let leftOut = 0;
  for (const [frame, value] of predicted) {
    if (nearAny(anchors, times[frame] as number, NEIGHBOURHOOD_SEC)) leftOut++;
    else values.set(frame, value);
  }
  return { values, leftOut };
}

/** Whether a sorted list of times holds one within `radius` of `t` (binary search). */
function nearAny(sorted: readonly number[], t: number, radius: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < t - radius) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && (sorted[lo] as number) <= t + radius;
}

/** Rows: the frames at least two raters rated, in frame order. */
function rowsOf(group: Group, columns: readonly FrameValues[]): Rows {
  const counts = new Map<number, number>();
  for (const column of columns) for (const frame of column.keys()) counts.set(frame, (counts.get(frame) ?? 0) + 1);
  const frames = [...counts].filter(([, count]) => count >= 2).map(([frame]) => frame).sort((a, b) => a - b);
  const axis = (a: Axis) => frames.map((frame) => columns.map((column) => column.get(frame)?.[a] ?? Number.NaN));
  const key = JSON.stringify(group.key);
  return {
    frames,
    times: frames.map((f) => group.frameTimesSec[f] ?? 0),
    groupOfRow: frames.map(() => key),
    valence: axis('valence'),
    arousal: axis('arousal'),
  };
}

/** Every group's rows as one set. */
function pool(groups: readonly Rows[]): Rows {
  return {
    frames: groups.flatMap((g) => g.frames),
    times: groups.flatMap((g) => g.times),
    groupOfRow: groups.flatMap((g) => g.groupOfRow),
    valence: groups.flatMap((g) => g.valence),
    arousal: groups.flatMap((g) => g.arousal),
  };
}

/**
 * The figures of one group: the raters that have a rating in its rows (a rater with none does not overlap here and
 * is not a column), every measure and pair with its block-bootstrap interval, Bland-Altman per pair.
 */
function groupAgreement(ratings: Rows, names: readonly string[], options: Required<BootstrapOptions>): GroupAgreement {
  const active = names.map((_, j) => j).filter((j) => ratings.valence.some((row) => !Number.isNaN(row[j] as number)));
  const pick = (matrix: number[][]) => matrix.map((row) => active.map((j) => row[j] as number));
  const matrices = { valence: pick(ratings.valence), arousal: pick(ratings.arousal) };
  const raters = active.map((j) => names[j] as string);
  const frames = ratings.frames.length;
  const completeFrames = matrices.valence.filter((row) => row.every((v) => !Number.isNaN(v))).length;
  if (frames === 0 || raters.length < 2) return { raters, frames, completeFrames, blocks: 0, valence: null, arousal: null };
  const blocks = timeBlocks(ratings.times.map((timeSec, i) => ({ group: ratings.groupOfRow[i] as string, timeSec })));
  // Each block's sums once (agreement.ts RatingSums); a resample adds up the sums of the blocks it drew.
  const k = raters.length;
  const blockSums = AXES.map((axis) => blocks.map((rows) => ratingSums(matrices[axis], rows)));
  const figures = (sums: RatingSums) => {
    const m = measuresOfSums(sums, k);
    return [...MEASURES.map((measure) => m.values[measure]), ...m.pairs.flatMap((p) => [p.ccc, p.pearson, p.rmse])];
  };
  const all = (drawn: readonly number[]) =>
    blockSums.flatMap((perBlock) => {
      const total = new Float64Array((perBlock[0] as RatingSums).length);
      for (const b of drawn) (perBlock[b] as RatingSums).forEach((v, i) => (total[i] = (total[i] as number) + v));
      return figures(total);
    });
  const point = all(blocks.map((_, b) => b));
  const { low, high } = blockBootstrap(blocks.length, all, options);
  const perAxis = point.length / 2;
  const axisFigures = (axis: Axis, offset: number): AxisFigures => {
    const interval = (i: number): Interval => ({ value: point[offset + i] as number, low: low[offset + i] as number, high: high[offset + i] as number });
    const measures = Object.fromEntries(MEASURES.map((measure, i) => [measure, interval(i)])) as Record<Measure, Interval>;
    const matrix = matrices[axis];
    const pairs = agreementMeasures(matrix).pairs.map((p, q): PairFigures => {
      const base = MEASURES.length + 3 * q;
      const x = matrix.map((row) => row[p.a] as number);
      const y = matrix.map((row) => row[p.b] as number);
      const both = x.map((v, i) => [v, y[i] as number] as const).filter(([v, w]) => !Number.isNaN(v) && !Number.isNaN(w));
      return {
        a: raters[p.a] as string,
        b: raters[p.b] as string,
        n: p.n,
        ccc: interval(base),
        pearson: interval(base + 1),
        rmse: interval(base + 2),
        blandAltman: { ...blandAltman(x, y), points: thinned(both, MAX_PLOT_POINTS).map(([v, w]) => [(v + w) / 2, v - w]) },
      };
    });
    return { measures, pairs };
  };
  return { raters, frames, completeFrames, blocks: blocks.length, valence: axisFigures('valence', 0), arousal: axisFigures('arousal', perAxis) };
}

/** At most `max` items, evenly spaced, first and last kept. */
export function thinned<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))] as T);
}

export interface FusedLabel {
  videoId: VideoId;
  personId: PersonId;
  frameIndex: number;
  valence: number;
  arousal: number;
}

/** The fused layer's values, to be saved under FUSION_METHODS[method] in place of its values on these videos. */
export interface FusedLayer {
  labels: FusedLabel[];
  /** EWE weights per axis by annotator name; null for the plain mean. */
  weights: Record<Axis, Record<string, number>> | null;
}

/**
 * Fuses annotators (not model raters: a gold standard is made of people's ratings) into one layer over every
 * frame at least one of them labelled. EWE weights are estimated once over all frames in scope (a rater's
 * reliability is a property of the rater, and more frames estimate it better). Saving it replaces the layer's
 * values in scope: frames no longer covered get a delete row, as any edit would.
 */
export function fuseLayer(data: LabelledVideos, method: FusionMethod, choice?: readonly RaterRef[]): FusedLayer {
  const raters = resolveRaters(data, choice);
  const model = raters.find((r) => r.ref.kind === 'model');
  if (model) throw new StudioError(`"${model.name}" is a model, not an annotator; a gold layer fuses annotators' labels only.`);
  if (raters.length < 2) throw new StudioError(`Fusion needs at least two annotators with labels here; found ${raters.length}.`);
  const frames = groupsOf(data).flatMap((group) => {
    const columns = raters.map((rater) => raterValues(data, group, rater).values);
    const labelled = [...new Set(columns.flatMap((c) => [...c.keys()]))].sort((a, b) => a - b);
    return labelled.map((frameIndex) => ({
      ...group.key,
      frameIndex,
      valence: columns.map((c) => c.get(frameIndex)?.valence ?? Number.NaN),
      arousal: columns.map((c) => c.get(frameIndex)?.arousal ?? Number.NaN),
    }));
  });
  if (frames.length === 0) throw new StudioError('The chosen annotators have no labels here, so there is nothing to fuse.');
  const fused = { valence: [] as number[], arousal: [] as number[] };
  let weights: FusedLayer['weights'] = null;
  for (const axis of AXES) {
    const matrix = frames.map((frame) => frame[axis]);
    if (method === 'ewe') {
      const result = ewe(matrix);
      fused[axis] = result.gold;
      weights ??= { valence: {}, arousal: {} };
      weights[axis] = Object.fromEntries(raters.map((r, j) => [r.name, result.weights[j] as number]));
    } else {
      fused[axis] = fuseMean(matrix);
    }
  }
  const labels = frames
    .map((frame, i) => ({ videoId: frame.videoId, personId: frame.personId, frameIndex: frame.frameIndex, valence: clamp(fused.valence[i] as number), arousal: clamp(fused.arousal[i] as number) }))
    .filter((label) => !Number.isNaN(label.valence) && !Number.isNaN(label.arousal));
  return { labels, weights };
}

function labelsOf(data: LabelledVideos, videoId: VideoId): readonly CurrentLabel[] {
  return data.labels.get(videoId) ?? [];
}

function clamp(value: number): number {
  return Number.isNaN(value) ? value : Math.min(1, Math.max(-1, value));
}
