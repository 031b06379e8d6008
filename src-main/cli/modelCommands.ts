/**
 * `affect-studio label`, `train`, `propagate` and `predictions`: the model loop without the studio's window. A
 * label is saved as a manual label; train runs the train-head job; propagate saves each video's predictions as its
 * model run (at once, not after the API's debounce); predictions reads that run back, or computes it when the run
 * is missing or older than the labels and head it should reflect.
 */
import type { HeadInUse } from '../core/affect/projectPredictor';
import { TRAIN_HEAD_JOB } from '../core/affect/trainJob';
import { jobResult } from '../core/jobs/jobRunner';
import { getAnalysis } from '../core/store/analysisStore';
import { labelVideo } from '../core/annotation/labelling';
import { StudioError } from '../core/errors';
import type { AnnotatorId, JobId, VideoId } from '../core/ids';
import { requireVideo } from '../core/ingest/videoAccess';
import { ensureAnnotator, listAnnotators, type Annotator } from '../core/store/annotatorStore';
import { ProjectSession } from '../core/studio/projectSession';
import { openSession } from './openSession';
import { listFrames, listVideos } from '../core/store/videoStore';
import { decimalOption, UsageError, wholeOption, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';

export async function labelCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('label', rest);
  const videoId = videoOption(values);
  if (videoId === undefined || values.frame === undefined || values.valence === undefined || values.arousal === undefined) {
    throw new UsageError('label needs a project folder, --video ID, --frame N, --valence V and --arousal A');
  }
  const frameIndex = wholeOption('--frame', values.frame);
  const valence = axisValue('--valence', values.valence);
  const arousal = axisValue('--arousal', values.arousal);
  const session = await openSession(project, io);
  try {
    const video = requireVideo(session, videoId);
    if (frameIndex < 0) throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${frameIndex} does not exist.`);
    const name = values.annotator?.[0];
    const annotator = name === undefined ? defaultAnnotator(session) : ensureAnnotator(session.db, name, 'human');
    const [saved] = labelVideo(session, videoId, annotator.id, 'manual', [{ frameIndex, valence, arousal }]);
    const result = { videoId, frameIndex, valence: saved?.valence ?? valence, arousal: saved?.arousal ?? arousal, annotator: { id: annotator.id, name: annotator.name } };
    io.out(
      values.json
        ? JSON.stringify(result) + '\n'
        : `labelled frame ${frameIndex} of video ${videoId} (${video.displayName}): valence ${result.valence}, arousal ${result.arousal}, by ${annotator.name}\n`,
    );
    return 0;
  } finally {
    await session.close();
  }
}

export async function trainCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('train', rest);
  let lastLine = '';
  const session = await openSession(project, io, (update) => {
    if (values.json || update.kind !== TRAIN_HEAD_JOB.name || update.state !== 'running' || update.total === 0) return;
    const line = `training: ${Math.floor((100 * update.done) / update.total)}%`;
    if (line !== lastLine) io.err(`${line}\n`);
    lastLine = line;
  });
  try {
    const annotator = chosenAnnotator(session, values);
    const jobId: JobId = session.jobs.enqueue(TRAIN_HEAD_JOB, { annotatorId: annotator.id });
    void io.untilStopped().then(() => session.jobs.cancel(jobId));
    await session.jobs.idle();
    const job = session.jobs.get(jobId);
    const result = jobResult(TRAIN_HEAD_JOB, job);
    if (job?.state !== 'done' || !result) throw new StudioError(`training ${job?.state ?? 'lost'}${job?.error ? `: ${job.error}` : ''}`);
    const v = result.validation;
    if (values.json) io.out(JSON.stringify({ ...result, annotator: annotator.name }) + '\n');
    else {
      io.out(
        `trained pair head v${result.version} on ${result.labels} labels of ${annotator.name} (now active)\n` +
          `held out ${v.validationFrames} frames (${v.validationPairs} pairs), trained on ${v.trainFrames}: ` +
          `loss ${v.loss.toFixed(4)} (prior head ${v.startLoss.toFixed(4)}), delta RMSE valence ${v.deltaRmseValence.toFixed(3)}, ` +
          `arousal ${v.deltaRmseArousal.toFixed(3)}, similarity accuracy ${v.similarityAccuracy.toFixed(3)}\n`,
      );
    }
    return 0;
  } finally {
    await session.close();
  }
}

export async function propagateCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('propagate', rest);
  const only = videoOption(values);
  const session = await openSession(project, io);
  try {
    const annotator = chosenAnnotator(session, values);
    const videos = only === undefined ? listVideos(session.db).filter((v) => isAnalysed(session, v.id)).map((v) => v.id) : [requireAnalysed(session, only)];
    if (videos.length === 0) throw new StudioError('No video of this project has been analysed yet: run "affect-studio analyze" first.');
    const results = videos.map((videoId) => {
      const prediction = session.predictor.predict(videoId, annotator.id);
      const framesPredicted = prediction.hasFace.reduce((n, f) => n + f, 0);
      const runId = framesPredicted > 0 ? session.predictor.save(prediction, annotator.id) : null;
      return { videoId, frames: prediction.valence.length, framesPredicted, anchors: prediction.anchors, head: prediction.head, runId };
    });
    if (values.json) io.out(JSON.stringify({ annotator: annotator.name, videos: results }) + '\n');
    else {
      for (const r of results) {
        io.out(`video ${r.videoId}: ${r.framesPredicted}/${r.frames} frames predicted from ${r.anchors} anchors of ${annotator.name}, head ${headName(r.head)}\n`);
      }
    }
    return 0;
  } finally {
    await session.close();
  }
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

export async function predictionsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('predictions', rest);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('predictions needs a project folder and --video ID');
  const session = await openSession(project, io);
  try {
    const annotator = chosenAnnotator(session, values);
    requireAnalysed(session, videoId);
    const times = listFrames(session.db, videoId).map((frame) => frame.ptsSec);
    const frames = savedPredictions(session, videoId, annotator.id, times) ?? computedPredictions(session, videoId, annotator.id, times);
    if (values.json) io.out(JSON.stringify(frames) + '\n');
    else {
      const f = (v: number | null) => (v === null ? '     -' : v.toFixed(3).padStart(6));
      io.out('frame\ttime\tvalence\t(sd)\tarousal\t(sd)\n');
      for (const p of frames) {
        io.out(p.face ? `${p.frameIndex}\t${p.timeSec.toFixed(3)}\t${f(p.valence)}\t${f(p.valenceSd)}\t${f(p.arousal)}\t${f(p.arousalSd)}\n` : `${p.frameIndex}\t${p.timeSec.toFixed(3)}\tno face\n`);
      }
    }
    return 0;
  } finally {
    await session.close();
  }
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The video's saved model run, if it still says what a new prediction would: made for this annotator alone, with
 * the head that is active now, after the video's analysis and after this annotator's last label change (labels on
 * every video are anchors). Null when there is none or it is out of date.
 */
function savedPredictions(session: ProjectSession, videoId: VideoId, annotatorId: AnnotatorId, times: number[]): FramePrediction[] | null {
  const run = session.db
    .prepare(
      `SELECT r.id, r.settings, r.encoder_id AS encoderId, r.created_at AS createdAt, m.active, m.file FROM model_runs AS r JOIN models AS m ON m.id = r.pair_head_id
       WHERE r.video_id = ? ORDER BY r.id DESC LIMIT 1`,
    )
    .get(videoId) as { id: number; settings: string; encoderId: number; createdAt: string; active: number; file: string } | undefined;
  const analysis = getAnalysis(session.db, videoId);
  if (!run || !analysis?.finishedAt || run.encoderId !== analysis.encoderId || analysis.finishedAt > run.createdAt) return null;
  const activeHead = session.db.prepare(`SELECT file FROM models WHERE kind = 'pair_head' AND active = 1`).get() as { file: string } | undefined;
  const headIsCurrent = activeHead === undefined || activeHead.file.startsWith('builtin:') ? run.file.startsWith('builtin:') : run.active === 1;
  const trainedOn = (JSON.parse(run.settings) as { trainingAnnotatorIds?: unknown }).trainingAnnotatorIds;
  const sameAnnotator = Array.isArray(trainedOn) && trainedOn.length === 1 && trainedOn[0] === annotatorId;
  const lastChange = (session.db.prepare('SELECT max(created_at) AS at FROM labels WHERE annotator_id = ?').get(annotatorId) as { at: string | null }).at;
  if (!headIsCurrent || !sameAnnotator || (lastChange !== null && lastChange > run.createdAt)) return null;
  const rows = session.db
    .prepare('SELECT frame_index AS frameIndex, valence, arousal, valence_sd AS valenceSd, arousal_sd AS arousalSd FROM predictions WHERE run_id = ? AND video_id = ?')
    .all(run.id, videoId) as { frameIndex: number; valence: number; arousal: number; valenceSd: number; arousalSd: number }[];
  const byFrame = new Map(rows.map((row) => [row.frameIndex, row]));
  return times.map((timeSec, frameIndex) => {
    const row = byFrame.get(frameIndex);
    return row
      ? { frameIndex, timeSec, valence: round(row.valence), arousal: round(row.arousal), valenceSd: round(row.valenceSd), arousalSd: round(row.arousalSd), face: true }
      : { frameIndex, timeSec, valence: null, arousal: null, valenceSd: null, arousalSd: null, face: false };
  });
}

function computedPredictions(session: ProjectSession, videoId: VideoId, annotatorId: AnnotatorId, times: number[]): FramePrediction[] {
  const p = session.predictor.predict(videoId, annotatorId);
  return times.map((timeSec, frameIndex) => {
    const face = p.hasFace[frameIndex] === 1;
    const at = (values: Float32Array) => (face ? round(values[frameIndex] ?? NaN) : null);
    return { frameIndex, timeSec, valence: at(p.valence), arousal: at(p.arousal), valenceSd: at(p.valenceSd), arousalSd: at(p.arousalSd), face };
  });
}

function oneProject(command: string, rest: string[]): string {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError(`${command} needs a project folder`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  return project;
}

/** --annotator NAME (its first value) if given, which must exist, else the project's first human annotator. */
function chosenAnnotator(session: ProjectSession, values: Values): Annotator {
  const name = values.annotator?.[0];
  if (name === undefined) return defaultAnnotator(session);
  const found = listAnnotators(session.db).find((annotator) => annotator.name === name);
  if (!found) {
    const names = listAnnotators(session.db).map((annotator) => annotator.name);
    throw new StudioError(`This project has no annotator "${name}"${names.length > 0 ? ` (it has ${names.map((n) => `"${n}"`).join(', ')})` : ''}.`);
  }
  return found;
}

function defaultAnnotator(session: ProjectSession): Annotator {
  const first = listAnnotators(session.db).find((annotator) => annotator.kind === 'human');
  if (!first) throw new StudioError('This project has no human annotator yet: give --annotator NAME (label creates it on first use).');
  return first;
}

function isAnalysed(session: ProjectSession, videoId: VideoId): boolean {
  return Boolean(getAnalysis(session.db, videoId)?.finishedAt);
}

function requireAnalysed(session: ProjectSession, videoId: VideoId): VideoId {
  const video = requireVideo(session, videoId);
  if (!isAnalysed(session, videoId)) throw new StudioError(`${video.displayName} (video ${videoId}) has not been analysed yet: run "affect-studio analyze" first.`);
  return videoId;
}

function axisValue(flag: string, text: string): number {
  const value = decimalOption(flag, text);
  if (value < -1 || value > 1) throw new StudioError(`${flag} ${text} is outside [-1, 1]: valence and arousal go from -1 to 1.`);
  return value;
}

function headName(head: HeadInUse): string {
  return head.modelId === null ? `${head.name} (built in, untrained)` : `${head.name} v${head.version} (model ${head.modelId})`;
}
