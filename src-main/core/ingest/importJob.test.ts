/**
 * Import end to end on the test clips (test/support/testMedia.ts: made by the bundled ffmpeg in the shapes and
 * quirks of real footage) with the real ffmpeg/ffprobe and a real project file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoId } from '../ids';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';
import { currentLabels } from '../store/labelStore';
import { createProject } from '../store/projectFolder';
import { ProjectSession } from '../studio/projectSession';
import { listFrames, listVideos } from '../store/videoStore';
import { checkImportPaths, IMPORT_JOB, type ImportOutcome } from './importJob';
import { listVideos as listProjectVideos, relinkVideo, viewerFrames } from '../app/videos';
import { relinkMissingFrom } from './relink';
import { countDecodedFrames, TEST_CLIPS, testVideosDir } from '../../../test/support/testMedia';

const VIDEOS = testVideosDir();
const ALL_VIDEOS = fs.readdirSync(VIDEOS).sort().map((name) => path.join(VIDEOS, name));
const { ffmpeg } = resolveFfmpegPaths();
const tempDir = (prefix = 'affect-import-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

function newSession(): ProjectSession {
  const dir = path.join(tempDir(), 'project');
  createProject(dir);
  return ProjectSession.open(dir);
}

async function runImport(session: ProjectSession, paths: string[]): Promise<ImportOutcome[]> {
  const id = session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths(paths) });
  await session.jobs.idle();
  const job = session.jobs.get(id);
  expect(job?.state, job?.error ?? '').toBe('done');
  return (job?.result as { outcomes: ImportOutcome[] }).outcomes;
}

/** A snapshot of everything a failed import must leave untouched. */
function snapshot(session: ProjectSession): string {
  const tables = ['videos', 'frames', 'labels', 'annotators'];
  return JSON.stringify(tables.map((t) => session.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()));
}

describe('importing the test clips', () => {
  let session: ProjectSession;
  let outcomes: ImportOutcome[];

  beforeAll(async () => {
    session = newSession();
    outcomes = await runImport(session, ALL_VIDEOS);
  }, 180_000);
  afterAll(() => session.close());

  it('imports every test clip', () => {
    expect(outcomes.filter((o) => o.error)).toEqual([]);
    expect(listVideos(session.db).map((v) => [path.basename(v.path), v.status])).toEqual(
      ALL_VIDEOS.map((file) => [path.basename(file), 'ready']),
    );
  });

  it.each(ALL_VIDEOS.map((file) => [path.basename(file), file]))(
    '%s: frame count equals ffprobe -count_frames and timestamps never decrease',
    (_name, file) => {
      const video = listVideos(session.db).find((v) => v.path === file);
      expect(video).toBeDefined();
      const frames = listFrames(session.db, video?.id as VideoId);
      expect(frames.length).toBe(countDecodedFrames(file));
      expect(video?.frameCount).toBe(frames.length);
      frames.forEach((frame, i) => {
        expect(frame.frameIndex).toBe(i);
        if (i > 0) expect(frame.ptsSec).toBeGreaterThanOrEqual((frames[i - 1] as { ptsSec: number }).ptsSec);
      });
    },
  );

  it('made a thumbnail strip for every video', () => {
    for (const video of listVideos(session.db)) {
      expect(fs.existsSync(path.join(session.cacheDir, 'thumbnails', `${video.id}.jpg`))).toBe(true);
    }
  });

  it('refuses the same video a second time, whatever its name, and changes nothing', async () => {
    const copy = path.join(tempDir(), 'renamed copy.mp4');
    fs.copyFileSync(path.join(VIDEOS, 'single_face.mp4'), copy);
    const before = snapshot(session);
    const again = await runImport(session, [copy]);
    expect(again[0]?.error).toMatch(/renamed copy\.mp4 is already in this project \(as "single_face\.mp4"\)/);
    expect(snapshot(session)).toBe(before);
  });

  it('serves exactly frame N for stepping, and consecutive frames for playback', async () => {
    const video = listVideos(session.db).find((v) => v.path.endsWith('single_face.mp4'));
    const one = await viewerFrames(session, video?.id as VideoId, 40, 1, 64, 64);
    expect(one).toMatchObject({ width: 64, height: 36, frames: [{ frameIndex: 40 }] });
    expect(one.frames[0]?.jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const chunk = await viewerFrames(session, video?.id as VideoId, 30, 20, 64, 64);
    expect(chunk.frames.map((f) => f.frameIndex)).toEqual(Array.from({ length: 20 }, (_, i) => 30 + i));
    expect(chunk.frames[10]?.jpeg.equals(one.frames[0]?.jpeg as Buffer)).toBe(true);
    const tail = await viewerFrames(session, video?.id as VideoId, 60, 20, 64, 64);
    expect(tail.frames).toHaveLength(12);
    await expect(viewerFrames(session, video?.id as VideoId, 72, 1, 64, 64)).rejects.toThrow(/has no frame 72 \(it has 72\)/);
  });
});

describe('bad input gets a clear message and leaves the project unchanged', () => {
  let session: ProjectSession;
  let baseline: string;
  beforeAll(async () => {
    session = newSession();
    await runImport(session, [path.join(VIDEOS, 'single_face.mp4')]);
    baseline = snapshot(session);
  }, 60_000);
  afterAll(() => session.close());

  const expectRefused = async (target: string, message: RegExp) => {
    const [outcome] = await runImport(session, [target]);
    expect(outcome?.error).toMatch(message);
    expect(snapshot(session)).toBe(baseline);
  };

  it('a file that is not a video', async () => {
    const file = path.join(tempDir(), 'notes.mp4');
    fs.writeFileSync(file, 'these are my notes, not a video');
    await expectRefused(file, /notes\.mp4/);
  });

  it('a file with sound but no video', async () => {
    const file = path.join(tempDir(), 'interview.m4a');
    execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', file]);
    await expectRefused(file, /interview\.m4a.*no video/i);
  });

  it('a folder with no images', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'no frames here');
    await expectRefused(dir, /no image/i);
  });

  it('an AFEW-VA clip whose JSON does not parse', async () => {
    const dir = tempDir();
    makeFrames(dir, 3);
    fs.writeFileSync(path.join(dir, '005.json'), '{ "frames": ');
    await expectRefused(dir, /005\.json is not valid JSON/);
  });

  it('a path that does not exist is refused before anything is queued', () => {
    expect(() => checkImportPaths(['/no/such/video.mp4'])).toThrow('/no/such/video.mp4 does not exist');
  });
});

