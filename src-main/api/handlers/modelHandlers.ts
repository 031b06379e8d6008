/** The project's model: predictions for a video and their held-back score, the frames to label next, and the pair-head versions. */
import { activateHead, listHeads, requestTraining, videoHeldBackScore } from '../../core/app/models';
import { nextSuggestions, videoPredictions } from '../../core/app/predictions';
import type { AnnotatorId, PersonId, VideoId } from '../../core/ids';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

export function modelHandlers({ sessions, events }: ApiServices) {
  return {
    'predictions.get': ({ project, videoId, personId, annotatorId, since }) =>
      videoPredictions(sessions.get(project), videoId as VideoId, personId as PersonId, annotatorId as AnnotatorId, since),
    'predictions.heldOut': async ({ project, videoId, personId, annotatorId }) =>
      (await videoHeldBackScore(sessions.get(project), videoId as VideoId, personId as PersonId, annotatorId as AnnotatorId)).score,
    'suggestions.list': ({ project, videoId, personId, annotatorId, count }) =>
      nextSuggestions(sessions.get(project), videoId as VideoId, personId as PersonId, annotatorId as AnnotatorId, count),
    'heads.list': ({ project }) => listHeads(sessions.get(project)),
    'heads.train': async ({ project, annotatorId }) => ({ jobId: await requestTraining(sessions.get(project), annotatorId as AnnotatorId) }),
    'heads.activate': async ({ project, modelId }) => {
      const session = sessions.get(project);
      const heads = await activateHead(session, modelId);
      events.emit('data.changed', { entity: 'predictions', projectPath: session.dir });
      return heads;
    },
  } satisfies Partial<Handlers>;
}
