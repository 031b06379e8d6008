/**
 * The `models` table: the project's encoders (registered by the analysis) and its pair heads (the built-in prior,
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

/** The card an encoder was registered with (its embedding size and outputs make the descriptor's layout). */
export function encoderCard(db: Db, id: ModelId): { embeddingDim?: number; outputs?: { name: string }[] } {
  const row = db.prepare(`SELECT card FROM models WHERE kind = 'encoder' AND id = ?`).get(id) as { card: string } | undefined;
  if (!row) throw new StudioError(`This project has no encoder ${id}.`);
  return JSON.parse(row.card) as { embeddingDim?: number; outputs?: { name: string }[] };
}

export interface ProjectEncoder {
  id: number;
  name: string;
  version: string;
  sha256: string;
  active: boolean;
}

export function listEncoders(db: Db): ProjectEncoder[] {
  const rows = db.prepare(`SELECT id, name, version, sha256, active FROM models WHERE kind = 'encoder' ORDER BY id`).all() as (Omit<ProjectEncoder, 'active'> & {
    active: number;
  })[];
  return rows.map((row) => ({ ...row, active: row.active === 1 }));
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

/** The active pair head, or undefined while the built-in prior is in use. */
export function activePairHead(db: Db): PairHeadRecord | undefined {
  return db
    .prepare(`SELECT id, name, version, file, coalesce(json_extract(card, '$.descriptor.version'), 1) AS descriptorVersion FROM models WHERE kind = 'pair_head' AND active = 1`)
    .get() as PairHeadRecord | undefined;
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
}

export function sqliteModelStore(db: Db): ModelStore {
  return {
    headVersions: async () => listHeadVersions(db),
    activateHead: async (modelId) => activatePairHead(db, modelId),
    encoders: async () => listEncoders(db),
  };
}
