/**
 * One JPEG sprite per video for the timeline: `count` evenly spaced frames side by side. A single ffmpeg pass
 * selects the frames by decoded-frame number (so tile i shows exactly frame frameIndexes[i]), scales only those,
 * and tiles them. JPEG is fine here: thumbnails are only looked at, never analysed.
 */
import { writeFileAtomic } from '../paths/atomicWrite';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import type { FrameTime } from './frameIndex';
import { fitWithin } from './frameSize';
import { assertInputFile } from './inputFile';
import { probeMedia } from './probe';
import { firstErrorLine, runTool } from './runTool';

export interface ThumbnailStripOptions {
  frames: readonly FrameTime[];
  count: number;
  tileHeight: number;
  signal?: AbortSignal;
}

export interface ThumbnailStrip {
  file: string;
  tileWidth: number;
  tileHeight: number;
  /** One per tile, left to right; fewer than `count` when the video has fewer frames. */
  frameIndexes: number[];
}

export async function makeThumbnailStrip(file: string, outFile: string, opts: ThumbnailStripOptions): Promise<ThumbnailStrip> {
  assertInputFile(file);
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new StudioError(`Cannot make ${opts.count} thumbnails of ${file}.`);
  if (!Number.isInteger(opts.tileHeight) || opts.tileHeight < 2) throw new StudioError(`Cannot make thumbnails ${opts.tileHeight} pixels high.`);
  if (opts.frames.length === 0) throw new StudioError(`${file} has no frames to make thumbnails from.`);
  const probe = await probeMedia(file);
  const { width: tileWidth, height: tileHeight } = fitWithin(probe.width, probe.height, Number.MAX_SAFE_INTEGER, opts.tileHeight);
  const frameIndexes = evenlySpacedFrames(opts.frames.length, opts.count);
  const select = frameIndexes.map((n) => `eq(n\\,${n})`).join('+');
  const { ffmpeg } = resolveFfmpegPaths();
  const { code, stdout, stderr } = await runTool(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough',
      '-vf', `select=${select},scale=${tileWidth}:${tileHeight},tile=${frameIndexes.length}x1`,
      '-frames:v', '1', '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
    ],
    opts.signal,
  );
  if (code !== 0 || stdout.length === 0) {
    throw new StudioError(`ffmpeg cannot make thumbnails of ${file}: ${firstErrorLine(stderr, file)}`);
  }
  // Through a buffer rather than letting ffmpeg write the file: a killed job must not leave half a JPEG behind.
  writeFileAtomic(outFile, stdout);
  return { file: outFile, tileWidth, tileHeight, frameIndexes };
}

/** The middle frame of each of `count` equal stretches of the video, so every tile stands for its stretch. */
export function evenlySpacedFrames(frameCount: number, count: number): number[] {
  const tiles = Math.min(count, frameCount);
  return Array.from({ length: tiles }, (_, i) => Math.floor(((i + 0.5) * frameCount) / tiles));
}
