/**
 * Agreement and fusion over a project's labels: builds the frame-by-annotator matrices agreement.ts works on,
 * per video and pooled over videos, between annotators and between each annotator and the model, and saves a
 * fused gold standard as a new annotator layer.
 */
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { ensureAnnotator, listAnnotators, type Annotator } from '../store/annotatorStore';
import { appendLabels, currentLabels, deleteLabel } from '../store/labelStore';
import { labelledPredictions, newestRun } from '../store/predictionStore';
import type { Db } from '../store/projectDb';
import { getVideo, listVideos, type VideoRecord } from '../store/videoStore';
import { agreementReport, ewe, fuseMean, type AgreementReport, type RatingMatrix } from './agreement';

export const AXES = ['valence', 'arousal'] as const;
export type Axis = (typeof AXES)[number];

/** Fused layers are named "gold (<method>)"; they are left out of agreement unless asked for by name. */
export const FUSION_METHODS = { mean: 'gold (mean)', ewe: 'gold (EWE)' } as const;
export type FusionMethod = keyof typeof FUSION_METHODS;
const FUSED_NAMES: readonly string[] = Object.values(FUSION_METHODS);

export interface Scope {
  videoId?: VideoId;
  /** Annotator names; default every annotator except fused gold layers. */
  annotators?: readonly string[];
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

export function projectAgreement(db: Db, scope: Scope): ProjectAgreement {
  const videos = selectVideos(db, scope.videoId);
  const raters = selectRaters(db, scope.annotators, videos);
  const perVideo = videos.map((video) => ({ video, ratings: ratingsOf(db, video.id, raters, 2) }));
  const names = raters.map((r) => r.name);
  const model = raters.map((rater) => {
    const pooled = concat(videos.map((video) => annotatorVsModel(db, video.id, rater)));
    return { annotator: rater.name, ...block(pooled, [rater.name, 'model']) };
  });
  return {
    annotators: names,
    ...block(concat(perVideo.map((v) => v.ratings)), names),
    videos: perVideo.map(({ video, ratings }) => ({ videoId: video.id, name: video.displayName, ...block(ratings, names) })),
    model,
  };
}

export interface FusionResult {
  annotator: Annotator;
  labels: number;
  /** EWE weights per axis by annotator name; null for the plain mean. */
  weights: Record<Axis, Record<string, number>> | null;
}

/**
 * Fuses the raters into one layer over every frame at least one of them labelled. EWE weights are estimated once
 * over all frames in scope (a rater's reliability is a property of the rater, and more frames estimate it better).
 * Re-fusing replaces the layer's values in scope: frames no longer covered get a delete row, as any edit would.
 */
export function fuseAnnotators(db: Db, method: FusionMethod, scope: Scope): FusionResult {
  const videos = selectVideos(db, scope.videoId);
  const raters = selectRaters(db, scope.annotators, videos);
  if (raters.length < 2) throw new StudioError(`Fusion needs at least two annotators with labels here; found ${raters.length}.`);
  const frames = videos.flatMap((video) => framesRatedBy(db, video.id, raters, 1).map((frame) => ({ videoId: video.id, ...frame })));
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
  const gold = ensureAnnotator(db, FUSION_METHODS[method], 'import');
  const labels = frames
    .map((frame, i) => ({
      videoId: frame.videoId,
      frameIndex: frame.frameIndex,
      annotatorId: gold.id,
      valence: clamp(fused.valence[i] as number),
      arousal: clamp(fused.arousal[i] as number),
      origin: 'import' as const,
    }))
    .filter((label) => !Number.isNaN(label.valence) && !Number.isNaN(label.arousal));
  db.transaction(() => {
    const kept = new Set(labels.map((label) => `${label.videoId}/${label.frameIndex}`));
    for (const video of videos) {
      for (const old of currentLabels(db, video.id, gold.id)) {
        if (!kept.has(`${video.id}/${old.frameIndex}`)) deleteLabel(db, { videoId: video.id, frameIndex: old.frameIndex, annotatorId: gold.id, origin: 'import' });
      }
    }
    appendLabels(db, labels);
  })();
  return { annotator: gold, labels: labels.length, weights };
}

/** Named raters, or by default every annotator with labels on these videos except the fused gold layers. */
function selectRaters(db: Db, names: readonly string[] | undefined, videos: readonly VideoRecord[]): Annotator[] {
  const all = listAnnotators(db);
  if (names === undefined) {
    const labelled = new Set(videos.flatMap((video) => currentLabels(db, video.id).map((label) => label.annotatorId)));
    return all.filter((a) => labelled.has(a.id) && !FUSED_NAMES.includes(a.name));
  }
  return names.map((name) => {
    const found = all.find((a) => a.name === name);
    if (!found) throw new StudioError(`This project has no annotator named "${name}".`);
    return found;
  });
}

function selectVideos(db: Db, videoId: VideoId | undefined): VideoRecord[] {
  if (videoId === undefined) return listVideos(db).filter((video) => video.status === 'ready');
  const video = getVideo(db, videoId);
  if (!video) throw new StudioError(`This project has no video ${videoId}.`);
  return [video];
}

/** Frames of a video labelled by at least `minRaters` of `raters`, with NaN for a rater who did not label it. */
function framesRatedBy(db: Db, videoId: VideoId, raters: readonly Annotator[], minRaters: number) {
  const column = new Map(raters.map((r, j) => [r.id, j]));
  const byFrame = new Map<number, { valence: number[]; arousal: number[]; count: number }>();
  for (const label of currentLabels(db, videoId)) {
    const j = column.get(label.annotatorId);
    if (j === undefined) continue;
    let row = byFrame.get(label.frameIndex);
    if (!row) {
      row = { valence: raters.map(() => NaN), arousal: raters.map(() => NaN), count: 0 };
      byFrame.set(label.frameIndex, row);
    }
    row.valence[j] = label.valence;
    row.arousal[j] = label.arousal;
    row.count++;
  }
  return [...byFrame.entries()]
    .filter(([, row]) => row.count >= minRaters)
    .sort((a, b) => a[0] - b[0])
    .map(([frameIndex, row]) => ({ frameIndex, valence: row.valence, arousal: row.arousal }));
}

function ratingsOf(db: Db, videoId: VideoId, raters: readonly Annotator[], minRaters: number): Ratings {
  const frames = framesRatedBy(db, videoId, raters, minRaters);
  return { valence: frames.map((f) => f.valence), arousal: frames.map((f) => f.arousal) };
}

function annotatorVsModel(db: Db, videoId: VideoId, rater: Annotator): Ratings {
  // The rater's own run: a run is one annotator's predictions.
  const run = newestRun(db, videoId, rater.id);
  if (!run) return { valence: [], arousal: [] };
  const rows = labelledPredictions(db, run.runId);
  return { valence: rows.map((r) => [r.lv, r.pv]), arousal: rows.map((r) => [r.la, r.pa]) };
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

/** JSON has no NaN: undefined statistics become null (what the CLI prints and the API returns). */
export function toJsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}
