/**
 * The `model_runs` and `predictions` tables: a run is one annotator's predictions for one person of a video, from the pair
 * head, encoder and labels revision it records (migration 5). Predictions are derived data: a run is replaced when
 * the labels or head it came from change, and exports recompute a stale one (core/app/predictions.ts).
 *
 * A run of a 20-minute video is 30,000 rows: it is written in chunks with the event loop free between them, and
 * stays invisible (saved_at NULL) until its last row is in, so no reader ever sees half a run.
 */
import { CIRCUMPLEX_PRIOR_NAME, ENCODER_AFFECT_PRIOR_NAME } from '../affect/priorHead';
import { StudioError } from '../errors';
import type { AnnotatorId, LabelsRevision, PersonId, VideoId } from '../ids';
import { getAnalysis } from './analysisStore';
import { builtinPairHeadId } from './modelStore';
import type { Db } from './projectDb';

export interface StoredRun {
  runId: number;
  videoId: VideoId;
  personId: PersonId;
  annotatorId: AnnotatorId;
  pairHeadId: number;
  encoderId: number;
  labelsRevision: LabelsRevision;
  /** Name and version of the pair head that produced the run, e.g. "circumplex prior 1". */
  headName: string;
  headVersion: string;
  /** Whether the run came from the built-in prior head (no trained head was active). */
  priorHead: boolean;
  /** False once the video was analysed again (another encoder, or after the run): the run is stale. */
  fromCurrentAnalysis: boolean;
  /** How many labels it was predicted from (anchors). */
  anchors: number;
  createdAt: string;
}

export interface PredictionRow {
  frameIndex: number;
  valence: number;
  arousal: number;
  valenceSd: number;
  arousalSd: number;
}

export interface NewRun {
  videoId: VideoId;
  personId: PersonId;
  annotatorId: AnnotatorId;
  /** models.id of the trained head, or null for the built-in prior. */
  pairHeadId: number | null;
  /** With pairHeadId null: which prior predicted (priorHead.ts priorName); the circumplex prior when not given. */
  priorName?: string;
  labelsRevision: LabelsRevision;
  anchors: number;
  /** Per frame; frames where hasFace is 0 get no row. */
  valence: Float32Array;
  arousal: Float32Array;
  valenceSd: Float32Array;
  arousalSd: Float32Array;
  hasFace: Uint8Array;
}

/**
 * Marks the built-in prior heads in the models table (they have no file of their own): the circumplex prior, and
 * the prior reading a lab encoder's own valence/arousal, each registered under its name so a run says which predicted.
 */
export const PRIOR_HEAD_FILE = 'builtin:circumplex-prior';
const ENCODER_AFFECT_PRIOR_FILE = 'builtin:encoder-affect-prior';

/** Rows per transaction when saving a run: each chunk holds the event loop for a few milliseconds only. */
const ROWS_PER_CHUNK = 1000;

/**
 * Saves a run, then drops that person's and annotator's older runs. Resolves to the run id, or null when the
 * project closed while it was being written (the half-written run stays invisible and the next save removes it).
 */
