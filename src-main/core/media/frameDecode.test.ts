import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { decodeFrameAt, decodeFrameBySeek, decodeFrameRange, decodeFrames, encodeFrameRangeAsJpeg, type DecodedFrame } from './frameDecode';
import { frameTimesOf } from '../../../test/support/frameTimes';
import { fitWithin } from './frameSize';
import { decodeImage } from './imageSequence';
import { processesReading } from '../../../test/support/processes';
import { TEST_CLIPS, testVideosDir } from '../../../test/support/testMedia';

const videos = testVideosDir();
const { ffmpeg, ffprobe } = resolveFfmpegPaths();
const size = { width: 64, height: 36 };
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-decode-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function collect(frames: AsyncGenerator<DecodedFrame>): Promise<DecodedFrame[]> {
  const all: DecodedFrame[] = [];
  for await (const frame of frames) all.push(frame);
  return all;
}

async function keyframes(file: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame', '-of', 'json', file]);
  const frames = (JSON.parse(stdout) as { frames: { key_frame: number }[] }).frames;
  return frames.flatMap((f, i) => (f.key_frame === 1 ? [i] : []));
}

/** First, last, the middle, and around a few keyframes (shot cuts in short_hamilton_clip.mp4): where seeks go wrong. */
function framesWorthChecking(count: number, keys: number[]): number[] {
  const later = keys.filter((k) => k > 0);
  const someKeys = [later[0], later[later.length >> 1], later.at(-1)].filter((k): k is number => k !== undefined);
  const picks = [0, 1, count >> 1, count - 2, count - 1, ...someKeys.flatMap((k) => [k - 1, k, k + 1])];
  return [...new Set(picks)].filter((n) => n >= 0 && n < count).sort((a, b) => a - b);
}

function nth<T>(items: readonly T[], i: number): T {
  const item = items.at(i);
  if (item === undefined) throw new Error(`no item ${i} of ${items.length}`);
  return item;
}

