import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { indexFrames } from './frameIndex';
import { probeMedia } from './probe';
import { makeThumbnailStrip, planThumbnails } from './thumbnails';
import { frameTimesOf } from '../../../test/support/frameTimes';
import { processesReading } from '../../../test/support/processes';
import { TEST_CLIPS, testVideosDir } from '../../../test/support/testMedia';

const videos = testVideosDir();
const { ffprobe } = resolveFfmpegPaths();
const run = promisify(execFile);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-index-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function countFrames(file: string): Promise<number> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** ffprobe's own per-frame timestamps, read independently of the module under test. */
async function decoderTimestamps(file: string): Promise<number[]> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'json', file]);
  return (JSON.parse(stdout) as { frames: { best_effort_timestamp_time: string }[] }).frames.map((f) => Number(f.best_effort_timestamp_time));
}

/** Where the first media data (mdat) payload of an mp4/mov starts: the end of everything ffprobe needs to describe it. */
function mediaDataStart(file: string): number {
  const bytes = fs.readFileSync(file);
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'mdat') return at + 8;
    if (size < 8) break; // 64-bit or to-the-end sizes never come before mdat in the clips made here
    at += size;
  }
  throw new Error(`${file} has no mdat box`);
}

function truncatedCopy(name: string, bytes: number): string {
  const source = fs.readFileSync(path.join(videos, name));
  const file = path.join(tmp, `truncated-${bytes}-${name}`);
  fs.writeFileSync(file, source.subarray(0, bytes));
  return file;
}

describe('indexFrames', () => {
  it.each(fs.readdirSync(videos))('%s: one entry per decoded frame, with the decoder timestamps, non-decreasing', async (name) => {
    const file = path.join(videos, name);
    const progress: number[] = [];
    const [frames, count, timestamps] = await Promise.all([frameTimesOf(file, { onProgress: (n) => progress.push(n) }), countFrames(file), decoderTimestamps(file)]);
    expect(frames.length).toBe(count);
    expect(frames.map((f) => f.frameIndex)).toEqual(frames.map((_, i) => i));
    const times = frames.map((f) => f.ptsSec);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Every test clip has a decoder timestamp for every frame: none needed repair.
    expect(times).toEqual(timestamps);
    expect(progress.at(-1)).toBe(frames.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('places frames by time, not by index x nominal fps: face_noface.mov changes frame rate halfway', async () => {
    const times = (await frameTimesOf(path.join(videos, 'face_noface.mov'))).map((f) => f.ptsSec);
    const spacing = (i: number) => (times[i + 1] ?? NaN) - (times[i] ?? NaN);
    const [first, second] = TEST_CLIPS['face_noface.mov'].segments;
    expect(spacing(10)).toBeCloseTo(1 / first.fps, 5);
    expect(spacing(150)).toBeCloseTo(1 / second.fps, 5);
    expect(times).toHaveLength(first.frames + second.frames);
    // The second part starts sooner than a frame interval after the first part's last frame: kept as it is.
    expect(times[first.frames]).toBeCloseTo(second.startSec, 6);
    expect(spacing(first.frames - 1)).toBeCloseTo(second.startSec - (first.frames - 1) / first.fps, 6);
    expect(times.at(-1)).toBeCloseTo(second.startSec + (second.frames - 1) / second.fps, 6);
  });

  it('keeps the timestamps of a stream that does not start at zero', async () => {
    const frames = await frameTimesOf(path.join(videos, 'short_hamilton_clip.mp4'));
    expect(frames[0]?.ptsSec).toBeCloseTo(TEST_CLIPS['short_hamilton_clip.mp4'].startSec, 6);
  });

  it('indexes the frames that decode from a video cut in half (index at the front)', async () => {
    const file = truncatedCopy('WolfgangLanger_Pexels.mp4', Math.floor(fs.statSync(path.join(videos, 'WolfgangLanger_Pexels.mp4')).size / 2));
    const [frames, count] = await Promise.all([frameTimesOf(file), countFrames(file)]);
    expect(frames.length).toBe(count);
    expect(frames.length).toBeGreaterThan(100);
    expect(frames.length).toBeLessThan(TEST_CLIPS['WolfgangLanger_Pexels.mp4'].frames);
  });

  it('refuses a video cut in half whose index was at the end', async () => {
    const file = truncatedCopy('face_noface.mov', Math.floor(fs.statSync(path.join(videos, 'face_noface.mov')).size / 2));
    await expect(frameTimesOf(file)).rejects.toThrow(`ffprobe cannot read ${file}: moov atom not found`);
  });

  it('refuses a video with a video stream but no decodable frame', async () => {
    // The header (ftyp + moov) of a faststart mp4 and a few bytes of its data: ffprobe describes it, nothing decodes.
    const file = truncatedCopy('WolfgangLanger_Pexels.mp4', mediaDataStart(path.join(videos, 'WolfgangLanger_Pexels.mp4')) + 64);
    await expect(frameTimesOf(file)).rejects.toThrow(`${file} has no decodable video frames; it may be truncated or damaged`);
  });

  it('refuses an audio-only file', async () => {
    const { ffmpeg } = resolveFfmpegPaths();
    const file = path.join(tmp, 'audio-only.mp4');
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine', '-t', '0.5', file]);
    await expect(frameTimesOf(file)).rejects.toThrow(`${file} has no video stream`);
  });

  it('stops ffmpeg and rejects with an AbortError when cancelled', async () => {
    // A uniquely named link makes this test's ffmpeg findable among the processes other tests start.
    const file = path.join(tmp, `cancel-${process.pid}.mov`);
    fs.symlinkSync(path.join(videos, 'noface_face.mov'), file);
    const controller = new AbortController();
    let abortedAt = 0;
    const indexing = frameTimesOf(file, {
      signal: controller.signal,
      onProgress: (n) => {
        if (!controller.signal.aborted) {
          abortedAt = n;
          controller.abort();
        }
      },
    });
    await expect(indexing).rejects.toMatchObject({ name: 'AbortError' });
    expect(abortedAt).toBeGreaterThan(0);
    expect(processesReading(file)).toEqual([]);
  });

  it('makes the planned thumbnail strip in the same decode, or none when a planned frame is not in the video', async () => {
    const file = path.join(videos, 'short_hamilton_clip.mp4');
    const probe = await probeMedia(file);
    const plan = planThumbnails(probe, 275, 6, 24);
    const [indexed, separate] = await Promise.all([
      indexFrames(file, probe, { thumbnails: plan }),
      makeThumbnailStrip(file, path.join(tmp, 'hamilton-separate.jpg'), plan),
    ]);
    expect(indexed.frames).toEqual(await frameTimesOf(file));
    expect(indexed.thumbnailJpeg?.equals(fs.readFileSync(separate.file))).toBe(true);
    // Planned for 400 frames, the last two tiles (frames 300 and 366) lie past the clip's 275: no strip rather than a padded one.
    const tooMany = await indexFrames(file, probe, { thumbnails: planThumbnails(probe, 400, 6, 24) });
    expect(tooMany.frames).toHaveLength(275);
    expect(tooMany.thumbnailJpeg).toBeNull();
  });

  it('rejects at once when already cancelled', async () => {
    await expect(frameTimesOf(path.join(videos, 'single_face.mp4'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

