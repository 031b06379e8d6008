/**
 * Follows one job (an export, a label import) to its end for a dialog: each progress update as it comes, and the
 * final state. A quick job may end before the caller subscribes, so the job list is read once after subscribing.
 */
import type { JobProgress } from '../../src-main/api/contract';
import { studio } from './studio';

const ENDED: readonly JobProgress['state'][] = ['done', 'failed', 'cancelled'];

export function followJob(project: string, jobId: string, update: (job: JobProgress) => void): Promise<JobProgress> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const see = (job: JobProgress) => {
      if (finished || job.jobId !== jobId || job.projectPath !== project) return;
      update(job);
      if (!ENDED.includes(job.state)) return;
      finished = true;
      stop();
      resolve(job);
    };
    const stop = studio.on('job.progress', see);
    studio.call('jobs.list', { project }).then(
      (jobs) => jobs.forEach(see),
      (error: unknown) => {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
