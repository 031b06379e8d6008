/** The project's model: predictions for a video, the frames to label next, and the pair-head versions. */
import { activateHead } from '../../core/affect/headStore';
import { listHeads } from '../../core/affect/predictionViews';
import { TRAIN_HEAD_JOB } from '../../core/affect/trainJob';
import { nextSuggestions, videoPredictions } from '../../core/app/predictions';
import type { AnnotatorId, VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function modelHandlers({ sessions, events }: ApiServices) {
  return {
    'predictions.get': ({ project, videoId, annotatorId, since }) =>
      videoPredictions(sessions.get(project), videoId as VideoId, annotatorId as AnnotatorId, since),
    'suggestions.list': ({ project, videoId, annotatorId, count }) =>
      nextSuggestions(sessions.get(project), videoId as VideoId, annotatorId as AnnotatorId, count),
    'heads.list': ({ project }) => listHeads(sessions.get(project)),
    'heads.train': ({ project, annotatorId }) => ({ jobId: sessions.get(project).jobs.enqueue(TRAIN_HEAD_JOB, { annotatorId }) }),
    'heads.activate': ({ project, modelId }) => {
      const session = sessions.get(project);
      activateHead(session.db, modelId);
      session.predictor.reset();
      events.emit('data.changed', { entity: 'predictions', projectPath: session.dir });
      return listHeads(session);
    },
  } satisfies Partial<Handlers>;
}
