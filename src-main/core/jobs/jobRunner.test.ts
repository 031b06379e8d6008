import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLogFile, logUnexpected } from '../errorLog';
import { StudioError } from '../errors';
import { createProject, PROJECT_DB_FILE } from '../store/projectFolder';
import { openProjectDb } from '../store/projectDb';
import { z } from 'zod';
import { insertJob, updateJob } from '../store/jobStore';
import type { JobDefinition } from './jobKinds';
import { JobRunner, registerJob, type JobUpdate, type RegisteredJob } from './jobRunner';

function projectDbFile(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-jobs-')), 'p');
  createProject(dir);
  return path.join(dir, PROJECT_DB_FILE);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const COUNT = {
  name: 'count',
  label: 'Count',
  params: z.object({ total: z.number().int().positive() }),
  checkpoint: z.object({ next: z.number().int() }),
  result: z.object({ chunks: z.number().int() }),
} satisfies JobDefinition<unknown, unknown, unknown, unknown>;
const BROKEN = { name: 'broken', label: 'Broken', params: z.object({}), checkpoint: z.never(), result: z.object({}) } satisfies JobDefinition<unknown, unknown, unknown, unknown>;

/** A job of `total` chunks that checkpoints after each one and records which chunks it processed. */
function chunkedJob(processed: number[], options: { chunkMs?: number; hangAt?: number } = {}): RegisteredJob {
  return registerJob(COUNT, async ({ total }, context) => {
    const start = context.checkpoint?.next ?? 0;
    for (let chunk = start; chunk < total; chunk++) {
      // Hangs until the runner is stopped, as a process that froze (then died) would.
      if (chunk === options.hangAt) await new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)));
      context.signal.throwIfAborted();
      await sleep(options.chunkMs ?? 1);
      processed.push(chunk);
      context.saveCheckpoint({ next: chunk + 1 });
      context.progress(chunk + 1, total);
    }
    return { chunks: total - start };
  });
}

