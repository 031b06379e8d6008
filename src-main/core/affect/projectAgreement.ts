/**
 * Agreement and fusion over a project's labels, as pure functions of the data the caller loaded: builds the
 * item-by-annotator matrices agreement.ts works on (an item is a frame of one person: two people on one frame are
 * two items, never one), per video and pooled over videos, between annotators and
 * between each annotator and the model, and computes a fused gold standard for the caller to save as a layer.
 */
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import type { CurrentLabel } from '../store/labelStore';
import type { VideoRecord } from '../store/videoStore';
import { agreementReport, ewe, fuseMean, type AgreementReport, type RatingMatrix } from './agreement';

export const AXES = ['valence', 'arousal'] as const;
export type Axis = (typeof AXES)[number];

/** Fused layers are named "gold (<method>)"; they are left out of agreement unless asked for by name. */
export const FUSION_METHODS = { mean: 'gold (mean)', ewe: 'gold (EWE)' } as const;
export type FusionMethod = keyof typeof FUSION_METHODS;
const FUSED_NAMES: readonly string[] = Object.values(FUSION_METHODS);

export interface Scope {
  videoId?: VideoId;
  /** With videoId: only this person's labels. */
  personId?: PersonId;
  /** Annotator names; default every annotator except fused gold layers. */
  annotators?: readonly string[];
}

/** A V/A value by frame. */
export type FrameValues = ReadonlyMap<number, { valence: number; arousal: number }>;

/** What agreement and fusion are computed from, for the videos in scope. */
export interface LabelledVideos {
  videos: readonly Pick<VideoRecord, 'id' | 'displayName'>[];
  annotators: readonly Annotator[];
  /** Every annotator's current labels, per video. */
  labels: ReadonlyMap<VideoId, readonly CurrentLabel[]>;
  /** Each annotator's newest model run per video and person (a run is one annotator's predictions); absent where there is none. */
  model: ReadonlyMap<VideoId, ReadonlyMap<AnnotatorId, ReadonlyMap<PersonId, FrameValues>>>;
}

export interface AxisAgreement extends Omit<AgreementReport, 'pairs'> {
  pairs: { a: string; b: string; n: number; ccc: number; pearson: number; rmse: number }[];
}

export interface AgreementBlock {
  /** Frames rated by at least two of the raters compared. */
  frames: number;
  valence: AxisAgreement | null;
  arousal: AxisAgreement | null;
}

export interface ProjectAgreement extends AgreementBlock {
  annotators: string[];
  videos: ({ videoId: number; name: string } & AgreementBlock)[];
  /** Each annotator against the newest model run, over the frames both labelled (videos with predictions only). */
  model: ({ annotator: string } & AgreementBlock)[];
}

/** Rows are frames, columns the raters; one matrix per axis. */
interface Ratings {
  valence: number[][];
  arousal: number[][];
}

/** `names`: the annotators to compare (see Scope.annotators). */
export function projectAgreement(data: LabelledVideos, names?: readonly string[]): ProjectAgreement {
  const { videos } = data;
  const raters = selectRaters(data, names);
  const perVideo = videos.map((video) => ({ video, ratings: ratingsOf(labelsOf(data, video.id), raters, 2) }));
  const raterNames = raters.map((r) => r.name);
  const model = raters.map((rater) => {
    const pooled = concat(videos.map((video) => annotatorVsModel(labelsOf(data, video.id), data.model.get(video.id)?.get(rater.id), rater)));
    return { annotator: rater.name, ...block(pooled, [rater.name, 'model']) };
  });
  return {
    annotators: raterNames,
    ...block(concat(perVideo.map((v) => v.ratings)), raterNames),
    videos: perVideo.map(({ video, ratings }) => ({ videoId: video.id, name: video.displayName, ...block(ratings, raterNames) })),
    model,
  };
}

export interface FusionResult {
  annotator: Annotator;
  labels: number;
  /** EWE weights per axis by annotator name; null for the plain mean. */
  weights: Record<Axis, Record<string, number>> | null;
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
  weights: FusionResult['weights'];
}

/**
 * Fuses the raters into one layer over every frame at least one of them labelled. EWE weights are estimated once
 * over all frames in scope (a rater's reliability is a property of the rater, and more frames estimate it better).
 * Saving it replaces the layer's values in scope: frames no longer covered get a delete row, as any edit would.
 */
