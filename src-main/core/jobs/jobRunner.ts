/**
 * Runs a project's long tasks one at a time (two cores: running several would only slow each down), with
 * progress (done/total, rate, ETA), cancel, and resume after the app was killed: a job found 'running' at
 * start-up is restarted from its last committed checkpoint, so at most the chunk in flight is redone.
 */
import crypto from 'node:crypto';
import { defaultConfigDir } from '../appDirs';
import { logUnexpected } from '../errorLog';
import { StudioError } from '../errors';
import type { JobId } from '../ids';
import type { Db } from '../store/projectDb';
import { claimJob, getJob, insertJob, listJobs, updateJob, type JobRecord, type JobState } from '../store/jobStore';
import { firstIssue, type JobDefinition } from './jobKinds';

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

export interface JobContext<C> {
  readonly jobId: JobId;
  readonly signal: AbortSignal;
  /** What the job saved with `saveCheckpoint` before it was interrupted, or null on a first run. */
  readonly checkpoint: C | null;
  progress(done: number, total: number, message?: string): void;
  /** Commits the job's position: after a crash it restarts from here. */
  saveCheckpoint(state: C): void;
}

export type JobHandler<P, C, R> = (params: P, context: JobContext<C>) => Promise<R>;

/** A kind of job with its handler, types erased behind the schemas that check what goes in and comes out. */
export interface RegisteredJob {
  readonly definition: { readonly name: string; readonly label: string };
  /** Checks parameters before they are stored; returns what to store. */
  checkParams(params: unknown): unknown;
  run(record: JobRecord, context: JobContext<unknown>): Promise<unknown>;
  /** Enqueuing a job the same as one queued or running returns that one (see `JobOptions.sameAs`). */
  same(a: unknown, b: unknown): boolean;
}

export interface JobOptions<P> {
  /** Two jobs of this kind that would do the same work: a second enqueue while the first is pending reuses it. */
  sameAs?: (a: P, b: P) => boolean;
}

/**
 * Binds a handler to its kind. The only place a stored row meets its schema: parameters and checkpoint are
 * parsed here (a row that no longer parses fails the job with one line), and the result is checked before it is
 * stored, so whoever reads it back through the same schema gets what the type says.
 */
export function registerJob<P, PI, C, R>(definition: JobDefinition<P, PI, C, R>, handler: JobHandler<P, C, R>, options: JobOptions<P> = {}): RegisteredJob {
  const parse = <T>(schema: JobDefinition<T, unknown, unknown, unknown>['params'], value: unknown, what: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new StudioError(`The ${what} of this job (${definition.label.toLowerCase()}) cannot be read (${firstIssue(parsed.error)}): it was saved by another version of Affect Studio or is damaged; start it again.`);
    }
    return parsed.data;
  };
  return {
    definition,
    checkParams(params) {
      const parsed = definition.params.safeParse(params);
      if (!parsed.success) throw new StudioError(`Cannot start ${definition.label.toLowerCase()}: ${firstIssue(parsed.error)}.`);
      return parsed.data;
    },
    async run(record, context) {
      const params = parse(definition.params, record.params, 'parameters');
      const checkpoint = record.checkpoint === null ? null : parse(definition.checkpoint, record.checkpoint, 'saved position');
      const result = await handler(params, { ...context, checkpoint, saveCheckpoint: (state: C) => context.saveCheckpoint(state) });
      return definition.result.parse(result);
    },
    same(a, b) {
      if (!options.sameAs) return false;
      const [x, y] = [definition.params.safeParse(a), definition.params.safeParse(b)];
      return x.success && y.success && options.sameAs(x.data, y.data);
    },
  };
}

/** A job's result read through its kind's schema; null when it has none (not done) or it no longer parses. */
export function jobResult<R>(definition: JobDefinition<unknown, unknown, unknown, R>, job: JobRecord | undefined): R | null {
  if (!job || job.kind !== definition.name || job.result === null) return null;
  const parsed = definition.result.safeParse(job.result);
  return parsed.success ? parsed.data : null;
}

/** Logs an error that is a bug and returns the one line to store and show instead (see errorLog.ts). */
export type ReportUnexpected = (context: string, error: unknown) => string;

/** A running job's row is touched this often while it runs ... */
const HEARTBEAT_MS = 1000;
/**
 * ... so one untouched for this long is a dead session's. Five heartbeats: a live session's event loop would have
 * to stall for seconds (the studio keeps heavy work off it) to be taken for dead.
 */
const ALIVE_MS = 5000;

/** How often `ended` looks again at a job another session runs. */
const ENDED_POLL_MS = 1000;

/** How often progress is written to the database and pushed to the UI. */
const PROGRESS_INTERVAL_MS = 250;

