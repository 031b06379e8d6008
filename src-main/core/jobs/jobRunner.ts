/**
 * Runs a project's long tasks one at a time (two cores: running several would only slow each down), with
 * progress (done/total, rate, ETA), cancel, and resume after the app was killed: a job found 'running' at
 * start-up is restarted from its last committed checkpoint, so at most the chunk in flight is redone.
 */
import { defaultConfigDir } from '../appDirs';
import { logUnexpected } from '../errorLog';
import { StudioError } from '../errors';
import type { JobId } from '../ids';
import type { Db } from '../store/projectDb';
import { getJob, insertJob, listJobs, updateJob, type JobRecord, type JobState } from '../store/jobStore';

export interface JobUpdate {
  jobId: JobId;
  kind: string;
  state: JobState;
  done: number;
  total: number;
  ratePerSec: number | null;
  etaSec: number | null;
  message?: string;
}

export interface JobContext {
  readonly signal: AbortSignal;
  /** What the job saved with `saveCheckpoint` before it was interrupted, or null on a first run. */
  readonly checkpoint: unknown;
  progress(done: number, total: number, message?: string): void;
  /** Commits the job's position: after a crash it restarts from here. */
  saveCheckpoint(state: unknown): void;
}

export type JobHandler = (params: unknown, context: JobContext) => Promise<unknown>;

/** Logs an error that is a bug and returns the one line to store and show instead (see errorLog.ts). */
export type ReportUnexpected = (context: string, error: unknown) => string;

/** How often progress is written to the database and pushed to the UI. */
const PROGRESS_INTERVAL_MS = 250;

export class JobRunner {
  private readonly controllers = new Map<JobId, AbortController>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private lookAgain = false;

  constructor(
    private readonly db: Db,
    private readonly handlers: Readonly<Record<string, JobHandler>>,
    private readonly onUpdate: (update: JobUpdate) => void = () => undefined,
    private readonly reportUnexpected: ReportUnexpected = (context, error) => logUnexpected(defaultConfigDir(), context, error),
  ) {}

  enqueue(kind: string, params: unknown): JobId {
    if (!Object.hasOwn(this.handlers, kind)) throw new StudioError(`Unknown job kind "${kind}".`);
    const id = insertJob(this.db, kind, params);
    this.notify(id, null);
    this.kick();
    return id;
  }

  /** Re-queues jobs that were running when the app died, then starts working. */
  resumeInterrupted(): JobId[] {
    const interrupted = listJobs(this.db, ['running']).map((job) => job.id);
    for (const id of interrupted) updateJob(this.db, id, { state: 'queued' });
    this.kick();
    return interrupted;
  }

  cancel(id: JobId): void {
    const job = getJob(this.db, id);
    if (!job) throw new StudioError(`There is no job ${id}.`);
    if (job.state === 'queued') {
      updateJob(this.db, id, { state: 'cancelled' });
      this.notify(id, null);
    } else {
      this.controllers.get(id)?.abort();
    }
  }

  list(): JobRecord[] {
    return listJobs(this.db);
  }

  get(id: JobId): JobRecord | undefined {
    return getJob(this.db, id);
  }

  /** Resolves when the queue is empty (the CLI waits on this; the UI listens to updates instead). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Aborts the running job and waits; a closed project leaves its job 'running', to resume next time. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const controller of this.controllers.values()) controller.abort(new StopSignal());
    await this.idle();
  }

  private kick(): void {
    if (this.stopping) return;
    if (this.loop) {
      // The loop may already have looked for queued jobs and be on its way out: make it look again.
      this.lookAgain = true;
      return;
    }
    this.loop = this.drain().finally(() => {
      this.loop = null;
      if (this.lookAgain) {
        this.lookAgain = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      const next = listJobs(this.db, ['queued'])[0];
      if (!next) return;
      await this.run(next);
    }
  }

  private async run(job: JobRecord): Promise<void> {
    const handler = this.handlers[job.kind];
    if (!handler) {
      updateJob(this.db, job.id, { state: 'failed', error: `This studio cannot run jobs of kind "${job.kind}".` });
      this.notify(job.id, null);
      return;
    }
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    updateJob(this.db, job.id, { state: 'running', error: null });
    const meter = new RateMeter(job.done);
    let lastWrite = 0;
    const context: JobContext = {
      signal: controller.signal,
      checkpoint: job.checkpoint,
      progress: (done, total, message) => {
        meter.sample(done);
        const now = Date.now();
        if (now - lastWrite < PROGRESS_INTERVAL_MS && done < total) return;
        lastWrite = now;
        updateJob(this.db, job.id, { done, total });
        this.notify(job.id, meter, message);
      },
      saveCheckpoint: (state) => updateJob(this.db, job.id, { checkpoint: state }),
    };
    this.notify(job.id, meter);
    try {
      const result = await handler(job.params, context);
      updateJob(this.db, job.id, { state: 'done', result: result ?? null });
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof StopSignal) return;
      if (controller.signal.aborted) updateJob(this.db, job.id, { state: 'cancelled' });
      else updateJob(this.db, job.id, { state: 'failed', error: this.failureLine(job.kind, error) });
    } finally {
      this.controllers.delete(job.id);
    }
    this.notify(job.id, meter);
  }

  /** A StudioError already says what to do; anything else is a bug whose stack belongs in the error log. */
  private failureLine(kind: string, error: unknown): string {
    return error instanceof StudioError ? error.message : this.reportUnexpected(`${kind} job`, error);
  }

  private notify(id: JobId, meter: RateMeter | null, message?: string): void {
    const job = getJob(this.db, id);
    if (!job) return;
    const rate = meter?.ratePerSec() ?? null;
    const remaining = job.total - job.done;
    this.onUpdate({
      jobId: id,
      kind: job.kind,
      state: job.state,
      done: job.done,
      total: job.total,
      ratePerSec: rate,
      etaSec: rate && rate > 0 && job.state === 'running' ? remaining / rate : null,
      ...(message === undefined ? {} : { message }),
    });
  }
}

/** Marks an abort caused by closing the project, which must leave the job resumable rather than cancelled. */
class StopSignal extends Error {}

/** Items per second since the job (re)started, so a resumed job's ETA is not skewed by work done before. */
class RateMeter {
  private readonly startMs = Date.now();
  private latest: number;

  constructor(private readonly startDone: number) {
    this.latest = startDone;
  }

  sample(done: number): void {
    this.latest = done;
  }

  ratePerSec(): number | null {
    const seconds = (Date.now() - this.startMs) / 1000;
    if (seconds < 0.2 || this.latest <= this.startDone) return null;
    return (this.latest - this.startDone) / seconds;
  }
}
