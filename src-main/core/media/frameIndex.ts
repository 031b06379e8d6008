/**
 * The frame index: one entry per decoded frame, in decoded (output) order, with the decoder's presentation
 * timestamp. Labels attach to these entries, so they must match what a decode actually yields; computing
 * frames as time x nominal fps is what makes labels drift in other tools (face_noface.mov switches from 30 to
 * 24 fps halfway through).
 *
 * One ffmpeg decode reads it: the showinfo filter logs every frame the decoder hands on, with its timestamp
 * (ffmpeg sets a frame's pts to the decoder's best-effort timestamp, the figure ffprobe reports per frame), and
 * `-copyts` keeps the file's own times instead of shifting the first frame to 0. The same decode can also make the
 * thumbnail strip (thumbnails.ts), so an import decodes each video once. ffmpeg, not ffprobe: its frame-threaded
 * decode yields every frame before a damaged spot (224 on a clip cut in half, as frameDecode.ts gets), where
 * ffprobe's gave 2 fewer unless held to one thread, which halves its speed.
 */
import readline from 'node:readline';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { assertInputFile } from './inputFile';
import type { MediaProbe } from './probe';
import { firstErrorLine, spawnTool } from './runTool';
import { THUMBNAIL_OUTPUT, thumbnailFilter, type ThumbnailPlan } from './thumbnails';
import { repairTimestamps } from './timestampRepair';

export interface FrameTime {
  frameIndex: number;
  ptsSec: number;
}

export interface IndexFramesOptions {
  signal?: AbortSignal;
  /** Called every 100 frames and once at the end with the total. */
  onProgress?: (framesSoFar: number) => void;
  /** A strip to make in the same decode; its frames are picked before the decode, so some may not exist. */
  thumbnails?: ThumbnailPlan;
}

export interface FrameIndex {
  frames: FrameTime[];
  /** The planned strip as a JPEG; null when none was asked for or a planned frame is not in the video. */
  thumbnailJpeg: Buffer | null;
}

// Used only to extrapolate missing timestamps when the stream itself offers no spacing to go by.
const FALLBACK_FPS = 30;

// ffmpeg's log lines with `-loglevel level+info`: "[Parsed_showinfo_1 @ 0x..] [info] n:  12 pts:   6144 pts_time:..."
const FRAME_LINE = /\[info\] n:\s*\d+ pts:\s*(-?\d+|NOPTS) /;
const TIME_BASE_LINE = /\[info\] config in time_base: (\d+)\/(\d+)/;
const ERROR_TAG = / ?\[(error|fatal|panic)\] /;

export async function indexFrames(file: string, probe: MediaProbe, opts: IndexFramesOptions = {}): Promise<FrameIndex> {
  assertInputFile(file);
  opts.signal?.throwIfAborted();
  const plan = opts.thumbnails && opts.thumbnails.frameIndexes.length > 0 ? opts.thumbnails : null;
  // Cropped to 2x2 before showinfo, which checksums every pixel it is shown; the null output costs nothing.
  const graph = plan
    ? `[0:v:0]split[frames][tiles];[frames]crop=2:2:0:0,showinfo[index];[tiles]${thumbnailFilter(plan)}[strip]`
    : '[0:v:0]crop=2:2:0:0,showinfo[index]';
  const { ffmpeg } = resolveFfmpegPaths();
  const { child, exited } = spawnTool(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-copyts', '-i', file, '-filter_complex', graph,
      '-map', '[index]', '-f', 'null', '-', ...(plan ? ['-map', '[strip]', ...THUMBNAIL_OUTPUT] : []),
    ],
    opts.signal,
  );
  const jpegChunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => jpegChunks.push(chunk));
  const pts: (number | null)[] = [];
  const errors: string[] = [];
  let secondsPerTick: number | null = null;
  let reported = 0;
  // Streamed line by line: an hour of video is ~100k lines, and progress should move while it is read.
  try {
    for await (const line of readline.createInterface({ input: child.stderr, crlfDelay: Infinity })) {
      const frame = FRAME_LINE.exec(line);
      if (frame) {
        pts.push(frame[1] === 'NOPTS' ? null : Number(frame[1]));
        if (opts.onProgress && pts.length - reported >= 100) {
          reported = pts.length;
          opts.onProgress(reported);
        }
        continue;
      }
      const config = TIME_BASE_LINE.exec(line);
      if (config) secondsPerTick = Number(config[1]) / Number(config[2]);
      else if (ERROR_TAG.test(line) && errors.length < 20) errors.push(line.replace(ERROR_TAG, ' ').trim());
    }
  } catch (error) {
    await exited.catch(() => undefined);
    throw error;
  }
  const { code } = await exited;
  const stderr = errors.join('\n');
  // A truncated file indexes the frames that decode: they are real frames with real timestamps.
  // Only when none decode is there nothing to label (and ffmpeg fails, having nothing to write).
  if (pts.length === 0) {
    const reason = stderr ? `: ${firstErrorLine(stderr, file)}` : '';
    throw new StudioError(`${file} has no decodable video frames; it may be truncated or damaged${reason}.`);
  }
  if (code !== 0) throw new StudioError(`ffmpeg cannot read the frames of ${file}: ${firstErrorLine(stderr, file)}`);
  opts.onProgress?.(pts.length);
  // Rounded to the microsecond, as ffprobe reports frame times: far finer than any frame spacing.
  const seconds = pts.map((t) => (t === null || secondsPerTick === null ? null : Number((t * secondsPerTick).toFixed(6))));
  const { ptsSec } = repairTimestamps(seconds, 1 / (probe.avgFps ?? FALLBACK_FPS));
  const jpeg = Buffer.concat(jpegChunks);
  const stripComplete = plan !== null && jpeg.length > 0 && plan.frameIndexes.every((n) => n < pts.length);
  return { frames: ptsSec.map((t, frameIndex) => ({ frameIndex, ptsSec: t })), thumbnailJpeg: stripComplete ? jpeg : null };
}
