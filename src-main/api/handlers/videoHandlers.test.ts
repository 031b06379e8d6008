/**
 * videos.import and videos.list through the API, on videos made here with the real ffmpeg: the same import asked
 * for twice is one job, and the video record carries the warning of a file that ends early.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { tempDir } from '../../../test/support/labelProject';
import { countDecodedFrames, makeTestVideo, makeTruncatedVideo, TRUNCATED_FPS } from '../../../test/support/testMedia';
import { createProject } from '../../core/store/projectFolder';
import type { VideoSummary } from '../contract';
import { createStudioApi, type StudioApi } from '../studioApi';

let api: StudioApi;
let call: ApiCall;
let project: string;

beforeAll(() => {
  project = path.join(tempDir(), 'p');
  createProject(project);
  api = createStudioApi({ mode: 'browser', configDir: tempDir() });
  call = apiCaller(api);
});
afterAll(() => api.close());

describe('videos over the API', () => {
  it('runs one import for the same paths asked twice, and lists the video that ends early with its warning', async () => {
    const media = tempDir('affect-api-media-');
    const truncated = makeTruncatedVideo(media);
    const whole = makeTestVideo(path.join(media, 'whole.mp4'), 2);
    const paths = [truncated, whole];
    // Only the import here: the analysis it would queue is tested in core/jobs/analyzeAfterImport.test.ts.
    const { jobId } = await call<{ jobId: string }>('videos.import', { project, paths, analyze: false });
    expect(await call('videos.import', { project, paths, analyze: false })).toEqual({ jobId });
    await vi.waitFor(async () => expect((await call<{ state: string }[]>('jobs.list', { project })).map((j) => j.state)).toEqual(['done']), { timeout: 60_000, interval: 200 });

    const videos = await call<VideoSummary[]>('videos.list', { project });
    const endsAt = (countDecodedFrames(truncated) / TRUNCATED_FPS).toFixed(1);
    expect(videos.map((v) => [v.path, v.status, v.warning])).toEqual([
      [truncated, 'ready', `the file ends at ${endsAt} s of 15.3 s: the rest does not decode (truncated or damaged?)`],
      [whole, 'ready', null],
    ]);
  }, 90_000);
});
