/** The project's model: predictions for a video and their held-back score, the frames to label next, and the pair-head versions. */
import { predictVideo, suggestNext } from '../../core/affect/predictionViews';
import { activateHead, videoHeldBackScore, listHeads, requestTraining } from '../../core/app/models';
import type { AnnotatorId, VideoId } from '../../core/ids';
import { requireVideo } from '../../core/ingest/videoAccess';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

const rounded = (values: Float32Array, hasFace: Uint8Array) => Array.from(values, (v, f) => (hasFace[f] ? Math.round(v * 1000) / 1000 : null));

export function modelHandlers({ sessions, events }: ApiServices) {
  return {
    'predictions.get': ({ project, videoId, annotatorId }) => {
      const session = sessions.get(project);
      requireVideo(session.db, videoId as VideoId);
      const p = predictVideo(session, videoId as VideoId, annotatorId as AnnotatorId);
      return {
        videoId,
        valence: rounded(p.valence, p.hasFace),
        arousal: rounded(p.arousal, p.hasFace),
        valenceSd: rounded(p.valenceSd, p.hasFace),
        arousalSd: rounded(p.arousalSd, p.hasFace),
        anchors: p.anchors,
        head: p.head,
      };
    },
    'predictions.heldOut': async ({ project, videoId, annotatorId }) => {
      const { score } = await videoHeldBackScore(sessions.get(project), videoId as VideoId, annotatorId as AnnotatorId);
      return score;
    },
    'suggestions.list': ({ project, videoId, annotatorId, count }) => {
      const session = sessions.get(project);
      requireVideo(session.db, videoId as VideoId);
      return suggestNext(session, videoId as VideoId, annotatorId as AnnotatorId, count);
    },
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