describe('decodeFrames and decodeFrameAt', () => {
  it.each(fs.readdirSync(videos))('%s: sequential decode yields the indexed frames; a seek returns exactly frame N', async (name) => {
    const file = path.join(videos, name);
    const [index, decoded, keys] = await Promise.all([frameTimesOf(file), collect(decodeFrames(file, size)), keyframes(file)]);
    expect(decoded.length).toBe(index.length);
    expect(decoded.map((f) => f.frameIndex)).toEqual(index.map((f) => f.frameIndex));
    expect(decoded.every((f) => f.rgb.length === 64 * 36 * 3)).toBe(true);
    const picks = framesWorthChecking(index.length, keys);
    expect(picks.length).toBeGreaterThanOrEqual(5);
    for (const n of picks) {
      const seeked = await decodeFrameBySeek(file, nth(index, n), size);
      expect(seeked, `frame ${n} by seek`).not.toBeNull();
      expect(seeked?.equals(nth(decoded, n).rgb), `frame ${n} by seek equals frame ${n} of the sequential decode`).toBe(true);
    }
    expect((await decodeFrameAt(file, nth(index, -1), size)).equals(nth(decoded, -1).rgb)).toBe(true);

    // Playback chunks: one seek, then consecutive frames, across a keyframe where one exists.
    const start = Math.max(0, Math.min(index.length - 24, (keys.find((k) => k > 12) ?? index.length >> 1) - 12));
    const range = await decodeFrameRange(file, index.slice(start, start + 24), size);
    expect(range.length).toBe(Math.min(24, index.length - start));
    range.forEach((rgb, i) => expect(rgb.equals(nth(decoded, start + i).rgb), `frame ${start + i} of a range`).toBe(true));
    const jpegs = await encodeFrameRangeAsJpeg(file, index.slice(start, start + 24), size);
    expect(jpegs.length).toBe(range.length);
    expect(jpegs.every((jpeg) => jpeg[0] === 0xff && jpeg[1] === 0xd8 && jpeg.at(-2) === 0xff && jpeg.at(-1) === 0xd9)).toBe(true);
    // The JPEGs show the same frames: decoded back, each is close to its raw frame (JPEG loss only).
    for (const i of [0, jpegs.length - 1]) {
      const jpegFile = path.join(tmp, `${name}-${i}.jpg`);
      fs.writeFileSync(jpegFile, nth(jpegs, i));
      const back = await decodeImage(jpegFile, size);
      const raw = nth(range, i);
      let diff = 0;
      for (let b = 0; b < raw.length; b++) diff += Math.abs((raw[b] as number) - (back[b] as number));
      // Mean error per byte: JPEG loss at 64x36 with chroma subsampling stays under 10; another frame is far off.
      expect(diff / raw.length, `JPEG of frame ${start + i}`).toBeLessThan(10);
    }
  });

  it('is exact on other containers and codecs: mkv (1 ms time base), webm vp9, avi mpeg4 (no pts), variable frame rate', async () => {
    const source = ['-f', 'lavfi', '-i', 'testsrc=size=128x72:rate=25', '-t', '2', '-g', '12'];
    const made = [
      { name: 'h264.mkv', codec: ['-c:v', 'libx264'] },
      { name: 'vp9.webm', codec: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime'] },
      { name: 'mpeg4.avi', codec: ['-c:v', 'mpeg4'] },
      // 25 fps for a second, then 10 fps: frame times that index x fps cannot produce.
      { name: 'vfr.mp4', codec: ['-vf', "setpts='if(lt(N,25),N/25,1+(N-25)/10)/TB'", '-vsync', 'vfr', '-c:v', 'libx264', '-bf', '2'] },
    ];
    for (const { name, codec } of made) {
      const file = path.join(tmp, name);
      execFileSync(ffmpeg, ['-v', 'error', '-y', ...source, ...codec, file]);
      const [index, decoded] = await Promise.all([frameTimesOf(file), collect(decodeFrames(file, size))]);
      expect(decoded.length, name).toBe(index.length);
      for (let n = 0; n < index.length; n += 7) {
        expect((await decodeFrameBySeek(file, nth(index, n), size))?.equals(nth(decoded, n).rgb), `${name} frame ${n}`).toBe(true);
      }
      if (name === 'vfr.mp4') expect(nth(index, 30).ptsSec - nth(index, 29).ptsSec).toBeGreaterThan(1.5 / 25);
    }
  });

  it('starts a sequential decode at fromFrame, counting every frame before it', async () => {
    const file = path.join(videos, 'single_face.mp4');
    const all = await collect(decodeFrames(file, size));
    const tail = await collect(decodeFrames(file, { ...size, fromFrame: 40 }));
    expect(tail.map((f) => f.frameIndex)).toEqual(all.slice(40).map((f) => f.frameIndex));
    expect(tail.every((f, i) => f.rgb.equals(nth(all, 40 + i).rgb))).toBe(true);
  });

  it('falls back to counting frames when the timestamp does not single out a decoded frame', async () => {
    const file = path.join(videos, 'single_face.mp4');
    const index = await frameTimesOf(file);
    const all = await collect(decodeFrames(file, size));
    // As if this frame's timestamp had been repaired: the decoder has no frame at that time.
    const repaired = { frameIndex: 50, ptsSec: nth(index, 50).ptsSec + 0.013 };
    expect(await decodeFrameBySeek(file, repaired, size)).toBeNull();
    expect((await decodeFrameAt(file, repaired, size)).equals(nth(all, 50).rgb)).toBe(true);
    await expect(decodeFrameAt(file, { frameIndex: 72, ptsSec: 9 }, size)).rejects.toThrow(`${file} has no frame 72`);
  });

  it('slices frames that straddle pipe chunks at any size', async () => {
    const file = path.join(videos, 'short_hamilton_clip.mp4');
    const odd = { width: 250, height: 141 }; // 105,750 bytes: never a multiple of a 64 KiB chunk
    const [index, decoded] = await Promise.all([frameTimesOf(file), collect(decodeFrames(file, odd))]);
    expect(decoded.length).toBe(index.length);
    expect((await decodeFrameAt(file, nth(index, 200), odd)).equals(nth(decoded, 200).rgb)).toBe(true);
  });

  it('decodes the frames that survive in a truncated video, as many as the index holds', async () => {
    const source = fs.readFileSync(path.join(videos, 'WolfgangLanger_Pexels.mp4'));
    const file = path.join(tmp, 'half.mp4');
    fs.writeFileSync(file, source.subarray(0, source.length >> 1));
    const [index, decoded] = await Promise.all([frameTimesOf(file), collect(decodeFrames(file, size))]);
    expect(decoded.length).toBe(index.length);
    expect(decoded.length).toBeLessThan(TEST_CLIPS['WolfgangLanger_Pexels.mp4'].frames);
  });

  it('stops ffmpeg when the consumer stops early or the decode is cancelled', async () => {
    const file = path.join(tmp, `stop-${process.pid}.mov`);
    fs.symlinkSync(path.join(videos, 'noface_face.mov'), file);
    let seen = 0;
    for await (const frame of decodeFrames(file, size)) {
      expect(frame.frameIndex).toBe(seen++);
      if (seen === 3) break;
    }
    expect(processesReading(file)).toEqual([]);

    const controller = new AbortController();
    const cancelled = (async () => {
      for await (const frame of decodeFrames(file, { ...size, signal: controller.signal })) {
        if (frame.frameIndex === 5) controller.abort();
      }
    })();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(processesReading(file)).toEqual([]);
  });

  it('names the file and the problem for bad input', async () => {
    const missing = path.join(tmp, 'missing.mp4');
    await expect(collect(decodeFrames(missing, size))).rejects.toThrow(`${missing} does not exist`);
    const file = path.join(videos, 'single_face.mp4');
    await expect(collect(decodeFrames(file, { width: 0, height: 36 }))).rejects.toThrow(StudioError);
    await expect(collect(decodeFrames(file, { ...size, fromFrame: -1 }))).rejects.toThrow(/from frame -1/);
    const text = path.join(tmp, 'not-a-video.mp4');
    fs.writeFileSync(text, 'hello');
    await expect(collect(decodeFrames(text, size))).rejects.toThrow(`ffmpeg cannot decode ${text}: moov atom not found`);
  });
});

describe('fitWithin', () => {
  it('keeps the aspect ratio within the box, with even dimensions of at least 2', () => {
    expect(fitWithin(640, 360, 64, 64)).toEqual({ width: 64, height: 36 });
    expect(fitWithin(360, 640, 64, 64)).toEqual({ width: 36, height: 64 });
    expect(fitWithin(960, 540, 100, 100)).toEqual({ width: 100, height: 56 });
    expect(fitWithin(641, 361, 65, 65)).toEqual({ width: 64, height: 36 });
    expect(fitWithin(10_000, 10, 100, 100)).toEqual({ width: 100, height: 2 });
  });
});
