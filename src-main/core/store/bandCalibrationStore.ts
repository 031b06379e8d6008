/**
 * The `band_calibrations` table (migration 11): the band factors a rater's last held-back score fitted for a
 * person of a video, kept so that the bands stay calibrated after the studio restarts. Rows go with their person
 * (a new analysis replaces a video's persons) and their annotator. Synchronous: the predictor that applies them
 * (core/affect/projectPredictor.ts) reads and writes them in the process that owns the file.
 */
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { Db } from './projectDb';

export interface StoredBandCalibration {
  videoId: VideoId;
  personId: PersonId;
  annotatorId: AnnotatorId;
  /** The head and layout the factors were fitted under; they apply to predictions of that head only. */
  head: string;
  /** One factor pair per distance bin (bandCalibration.ts BandCalibration.bins). */
  bins: { valence: number; arousal: number }[];
  samples: number;
  /** The person's labels by this rater when the score was made. */
  labels: number;
  /** ISO time of the score. */
  fittedAt: string;
}

interface Row extends Omit<StoredBandCalibration, 'bins'> {
  factors: string;
}

export function listBandCalibrations(db: Db): StoredBandCalibration[] {
  const rows = db
    .prepare(
      `SELECT video_id AS videoId, person_id AS personId, annotator_id AS annotatorId, head, factors, samples, labels, fitted_at AS fittedAt
       FROM band_calibrations ORDER BY video_id, person_id, annotator_id`,
    )
    .all() as Row[];
  return rows.map(({ factors, ...row }) => ({ ...row, bins: JSON.parse(factors) as StoredBandCalibration['bins'] }));
}

/** Replaces the person's calibration for this rater. */
export function saveBandCalibration(db: Db, calibration: StoredBandCalibration): void {
  const { bins, ...row } = calibration;
  db.prepare(
    `INSERT OR REPLACE INTO band_calibrations (video_id, person_id, annotator_id, head, factors, samples, labels, fitted_at)
     VALUES (@videoId, @personId, @annotatorId, @head, @factors, @samples, @labels, @fittedAt)`,
  ).run({ ...row, factors: JSON.stringify(bins) });
}

/** A score too small to fit factors leaves the person's bands as the propagation gives them. */
export function deleteBandCalibration(db: Db, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): void {
  db.prepare('DELETE FROM band_calibrations WHERE video_id = ? AND person_id = ? AND annotator_id = ?').run(videoId, personId, annotatorId);
}
