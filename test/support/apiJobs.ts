/**
 * Waits, as a client would, for a job started through the API to end, and returns it as `jobs.list` shows it:
 * exports and label imports answer with a job id, and their result (or one-line error) comes with the job.
 */
import { expect, vi } from 'vitest';
import type { JobProgress } from '../../src-main/api/contract';
import type { ApiCall } from './apiCall';

export async function endedJob(call: ApiCall, project: string, jobId: string, timeoutMs = 120_000): Promise<JobProgress> {
  let job: JobProgress | undefined;
  await vi.waitFor(
    async () => {
      job = (await call<JobProgress[]>('jobs.list', { project })).find((j) => j.jobId === jobId);
      expect(['done', 'failed', 'cancelled']).toContain(job?.state);
    },
    { timeout: timeoutMs, interval: 50 },
  );
  if (!job) throw new Error(`job ${jobId} is not listed`);
  return job;
}

/** Starts a job with `method` and waits for it; the job's result when done, else its error as a rejection. */
export async function jobResultOf<T>(call: ApiCall, project: string, method: string, params: Record<string, unknown>): Promise<T> {
  const { jobId } = await call<{ jobId: string }>(method, { project, ...params });
  const job = await endedJob(call, project, jobId);
  if (job.state !== 'done') throw new Error(job.error ?? job.state);
  return job.result as T;
}
