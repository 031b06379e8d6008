import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { decodeFrameAt } from './frameDecode';
import { frameTimesOf } from '../../../test/support/frameTimes';
import { evenlySpacedFrames, makeThumbnailStrip, planThumbnails, tilesCoverStretches } from './thumbnails';
import { testVideosDir } from '../../../test/support/testMedia';

const videos = testVideosDir();
const { ffmpeg, ffprobe } = resolveFfmpegPaths();
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-thumbs-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function jpegSize(file: string): { width: number; height: number } {
  const out = execFileSync(ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'json', file]);
  const [stream] = (JSON.parse(out.toString()) as { streams: { width: number; height: number }[] }).streams;
  if (!stream) throw new Error(`${file} has no picture`);
  return stream;
}

/** One tile of the sprite as raw RGB. */
function tile(sprite: string, i: number, width: number, height: number): Buffer {
  return execFileSync(ffmpeg, ['-v', 'error', '-i', sprite, '-vf', `crop=${width}:${height}:${i * width}:0`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (const [i, value] of a.entries()) sum += Math.abs(value - (b[i] ?? 0));
  return sum / a.length;
}

describe('makeThumbnailStrip', () => {
  it('writes one sprite of evenly spaced frames, each tile showing its own frame', async () => {
    const file = path.join(videos, 'short_hamilton_clip.mp4');
    const frames = await frameTimesOf(file);
    const outFile = path.join(tmp, 'strips', 'hamilton.jpg');
    const strip = await makeThumbnailStrip(file, outFile, planThumbnails({ width: 640, height: 360 }, frames.length, 8, 36));
    expect(strip).toEqual({ file: outFile, tileWidth: 64, tileHeight: 36, frameIndexes: [17, 51, 85, 120, 154, 189, 223, 257] });
    expect(jpegSize(outFile)).toEqual({ width: 64 * 8, height: 36 });
    expect(fs.readdirSync(path.dirname(outFile))).toEqual(['hamilton.jpg']); // no temp file left behind

    // The clip has shot cuts, so frames far apart differ: each tile must be closest to the frame it claims.
    const exact = await Promise.all(
      strip.frameIndexes.map((n) => decodeFrameAt(file, { frameIndex: n, ptsSec: frames[n]?.ptsSec ?? NaN }, { width: 64, height: 36 })),
    );
    strip.frameIndexes.forEach((_, i) => {
      const shown = tile(outFile, i, 64, 36);
      const diffs = exact.map((frame) => meanAbsDiff(shown, frame));
      expect(diffs.indexOf(Math.min(...diffs)), `tile ${i}`).toBe(i);
      expect(diffs[i]).toBeLessThan(6); // JPEG loss only
    });
  });

  it('makes one tile per frame when asked for more tiles than the video has frames', async () => {
    const file = path.join(videos, 'single_face.mp4');
    const frames = await frameTimesOf(file);
    expect(frames).toHaveLength(72);
    const strip = await makeThumbnailStrip(file, path.join(tmp, 'all.jpg'), planThumbnails({ width: 640, height: 360 }, frames.length, 100, 20));
    expect(strip.frameIndexes).toEqual(frames.map((f) => f.frameIndex));
    expect(jpegSize(strip.file)).toEqual({ width: strip.tileWidth * 72, height: 20 });
    expect(strip.tileWidth).toBe(34); // 20 * 16/9 = 35.6, rounded down to even
  });

  it('replaces an existing strip whole, and refuses what cannot make one', async () => {
    const file = path.join(videos, 'no_face.mp4');
    const frames = await frameTimesOf(file);
    const outFile = path.join(tmp, 'replace.jpg');
    fs.writeFileSync(outFile, 'old strip');
    const size = { width: 960, height: 540 };
    await makeThumbnailStrip(file, outFile, planThumbnails(size, frames.length, 3, 18));
    expect(jpegSize(outFile)).toEqual({ width: 32 * 3, height: 18 });
    await expect(makeThumbnailStrip(file, outFile, planThumbnails(size, 0, 3, 18))).rejects.toThrow(`${file} has no frames`);
    expect(() => planThumbnails(size, frames.length, 0, 18)).toThrow('Cannot make 0 thumbnails');
    expect(() => planThumbnails(size, frames.length, 3, 1)).toThrow('Cannot make thumbnails 1 pixels high');
  });
});

describe('evenlySpacedFrames', () => {
  it('takes the middle frame of each equal stretch', () => {
    expect(evenlySpacedFrames(100, 4)).toEqual([12, 37, 62, 87]);
    expect(evenlySpacedFrames(10, 1)).toEqual([5]);
    expect(evenlySpacedFrames(3, 5)).toEqual([0, 1, 2]);
  });
});

describe('tilesCoverStretches', () => {
  it('accepts what evenlySpacedFrames picks, for any frame count', () => {
    for (let frameCount = 1; frameCount < 500; frameCount++) {
      for (const count of [1, 5, 16]) expect(tilesCoverStretches(evenlySpacedFrames(frameCount, count), frameCount, count), `${frameCount} frames, ${count} tiles`).toBe(true);
    }
  });

  it('accepts frames picked from a count a little off, refuses a tile outside its stretch or one missing', () => {
    // no_face.mp4 declares 98 frames and decodes 95: the frames picked for 98 still stand one for each stretch.
    expect(tilesCoverStretches(evenlySpacedFrames(98, 16), 95, 16)).toBe(true);
    expect(tilesCoverStretches(evenlySpacedFrames(383, 16), 150, 16)).toBe(false); // a file that ends early
    expect(tilesCoverStretches(evenlySpacedFrames(50, 16), 150, 16)).toBe(false); // a count far too low
    expect(tilesCoverStretches(evenlySpacedFrames(100, 4).slice(1), 100, 4)).toBe(false);
    expect(tilesCoverStretches([12, 37, 49, 87], 100, 4)).toBe(false); // tile 2 shows a frame of stretch 1
  });
});
