/**
 * "Import, then find the faces" happens once per video whoever asks: two windows of the studio (two clients of one
 * API), a rerun import, a second session on the same project (another process, as the CLI next to the app), and
 * the CLI itself. Real project file, real ffmpeg-made clips, the real analysis.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, type ApiCall } from '../support/apiCall';
import { endedJob } from '../support/apiJobs';
import { tempDir } from '../support/labelProject';
import { makeTestVideo, testVideo } from '../support/testMedia';
import type { JobProgress } from '../../src-main/api/contract';
import { createStudioApi, type StudioApi } from '../../src-main/api/studioApi';
import { runCli } from '../../src-main/cli/main';
import type { JobId, VideoId } from '../../src-main/core/ids';
import { IMPORT_JOB } from '../../src-main/core/ingest/importJob';
import { createProject } from '../../src-main/core/store/projectFolder';
import { listVideos } from '../../src-main/core/store/videoStore';
import { ProjectSession } from '../../src-main/core/studio/projectSession';
import { queueAnalysisOnce } from '../../src-main/core/jobs/analyzeAfterImport';
import { ANALYZE_JOB } from '../../src-main/core/jobs/jobKinds';

let dir: string;
let api: StudioApi;
let call: ApiCall;
const media = tempDir('affect-workflow-media-');
const FACE = testVideo('single_face.mp4');
const SECOND = makeTestVideo(path.join(media, 'second.mp4'), 1);
const THIRD = makeTestVideo(path.join(media, 'third.mp4'), 2);
// Different lengths: the same content would be one video to the project (it matches by content hash).
const FOURTH = makeTestVideo(path.join(media, 'fourth.mp4'), 3);

/** Every analyze job of the project, per video (read as the job kind's schema reads them). */
function analysesPerVideo(session: ProjectSession): Map<VideoId, { id: JobId; state: string }[]> {
  const byVideo = new Map<VideoId, { id: JobId; state: string }[]>();
  for (const job of session.jobs.list()) {
    const params = job.kind === ANALYZE_JOB.name ? ANALYZE_JOB.params.safeParse(job.params) : undefined;
    if (!params?.success) continue;
    byVideo.set(params.data.videoId, [...(byVideo.get(params.data.videoId) ?? []), { id: job.id, state: job.state }]);
  }
  return byVideo;
}

function videoIdOf(session: ProjectSession, file: string): VideoId {
  const video = listVideos(session.db).find((v) => v.path === file);
  if (!video) throw new Error(`${file} is not in the project`);
  return video.id;
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t), env: { ...process.env, AFFECT_STUDIO_HOME: tempDir() }, untilStopped: () => new Promise(() => undefined) });
  return { code, stdout, stderr };
}

beforeAll(() => {
  dir = path.join(tempDir('affect-workflow-'), 'p');
  createProject(dir);
  api = createStudioApi({ mode: 'browser', configDir: tempDir() });
  call = apiCaller(api);
});

afterAll(() => api.close());

describe('analysis after import, once per video', () => {
  it('two windows importing the same file get one import and one analysis; a rerun import starts none', { timeout: 180_000 }, async () => {
    const [first, second] = await Promise.all([call<{ jobId: string }>('videos.import', { project: dir, paths: [FACE] }), call<{ jobId: string }>('videos.import', { project: dir, paths: [FACE] })]);
    expect(second.jobId).toBe(first.jobId);
    expect((await endedJob(call, dir, first.jobId)).state).toBe('done');
    const analyses = async () => (await call<JobProgress[]>('jobs.list', { project: dir })).filter((job) => job.kind === 'analyze');
    const [analysis, ...more] = await analyses();
    expect(more).toEqual([]);
    // The UI shows the kind's name for people, not the stored "analyze".
    expect(analysis?.label).toBe('Finding faces');
    expect((await endedJob(call, dir, analysis?.jobId as string)).result).toMatchObject({ frames: 72 });

    // The same file again: the import reports it is already there, and no second analysis is queued.
    const rerun = await call<{ jobId: string }>('videos.import', { project: dir, paths: [FACE] });
    const ended = await endedJob(call, dir, rerun.jobId);
    expect(ended.kind === 'import' && ended.result?.outcomes[0]?.error).toMatch(/already/);
    expect((await analyses()).map((job) => [job.jobId, job.state])).toEqual([[analysis?.jobId, 'done']]);

    // Asking the workflow again for an analysed video reuses the analysis.
    const session = ProjectSession.open(dir);
    try {
      expect(queueAnalysisOnce(session.db, session.jobs, videoIdOf(session, FACE))).toBeNull();
    } finally {
      await session.close();
    }
  });

  it('a second session on the project reuses the analysis the first has running, and neither runs it twice', { timeout: 180_000 }, async () => {
    const [one, other] = [ProjectSession.open(dir), ProjectSession.open(dir)];
    try {
      let reused: JobId | null | undefined;
      const stop = other.onJobUpdate((update) => {
        if (update.kind !== ANALYZE_JOB.name || update.state !== 'running' || reused !== undefined) return;
        // The first session asks for the same video's analysis while the other session runs it.
        reused = queueAnalysisOnce(one.db, one.jobs, videoIdOf(one, SECOND));
      });
      other.jobs.enqueue(IMPORT_JOB, { paths: [SECOND], analyze: true });
      await other.jobs.idle();
      stop();
      await one.jobs.idle();
      const analyses = analysesPerVideo(other).get(videoIdOf(other, SECOND)) ?? [];
      expect(analyses).toEqual([{ id: expect.any(String), state: 'done' }]);
      expect(reused).toBe(analyses[0]?.id);
    } finally {
      await Promise.all([one.close(), other.close()]);
    }
  });

  it('the CLI import queues and runs one analysis per new video, says so, and a rerun or --no-analyze queues none', { timeout: 180_000 }, async () => {
    // The CLI is its own session beside the API's, as a terminal next to the open studio.
    const imported = await cli('import', dir, THIRD);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('queued face analysis of 1 new video(s) (skip it with --no-analyze)');
    expect(imported.stderr).toMatch(/analysed video \d+: faces on 0\/60 frames/);
    const again = await cli('import', dir, THIRD);
    expect(again.stdout).toMatch(/already/);
    expect(again.stderr).not.toContain('queued face analysis');
    const skipped = await cli('import', dir, FOURTH, '--no-analyze', '--json');
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ state: 'done', analyses: [] });

    const session = ProjectSession.open(dir);
    try {
      const analyses = analysesPerVideo(session);
      expect(analyses.get(videoIdOf(session, THIRD))).toEqual([{ id: expect.any(String), state: 'done' }]);
      expect(analyses.get(videoIdOf(session, FOURTH))).toBeUndefined();
      // Over the whole project: exactly one analysis per video imported with analysis, all done.
      expect([...analyses.values()].map((jobs) => jobs.map((j) => j.state))).toEqual([['done'], ['done'], ['done']]);
    } finally {
      await session.close();
    }
  });
});
