/**
 * The `models` table: the project's encoders (registered by the analysis or imported, one of them active: the one
 * the next analysis uses) and its pair heads (the built-in prior, registered once so model runs can point at it,
 * and every trained version), with `head_annotators` (whose labels trained each head) and `active_heads` (each
 * rater's active head).
 * Synchronous functions for workflows in the process that owns the file; `sqliteModelStore` is the same behind
 * the asynchronous ModelStore seam the application layer uses (projectStores.ts).
 */
import { StudioError } from '../errors';
import type { AnnotatorId } from '../ids';
import type { Db } from './projectDb';

export type ModelId = number & { readonly __model: true };

export interface EncoderRecord {
  name: string;
  version: string;
  sha256: string;
  card: string;
  file: string;
}

/** Registers an encoder once per file content; the first one registered becomes the project's active encoder. */
export function registerEncoder(db: Db, encoder: EncoderRecord): ModelId {
  return db.transaction(() => {
    db.prepare(
      `INSERT INTO models (kind, name, version, sha256, card, file, active, created_at)
       VALUES ('encoder', @name, @version, @sha256, @card, @file,
               NOT EXISTS (SELECT 1 FROM models WHERE kind = 'encoder' AND active = 1), @createdAt)
       ON CONFLICT (kind, sha256) DO NOTHING`,
    ).run({ ...encoder, createdAt: new Date().toISOString() });
    const row = db.prepare(`SELECT id FROM models WHERE kind = 'encoder' AND sha256 = ?`).get(encoder.sha256) as { id: number };
    return row.id as ModelId;
  })();
}

/** The card an encoder was registered with (its embedding size and outputs make the descriptor's layout). */
export function encoderCard(db: Db, id: ModelId): { embeddingDim?: number; outputs?: { name: string }[] } {
  const row = db.prepare(`SELECT card FROM models WHERE kind = 'encoder' AND id = ?`).get(id) as { card: string } | undefined;
  if (!row) throw new StudioError(`This project has no encoder ${id}.`);
  return JSON.parse(row.card) as { embeddingDim?: number; outputs?: { name: string }[] };
}

export interface ProjectEncoder {
  id: ModelId;
  name: string;
  version: string;
  sha256: string;
  active: boolean;
  /** Relative to the project folder for an imported encoder (`encoders/...`); the shipped one's path in the install. */
  file: string;
  /** Its model card, as JSON. */
  card: string;
}

export function listEncoders(db: Db): ProjectEncoder[] {
  const rows = db.prepare(`SELECT id, name, version, sha256, active, file, card FROM models WHERE kind = 'encoder' ORDER BY id`).all() as (Omit<ProjectEncoder, 'active'> & {
    active: number;
  })[];
  return rows.map((row) => ({ ...row, active: row.active === 1 }));
}

/** The encoder the next analysis uses, or undefined before any is registered (the shipped one then). */
export function activeEncoder(db: Db): ProjectEncoder | undefined {
  return listEncoders(db).find((e) => e.active);
}

/** Makes a registered encoder the one the next analysis uses; the analyses made before keep theirs. */
export function activateEncoder(db: Db, modelId: ModelId): void {
  db.transaction(() => {
    const row = db.prepare(`SELECT id FROM models WHERE id = ? AND kind = 'encoder'`).get(modelId);
    if (!row) throw new StudioError(`There is no encoder with id ${modelId} in this project: see the list of its encoders.`);
    db.prepare(`UPDATE models SET active = (id = ?) WHERE kind = 'encoder'`).run(modelId);
  })();
}

/** A pair head as stored: `file` is relative to the project folder, or `builtin:...` for the prior head. */
export interface PairHeadRecord {
  id: number;
  name: string;
  version: string;
  file: string;
  /** The descriptor layout version its card names (pairHead.ts); heads written before versioning read version 1. */
  descriptorVersion: number;
}

/** SQL over `active_heads AS a` and `models AS m`: the rater's labels, and no one else's, trained the head. */
const OWN_HEAD = `EXISTS (SELECT 1 FROM head_annotators AS h WHERE h.model_id = m.id AND h.annotator_id = a.annotator_id)
  AND NOT EXISTS (SELECT 1 FROM head_annotators AS h WHERE h.model_id = m.id AND h.annotator_id != a.annotator_id)`;

/**
 * The rater's active pair head, or undefined while the built-in prior is theirs. A head counts only if this
 * rater's labels, and no one else's, trained it: the one rule that keeps blind mode blind (migration 9).
 */
export function activePairHead(db: Db, annotatorId: AnnotatorId): PairHeadRecord | undefined {
  return db
    .prepare(`SELECT m.id, m.name, m.version, m.file, coalesce(json_extract(m.card, '$.descriptor.version'), 1) AS descriptorVersion FROM active_heads AS a JOIN models AS m ON m.id = a.model_id WHERE a.annotator_id = ? AND ${OWN_HEAD}`)
    .get(annotatorId) as PairHeadRecord | undefined;
}

/**
 * Registers a trained head with the raters whose labels trained it, in one transaction; a head of one rater
 * becomes that rater's active head (a head of several is kept but is nobody's: see activePairHead).
 */
