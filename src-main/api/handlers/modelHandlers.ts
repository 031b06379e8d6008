/** The project's model: predictions for a video and their held-back score, the frames to label next, and the pair-head versions. */
import { heldBackInWorker } from '../../core/affect/heldBack';
import { activateHead } from '../../core/affect/headStore';
import { listHeads, predictVideo, suggestNext } from '../../core/affect/predictionViews';
import { TRAIN_HEAD_JOB } from '../../core/affect/trainJob';
import type { AnnotatorId, VideoId } from '../../core/ids';
import { requireVideo } from '../../core/ingest/videoAccess';
import type { Handlers } from '../dispatcher';
import type { ApiServices } from '../handlers';

const rounded = (values: Float32Array, hasFace: Uint8Array) => Array.from(values, (v, f) => (hasFace[f] ? Math.round(v * 1000) / 1000 : null));

export function modelHandlers({ sessions, events }: ApiServices) {
  return {
    'predictions.get': ({ project, videoId, annotatorId }) => {
      const session = sessions.get(project);
      requireVideo(session, videoId as VideoId);
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
    'predictions.heldOut': ({ project, videoId, annotatorId }) => {
      const session = sessions.get(project);
      requireVideo(session, videoId as VideoId);
      return heldBackInWorker(session.predictor.heldBackInput(videoId as VideoId, annotatorId as AnnotatorId));
    },
    'suggestions.list': ({ project, videoId, annotatorId, count }) => {
      const session = sessions.get(project);
      requireVideo(session, videoId as VideoId);
      return suggestNext(session, videoId as VideoId, annotatorId as AnnotatorId, count);
    },
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
