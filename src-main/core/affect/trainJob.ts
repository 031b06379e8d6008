/**
 * The "train-head" job: trains the project's pair head on every frame the chosen annotator labelled (all
 * videos and persons, frames where the person has a face), off the main thread, then stores it as the next
 * version and makes it that annotator's active head (no other rater's predictions use it).
 */
import { StudioError } from '../errors';
import type { AnnotatorId } from '../ids';
import { TRAIN_HEAD_JOB, type JobParams, type JobResult } from '../jobs/jobKinds';
import type { JobHandler } from '../jobs/jobRunner';
import { currentLabels } from '../store/labelStore';
import type { Db } from '../store/projectDb';
import type { ProjectPredictor } from './projectPredictor';
import { listVideos } from '../store/videoStore';
import { listAnnotators } from '../store/annotatorStore';
import { storeTrainedHead, trainInWorker } from './headStore';
import { priorHead } from './priorHead';
import { MIN_TRAINING_LABELS, type LabelledFrame, type TrainOptions } from './trainHead';
import { counted } from '../counted';
import type { DescriptorLayout } from './descriptorLayout';

export { TRAIN_HEAD_JOB };

/** The options every project head is trained with (from the prior of its layout); the held-back score retrains each fold with them too. */
export function headTrainingOptions(layout: DescriptorLayout): TrainOptions {
  return { start: priorHead(layout), seed: 1 };
}

export type TrainHeadParams = JobParams<typeof TRAIN_HEAD_JOB>;
export type TrainHeadResult = JobResult<typeof TRAIN_HEAD_JOB>;

/** What training reads and writes: the database, the project folder (heads are files in it) and the predictor. */
interface TrainingTarget {
  readonly db: Db;
  readonly dir: string;
  readonly predictor: ProjectPredictor;
}

/** The labelled frames training would use (under the project's layout), so a caller can refuse early when there are too few. */
export function trainingFrames(session: TrainingTarget, annotatorId: AnnotatorId): { frames: LabelledFrame[]; videos: number; layout: DescriptorLayout } {
  const layout = session.predictor.layout();
  const frames: LabelledFrame[] = [];
  let videos = 0;
  for (const video of listVideos(session.db)) {
    let used = 0;
    for (const label of currentLabels(session.db, video.id, { annotatorId })) {
      const descriptor = session.predictor.descriptors(video.id, label.personId, layout)[label.frameIndex];
      if (!descriptor) continue;
      // Grouped by person: a person's frames stay on one side of training's held-out split.
      frames.push({ descriptor, valence: label.valence, arousal: label.arousal, group: `${video.id}/${label.personId}` });
      used++;
    }
    if (used > 0) videos++;
  }
  return { frames, videos, layout };
}

export function trainHeadJobHandler(session: TrainingTarget): JobHandler<TrainHeadParams, never, TrainHeadResult> {
  return async (params, context) => {
    const { annotatorId } = params;
    const annotator = listAnnotators(session.db).find((a) => a.id === annotatorId);
    if (!annotator) throw new StudioError(`This project has no annotator ${annotatorId}.`);
    const { frames, videos, layout } = trainingFrames(session, annotatorId);
    if (frames.length < MIN_TRAINING_LABELS) {
      throw new StudioError(
        `Training needs at least ${MIN_TRAINING_LABELS} labelled frames with a face; ${annotator.name} has ${frames.length}. Label more frames (or analyse the videos) first.`,
      );
    }
    const result = await trainInWorker(
      frames,
      headTrainingOptions(layout),
      (p) => context.progress(p.step, p.maxSteps, `Training on ${counted(frames.length, 'label')}`),
      context.signal,
    );
    const stored = storeTrainedHead(session.db, session.dir, result, layout, { labels: frames.length, annotators: [annotator], videos });
    session.predictor.reset();
    return { modelId: stored.modelId, version: stored.version, labels: frames.length, validation: result.validation };
  };
}