export async function saveRun(db: Db, run: NewRun): Promise<number | null> {
  const encoderId = getAnalysis(db, run.videoId)?.encoderId;
  if (encoderId === undefined) throw new StudioError('This video has not been analysed, so it has no predictions to save.');
  // model_runs needs a pair head row: the built-in prior is registered (inactive) the first time it is saved.
  const prior = run.priorName ?? CIRCUMPLEX_PRIOR_NAME;
  const pairHeadId = run.pairHeadId ?? builtinPairHeadId(db, prior === ENCODER_AFFECT_PRIOR_NAME ? ENCODER_AFFECT_PRIOR_FILE : PRIOR_HEAD_FILE, prior);
  const settings = JSON.stringify({ trainingAnnotatorIds: [run.annotatorId], anchors: run.anchors });
  const runId = Number(
    db
      .prepare(
        `INSERT INTO model_runs (pair_head_id, encoder_id, video_id, person_id, annotator_id, labels_revision, settings, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(pairHeadId, encoderId, run.videoId, run.personId, run.annotatorId, run.labelsRevision, settings, new Date().toISOString()).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO predictions (run_id, video_id, frame_index, valence, arousal, valence_sd, arousal_sd) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const writeChunk = db.transaction((from: number, to: number) => {
    for (let f = from; f < to; f++) {
      if (!run.hasFace[f]) continue;
      insert.run(runId, run.videoId, f, fourDecimals(run.valence[f]), fourDecimals(run.arousal[f]), fourDecimals(run.valenceSd[f]), fourDecimals(run.arousalSd[f]));
    }
  });
  for (let from = 0; from < run.valence.length; from += ROWS_PER_CHUNK) {
    if (from > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!db.open) return null;
    }
    writeChunk(from, Math.min(run.valence.length, from + ROWS_PER_CHUNK));
  }
  db.transaction(() => {
    db.prepare('UPDATE model_runs SET saved_at = ? WHERE id = ?').run(new Date().toISOString(), runId);
    // Only older runs: a slower save that started earlier must not delete a newer one finished before it.
    db.prepare('DELETE FROM model_runs WHERE video_id = ? AND person_id = ? AND annotator_id = ? AND id < ?').run(run.videoId, run.personId, run.annotatorId, runId);
  })();
  return runId;
}

/**
 * Every run of a person (its faces changed in a merge or split, so its predictions came from other faces). The
 * caller holds the transaction; predictions cascade.
 */
export function dropPersonRuns(db: Db, videoId: VideoId, personId: PersonId): void {
  db.prepare('DELETE FROM model_runs WHERE video_id = ? AND person_id = ?').run(videoId, personId);
}

/** The newest complete run of this person and annotator, or null. */
export function newestRun(db: Db, videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): StoredRun | null {
  const row = db
    .prepare(
      `SELECT r.id AS runId, r.video_id AS videoId, r.person_id AS personId, r.annotator_id AS annotatorId, r.pair_head_id AS pairHeadId,
              r.encoder_id AS encoderId, r.labels_revision AS labelsRevision, m.name AS headName, m.version AS headVersion,
              m.file IN ('${PRIOR_HEAD_FILE}', '${ENCODER_AFFECT_PRIOR_FILE}') AS priorHead,
              coalesce(a.encoder_id = r.encoder_id AND a.finished_at <= r.created_at, 0) AS fromCurrentAnalysis,
              r.settings, r.created_at AS createdAt
       FROM model_runs AS r JOIN models AS m ON m.id = r.pair_head_id
       LEFT JOIN face_analyses AS a ON a.video_id = r.video_id
       WHERE r.video_id = ? AND r.person_id = ? AND r.annotator_id = ? AND r.saved_at IS NOT NULL
       ORDER BY r.id DESC LIMIT 1`,
    )
    .get(videoId, personId, annotatorId) as (Omit<StoredRun, 'anchors' | 'priorHead' | 'fromCurrentAnalysis'> & { settings: string; priorHead: number; fromCurrentAnalysis: number }) | undefined;
  if (!row) return null;
  const { settings, priorHead, fromCurrentAnalysis, ...run } = row;
  const anchors = (JSON.parse(settings) as { anchors?: unknown }).anchors;
  return { ...run, priorHead: priorHead === 1, fromCurrentAnalysis: fromCurrentAnalysis === 1, anchors: typeof anchors === 'number' ? anchors : 0 };
}

export function runPredictions(db: Db, runId: number): PredictionRow[] {
  return db
    .prepare(
      `SELECT frame_index AS frameIndex, valence, arousal, valence_sd AS valenceSd, arousal_sd AS arousalSd
       FROM predictions WHERE run_id = ? ORDER BY frame_index`,
    )
    .all(runId) as PredictionRow[];
}

/** Predictions are float32: four decimals is their real precision, and keeps exports free of float noise. */
function fourDecimals(x: number | undefined): number {
  return Math.round((x ?? 0) * 10_000) / 10_000;
}

/** The asynchronous seam the application layer uses (projectStores.ts). */
export interface PredictionStore {
  newestRun(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): Promise<StoredRun | null>;
  /** Writes in chunks; null when the project closed meanwhile. */
  saveRun(run: NewRun): Promise<number | null>;
  rows(runId: number): Promise<PredictionRow[]>;
  /** Which analysis a video's predictions would come from (encoder, progress, finish): it changes when they would. */
  analysisStamp(videoId: VideoId): Promise<string>;
}

export function sqlitePredictionStore(db: Db): PredictionStore {
  return {
    newestRun: async (videoId, personId, annotatorId) => newestRun(db, videoId, personId, annotatorId),
    saveRun: (run) => saveRun(db, run),
    rows: async (runId) => runPredictions(db, runId),
    analysisStamp: async (videoId) => {
      const analysis = getAnalysis(db, videoId);
      return analysis ? `${analysis.encoderId}/${analysis.framesDone}/${analysis.finishedAt ?? ''}` : 'none';
    },
  };
}
