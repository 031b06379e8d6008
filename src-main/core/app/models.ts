/**
 * Use cases for the project's model: its pair-head versions (list, train one on a rater's labels, make one a rater's
 * active head again), and its predictions saved as model runs for batch work (propagate) and read back (the saved
 * run while it is current, else computed: ProjectPredictor.currentSavedRun holds the one staleness rule).
 */
import { heldBackInWorker, MIN_HELD_BACK_LABELS, type HeldBackScore } from '../affect/heldBack';
import { TRAIN_HEAD_JOB } from '../affect/trainJob';
import type { HeadInUse } from '../affect/projectPredictor';
import { StudioError } from '../errors';
import type { AnnotatorId, JobId, PersonId, VideoId } from '../ids';
import type { HeadVersion } from '../store/modelStore';
import type { ProjectContext } from './projectContext';
import { annotatorOf } from './annotators';
import { personOf } from './persons';
import { currentRun, runPredictions } from './predictions';
import { videoOf } from './videos';

export function listHeads(project: ProjectContext): Promise<HeadVersion[]> {
  return project.stores.models.headVersions();
}

/** Queues training of a pair head on this annotator's labels; it becomes their active head, and no other rater's. */
export async function requestTraining(project: ProjectContext, annotatorId: AnnotatorId): Promise<JobId> {
  await annotatorOf(project, annotatorId);
  return project.jobs.enqueue(TRAIN_HEAD_JOB, { annotatorId });
}

/** Makes a stored version its rater's active head again; that rater's predictions change with it. */
export async function activateHead(project: ProjectContext, modelId: number): Promise<HeadVersion[]> {
  await project.stores.models.activateHead(modelId);
  project.predictor.reset();
  return listHeads(project);
}

export interface PropagatedVideo {
  videoId: VideoId;
  personId: PersonId;
  frames: number;
  framesPredicted: number;
  anchors: number;
  head: HeadInUse;
  /** The saved model run, or null when no frame had a face to predict. */
  runId: number | null;
}

/**
 * Brings the annotator's model runs up to date (recomputed and saved if their labels, head or analysis changed;
 * see currentRun), as a batch command wants it: of one person (`only` with a person), of every person of one
 * video, or of every person of every analysed video.
 */
export async function propagate(project: ProjectContext, annotatorId: AnnotatorId, only?: { videoId: VideoId; personId?: PersonId }): Promise<PropagatedVideo[]> {
  const videos = only === undefined ? await analysedVideos(project) : [await requireAnalysed(project, only.videoId)];
  if (videos.length === 0) throw new StudioError('No video of this project has been analysed yet: run "affect-studio analyze" first.');
  const results: PropagatedVideo[] = [];
  for (const videoId of videos) {
    const persons = only?.personId === undefined ? await project.stores.persons.list(videoId) : [await personOf(project, videoId, only.personId)];
    const frames = (await project.stores.videos.frames(videoId)).length;
    for (const { personId } of persons) {
      const run = await currentRun(project, videoId, personId, annotatorId);
      const framesPredicted = run ? (await runPredictions(project, run)).length : 0;
      const head: HeadInUse = run
        ? { modelId: run.priorHead ? null : run.pairHeadId, name: run.headName, version: run.headVersion, note: null }
        : project.predictor.predict(videoId, personId, annotatorId).head;
      results.push({ videoId, personId, frames, framesPredicted, anchors: run?.anchors ?? 0, head, runId: run?.runId ?? null });
    }
  }
  return results;
}

export interface FramePrediction {
  frameIndex: number;
  timeSec: number;
  valence: number | null;
  arousal: number | null;
  valenceSd: number | null;
  arousalSd: number | null;
  face: boolean;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Per frame of an analysed video: the person's V/A and their sd from the annotator's current model run (see currentRun). */
export async function framePredictions(project: ProjectContext, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): Promise<FramePrediction[]> {
  await requireAnalysed(project, videoId);
  await personOf(project, videoId, personId);
  const times = (await project.stores.videos.frames(videoId)).map((frame) => frame.ptsSec);
  const run = await currentRun(project, videoId, personId, annotatorId);
  const byFrame = new Map((run ? await runPredictions(project, run) : []).map((row) => [row.frameIndex, row]));
  return times.map((timeSec, frameIndex) => {
    const row = byFrame.get(frameIndex);
    return row
      ? { frameIndex, timeSec, valence: round(row.valence), arousal: round(row.arousal), valenceSd: round(row.valenceSd), arousalSd: round(row.arousalSd), face: true }
      : { frameIndex, timeSec, valence: null, arousal: null, valenceSd: null, arousalSd: null, face: false };
  });
}

async function analysedVideos(project: ProjectContext): Promise<VideoId[]> {
  const videos = await project.stores.videos.list();
  const analysed = await Promise.all(videos.map(async (video) => Boolean((await project.stores.analysis.get(video.id))?.finishedAt)));
  return videos.filter((_, i) => analysed[i]).map((video) => video.id);
}

async function requireAnalysed(project: ProjectContext, videoId: VideoId): Promise<VideoId> {
  const video = await videoOf(project, videoId);
  if (!(await project.stores.analysis.get(videoId))?.finishedAt) {
    throw new StudioError(`${video.displayName} (video ${videoId}) has not been analysed yet: analyse it first ("Find faces" in the studio, "affect-studio analyze" on the command line).`);
  }
  return videoId;
}

/**
 * The held-back score of one annotator's labels on a person of a video (core/affect/heldBack.ts), computed in a worker so the
 * labelling loop keeps answering; the same for the Score button and `affect-studio score`. With a trained head
 * each fold retrains it (`retrainedPerFold`), which takes tens of seconds at 1,000 labels. `score` is null below
 * the minimum, and `labels` says how many there are of the `minimum` needed.
 */
export async function videoHeldBackScore(
  project: ProjectContext,
  videoId: VideoId,
  personId: PersonId,
  annotatorId: AnnotatorId,
): Promise<{ score: HeldBackScore | null; labels: number; minimum: number }> {
  await requireAnalysed(project, videoId);
  await personOf(project, videoId, personId);
  const input = project.predictor.heldBackInput(videoId, personId, annotatorId);
  // Counted before the worker takes the input over.
  const labels = input.labels.filter((l) => l.frame !== null).length;
  const score = await heldBackInWorker(input);
  // The held-out residuals say how wide the video's bands must be to hold 90% of what the model has not seen.
  // Kept in the project so the bands stay calibrated after a restart; a read-only project keeps them for this session.
  project.predictor.calibrateBands(videoId, personId, annotatorId, score?.calibration ?? null, { labels, persist: project.access.mode === 'read-write' });
  return { score, labels, minimum: MIN_HELD_BACK_LABELS };
}
