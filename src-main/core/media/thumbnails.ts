/**
 * One JPEG sprite per video for the timeline: a few frames side by side, tile i showing exactly frame
 * frameIndexes[i]. The frames are picked by decoded-frame number (ffmpeg's `select` on `n`), scaled and tiled by
 * one filter chain, which an import runs inside its indexing decode (frameIndex.ts) so a video is decoded once;
 * makeThumbnailStrip runs it as a decode of its own. JPEG is fine here: thumbnails are only looked at.
 */
import { writeFileAtomic } from '../paths/atomicWrite';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { fitWithin, type FrameSize } from './frameSize';
import { assertInputFile } from './inputFile';
import { firstErrorLine, runTool } from './runTool';

/** Which frames a strip shows and at what tile size. */
export interface ThumbnailPlan {
  frameIndexes: readonly number[];
  tileWidth: number;
  tileHeight: number;
}

export interface ThumbnailStrip {
  file: string;
  tileWidth: number;
  tileHeight: number;
  /** One per tile, left to right; fewer than asked for when the video has fewer frames. */
  frameIndexes: number[];
}

/**
 * `count` evenly spaced frames of a video of `frameCount` frames (none when it has none), as tiles `tileHeight`
 * pixels high with the video's displayed aspect ratio.
 */
export function planThumbnails(videoSize: FrameSize, frameCount: number, count: number, tileHeight: number): ThumbnailPlan {
  if (!Number.isInteger(count) || count < 1) throw new StudioError(`Cannot make ${count} thumbnails.`);
  if (!Number.isInteger(tileHeight) || tileHeight < 2) throw new StudioError(`Cannot make thumbnails ${tileHeight} pixels high.`);
  const tile = fitWithin(videoSize.width, videoSize.height, Number.MAX_SAFE_INTEGER, tileHeight);
  return { frameIndexes: evenlySpacedFrames(frameCount, count), tileWidth: tile.width, tileHeight: tile.height };
}

/**
 * The filter chain that turns a video's decoded frames into the plan's strip (one picture). The scaler is named:
 * ffmpeg gives `-vf` chains bicubic and `-filter_complex` graphs bilinear, and a strip should not depend on which.
 */
export function thumbnailFilter(plan: ThumbnailPlan): string {
  const select = plan.frameIndexes.map((n) => `eq(n\\,${n})`).join('+');
  return `select=${select},scale=${plan.tileWidth}:${plan.tileHeight}:flags=bicubic,tile=${plan.frameIndexes.length}x1`;
}

/** Output options for the strip: one JPEG on stdout, every selected frame kept (no frame-rate conversion). */
export const THUMBNAIL_OUTPUT = ['-vsync', 'passthrough', '-q:v', '4', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'];

/** Makes a strip in a decode pass of its own, for when the frames to show are known only after indexing. */
export async function makeThumbnailStrip(file: string, outFile: string, plan: ThumbnailPlan, signal?: AbortSignal): Promise<ThumbnailStrip> {
  assertInputFile(file);
  if (plan.frameIndexes.length === 0) throw new StudioError(`${file} has no frames to make thumbnails from.`);
  const { ffmpeg } = resolveFfmpegPaths();
  const { code, stdout, stderr } = await runTool(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', file, '-map', '0:v:0', '-vf', thumbnailFilter(plan), '-frames:v', '1', ...THUMBNAIL_OUTPUT],
    signal,
  );
  if (code !== 0 || stdout.length === 0) {
    throw new StudioError(`ffmpeg cannot make thumbnails of ${file}: ${firstErrorLine(stderr, file)}`);
  }
  // Through a buffer rather than letting ffmpeg write the file: a killed job must not leave half a JPEG behind.
  writeFileAtomic(outFile, stdout);
  return { file: outFile, tileWidth: plan.tileWidth, tileHeight: plan.tileHeight, frameIndexes: [...plan.frameIndexes] };
}

/** The middle frame of each of `count` equal stretches of the video, so every tile stands for its stretch. */
export function evenlySpacedFrames(frameCount: number, count: number): number[] {
  const tiles = Math.min(count, frameCount);
  return Array.from({ length: tiles }, (_, i) => Math.floor(((i + 0.5) * frameCount) / tiles));
}

/**
 * Whether frames picked before the frame count was known (from the container's figures) still do what
 * evenlySpacedFrames' do for the `frameCount` frames actually decoded: one tile per stretch, the middle of each
 * tile's frame inside its own stretch.
 */
export function tilesCoverStretches(frameIndexes: readonly number[], frameCount: number, count: number): boolean {
  const tiles = Math.min(count, frameCount);
  // Stretch i is [i, i + 1) x frameCount / tiles; frame n's middle is n + 1/2. Integers only, no rounding.
  return frameIndexes.length === tiles && frameIndexes.every((n, i) => 2 * i * frameCount <= (2 * n + 1) * tiles && (2 * n + 1) * tiles < 2 * (i + 1) * frameCount);
}
