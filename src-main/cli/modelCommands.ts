/**
 * `affect-studio label`, `train`, `propagate` and `predictions`: the model loop without the studio's window. A
 * label is saved as a manual label of a person (--person, or the video's only person); train runs the train-head job; propagate saves each video's predictions as its
 * model run (at once, not after the API's debounce); predictions reads that run back, or computes it when the run
 * is missing or older than the labels and head it should reflect.
 */
import type { HeadInUse } from '../core/affect/projectPredictor';
import { addAnnotator, chooseAnnotator } from '../core/app/annotators';
import { applyLabels } from '../core/app/labels';
import { chosenPerson } from '../core/app/persons';
import { framePredictions, propagate, requestTraining } from '../core/app/models';
import { videoOf } from '../core/app/videos';
import { StudioError } from '../core/errors';
import { jobResult, TRAIN_HEAD_JOB } from '../core/app/jobs';
import { openSession } from './openSession';
import { decimalOption, UsageError, wholeOption, type CliIo, type Values } from './args';
import { videoOption } from './exportCommands';
import { personOption } from './personCommands';
import { counted } from '../core/counted';

export async function labelCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('label', rest);
  const videoId = videoOption(values);
  if (videoId === undefined || values.frame === undefined || values.valence === undefined || values.arousal === undefined) {
    throw new UsageError('label needs a project folder, --video ID, --frame N, --valence V and --arousal A');
  }
  const frameIndex = wholeOption('--frame', values.frame);
  const valence = axisValue('--valence', values.valence);
  const arousal = axisValue('--arousal', values.arousal);
  const personId = personOption(values);
  const session = await openSession(project, io);
  try {
    const video = await videoOf(session, videoId);
    if (frameIndex < 0) throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${frameIndex} does not exist.`);
    const person = await chosenPerson(session, videoId, personId);
    const name = values.annotator?.[0];
    const annotator = name === undefined ? await chooseAnnotator(session) : await addAnnotator(session, name);
    const edit = { videoId, personId: person.personId, annotatorId: annotator.id, origin: 'manual' as const, sets: [{ frameIndex, valence, arousal }], deletes: [] };
    const { saved: [saved] } = await applyLabels(session, edit);
    const result = {
      videoId,
      person: { id: person.personId, name: person.name },
      frameIndex,
      valence: saved?.valence ?? valence,
      arousal: saved?.arousal ?? arousal,
      annotator: { id: annotator.id, name: annotator.name },
    };
    io.out(
      values.json
        ? JSON.stringify(result) + '\n'
        : `labelled frame ${frameIndex} of video ${videoId} (${video.displayName}), ${person.name}: valence ${result.valence}, arousal ${result.arousal}, by ${annotator.name}\n`,
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
    const annotator = await chooseAnnotator(session, values.annotator?.[0]);
    const jobId = await requestTraining(session, annotator.id);
    void io.untilStopped().then(() => session.jobs.cancel(jobId));
    await session.jobs.idle();
    const job = session.jobs.get(jobId);
    const result = jobResult(TRAIN_HEAD_JOB, job);
    if (job?.state !== 'done' || !result) throw new StudioError(`training ${job?.state ?? 'lost'}${job?.error ? `: ${job.error}` : ''}`);
    const v = result.validation;
    if (values.json) io.out(JSON.stringify({ ...result, annotator: annotator.name }) + '\n');
    else {
      io.out(
        `trained pair head v${result.version} on ${counted(result.labels, 'label')} of ${annotator.name} (now their active head)\n` +
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
  const videoId = videoOption(values);
  const personId = personOption(values);
  if (personId !== undefined && videoId === undefined) throw new UsageError('propagate --person needs --video ID (a person is a person of one video)');
  const session = await openSession(project, io);
  try {
    const annotator = await chooseAnnotator(session, values.annotator?.[0]);
    const results = await propagate(session, annotator.id, videoId === undefined ? undefined : { videoId, personId });
    if (values.json) io.out(JSON.stringify({ annotator: annotator.name, videos: results }) + '\n');
    else {
      for (const r of results) {
        io.out(`video ${r.videoId}, person ${r.personId}: ${r.framesPredicted}/${r.frames} frames predicted from ${counted(r.anchors, 'anchor')} of ${annotator.name}, head ${headName(r.head)}\n`);
      }
    }
    return 0;
  } finally {
    await session.close();
  }
}

export async function predictionsCommand(values: Values, rest: string[], io: CliIo): Promise<number> {
  const project = oneProject('predictions', rest);
  const videoId = videoOption(values);
  if (videoId === undefined) throw new UsageError('predictions needs a project folder and --video ID');
  const personId = personOption(values);
  const session = await openSession(project, io);
  try {
    const annotator = await chooseAnnotator(session, values.annotator?.[0]);
    const person = await chosenPerson(session, videoId, personId);
    const frames = await framePredictions(session, videoId, person.personId, annotator.id);
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

function oneProject(command: string, rest: string[]): string {
  const [project, ...extra] = rest;
  if (project === undefined) throw new UsageError(`${command} needs a project folder`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  return project;
}

function axisValue(flag: string, text: string): number {
  const value = decimalOption(flag, text);
  if (value < -1 || value > 1) throw new StudioError(`${flag} ${text} is outside [-1, 1]: valence and arousal go from -1 to 1.`);
  return value;
}

function headName(head: HeadInUse): string {
  return head.modelId === null ? `${head.name} (built in, untrained)` : `${head.name} v${head.version} (model ${head.modelId})`;
}
