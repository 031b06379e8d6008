/**
 * What an import costs in tool runs, and that the one-decode index is the index the two-decode import made: the
 * real ffprobe and ffmpeg run behind logging wrappers (FFPROBE_PATH / FFMPEG_PATH, as a lab's own build would
 * be set), on the test clips (VFR, HEVC, a late start) and two files that end early.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobId, VideoId } from '../ids';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';
import { probeMedia } from '../media/probe';
import { evenlySpacedFrames, makeThumbnailStrip, planThumbnails } from '../media/thumbnails';
import { repairTimestamps } from '../media/timestampRepair';
import type { ProjectSession } from '../studio/projectSession';
import { listFrames, listVideos } from '../store/videoStore';
import { newSession, tempDir } from '../../../test/support/labelProject';
import { makeTruncatedVideo, testVideosDir } from '../../../test/support/testMedia';
import { checkImportPaths, IMPORT_JOB, importJobHandler, type ImportOutcome } from './importJob';
import { readThumbnailStrip } from './thumbnailCache';

const real = resolveFfmpegPaths();
const VIDEOS = testVideosDir();
const dir = tempDir('affect-import-passes-');
const log = { ffprobe: path.join(dir, 'ffprobe.log'), ffmpeg: path.join(dir, 'ffmpeg.log') };
let session: ProjectSession;
let files: string[];
let outcomes: ImportOutcome[];

/** A stand-in for a tool that writes one line per run (its arguments) and then is the real tool. */
function loggingWrapper(tool: 'ffprobe' | 'ffmpeg'): string {
  const file = path.join(dir, `logged-${tool}`);
  fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log[tool]}'\nexec '${real[tool]}' "$@"\n`, { mode: 0o755 });
  return file;
}

/** Runs of `tool` whose arguments name `file`: all of them, or only those that read its video or only its sound. */
function runsOn(tool: 'ffprobe' | 'ffmpeg', file: string, reading: 'any' | 'video' | 'sound' = tool === 'ffmpeg' ? 'video' : 'any'): number {
  return fs
    .readFileSync(log[tool], 'utf8')
    .split('\n')
    .filter((line) => line.split(' ').includes(file))
    .filter((line) => reading === 'any' || line.includes('-map 0:a:0') === (reading === 'sound')).length;
}

/** The index as the two-decode import made it: ffprobe's per-frame timestamps on one thread, repaired alike. */
function twoPassIndex(file: string, avgFps: number | null): number[] {
  const out = execFileSync(real.ffprobe, [
    '-v', 'error', '-threads', '1', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time,pts_time,pkt_dts_time', '-of', 'compact', file,
  ], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  const raw = out.split('\n').filter((line) => line.startsWith('frame|')).map((line) => {
    const fields = new Map(line.split('|').map((kv) => kv.split('=') as [string, string]));
    const known = ['best_effort_timestamp_time', 'pts_time', 'pkt_dts_time'].map((key) => fields.get(key)).find((v) => v !== undefined && v !== 'N/A');
    return known === undefined ? null : Number(known);
  });
  return repairTimestamps(raw, 1 / (avgFps ?? 30)).ptsSec;
}

beforeAll(async () => {
  const wolfgang = fs.readFileSync(path.join(VIDEOS, 'WolfgangLanger_Pexels.mp4'));
  const cutInHalf = path.join(dir, 'half-WolfgangLanger_Pexels.mp4');
  fs.writeFileSync(cutInHalf, wolfgang.subarray(0, wolfgang.length >> 1));
  files = [...fs.readdirSync(VIDEOS).sort().map((name) => path.join(VIDEOS, name)), cutInHalf, makeTruncatedVideo(dir)];
  process.env.FFPROBE_PATH = loggingWrapper('ffprobe');
  process.env.FFMPEG_PATH = loggingWrapper('ffmpeg');
  session = newSession();
  const id = session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths(files) });
  await session.jobs.idle();
  outcomes = (session.jobs.get(id)?.result as { outcomes: ImportOutcome[] }).outcomes;
  delete process.env.FFPROBE_PATH;
  delete process.env.FFMPEG_PATH;
}, 180_000);