describe('job runner', () => {
  it('runs a job to the end, reporting progress with a rate and an ETA', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const updates: JobUpdate[] = [];
    const processed: number[] = [];
    const runner = new JobRunner(db, [chunkedJob(processed, { chunkMs: 30 })], (u) => updates.push(u));
    const id = runner.enqueue(COUNT, { total: 20 });
    await runner.idle();

    expect(runner.get(id)).toMatchObject({ state: 'done', done: 20, total: 20, result: { chunks: 20 } });
    expect(processed).toEqual([...Array(20).keys()]);
    expect(updates[0]).toMatchObject({ jobId: id, state: 'queued' });
    expect(updates.at(-1)).toMatchObject({ state: 'done', done: 20 });
    const running = updates.filter((u) => u.state === 'running' && u.done > 0 && u.done < 20);
    expect(running.length).toBeGreaterThan(0);
    expect(running.some((u) => (u.ratePerSec ?? 0) > 0 && (u.etaSec ?? -1) >= 0)).toBe(true);
  });

  it('cancels a running job and a queued one', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const processed: number[] = [];
    const runner = new JobRunner(db, [chunkedJob(processed, { chunkMs: 20 })]);
    const first = runner.enqueue(COUNT, { total: 1000 });
    const second = runner.enqueue(COUNT, { total: 5 });
    runner.cancel(second);
    await sleep(100);
    runner.cancel(first);
    await runner.idle();
    expect(runner.get(first)?.state).toBe('cancelled');
    expect(runner.get(second)?.state).toBe('cancelled');
    expect(processed.length).toBeLessThan(1000);
  });

  it('records a failure with its message and goes on with the next job', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const processed: number[] = [];
    const runner = new JobRunner(db, [registerJob(BROKEN, () => Promise.reject(new StudioError('video.mp4 is truncated'))), chunkedJob(processed)]);
    const bad = runner.enqueue(BROKEN, {});
    const good = runner.enqueue(COUNT, { total: 3 });
    await runner.idle();
    expect(runner.get(bad)).toMatchObject({ state: 'failed', error: 'video.mp4 is truncated' });
    expect(runner.get(good)?.state).toBe('done');
  });

  it('logs the stack of an unexpected failure and records the one line naming the log', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-jobs-config-'));
    const bug = new TypeError("Cannot read properties of undefined (reading 'width')");
    const runner = new JobRunner(db, [registerJob(BROKEN, () => Promise.reject(bug))], undefined, (context, error) =>
      logUnexpected(configDir, context, error),
    );
    const id = runner.enqueue(BROKEN, {});
    await runner.idle();
    const log = errorLogFile(configDir);
    expect(fs.readFileSync(log, 'utf8')).toContain(bug.stack);
    const error = runner.get(id)?.error ?? '';
    expect(runner.get(id)?.state).toBe('failed');
    expect(error).toContain("broken job: Cannot read properties of undefined (reading 'width')");
    expect(error).toContain(log);
    expect(error).not.toContain('\n');
  });

  it('resumes a job interrupted by a dead app from its last checkpoint, redoing at most the chunk in flight', async () => {
    const file = projectDbFile();
    const firstRun: number[] = [];
    // The first "app" hangs in chunk 6 and then dies: its job stays 'running' and its row is no longer touched.
    const db = openProjectDb(file, { create: false });
    const dead = new JobRunner(db, [chunkedJob(firstRun, { hangAt: 6 })]);
    const id = dead.enqueue(COUNT, { total: 10 });
    while (firstRun.length < 6) await sleep(5);
    await dead.stop();
    db.prepare(`UPDATE jobs SET updated_at = '2020-01-01T00:00:00.000Z' WHERE id = ?`).run(id);

    const secondRun: number[] = [];
    const restarted = new JobRunner(openProjectDb(file, { create: false }), [chunkedJob(secondRun)]);
    expect(restarted.resumeInterrupted()).toEqual([id]);
    await restarted.idle();
    expect(firstRun).toEqual([0, 1, 2, 3, 4, 5]);
    expect(secondRun).toEqual([6, 7, 8, 9]);
    expect(restarted.get(id)).toMatchObject({ state: 'done', done: 10 });
  });

  it('resumes a job whose session died just now once its row stays untouched, and never one another session runs', async () => {
    const file = projectDbFile();
    const db = openProjectDb(file, { create: false });
    const first: number[] = [];
    const alive = new JobRunner(db, [chunkedJob(first, { chunkMs: 700 })]);
    const running = alive.enqueue(COUNT, { total: 9 });
    const killed = new JobRunner(db, [chunkedJob([], { hangAt: 0 })]);
    const orphan = killed.enqueue(COUNT, { total: 3 });
    await sleep(50);
    await killed.stop();

    // A second session opens meanwhile: both jobs were touched a moment ago, so neither is taken at once.
    const second: number[] = [];
    const other = new JobRunner(openProjectDb(file, { create: false }), [chunkedJob(second)]);
    expect(other.resumeInterrupted()).toEqual([]);
    await other.idle();
    // The one whose row stayed still was a dead session's: resumed. The live one ran only where it started.
    expect(other.get(orphan)?.state).toBe('done');
    expect(second).toEqual([0, 1, 2]);
    await alive.idle();
    expect(first).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(other.get(running)?.state).toBe('done');
  }, 30_000);

  it('starts a job queued right after an idle runner looked for work', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const processed: number[] = [];
    const runner = new JobRunner(db, [chunkedJob(processed)]);
    runner.resumeInterrupted();
    const id = runner.enqueue(COUNT, { total: 2 });
    await runner.idle();
    expect(runner.get(id)?.state).toBe('done');
  });

  it('leaves a job resumable, not cancelled, when the project is closed mid-job', async () => {
    const file = projectDbFile();
    const runner = new JobRunner(openProjectDb(file, { create: false }), [chunkedJob([], { chunkMs: 20 })]);
    const id = runner.enqueue(COUNT, { total: 1000 });
    await sleep(80);
    await runner.stop();
    expect(runner.get(id)?.state).toBe('running');
  });

  it('refuses parameters that do not fit the kind on enqueue, with one line, and queues nothing', () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const runner = new JobRunner(db, [chunkedJob([])]);
    // @ts-expect-error: the kind's schema types the call too; the runtime check is for callers past the types.
    expect(() => runner.enqueue(COUNT, { total: 'ten' })).toThrow(new StudioError('Cannot start count: total: Invalid input: expected number, received string.'));
    expect(() => runner.enqueue(COUNT, { total: 0 })).toThrow(/^Cannot start count: total: Too small/);
    expect(runner.list()).toEqual([]);
  });

  it('fails a stored job whose parameters or saved position no longer parse with one line, and goes on', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    // As an older version or a damaged file would have left them.
    const badParams = insertJob(db, COUNT.name, { count: 2 });
    const badCheckpoint = insertJob(db, COUNT.name, { total: 2 });
    updateJob(db, badCheckpoint, { checkpoint: { next: 'one' } });
    const good = insertJob(db, COUNT.name, { total: 2 });
    const processed: number[] = [];
    const runner = new JobRunner(db, [chunkedJob(processed)]);
    runner.resumeInterrupted();
    await runner.idle();
    expect(runner.get(badParams)).toMatchObject({ state: 'failed' });
    expect(runner.get(badParams)?.error).toBe(
      "The parameters of this job (count) cannot be read (total: Invalid input: expected number, received undefined): it was saved by another version of Affect Studio or is damaged; start it again.",
    );
    expect(runner.get(badCheckpoint)?.error).toMatch(/^The saved position of this job \(count\) cannot be read \(next: /);
    expect(runner.get(good)?.state).toBe('done');
    expect(processed).toEqual([0, 1]);
  });

  it('reuses a pending job its kind calls the same instead of queuing a second', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const processed: number[] = [];
    const same = registerJob(COUNT, async ({ total }) => {
      processed.push(total);
      return { chunks: total };
    }, { sameAs: (a, b) => a.total === b.total });
    const runner = new JobRunner(db, [same]);
    const first = runner.enqueue(COUNT, { total: 3 });
    expect(runner.enqueue(COUNT, { total: 3 })).toBe(first);
    const other = runner.enqueue(COUNT, { total: 4 });
    expect(other).not.toBe(first);
    await runner.idle();
    // Once done it is no longer pending: asking again is new work.
    expect(runner.enqueue(COUNT, { total: 3 })).not.toBe(first);
    await runner.idle();
    expect(processed).toEqual([3, 4, 3]);
  });

  it('tells when a job ended that another session on the same project ran', async () => {
    const file = projectDbFile();
    const processed: number[] = [];
    const running = new JobRunner(openProjectDb(file, { create: false }), [chunkedJob(processed, { chunkMs: 20 })]);
    const id = running.enqueue(COUNT, { total: 10 });
    // Another connection, as another process would have: its runner never runs this job, yet sees it end.
    const watching = new JobRunner(openProjectDb(file, { create: false }), [chunkedJob([])]);
    await watching.ended(id);
    expect(watching.get(id)).toMatchObject({ state: 'done', done: 10 });
    expect(processed).toHaveLength(10);
  });
});
