/**
 * A video whose frames stop before its stated duration (made here: 15.3 s encoded with the real ffmpeg, then cut)
 * imports the frames that decode, with a warning kept on the video record and in the job's outcome.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession, tempDir } from '../../../test/support/labelProject';
import { countDecodedFrames, makeTestVideo, makeTruncatedVideo, TRUNCATED_FPS } from '../../../test/support/testMedia';
import type { ProjectSession } from '../studio/projectSession';
import { getVideo, listFrames } from '../store/videoStore';
import { checkImportPaths, IMPORT_JOB, type ImportOutcome } from './importJob';
import { listVideos } from '../app/videos';

let session: ProjectSession;
let truncated: string;
let whole: string;
let outcomes: ImportOutcome[];

beforeAll(async () => {
  const dir = tempDir('affect-ends-early-');
  truncated = makeTruncatedVideo(dir);
  whole = makeTestVideo(path.join(dir, 'whole.mp4'), 3);
  session = newSession();
  const id = session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths([truncated, whole]) });
  await session.jobs.idle();
  outcomes = (session.jobs.get(id)?.result as { outcomes: ImportOutcome[] }).outcomes;
}, 120_000);
afterAll(() => session.close());

describe('a video that ends before its stated duration', () => {
  it('imports the frames that decode, and says where the file ends', async () => {
    const decoded = countDecodedFrames(truncated);
    // The cut left a real shortfall: well under the 383 frames of 15.3 s at 25 fps, but some frames.
    expect(decoded).toBeGreaterThan(25);
    expect(decoded).toBeLessThan(300);
    const warning = `the file ends at ${(decoded / TRUNCATED_FPS).toFixed(1)} s of 15.3 s: the rest does not decode (truncated or damaged?)`;
    const [outcome] = outcomes;
    expect(outcome).toMatchObject({ path: truncated, frames: decoded, warning });
    const video = getVideo(session.db, outcome?.videoId as NonNullable<ImportOutcome['videoId']>);
    expect(video).toMatchObject({ status: 'ready', frameCount: decoded, warning });
    expect(listFrames(session.db, video?.id as NonNullable<ImportOutcome['videoId']>)).toHaveLength(decoded);
    expect((await listVideos(session)).find((v) => v.path === truncated)?.warning).toBe(warning);
  });

  it('warns about nothing on a whole file', async () => {
    expect(outcomes[1]).toMatchObject({ path: whole, frames: 90, warning: null });
    expect((await listVideos(session)).find((v) => v.path === whole)?.warning).toBeNull();
  });
});