export class JobRunner {
  private readonly controllers = new Map<JobId, AbortController>();
  private readonly waiters = new Map<JobId, (() => void)[]>();
  private readonly memory = new Map<JobId, JobRecord>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private lookAgain = false;
  /** A look, ALIVE_MS after opening, at jobs another live session may be running (resumeInterrupted). */
  private recheck: Promise<void> | null = null;
  private recheckTimer: NodeJS.Timeout | undefined;
  private endRecheck: () => void = () => undefined;

  private readonly kinds: ReadonlyMap<string, RegisteredJob>;

  constructor(
    private readonly db: Db,
    kinds: readonly RegisteredJob[],
    private readonly onUpdate: (update: JobUpdate) => void = () => undefined,
    private readonly reportUnexpected: ReportUnexpected = (context, error) => logUnexpected(defaultConfigDir(), context, error),
  ) {
    this.kinds = new Map(kinds.map((kind) => [kind.definition.name, kind]));
  }

  /**
   * Queues a job after checking its parameters against its kind (a wrong one is refused here, with one line,
   * and nothing is queued). A job of a kind that declares `sameAs` and that matches one still queued or running
   * is that job: its id is returned and nothing new is queued. `inMemory` keeps the job out of the database, for a
   * project that cannot be written (an export from a read-only project): it runs the same, but is not resumed.
   */
  enqueue<PI>(definition: JobDefinition<unknown, PI, unknown, unknown>, params: NoInfer<PI>, options: { inMemory?: boolean } = {}): JobId {
    const kind = this.kinds.get(definition.name);
    if (!kind) throw new StudioError(`Unknown job kind "${definition.name}".`);
    const checked = kind.checkParams(params);
    const pending = this.findJobs(definition.name, ['queued', 'running']).find((job) => kind.same(job.params, checked));
    if (pending) return pending.id;
    const id = options.inMemory ? this.insertInMemory(definition.name, checked) : insertJob(this.db, definition.name, checked);
    this.notify(id, null);
    this.kick();
    return id;
  }

  /** Re-queues jobs that were running when the app died, then starts working. */
  /**
   * Re-queues jobs left 'running' by a studio that died, then starts working. A running job whose row has not
   * been touched for ALIVE_MS is a dead session's; one touched more recently may be another live session's on the
   * same project (the studio and a CLI command), which touches it every HEARTBEAT_MS: it is looked at again after
   * ALIVE_MS and re-queued only if its row did not change meanwhile, so no job is ever run twice at once.
   * Returns the jobs re-queued at once.
   */
  resumeInterrupted(): JobId[] {
    const now = Date.now();
    const running = this.listJobs(['running']).filter((job) => !this.controllers.has(job.id));
    const dead = running.filter((job) => now - Date.parse(job.updatedAt) >= ALIVE_MS);
    for (const job of dead) this.updateJob(job.id, { state: 'queued' });
    const maybeAlive = running.filter((job) => !dead.includes(job));
    if (maybeAlive.length > 0) this.recheckLater(maybeAlive);
    this.kick();
    return dead.map((job) => job.id);
  }

  private recheckLater(jobs: readonly JobRecord[]): void {
    this.recheck = new Promise<void>((resolve) => {
      this.recheckTimer = setTimeout(resolve, ALIVE_MS);
      this.endRecheck = resolve;
    }).then(() => {
      this.recheck = null;
      if (this.stopping) return;
      for (const seen of jobs) {
        const job = this.getJob(seen.id);
        if (job?.state === 'running' && job.updatedAt === seen.updatedAt) this.updateJob(job.id, { state: 'queued' });
      }
      this.kick();
    });
  }

  cancel(id: JobId): void {
    const job = this.getJob(id);
    if (!job) throw new StudioError(`There is no job ${id}.`);
    if (job.state === 'queued') {
      this.updateJob(id, { state: 'cancelled' });
      this.notify(id, null);
    } else {
      this.controllers.get(id)?.abort();
    }
  }

  list(): JobRecord[] {
    return this.listJobs();
  }

  get(id: JobId): JobRecord | undefined {
    return this.getJob(id);
  }

