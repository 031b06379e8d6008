/**
 * The study report as a job on a real project file (two raters of an analysed video, built through the real
 * stores): progress counts the agreement and each held-back score, the result names the file written, and a
 * cancelled report writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/labelProject';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { ExportLedger } from '../io/exportLedger';
import type { JobUpdate } from '../jobs/jobRunner';
import { ProjectSession } from '../studio/projectSession';
import { getJob, jobEnded } from './jobs';
import { startStudyReport } from './report';

let session: ProjectSession;
let folder: string;

beforeAll(() => {
  const dir = path.join(tempDir('affect-report-job-'), 'study');
  buildSyntheticProject(dir, { videos: 1, framesPerVideo: 600, labelsPerVideo: 30, annotators: 2, analysedVideos: 1 });
  session = ProjectSession.open(dir, { exportLedger: new ExportLedger(tempDir()) });
  folder = fs.realpathSync(tempDir());
});

afterAll(() => session?.close());

describe('the study report job', () => {
  it('reports the agreement and then each rater\'s held-back score as steps, and names the file it wrote', { timeout: 120_000 }, async () => {
    const updates: JobUpdate[] = [];
    const stop = session.onJobUpdate((update) => updates.push(update));
    const jobId = startStudyReport(session, { folder, name: 'report.html' });
    const job = await jobEnded(session, jobId);
    stop();
    expect(job).toMatchObject({ kind: 'report', state: 'done', label: 'Writing the study report', result: { path: path.join(folder, 'report.html') } });
    // One agreement step and one held-back score per rater (both labelled the one person of the one video); the
    // runner passes on at most one update per 250 ms, and always the first and the last.
    const running = updates.filter((u) => u.jobId === jobId && u.state === 'running' && u.total > 0);
    expect(running.every((u) => u.total === 3)).toBe(true);
    expect(running.map((u) => u.done)).toEqual([...running.map((u) => u.done)].sort());
    expect([running[0]?.done, running.at(-1)?.done]).toEqual([0, 3]);
    const html = fs.readFileSync(path.join(folder, 'report.html'), 'utf8');
    expect(html).toContain('<td>session-1.mp4</td><td>Rater 2</td>');
    // Asking for a file that exists, without overwrite, is refused before anything is queued.
    expect(() => startStudyReport(session, { folder, name: 'report.html' })).toThrow(/already exists/);
  });

  it('writes nothing when cancelled between two steps', { timeout: 120_000 }, async () => {
    // Cancelled at its first step (the agreement): the held-back scores and the file never come.
    const stop = session.onJobUpdate((update) => {
      if (update.kind === 'report' && update.state === 'running' && update.total > 0 && update.done === 0) session.jobs.cancel(update.jobId);
    });
    const job = await jobEnded(session, startStudyReport(session, { folder, name: 'cancelled.html' }));
    stop();
    expect(job.state).toBe('cancelled');
    expect((await getJob(session, job.jobId)).state).toBe('cancelled');
    expect(fs.existsSync(path.join(folder, 'cancelled.html'))).toBe(false);
  });
});
