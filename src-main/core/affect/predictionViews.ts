/** What the API shows of a project's model: predictions per video and next-frame suggestions. */
import { suggestFrames, type Suggestion } from '../active/suggest';
import type { AnnotatorId, VideoId } from '../ids';
import { currentLabels } from '../store/labelStore';
import type { Db } from '../store/projectDb';
import type { ProjectPredictor, VideoPrediction } from './projectPredictor';

/** What predictions are read from: the project's database and its predictor. */
interface PredictionSource {
  readonly db: Db;
  readonly predictor: ProjectPredictor;
}

/** Seconds after the last change before a video's predictions are saved as its model run (for exports). */
const SAVE_AFTER_MS = 2000;
const pendingSaves = new WeakMap<PredictionSource, Map<VideoId, NodeJS.Timeout>>();

export function predictVideo(session: PredictionSource, videoId: VideoId, annotatorId: AnnotatorId): VideoPrediction {
  const prediction = session.predictor.predict(videoId, annotatorId);
  scheduleSave(session, prediction, annotatorId);
  return prediction;
}

export function suggestNext(session: PredictionSource, videoId: VideoId, annotatorId: AnnotatorId, count: number): Suggestion[] {
  const prediction = session.predictor.predict(videoId, annotatorId);
  const labelled = new Set(currentLabels(session.db, videoId, annotatorId).map((label) => label.frameIndex));
  return suggestFrames(
    {
      frameCount: prediction.valence.length,
      ptsSec: session.predictor.frameTimes(videoId),
      hasFace: prediction.hasFace,
      labelled,
      descriptors: session.predictor.descriptors(videoId),
      // Before the first label the smoother's sd is the prior everywhere: it says nothing about where to look.
      predictionSd: prediction.anchors > 0 ? { valence: prediction.valenceSd, arousal: prediction.arousalSd } : null,
      anchorSpread: prediction.anchors > 0 ? prediction.anchorSpread : null,
    },
    { count },
  );
}

function scheduleSave(session: PredictionSource, prediction: VideoPrediction, annotatorId: AnnotatorId): void {
  const timers = pendingSaves.get(session) ?? new Map<VideoId, NodeJS.Timeout>();
  pendingSaves.set(session, timers);
  clearTimeout(timers.get(prediction.videoId));
  const timer = setTimeout(() => {
    timers.delete(prediction.videoId);
    if (session.db.open && prediction.hasFace.some((f) => f === 1)) session.predictor.save(prediction, annotatorId);
  }, SAVE_AFTER_MS);
  // A pending save must not keep a CLI process alive; the next prediction recomputes it anyway.
  timer.unref();
  timers.set(prediction.videoId, timer);
}