  /**
   * Resolves once the job has ended (done, failed or cancelled), without waiting for the rest of the queue. A job
   * this runner runs ends it at once; one that another session on the project took (claimJob) is seen by looking
   * at its row again every ENDED_POLL_MS.
   */
  async ended(id: JobId): Promise<void> {
    for (;;) {
      const job = this.getJob(id);
      if (!job) throw new StudioError(`There is no job ${id}.`);
      if (FINAL_STATES.includes(job.state)) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.set(id, (this.waiters.get(id) ?? []).filter((waiter) => waiter !== wake));
          resolve();
        };
        const timer = setTimeout(wake, ENDED_POLL_MS);
        this.waiters.set(id, [...(this.waiters.get(id) ?? []), wake]);
      });
    }
  }

  /** Resolves when the queue is empty (the CLI waits on this; the UI listens to updates instead). */
  async idle(): Promise<void> {
    for (;;) {
      if (this.recheck) await this.recheck;
      else if (this.loop) await this.loop;
      else return;
    }
  }

  /** Aborts the running job and waits; a closed project leaves its job 'running', to resume next time. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.recheckTimer);
    this.endRecheck();
    for (const controller of this.controllers.values()) controller.abort(new StopSignal());
    await this.idle();
  }

  /** The jobs kept in memory (see `enqueue`), which the application layer lists beside the stored ones. */
  inMemory(): JobRecord[] {
    return [...this.memory.values()];
  }

  // The job table, plus the jobs kept in memory: the runner treats both alike.
  private getJob(id: JobId): JobRecord | undefined {
    return this.memory.get(id) ?? getJob(this.db, id);
  }

  private listJobs(states?: readonly JobState[]): JobRecord[] {
    const kept = [...this.memory.values()].filter((job) => states === undefined || states.includes(job.state));
    return [...listJobs(this.db, states), ...kept].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  private findJobs(kind: string, states: readonly JobState[]): JobRecord[] {
    return this.listJobs(states).filter((job) => job.kind === kind);
  }

  private insertInMemory(kind: string, params: unknown): JobId {
    const now = new Date().toISOString();
    const id = crypto.randomUUID() as JobId;
    this.memory.set(id, { id, kind, params, state: 'queued', done: 0, total: 0, checkpoint: null, result: null, error: null, createdAt: now, updatedAt: now });
    return id;
  }

  private updateJob(id: JobId, change: Partial<Pick<JobRecord, 'state' | 'done' | 'total' | 'checkpoint' | 'result' | 'error'>>): void {
    const kept = this.memory.get(id);
    if (kept) this.memory.set(id, { ...kept, ...change, updatedAt: new Date().toISOString() });
    else updateJob(this.db, id, change);
  }

  private claimJob(id: JobId): boolean {
    const kept = this.memory.get(id);
    if (!kept) return claimJob(this.db, id);
    if (kept.state !== 'queued') return false;
    this.updateJob(id, { state: 'running', error: null });
    return true;
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
      const next = this.listJobs(['queued'])[0];
      if (!next) return;
      await this.run(next);
    }
  }

  private async run(job: JobRecord): Promise<void> {
    const kind = this.kinds.get(job.kind);
    if (!kind) {
      this.updateJob(job.id, { state: 'failed', error: `This studio cannot run jobs of kind "${job.kind}".` });
      this.notify(job.id, null);
      return;
    }
    // Another session on the same project (a second process) may have taken it since it was listed.
    if (!this.claimJob(job.id)) return;
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    // Tells other sessions on the project that this job is alive (resumeInterrupted).
    const heartbeat = setInterval(() => {
      try {
        this.updateJob(job.id, {});
      } catch {
        // A beat missed (the file busy for a moment) is only a later one; the job itself reports real failures.
      }
    }, HEARTBEAT_MS);
    const meter = new RateMeter(job.done);
    let lastWrite = 0;
    const context: JobContext<unknown> = {
      jobId: job.id,
      signal: controller.signal,
      checkpoint: job.checkpoint,
      progress: (done, total, message) => {
        meter.sample(done);
        const now = Date.now();
        if (now - lastWrite < PROGRESS_INTERVAL_MS && done < total) return;
        lastWrite = now;
        this.updateJob(job.id, { done, total });
        this.notify(job.id, meter, message);
      },
      saveCheckpoint: (state) => this.updateJob(job.id, { checkpoint: state }),
    };
    this.notify(job.id, meter);
    try {
      const result = await kind.run(job, context);
      this.updateJob(job.id, { state: 'done', result: result ?? null });
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason instanceof StopSignal) return;
      if (controller.signal.aborted) this.updateJob(job.id, { state: 'cancelled' });
      else this.updateJob(job.id, { state: 'failed', error: this.failureLine(job.kind, error) });
    } finally {
      clearInterval(heartbeat);
      this.controllers.delete(job.id);
    }
    this.notify(job.id, meter);
  }

  /** A StudioError already says what to do; anything else is a bug whose stack belongs in the error log. */
  private failureLine(kind: string, error: unknown): string {
    return error instanceof StudioError ? error.message : this.reportUnexpected(`${kind} job`, error);
  }

  private notify(id: JobId, meter: RateMeter | null, message?: string): void {
    const job = this.getJob(id);
    if (!job) return;
    if (FINAL_STATES.includes(job.state)) for (const wake of this.waiters.get(id) ?? []) wake();
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

const FINAL_STATES: readonly JobState[] = ['done', 'failed', 'cancelled'];

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