export function addTrainedHead(db: Db, head: { name: string; version: string; sha256: string; card: unknown; file: string }, trainedBy: readonly AnnotatorId[]): number {
  return db.transaction(() => {
    const info = db
      .prepare(`INSERT INTO models (kind, name, version, sha256, card, file, active, created_at) VALUES ('pair_head', ?, ?, ?, ?, ?, 0, ?)`)
      .run(head.name, head.version, head.sha256, JSON.stringify(head.card), head.file, new Date().toISOString());
    const modelId = Number(info.lastInsertRowid);
    const addTrainer = db.prepare('INSERT INTO head_annotators (model_id, annotator_id) VALUES (?, ?)');
    for (const annotatorId of new Set(trainedBy)) addTrainer.run(modelId, annotatorId);
    if (trainedBy.length === 1) setActiveHead(db, trainedBy[0] as AnnotatorId, modelId);
    return modelId;
  })();
}

/** Makes a stored version its rater's active head again (the project keeps every version). */
export function activatePairHead(db: Db, modelId: number): void {
  db.transaction(() => {
    const row = db.prepare(`SELECT id FROM models WHERE id = ? AND kind = 'pair_head' AND file NOT LIKE 'builtin:%'`).get(modelId);
    if (!row) throw new StudioError(`There is no trained pair head with id ${modelId} in this project.`);
    const trainers = db.prepare('SELECT annotator_id AS id FROM head_annotators WHERE model_id = ?').all(modelId) as { id: AnnotatorId }[];
    if (trainers.length !== 1) {
      throw new StudioError(`Pair head ${modelId} was not trained on one rater's labels alone, so it can be no rater's head: train one on a rater's labels instead.`);
    }
    setActiveHead(db, (trainers[0] as { id: AnnotatorId }).id, modelId);
  })();
}

function setActiveHead(db: Db, annotatorId: AnnotatorId, modelId: number): void {
  db.prepare('INSERT INTO active_heads (annotator_id, model_id) VALUES (?, ?) ON CONFLICT (annotator_id) DO UPDATE SET model_id = excluded.model_id').run(annotatorId, modelId);
}

/** The row of a built-in head (`builtin:...`), registered inactive on first use: model runs need a pair head id. */
export function builtinPairHeadId(db: Db, file: string, name: string): number {
  return db.transaction(() => {
    const found = db.prepare(`SELECT id FROM models WHERE kind = 'pair_head' AND file = ?`).get(file) as { id: number } | undefined;
    if (found) return found.id;
    const info = db
      .prepare(`INSERT INTO models (kind, name, version, sha256, card, file, active, created_at) VALUES ('pair_head', ?, '1', 'builtin', '{}', ?, 0, ?)`)
      .run(name, file, new Date().toISOString());
    return Number(info.lastInsertRowid);
  })();
}

export interface HeadVersion {
  modelId: number;
  name: string;
  version: string;
  /** The raters whose labels trained it. */
  trainedBy: string[];
  /** Whether it is the active head of the rater who trained it. */
  active: boolean;
  createdAt: string;
  /** The numeric validation metrics of the head's card, or null when it was stored without them. */
  validation: Record<string, number> | null;
}

/** The trained pair heads, oldest first (the built-in prior is not a version the user can pick). */
export function listHeadVersions(db: Db): HeadVersion[] {
  const rows = db
    .prepare(
      `SELECT m.id, m.name, m.version, m.created_at AS createdAt, m.card,
              EXISTS (SELECT 1 FROM active_heads AS a WHERE a.model_id = m.id AND ${OWN_HEAD}) AS active,
              (SELECT json_group_array(n.name) FROM (SELECT an.name FROM head_annotators AS h JOIN annotators AS an ON an.id = h.annotator_id
                                                     WHERE h.model_id = m.id ORDER BY an.id) AS n) AS trainedBy
       FROM models AS m WHERE m.kind = 'pair_head' AND m.file NOT LIKE 'builtin:%' ORDER BY m.id`,
    )
    .all() as { id: number; name: string; version: string; active: number; createdAt: string; card: string; trainedBy: string }[];
  return rows.map((row) => {
    const card = JSON.parse(row.card) as { validation?: Record<string, unknown> };
    const validation = card.validation
      ? Object.fromEntries(Object.entries(card.validation).filter((entry): entry is [string, number] => typeof entry[1] === 'number'))
      : null;
    const trainedBy = JSON.parse(row.trainedBy) as string[];
    return { modelId: row.id, name: row.name, version: row.version, trainedBy, active: row.active === 1, createdAt: row.createdAt, validation };
  });
}

/** The project's models as the application layer reaches them: each method one transaction. */
export interface ModelStore {
  headVersions(): Promise<HeadVersion[]>;
  activateHead(modelId: number): Promise<void>;
  encoders(): Promise<ProjectEncoder[]>;
  registerEncoder(encoder: EncoderRecord): Promise<ModelId>;
  activateEncoder(modelId: ModelId): Promise<void>;
}

export function sqliteModelStore(db: Db): ModelStore {
  return {
    headVersions: async () => listHeadVersions(db),
    activateHead: async (modelId) => activatePairHead(db, modelId),
    encoders: async () => listEncoders(db),
    registerEncoder: async (encoder) => registerEncoder(db, encoder),
    activateEncoder: async (modelId) => activateEncoder(db, modelId),
  };
}
