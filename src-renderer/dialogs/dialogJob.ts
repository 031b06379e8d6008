/**
 * The one job a dialog starts (an export, a label import), followed to its end: its progress for the dialog frame
 * to show, cancel, and the one-line error of a refused start or a failed job. Shared so the dialogs cannot drift
 * apart in how they start, follow and report a job.
 */
import { computed, ref } from 'vue';
import type { JobProgress } from '../../src-main/api/contract';
import { followJob } from '../api/followJob';
import { studio } from '../api/studio';

export function useDialogJob(project: () => string) {
  const job = ref<JobProgress | null>(null);
  const error = ref<string | null>(null);
  const running = computed(() => job.value?.state === 'running' || job.value?.state === 'queued');

  /** Starts the job and follows it; `failed` is said when a failed job left no message of its own. */
  async function run(start: () => Promise<{ jobId: string }>, failed: string): Promise<void> {
    error.value = null;
    job.value = null;
    try {
      const { jobId } = await start();
      const ended = await followJob(project(), jobId, (update) => (job.value = update));
      if (ended.state === 'failed') error.value = ended.error ?? failed;
    } catch (caught) {
      showError(caught);
    }
  }

  function cancel(): void {
    if (job.value) void studio.call('jobs.cancel', { project: project(), jobId: job.value.jobId });
  }

  function showError(caught: unknown): void {
    error.value = caught instanceof Error ? caught.message : String(caught);
  }

  return { job, error, running, run, cancel, showError };
}