describe('a truncated video', () => {
  it('is imported as far as it decodes, with the same frames a decoder yields', async () => {
    const session = newSession();
    const file = path.join(tempDir(), 'truncated.mp4');
    const bytes = fs.readFileSync(path.join(VIDEOS, 'WolfgangLanger_Pexels.mp4'));
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const [outcome] = await runImport(session, [file]);
    expect(outcome?.error).toBeUndefined();
    const video = listVideos(session.db).find((v) => v.path === file);
    expect(video?.frameCount).toBe(countDecodedFrames(file));
    expect(video?.frameCount).toBeLessThan(TEST_CLIPS['WolfgangLanger_Pexels.mp4'].frames);
    await session.close();
  });
});

describe('frame folders and AFEW-VA clips', () => {
  it('imports a frame folder in natural order', async () => {
    const session = newSession();
    const dir = tempDir();
    makeFrames(dir, 12, (i) => `frame${i + 1}.png`);
    const [outcome] = await runImport(session, [dir]);
    expect(outcome).toMatchObject({ frames: 12, labels: 0 });
    const frames = listFrames(session.db, outcome?.videoId as VideoId);
    expect(frames.map((f) => f.imageFile)).toEqual(Array.from({ length: 12 }, (_, i) => `frame${i + 1}.png`));
    await session.close();
  });

  it('imports an AFEW-VA clip with its labels as the "AFEW-VA" layer, scaled to [-1, 1]', async () => {
    const session = newSession();
    const dir = tempDir();
    makeFrames(dir, 4);
    const frames = Object.fromEntries([0, 1, 2, 3].map((i) => [String(i).padStart(5, '0'), { valence: i * 2 - 3, arousal: 10 - i }]));
    fs.writeFileSync(path.join(dir, '017.json'), JSON.stringify({ actor: 'A', video_id: '017', frames }));
    const [outcome] = await runImport(session, [dir]);
    expect(outcome).toMatchObject({ frames: 4, labels: 4 });
    const labels = currentLabels(session.db, outcome?.videoId as VideoId);
    expect(labels.map((l) => [l.frameIndex, l.valence, l.arousal, l.origin])).toEqual([
      [0, -0.3, 1, 'import'],
      [1, -0.1, 0.9, 'import'],
      [2, 0.1, 0.8, 'import'],
      [3, 0.3, 0.7, 'import'],
    ]);
    expect((session.db.prepare('SELECT name, kind FROM annotators').all())).toEqual([{ name: 'AFEW-VA', kind: 'import' }]);
    await session.close();
  });
});

describe('relinking a moved video', () => {
  it('finds a moved file by its content and refuses a different one', async () => {
    const session = newSession();
    const original = path.join(tempDir(), 'clip.mp4');
    fs.copyFileSync(path.join(VIDEOS, 'single_face.mp4'), original);
    const [outcome] = await runImport(session, [original]);
    const id = outcome?.videoId as VideoId;

    const newHome = tempDir();
    const moved = path.join(newHome, 'sub', 'renamed.mp4');
    fs.mkdirSync(path.dirname(moved));
    fs.renameSync(original, moved);
    expect((await listProjectVideos(session)).find((v) => v.id === id)?.missing).toBe(true);

    await expect(relinkVideo(session, id, path.join(VIDEOS, 'no_face.mp4'))).rejects.toThrow(/is not clip\.mp4: its content differs/);
    expect(await relinkMissingFrom(session.stores.videos, newHome)).toEqual([id]);
    expect((await listProjectVideos(session)).find((v) => v.id === id)).toMatchObject({ path: moved, missing: false });
    await session.close();
  });
});

function makeFrames(dir: string, count: number, name: (i: number) => string = (i) => `${String(i).padStart(5, '0')}.png`): void {
  const pattern = path.join(dir, 'tmp_%03d.png');
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=64x48:rate=25`, '-frames:v', String(count), pattern]);
  for (let i = 0; i < count; i++) {
    fs.renameSync(path.join(dir, `tmp_${String(i + 1).padStart(3, '0')}.png`), path.join(dir, name(i)));
  }
}