afterAll(async () => {
  delete process.env.FFPROBE_PATH;
  delete process.env.FFMPEG_PATH;
  await session?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('an import of video files', () => {
  it('imports every file', () => {
    expect(outcomes.map((o) => [path.basename(o.path), o.error])).toEqual(files.map((file) => [path.basename(file), undefined]));
  });

  it('runs ffprobe once per file, decodes a whole file once, and its sound (only) once when it has any', async () => {
    for (const file of files) expect(runsOn('ffprobe', file), path.basename(file)).toBe(1);
    for (const file of files.slice(0, -2)) expect(runsOn('ffmpeg', file), path.basename(file)).toBe(1);
    // A file that ends early has fewer frames than its container says: its strip is remade from the real count.
    for (const file of files.slice(-2)) expect(runsOn('ffmpeg', file), path.basename(file)).toBe(2);
    for (const file of files) expect(runsOn('ffmpeg', file, 'sound'), path.basename(file)).toBe((await probeMedia(file)).hasAudio ? 1 : 0);
  });

  it('indexes the frames and timestamps the two-decode import did, on every file', () => {
    for (const file of files) {
      const video = listVideos(session.db).find((v) => v.path === file);
      const frames = listFrames(session.db, video?.id as VideoId);
      expect(frames.map((f) => f.frameIndex)).toEqual(frames.map((_, i) => i));
      expect(frames.map((f) => f.ptsSec), path.basename(file)).toEqual(twoPassIndex(file, video?.avgFps ?? null));
    }
  });

  it('makes the strip the separate thumbnail decode made: the same frames, the same picture', async () => {
    for (const file of files) {
      const video = listVideos(session.db).find((v) => v.path === file);
      const strip = readThumbnailStrip(session.cacheDir, video?.id as VideoId);
      const plan = planThumbnails(await probeMedia(file), video?.frameCount ?? 0, 16, 72);
      expect(strip?.frameIndexes, path.basename(file)).toEqual(evenlySpacedFrames(video?.frameCount ?? 0, 16));
      const separate = await makeThumbnailStrip(file, path.join(dir, `separate-${path.basename(file)}.jpg`), plan);
      expect(strip?.tileWidth).toBe(separate.tileWidth);
      expect(strip?.jpeg.equals(fs.readFileSync(separate.file)), path.basename(file)).toBe(true);
    }
  });
});

describe('an import resumed after a kill', () => {
  it('probes only the files still to do', async () => {
    const [done, todo] = ['single_face.mp4', 'no_face.mp4'].map((name) => {
      const file = path.join(dir, `resumed-${name}`);
      fs.copyFileSync(path.join(VIDEOS, name), file);
      return file;
    }) as [string, string];
    const resumed = newSession();
    const progress: [number, number][] = [];
    process.env.FFPROBE_PATH = loggingWrapper('ffprobe');
    try {
      const handle = importJobHandler(resumed);
      const result = await handle({ paths: [done, todo], analyze: false }, {
        jobId: 'resumed-import' as JobId,
        signal: new AbortController().signal,
        checkpoint: { next: 1, outcomes: [{ path: done, frames: 72, labels: 0, warning: null }] },
        progress: (doneFrames, total) => progress.push([doneFrames, total]),
        saveCheckpoint: () => undefined,
      });
      expect(result.outcomes.map((o) => [o.path, o.frames])).toEqual([[done, 72], [todo, 94]]);
    } finally {
      delete process.env.FFPROBE_PATH;
      await resumed.close();
    }
    expect(runsOn('ffprobe', done)).toBe(0);
    expect(runsOn('ffprobe', todo)).toBe(1);
    // The bar counts the frames imported before the kill, then the container's 94 of the file still to do.
    expect(progress.at(-1)).toEqual([72 + 94, 72 + 94]);
  });
});
