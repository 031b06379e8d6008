/**
 * Who is labelling, and whether they work blind. In blind mode an annotator sees only their own labels and no
 * prediction trained on anyone else's, so their layer stays independent and inter-rater agreement means
 * something. The setting is per project (annotatorStore.ts keeps it in project_meta).
 */
import { StudioError } from '../errors';
import type { AnnotatorId, VideoId } from '../ids';
import { getAnnotatorView } from '../store/annotatorStore';
import { currentLabels, type CurrentLabel } from '../store/labelStore';
import type { Db } from '../store/projectDb';

/**
 * The labels `viewer` may see on a video: everything when the project is not blind (or no viewer is named),
 * only the viewer's own layer when it is. An explicit `annotatorId` filter still applies, but in blind mode a
 * request for somebody else's layer is refused rather than silently answered with nothing.
 */
export function visibleLabels(db: Db, videoId: VideoId, options: { viewer?: AnnotatorId; annotatorId?: AnnotatorId }): CurrentLabel[] {
  const { blind } = getAnnotatorView(db);
  if (!blind || options.viewer === undefined) return currentLabels(db, videoId, options.annotatorId);
  if (options.annotatorId !== undefined && options.annotatorId !== options.viewer) {
    throw new StudioError("Blind mode is on: an annotator cannot view another annotator's labels.");
  }
  return currentLabels(db, videoId, options.viewer);
}

export interface PredictionRun {
  runId: number;
  /** "name version" of the pair head that produced the run. */
  modelVersion: string;
}

/**
 * The newest model run with predictions on this video that `viewer` may see. Seam for the MT-CLAR engine: a run
 * states whose labels trained it in `model_runs.settings` as `{"trainingAnnotatorIds": [..]}`; in blind mode only
 * runs trained on the viewer's labels alone qualify, and a run that does not say is treated as trained on others.
 */
export function latestPredictionRun(db: Db, videoId: VideoId, viewer?: AnnotatorId): PredictionRun | null {
  const blindViewer = viewer !== undefined && getAnnotatorView(db).blind ? viewer : undefined;
  const runs = db
    .prepare(
      `SELECT r.id AS runId, m.name || ' ' || m.version AS modelVersion, r.settings
       FROM model_runs AS r JOIN models AS m ON m.id = r.pair_head_id
       WHERE r.id IN (SELECT DISTINCT run_id FROM predictions WHERE video_id = ?)
       ORDER BY r.id DESC`,
    )
    .all(videoId) as (PredictionRun & { settings: string })[];
  const run = runs.find((r) => blindViewer === undefined || trainedOnlyOn(r.settings, blindViewer));
  return run ? { runId: run.runId, modelVersion: run.modelVersion } : null;
}

function trainedOnlyOn(settings: string, annotatorId: AnnotatorId): boolean {
  try {
    const ids = (JSON.parse(settings) as { trainingAnnotatorIds?: unknown }).trainingAnnotatorIds;
    return Array.isArray(ids) && ids.length > 0 && ids.every((id) => id === annotatorId);
  } catch {
    return false;
  }
}
