import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorLogFile, logUnexpected } from '../errorLog';
import { StudioError } from '../errors';
import { createProject, PROJECT_DB_FILE } from '../store/projectFolder';
import { openProjectDb } from '../store/projectDb';
import { JobRunner, type JobContext, type JobHandler, type JobUpdate } from './jobRunner';

function projectDbFile(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-jobs-')), 'p');
  createProject(dir);
  return path.join(dir, PROJECT_DB_FILE);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job of `total` chunks that checkpoints after each one and records which chunks it processed. */
function chunkedJob(processed: number[], options: { chunkMs?: number; hangAt?: number } = {}): JobHandler {
  return async (params, context: JobContext) => {
    const { total } = params as { total: number };
    const start = (context.checkpoint as { next: number } | null)?.next ?? 0;
    for (let chunk = start; chunk < total; chunk++) {
      if (chunk === options.hangAt) await new Promise(() => undefined);
      context.signal.throwIfAborted();
      await sleep(options.chunkMs ?? 1);
      processed.push(chunk);
      context.saveCheckpoint({ next: chunk + 1 });
      context.progress(chunk + 1, total);
    }
    return { chunks: total - start };
  };
}

describe('job runner', () => {
  it('runs a job to the end, reporting progress with a rate and an ETA', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const updates: JobUpdate[] = [];
    const processed: number[] = [];
    const runner = new JobRunner(db, { count: chunkedJob(processed, { chunkMs: 30 }) }, (u) => updates.push(u));
    const id = runner.enqueue('count', { total: 20 });
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
    const runner = new JobRunner(db, { count: chunkedJob(processed, { chunkMs: 20 }) });
    const first = runner.enqueue('count', { total: 1000 });
    const second = runner.enqueue('count', { total: 5 });
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
    const runner = new JobRunner(db, {
      broken: () => Promise.reject(new StudioError('video.mp4 is truncated')),
      count: chunkedJob(processed),
    });
    const bad = runner.enqueue('broken', {});
    const good = runner.enqueue('count', { total: 3 });
    await runner.idle();
    expect(runner.get(bad)).toMatchObject({ state: 'failed', error: 'video.mp4 is truncated' });
    expect(runner.get(good)?.state).toBe('done');
  });

  it('logs the stack of an unexpected failure and records the one line naming the log', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-jobs-config-'));
    const bug = new TypeError("Cannot read properties of undefined (reading 'width')");
    const runner = new JobRunner(db, { import: () => Promise.reject(bug) }, undefined, (context, error) =>
      logUnexpected(configDir, context, error),
    );
    const id = runner.enqueue('import', {});
    await runner.idle();
    const log = errorLogFile(configDir);
    expect(fs.readFileSync(log, 'utf8')).toContain(bug.stack);
    const error = runner.get(id)?.error ?? '';
    expect(runner.get(id)?.state).toBe('failed');
    expect(error).toContain("import job: Cannot read properties of undefined (reading 'width')");
    expect(error).toContain(log);
    expect(error).not.toContain('\n');
  });

  it('resumes a job interrupted by a dead app from its last checkpoint, redoing at most the chunk in flight', async () => {
    const file = projectDbFile();
    const firstRun: number[] = [];
    // The first "app" hangs in chunk 6 and is never stopped: as if its process had been killed.
    const dead = new JobRunner(openProjectDb(file, { create: false }), { count: chunkedJob(firstRun, { hangAt: 6 }) });
    const id = dead.enqueue('count', { total: 10 });
    while (firstRun.length < 6) await sleep(5);

    const secondRun: number[] = [];
    const restarted = new JobRunner(openProjectDb(file, { create: false }), { count: chunkedJob(secondRun) });
    expect(restarted.resumeInterrupted()).toEqual([id]);
    await restarted.idle();
    expect(firstRun).toEqual([0, 1, 2, 3, 4, 5]);
    expect(secondRun).toEqual([6, 7, 8, 9]);
    expect(restarted.get(id)).toMatchObject({ state: 'done', done: 10 });
  });

  it('starts a job queued right after an idle runner looked for work', async () => {
    const db = openProjectDb(projectDbFile(), { create: false });
    const processed: number[] = [];
    const runner = new JobRunner(db, { count: chunkedJob(processed) });
    runner.resumeInterrupted();
    const id = runner.enqueue('count', { total: 2 });
    await runner.idle();
    expect(runner.get(id)?.state).toBe('done');
  });

  it('leaves a job resumable, not cancelled, when the project is closed mid-job', async () => {
    const file = projectDbFile();
    const runner = new JobRunner(openProjectDb(file, { create: false }), { count: chunkedJob([], { chunkMs: 20 }) });
    const id = runner.enqueue('count', { total: 1000 });
    await sleep(80);
    await runner.stop();
    expect(runner.get(id)?.state).toBe('running');
  });
});
