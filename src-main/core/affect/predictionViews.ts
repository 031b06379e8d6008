/** What the API shows of a project's model: predictions per video, next-frame suggestions, head versions. */
import { suggestFrames, type Suggestion } from '../active/suggest';
import type { AnnotatorId, VideoId } from '../ids';
import { currentLabels } from '../store/labelStore';
import type { ProjectSession } from '../studio/projectSession';
import type { VideoPrediction } from './projectPredictor';

/** Seconds after the last change before a video's predictions are saved as its model run (for exports). */
const SAVE_AFTER_MS = 2000;
const pendingSaves = new WeakMap<ProjectSession, Map<VideoId, NodeJS.Timeout>>();

export function predictVideo(session: ProjectSession, videoId: VideoId, annotatorId: AnnotatorId): VideoPrediction {
  const prediction = session.predictor.predict(videoId, annotatorId);
  scheduleSave(session, prediction, annotatorId);
  return prediction;
}

export function suggestNext(session: ProjectSession, videoId: VideoId, annotatorId: AnnotatorId, count: number): Suggestion[] {
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

export interface HeadVersion {
  modelId: number;
  name: string;
  version: string;
  active: boolean;
  createdAt: string;
  validation: Record<string, number> | null;
}

export function listHeads(session: ProjectSession): HeadVersion[] {
  const rows = session.db
    .prepare(`SELECT id, name, version, active, created_at AS createdAt, card FROM models WHERE kind = 'pair_head' AND file NOT LIKE 'builtin:%' ORDER BY id`)
    .all() as { id: number; name: string; version: string; active: number; createdAt: string; card: string }[];
  return rows.map((row) => {
    const card = JSON.parse(row.card) as { validation?: Record<string, unknown> };
    const validation = card.validation
      ? Object.fromEntries(Object.entries(card.validation).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))
      : null;
    return { modelId: row.id, name: row.name, version: row.version, active: row.active === 1, createdAt: row.createdAt, validation };
  });
}

function scheduleSave(session: ProjectSession, prediction: VideoPrediction, annotatorId: AnnotatorId): void {
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
