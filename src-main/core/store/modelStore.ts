/**
 * The `models` table: the project's encoders (registered by the analysis or imported, one of them active: the one
 * the next analysis uses) and its pair heads (the built-in prior,
 * registered once so model runs can point at it, and every trained version, exactly one of them active).
 * Synchronous functions for workflows in the process that owns the file; `sqliteModelStore` is the same behind
 * the asynchronous ModelStore seam the application layer uses (projectStores.ts).
 */
import { StudioError } from '../errors';
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
}

/** The active pair head, or undefined while the built-in prior is in use. */
export function activePairHead(db: Db): PairHeadRecord | undefined {
  return db.prepare(`SELECT id, name, version, file FROM models WHERE kind = 'pair_head' AND active = 1`).get() as PairHeadRecord | undefined;
}

/** Registers a trained head and makes it the only active pair head, in one transaction. */
export function addActivePairHead(db: Db, head: { name: string; version: string; sha256: string; card: unknown; file: string }): number {
  return db.transaction(() => {
    db.prepare(`UPDATE models SET active = 0 WHERE kind = 'pair_head'`).run();
    const info = db
      .prepare(`INSERT INTO models (kind, name, version, sha256, card, file, active, created_at) VALUES ('pair_head', ?, ?, ?, ?, ?, 1, ?)`)
      .run(head.name, head.version, head.sha256, JSON.stringify(head.card), head.file, new Date().toISOString());
    return Number(info.lastInsertRowid);
  })();
}

/** Makes a stored version the active pair head again (the project keeps every version). */
export function activatePairHead(db: Db, modelId: number): void {
  db.transaction(() => {
    const row = db.prepare(`SELECT id FROM models WHERE id = ? AND kind = 'pair_head'`).get(modelId);
    if (!row) throw new StudioError(`There is no pair head with id ${modelId} in this project.`);
    db.prepare(`UPDATE models SET active = (id = ?) WHERE kind = 'pair_head'`).run(modelId);
  })();
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
  active: boolean;
  createdAt: string;
  /** The numeric validation metrics of the head's card, or null when it was stored without them. */
  validation: Record<string, number> | null;
}

/** The trained pair heads, oldest first (the built-in prior is not a version the user can pick). */
export function listHeadVersions(db: Db): HeadVersion[] {
  const rows = db
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
