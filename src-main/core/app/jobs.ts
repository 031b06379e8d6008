/**
 * Use cases for a project's jobs: list them with their typed results, cancel one. A job's result is read back
 * through its kind's schema (core/jobs/jobKinds.ts), so the API and the CLI get a typed value, never an `as`.
 */
import { StudioError } from '../errors';
import type { JobId, VideoId } from '../ids';
import { ANALYZE_JOB, EXPORT_JOB, IMPORT_JOB, jobLabel, LABEL_IMPORT_JOB, REPORT_JOB, TRAIN_HEAD_JOB, type JobResult } from '../jobs/jobKinds';
import { jobResult } from '../jobs/jobRunner';
import type { JobRecord, JobState } from '../store/jobStore';
import type { ProjectContext } from './projectContext';

/** What front ends need to follow a job they started: its kind (to pick its progress) and its typed result. */
export { ANALYZE_JOB, EXPORT_JOB, IMPORT_JOB, LABEL_IMPORT_JOB, REPORT_JOB, TRAIN_HEAD_JOB, jobResult };
export { importOutcomes } from '../ingest/importJob';

interface JobFacts {
  jobId: JobId;
  /** The kind's name for people ("Training the model", not "train-head"). */
  label: string;
  state: JobState;
  done: number;
  total: number;
  error: string | null;
}

/** A job of a kind this studio knows, with its result typed by kind (undefined until it is done). */
export type JobSummary = JobFacts &
  (
    | { kind: typeof IMPORT_JOB.name; result?: JobResult<typeof IMPORT_JOB> }
    | { kind: typeof ANALYZE_JOB.name; result?: JobResult<typeof ANALYZE_JOB> }
    | { kind: typeof TRAIN_HEAD_JOB.name; result?: JobResult<typeof TRAIN_HEAD_JOB> }
    | { kind: typeof EXPORT_JOB.name; result?: JobResult<typeof EXPORT_JOB> }
    | { kind: typeof LABEL_IMPORT_JOB.name; result?: JobResult<typeof LABEL_IMPORT_JOB> }
    | { kind: typeof REPORT_JOB.name; result?: JobResult<typeof REPORT_JOB> }
  );

/**
 * The job as readers see it; undefined for a kind this studio does not know (a newer version's), which it cannot
 * run or describe. A stored result that no longer parses is left out rather than passed on as the wrong shape.
 */
export function summariseJob(job: JobRecord): JobSummary | undefined {
  const facts: JobFacts = { jobId: job.id, label: jobLabel(job.kind), state: job.state, done: job.done, total: job.total, error: job.error };
  const typed = <R>(result: R | null) => (result === null ? {} : { result });
  switch (job.kind) {
    case IMPORT_JOB.name:
      return { ...facts, kind: IMPORT_JOB.name, ...typed(jobResult(IMPORT_JOB, job)) };
    case ANALYZE_JOB.name:
      return { ...facts, kind: ANALYZE_JOB.name, ...typed(jobResult(ANALYZE_JOB, job)) };
    case TRAIN_HEAD_JOB.name:
      return { ...facts, kind: TRAIN_HEAD_JOB.name, ...typed(jobResult(TRAIN_HEAD_JOB, job)) };
    case EXPORT_JOB.name:
      return { ...facts, kind: EXPORT_JOB.name, ...typed(jobResult(EXPORT_JOB, job)) };
    case LABEL_IMPORT_JOB.name:
      return { ...facts, kind: LABEL_IMPORT_JOB.name, ...typed(jobResult(LABEL_IMPORT_JOB, job)) };
    case REPORT_JOB.name:
      return { ...facts, kind: REPORT_JOB.name, ...typed(jobResult(REPORT_JOB, job)) };
    default:
      return undefined;
  }
}

/** The project's jobs: the stored ones, and those a read-only project keeps in memory (exports). */
export async function listJobs(project: ProjectContext): Promise<JobSummary[]> {
  return [...(await project.stores.jobs.list()), ...project.jobs.inMemory()].flatMap((job) => summariseJob(job) ?? []);
}

export async function getJob(project: ProjectContext, id: JobId): Promise<JobSummary> {
  const job = (await project.stores.jobs.get(id)) ?? project.jobs.inMemory().find((kept) => kept.id === id);
  const summary = job && summariseJob(job);
  if (!summary) throw new StudioError(`There is no job ${id} in this project.`);
  return summary;
}

/** Cancels a queued or running job; one already finished stays as it ended. */
export async function cancelJob(project: ProjectContext, id: JobId): Promise<void> {
  await getJob(project, id);
  project.jobs.cancel(id);
}

/** Resolves with the job once it has ended (done, failed or cancelled): the CLI waits on this. */
export async function jobEnded(project: ProjectContext, id: JobId): Promise<JobSummary> {
  await project.jobs.ended(id);
  return getJob(project, id);
}

/** The analysis jobs of these videos that are queued, running or done (the workflow queues one per new video). */
export function analysesOf(project: ProjectContext, videoIds: readonly VideoId[]): JobId[] {
  const wanted = new Set(videoIds);
  return project.jobs
    .list()
    .filter((job) => job.kind === ANALYZE_JOB.name && job.state !== 'failed' && job.state !== 'cancelled')
    .filter((job) => {
      const params = ANALYZE_JOB.params.safeParse(job.params);
      return params.success && wanted.has(params.data.videoId);
    })
    .map((job) => job.id);
}
