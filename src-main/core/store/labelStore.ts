/**
 * Labels are append-only (docs/DESIGN.md §6): setting, moving or deleting a label adds a row, so undo, audit and
 * per-annotator layers are queries, and a crash can only ever lose the write in flight.
 */
import { StudioError } from '../errors';
import type { AnnotatorId, LabelId, VideoId } from '../ids';
import type { Db } from './projectDb';

export type LabelOrigin = 'manual' | 'live' | 'accepted_prediction' | 'import';

export interface LabelValue {
  videoId: VideoId;
  frameIndex: number;
  annotatorId: AnnotatorId;
  valence: number;
  arousal: number;
  origin: LabelOrigin;
}

export interface CurrentLabel extends LabelValue {
  id: LabelId;
  createdAt: string;
}

export function appendLabel(db: Db, label: LabelValue): LabelId {
  checkRange(label.valence, 'valence');
  checkRange(label.arousal, 'arousal');
  const result = db
    .prepare(
      `INSERT INTO labels (video_id, frame_index, annotator_id, op, valence, arousal, origin, created_at)
       VALUES (?, ?, ?, 'set', ?, ?, ?, ?)`,
    )
    .run(label.videoId, label.frameIndex, label.annotatorId, label.valence, label.arousal, label.origin, new Date().toISOString());
  return Number(result.lastInsertRowid) as LabelId;
}

/** Many labels in one transaction (an import, a live trace): all are saved or none. */
export function appendLabels(db: Db, labels: readonly LabelValue[]): LabelId[] {
  return db.transaction(() => labels.map((label) => appendLabel(db, label)))();
}

export function deleteLabel(db: Db, target: { videoId: VideoId; frameIndex: number; annotatorId: AnnotatorId; origin: LabelOrigin }): LabelId {
  const result = db
    .prepare(
      `INSERT INTO labels (video_id, frame_index, annotator_id, op, valence, arousal, origin, created_at)
       VALUES (?, ?, ?, 'delete', NULL, NULL, ?, ?)`,
    )
    .run(target.videoId, target.frameIndex, target.annotatorId, target.origin, new Date().toISOString());
  return Number(result.lastInsertRowid) as LabelId;
}

export function currentLabels(db: Db, videoId: VideoId, annotatorId?: AnnotatorId): CurrentLabel[] {
  const filter = annotatorId === undefined ? '' : 'AND annotator_id = ?';
  const args = annotatorId === undefined ? [videoId] : [videoId, annotatorId];
  return db
    .prepare(
      `SELECT id, video_id AS videoId, frame_index AS frameIndex, annotator_id AS annotatorId, valence, arousal, origin,
              created_at AS createdAt
       FROM current_labels WHERE video_id = ? ${filter} ORDER BY frame_index, annotator_id`,
    )
    .all(...args) as CurrentLabel[];
}

function checkRange(value: number, axis: string): void {
  if (!Number.isFinite(value) || value < -1 || value > 1) {
    throw new StudioError(`A ${axis} of ${value} is outside [-1, 1].`);
  }
}
