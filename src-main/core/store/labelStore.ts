/**
 * Labels are append-only (docs/DESIGN.md §6): setting, moving or deleting a label adds a row, so undo, audit and
 * per-annotator layers are queries, and a crash can only ever lose the write in flight. The newest row id is the
 * project's labels revision: it grows with every edit, so a client or a saved model run can say which labels it saw.
 *
 * A label is about one person of a video (migration 6): every read and write names the person.
 *
 * Synchronous functions for workflows in the process that owns the file (imports, fusion); `sqliteLabelStore` is
 * the asynchronous LabelStore seam the application layer uses (projectStores.ts).
 */
import { StudioError } from '../errors';
import type { AnnotatorId, LabelId, LabelsRevision, PersonId, VideoId } from '../ids';
import type { Db } from './projectDb';

export type LabelOrigin = 'manual' | 'live' | 'accepted_prediction' | 'import';

export interface LabelValue {
  videoId: VideoId;
  personId: PersonId;
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
      `INSERT INTO labels (video_id, person_id, frame_index, annotator_id, op, valence, arousal, origin, created_at)
       VALUES (?, ?, ?, ?, 'set', ?, ?, ?, ?)`,
    )
    .run(label.videoId, label.personId, label.frameIndex, label.annotatorId, label.valence, label.arousal, label.origin, new Date().toISOString());
  return Number(result.lastInsertRowid) as LabelId;
}

/** Many labels in one transaction (an import, a live trace): all are saved or none. */
export function appendLabels(db: Db, labels: readonly LabelValue[]): LabelId[] {
  return db.transaction(() => labels.map((label) => appendLabel(db, label)))();
}

export function deleteLabel(
  db: Db,
  target: { videoId: VideoId; personId: PersonId; frameIndex: number; annotatorId: AnnotatorId; origin: LabelOrigin },
): LabelId {
  const result = db
    .prepare(
      `INSERT INTO labels (video_id, person_id, frame_index, annotator_id, op, valence, arousal, origin, created_at)
       VALUES (?, ?, ?, ?, 'delete', NULL, NULL, ?, ?)`,
    )
    .run(target.videoId, target.personId, target.frameIndex, target.annotatorId, target.origin, new Date().toISOString());
  return Number(result.lastInsertRowid) as LabelId;
}

/** Whose labels of a video to read: one person's or every person's, one annotator's or every annotator's. */
export interface LabelFilter {
  personId?: PersonId;
  annotatorId?: AnnotatorId;
}

export function currentLabels(db: Db, videoId: VideoId, filter: LabelFilter = {}): CurrentLabel[] {
  return db
    .prepare(
      `SELECT id, video_id AS videoId, person_id AS personId, frame_index AS frameIndex, annotator_id AS annotatorId,
              valence, arousal, origin, created_at AS createdAt
       FROM current_labels WHERE video_id = @videoId
         ${filter.personId === undefined ? '' : 'AND person_id = @personId'}
         ${filter.annotatorId === undefined ? '' : 'AND annotator_id = @annotatorId'}
       ORDER BY person_id, frame_index, annotator_id`,
    )
    .all({ videoId, personId: filter.personId ?? null, annotatorId: filter.annotatorId ?? null }) as CurrentLabel[];
}

/** Which of a person's frames a merge or split moves: all (null), those from a frame on, or the ones listed. */
export type LabelFrames = null | { fromFrame: number } | { frames: readonly number[] };

function movedLabels(db: Db, videoId: VideoId, personId: PersonId, frames: LabelFrames): CurrentLabel[] {
  const labels = currentLabels(db, videoId, { personId });
  if (frames === null) return labels;
  if ('fromFrame' in frames) return labels.filter((label) => label.frameIndex >= frames.fromFrame);
  const listed = new Set(frames.frames);
  return labels.filter((label) => listed.has(label.frameIndex));
}

/** Frames where `from` and `to` both have a label by the same annotator, among the frames that would move. */
export function labelClashes(db: Db, videoId: VideoId, from: PersonId, to: PersonId, frames: LabelFrames): number[] {
  const taken = new Set(currentLabels(db, videoId, { personId: to }).map((label) => `${label.annotatorId}/${label.frameIndex}`));
  const clashes = movedLabels(db, videoId, from, frames).filter((label) => taken.has(`${label.annotatorId}/${label.frameIndex}`));
  return [...new Set(clashes.map((label) => label.frameIndex))];
}

/**
 * Gives labels of one person to another, append-only: a delete for `from` and the same value set for `to`, with
 * its origin kept. The caller checks labelClashes first and holds the transaction. Returns how many moved.
 */
export function moveLabels(db: Db, videoId: VideoId, from: PersonId, to: PersonId, frames: LabelFrames): number {
  const labels = movedLabels(db, videoId, from, frames);
  for (const label of labels) {
    const { frameIndex, annotatorId, origin } = label;
    deleteLabel(db, { videoId, personId: from, frameIndex, annotatorId, origin });
    appendLabel(db, { videoId, personId: to, frameIndex, annotatorId, origin, valence: label.valence, arousal: label.arousal });
  }
  return labels.length;
}

