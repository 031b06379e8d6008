/**
 * Persistence of jobs: every state change and checkpoint is committed, so a killed app knows what to resume.
 * Synchronous functions for the job runner in the process that owns the file; `sqliteJobStore` is what the
 * application layer reads through (projectStores.ts). Params, checkpoints and results are stored as JSON and come
 * back `unknown`: only the runner and readers that hold the kind's schema (core/jobs/jobKinds.ts) give them a type.
 */
import crypto from 'node:crypto';
import type { JobId } from '../ids';
import type { Db } from './projectDb';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: JobId;
  kind: string;
  params: unknown;
  state: JobState;
  done: number;
  total: number;
  checkpoint: unknown;
  result: unknown;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

interface JobRow {
  id: string;
  kind: string;
  params: string;
  state: JobState;
  done: number;
  total: number;
  checkpoint: string | null;
  result: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id as JobId,
    kind: row.kind,
    params: parse(row.params),
    state: row.state,
    done: row.done,
    total: row.total,
    checkpoint: parse(row.checkpoint),
    result: parse(row.result),
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function insertJob(db: Db, kind: string, params: unknown): JobId {
  const id = crypto.randomUUID() as JobId;
  const now = new Date().toISOString();
  db.prepare(`INSERT INTO jobs (id, kind, params, state, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)`).run(
    id,
    kind,
    JSON.stringify(params),
    now,
    now,
  );
  return id;
}

export function getJob(db: Db, id: JobId): JobRecord | undefined {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row && toRecord(row);
}

export function listJobs(db: Db, states?: readonly JobState[]): JobRecord[] {
  const rows = db.prepare('SELECT * FROM jobs ORDER BY created_at, rowid').all() as JobRow[];
  return rows.map(toRecord).filter((job) => states === undefined || states.includes(job.state));
}

/** Marks a queued job running; false when it is no longer queued (cancelled, or taken by another session). */
export function claimJob(db: Db, id: JobId): boolean {
  const now = new Date().toISOString();
  return db.prepare(`UPDATE jobs SET state = 'running', error = NULL, updated_at = ? WHERE id = ? AND state = 'queued'`).run(now, id).changes === 1;
}

export function updateJob(
  db: Db,
  id: JobId,
  change: Partial<{ state: JobState; done: number; total: number; checkpoint: unknown; result: unknown; error: string | null }>,
): void {
  const sets: string[] = ['updated_at = @updatedAt'];
  const values: Record<string, unknown> = { id, updatedAt: new Date().toISOString() };
  for (const [key, value] of Object.entries(change)) {
    sets.push(`${key} = @${key}`);
    values[key] = key === 'checkpoint' || key === 'result' ? JSON.stringify(value) : value;
  }
  db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
}

/** What the application layer reads of jobs; the runner (core/jobs) writes them. */
export interface JobStore {
  list(): Promise<JobRecord[]>;
  get(id: JobId): Promise<JobRecord | undefined>;
}

export function sqliteJobStore(db: Db): JobStore {
  return {
    list: async () => listJobs(db),
    get: async (id) => getJob(db, id),
  };
}