export function fuseLayer(data: LabelledVideos, method: FusionMethod, names?: readonly string[]): FusedLayer {
  const raters = selectRaters(data, names);
  if (raters.length < 2) throw new StudioError(`Fusion needs at least two annotators with labels here; found ${raters.length}.`);
  const frames = data.videos.flatMap((video) => framesRatedBy(labelsOf(data, video.id), raters, 1).map((frame) => ({ videoId: video.id, ...frame })));
  if (frames.length === 0) throw new StudioError('The chosen annotators have no labels here, so there is nothing to fuse.');
  const fused = { valence: [] as number[], arousal: [] as number[] };
  let weights: FusionResult['weights'] = null;
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

/** Named raters, or by default every annotator with labels on these videos except the fused gold layers. */
function selectRaters(data: LabelledVideos, names: readonly string[] | undefined): Annotator[] {
  if (names === undefined) {
    const labelled = new Set(data.videos.flatMap((video) => labelsOf(data, video.id).map((label) => label.annotatorId)));
    return data.annotators.filter((a) => labelled.has(a.id) && !FUSED_NAMES.includes(a.name));
  }
  return names.map((name) => {
    const found = data.annotators.find((a) => a.name === name);
    if (!found) throw new StudioError(`This project has no annotator named "${name}".`);
    return found;
  });
}

function labelsOf(data: LabelledVideos, videoId: VideoId): readonly CurrentLabel[] {
  return data.labels.get(videoId) ?? [];
}

/** Frames of a video's persons labelled by at least `minRaters` of `raters`, with NaN for a rater who did not label it. */
function framesRatedBy(labels: readonly CurrentLabel[], raters: readonly Annotator[], minRaters: number) {
  const column = new Map(raters.map((r, j) => [r.id, j]));
  const byFrame = new Map<string, { personId: PersonId; frameIndex: number; valence: number[]; arousal: number[]; count: number }>();
  for (const label of labels) {
    const j = column.get(label.annotatorId);
    if (j === undefined) continue;
    const key = `${label.personId}/${label.frameIndex}`;
    let row = byFrame.get(key);
    if (!row) {
      row = { personId: label.personId, frameIndex: label.frameIndex, valence: raters.map(() => NaN), arousal: raters.map(() => NaN), count: 0 };
      byFrame.set(key, row);
    }
    row.valence[j] = label.valence;
    row.arousal[j] = label.arousal;
    row.count++;
  }
  return [...byFrame.values()]
    .filter((row) => row.count >= minRaters)
    .sort((a, b) => a.personId - b.personId || a.frameIndex - b.frameIndex)
    .map(({ personId, frameIndex, valence, arousal }) => ({ personId, frameIndex, valence, arousal }));
}

function ratingsOf(labels: readonly CurrentLabel[], raters: readonly Annotator[], minRaters: number): Ratings {
  const frames = framesRatedBy(labels, raters, minRaters);
  return { valence: frames.map((f) => f.valence), arousal: frames.map((f) => f.arousal) };
}

/** The rater's labels paired with the model's prediction of the same person on the same frames, in person and frame order. */
function annotatorVsModel(labels: readonly CurrentLabel[], model: ReadonlyMap<PersonId, FrameValues> | undefined, rater: Annotator): Ratings {
  if (!model) return { valence: [], arousal: [] };
  const pairs = labels
    .filter((label) => label.annotatorId === rater.id && model.get(label.personId)?.has(label.frameIndex))
    .sort((a, b) => a.personId - b.personId || a.frameIndex - b.frameIndex)
    .map((label) => ({ label, predicted: model.get(label.personId)?.get(label.frameIndex) as { valence: number; arousal: number } }));
  return { valence: pairs.map((p) => [p.label.valence, p.predicted.valence]), arousal: pairs.map((p) => [p.label.arousal, p.predicted.arousal]) };
}

function concat(parts: readonly Ratings[]): Ratings {
  return { valence: parts.flatMap((p) => p.valence), arousal: parts.flatMap((p) => p.arousal) };
}

/** No overlapping frames or fewer than two raters: nothing to agree on, reported as null rather than an error. */
function block(ratings: Ratings, names: readonly string[]): AgreementBlock {
  const report = (matrix: RatingMatrix): AxisAgreement | null => {
    if (matrix.length === 0 || names.length < 2) return null;
    const { pairs, ...rest } = agreementReport(matrix);
    return { ...rest, pairs: pairs.map(({ a, b, ...p }) => ({ a: names[a] as string, b: names[b] as string, ...p })) };
  };
  return { frames: ratings.valence.length, valence: report(ratings.valence), arousal: report(ratings.arousal) };
}

function clamp(value: number): number {
  return Number.isNaN(value) ? value : Math.min(1, Math.max(-1, value));
}