function checkRange(value: number, axis: string): void {
  if (!Number.isFinite(value) || value < -1 || value > 1) {
    throw new StudioError(`A ${axis} of ${value} is outside [-1, 1].`);
  }
}

/** One edit of one video, person and annotator: labels to set and frames to clear (a move is one of each). */
export interface LabelEdits {
  videoId: VideoId;
  personId: PersonId;
  annotatorId: AnnotatorId;
  origin: Exclude<LabelOrigin, 'import'>;
  sets: readonly { frameIndex: number; valence: number; arousal: number }[];
  deletes: readonly number[];
}

export interface AppliedEdits {
  revision: LabelsRevision;
  /** The labels the edit set, as now stored. */
  saved: CurrentLabel[];
}

/** Newest labels row id, of the project or of one annotator's labels (on every video); 0 before the first. */
export function labelsRevision(db: Db, annotatorId?: AnnotatorId): LabelsRevision {
  const row = (annotatorId === undefined
    ? db.prepare('SELECT coalesce(max(id), 0) AS revision FROM labels').get()
    : db.prepare('SELECT coalesce(max(id), 0) AS revision FROM labels WHERE annotator_id = ?').get(annotatorId)) as { revision: number };
  return row.revision as LabelsRevision;
}

/** Deletes first, then sets, in one transaction: all of an edit is saved or none of it. */
export function applyLabelEdits(db: Db, edits: LabelEdits): AppliedEdits {
  return db.transaction(() => {
    const target = { videoId: edits.videoId, personId: edits.personId, annotatorId: edits.annotatorId, origin: edits.origin };
    for (const frameIndex of edits.deletes) deleteLabel(db, { ...target, frameIndex });
    const ids = new Set(edits.sets.map((label) => appendLabel(db, { ...target, ...label })));
    const saved = ids.size === 0 ? [] : currentLabels(db, edits.videoId, { personId: edits.personId, annotatorId: edits.annotatorId }).filter((label) => ids.has(label.id));
    return { revision: labelsRevision(db), saved };
  })();
}

export interface LabelStore {
  /** Current labels of a video, of one person or all, of one annotator or all. */
  list(videoId: VideoId, filter: LabelFilter): Promise<CurrentLabel[]>;
  /** One transaction; the revision after it. */
  apply(edits: LabelEdits): Promise<AppliedEdits>;
  /** The project's labels revision, or one annotator's (what their predictions depend on). */
  revision(annotatorId?: AnnotatorId): Promise<LabelsRevision>;
}

export function sqliteLabelStore(db: Db): LabelStore {
  return {
    list: async (videoId, filter) => currentLabels(db, videoId, filter),
    apply: async (edits) => applyLabelEdits(db, edits),
    revision: async (annotatorId) => labelsRevision(db, annotatorId),
  };
}

/** A current label with its annotator's name, and whether its history on that frame holds an accepted prediction. */
export interface LabelWithHistory {
  frameIndex: number;
  valence: number;
  arousal: number;
  annotator: string;
  /** 1 when the annotator's history on this frame holds an accepted prediction, whether kept or changed since. */
  edited: 0 | 1;
}

/** A person's current labels for exports, by frame then annotator; one annotator's when named. */
export function labelsWithHistory(db: Db, videoId: VideoId, personId: PersonId, annotatorName?: string): LabelWithHistory[] {
  return db
    .prepare(
      `SELECT c.frame_index AS frameIndex, c.valence, c.arousal, a.name AS annotator,
              EXISTS (SELECT 1 FROM labels AS h WHERE h.video_id = c.video_id AND h.person_id = c.person_id
                        AND h.frame_index = c.frame_index AND h.annotator_id = c.annotator_id
                        AND h.origin = 'accepted_prediction') AS edited
       FROM current_labels AS c JOIN annotators AS a ON a.id = c.annotator_id
       WHERE c.video_id = @videoId AND c.person_id = @personId ${annotatorName === undefined ? '' : 'AND a.name = @annotatorName'}
       ORDER BY c.frame_index, a.id`,
    )
    .all({ videoId, personId, annotatorName: annotatorName ?? null }) as LabelWithHistory[];
}

/**
 * The frames where each person of a video has a current label (any annotator): where a re-analysis must find the
 * same person again, so no label moves to someone else.
 */
export function labelledFramesByPerson(db: Db, videoId: VideoId): Map<PersonId, number[]> {
  const rows = db
    .prepare('SELECT DISTINCT person_id AS personId, frame_index AS frameIndex FROM current_labels WHERE video_id = ? ORDER BY person_id, frame_index')
    .all(videoId) as { personId: PersonId; frameIndex: number }[];
  const out = new Map<PersonId, number[]>();
  for (const r of rows) out.set(r.personId, [...(out.get(r.personId) ?? []), r.frameIndex]);
  return out;
}
