/**
 * Frames as raw RGB24 over a pipe, scaled by ffmpeg. No temporary image files: JPEG round trips are slower and
 * lossy, and a pipe is sliced into exact W*H*3 frames. Every decode passes frames through unchanged in number
 * (`-vsync passthrough`; the bundled 2018 ffmpeg predates `-fps_mode`), so the n-th buffer is the n-th entry
 * of the frame index.
 */
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import type { FrameTime } from './frameIndex';
import { rgbFrameBytes, type FrameSize } from './frameSize';
import { assertInputFile } from './inputFile';
import { firstErrorLine, spawnTool } from './runTool';

export interface DecodeFramesOptions extends FrameSize {
  /** First frame to yield. Frames before it are still decoded (counted, never scaled or piped): the count is exact. */
  fromFrame?: number;
  signal?: AbortSignal;
}

export interface DecodedFrame {
  frameIndex: number;
  rgb: Buffer;
}

/** Seek this far before the target so that the keyframe we land on is not the one the target leads into. */
const SEEK_PREROLL_SEC = 1;
/** Half-width of the time window that must hold the target alone; far below any real frame spacing. */
const PTS_TOLERANCE_SEC = 0.0005;
/** How far past the target the decode may run before it is cut off; several ticks of any common time base. */
const STOP_AFTER_SEC = 0.1;

export async function* decodeFrames(file: string, opts: DecodeFramesOptions): AsyncGenerator<DecodedFrame> {
  const from = opts.fromFrame ?? 0;
  if (!Number.isInteger(from) || from < 0) throw new StudioError(`Cannot decode ${file} from frame ${from}: not a frame number.`);
  const filters = from > 0 ? [`select=gte(n\\,${from})`] : [];
  let frameIndex = from;
  for await (const rgb of rawFrames(file, [], filters, opts, opts.signal)) yield { frameIndex: frameIndex++, rgb };
}

/**
 * Exactly frame `frame.frameIndex`, identified by its timestamp near a seek point; falls back to counting frames
 * from the start only when the timestamp does not single out one decoded frame (repaired or duplicate timestamps).
 */
export async function decodeFrameAt(file: string, frame: FrameTime, opts: FrameSize & { signal?: AbortSignal }): Promise<Buffer> {
  const bySeek = await decodeFrameBySeek(file, frame, opts);
  if (bySeek) return bySeek;
  for await (const { rgb } of decodeFrames(file, { ...opts, fromFrame: frame.frameIndex })) return rgb;
  throw new StudioError(`${file} has no frame ${frame.frameIndex}: fewer frames decode than when it was imported. Was the file replaced?`);
}

/**
 * The fast path of decodeFrameAt: seek (by absolute timestamp, keeping the file's own timestamps with -copyts)
 * to a keyframe before the target, and let `select` pass only frames within a hair of the target's pts; `trim`
 * ends the decode just after it. The window is compared in seconds by `select`, not by `trim`, which rounds its
 * bounds to the stream's time base (an AVI's 1/25 s would swallow a 1 ms window). Null unless exactly one frame
 * is in the window.
 */
export async function decodeFrameBySeek(file: string, frame: FrameTime, opts: FrameSize & { signal?: AbortSignal }): Promise<Buffer | null> {
  const seekTo = frame.ptsSec - SEEK_PREROLL_SEC;
  // Near the start there is nothing to skip, and a seek before the first timestamp is not worth the risk.
  const seekArgs = seekTo > 0 ? ['-seek_timestamp', '1', '-ss', seekTo.toFixed(6), '-noaccurate_seek'] : [];
  const from = (frame.ptsSec - PTS_TOLERANCE_SEC).toFixed(6);
  const to = (frame.ptsSec + PTS_TOLERANCE_SEC).toFixed(6);
  const stop = (frame.ptsSec + STOP_AFTER_SEC).toFixed(6);
  const filters = [`trim=end=${stop}`, `select=between(t\\,${from}\\,${to})`];
  const found: Buffer[] = [];
  for await (const rgb of rawFrames(file, [...seekArgs, '-copyts'], filters, opts, opts.signal)) {
    found.push(rgb);
  }
  return found.length === 1 ? (found[0] as Buffer) : null;
}

/**
 * Consecutive frames (for playback): one seek, then every frame whose timestamp lies between the first and last
 * requested ones. Accepted only if exactly the requested number of frames came out; otherwise counted from the
 * start like decodeFrameAt's fallback, so playback is as exact as stepping.
 */
export function decodeFrameRange(file: string, frames: readonly FrameTime[], opts: FrameSize & { signal?: AbortSignal }): Promise<Buffer[]> {
  return frameRange(file, frames, opts, 'rgb');
}

/**
 * The same frames as decodeFrameRange, JPEG-encoded by ffmpeg for display: a viewer streaming playback over
 * the API needs ~40 KB a frame, not ~700 KB of raw pixels. Analysis never uses these.
 */
export function encodeFrameRangeAsJpeg(file: string, frames: readonly FrameTime[], opts: FrameSize & { signal?: AbortSignal }): Promise<Buffer[]> {
  return frameRange(file, frames, opts, 'jpeg');
}

async function frameRange(
  file: string,
  frames: readonly FrameTime[],
  opts: FrameSize & { signal?: AbortSignal },
  format: keyof typeof OUTPUT_ARGS,
): Promise<Buffer[]> {
  const first = frames[0];
  const last = frames.at(-1);
  if (!first || !last) return [];
  const seekTo = first.ptsSec - SEEK_PREROLL_SEC;
  const seekArgs = seekTo > 0 ? ['-seek_timestamp', '1', '-ss', seekTo.toFixed(6), '-noaccurate_seek'] : [];
  const from = (first.ptsSec - PTS_TOLERANCE_SEC).toFixed(6);
  const to = (last.ptsSec + PTS_TOLERANCE_SEC).toFixed(6);
  const filters = [`trim=end=${(last.ptsSec + STOP_AFTER_SEC).toFixed(6)}`, `select=between(t\\,${from}\\,${to})`];
  const found: Buffer[] = [];
  for await (const frame of frameStream(file, [...seekArgs, '-copyts'], filters, opts, format, opts.signal)) found.push(frame);
  if (found.length === frames.length) return found;
  const counted: Buffer[] = [];
  for await (const frame of frameStream(file, [], [`select=gte(n\\,${first.frameIndex})`], opts, format, opts.signal)) {
    counted.push(frame);
    if (counted.length === frames.length) break;
  }
  return counted;
}

function rawFrames(
  file: string,
  inputArgs: readonly string[],
  filters: readonly string[],
  size: FrameSize,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  return frameStream(file, inputArgs, filters, size, 'rgb', signal);
}

const OUTPUT_ARGS = {
  rgb: ['-f', 'rawvideo', '-pix_fmt', 'rgb24'],
  // q 3: visually lossless at viewer sizes; baseline JPEGs, so an image ends at the first FFD9 marker.
  // The encoder keeps the source time base: in 1/frame-rate ticks, two frames closer than a frame interval
  // (where parts of different rates were joined) share a tick, and mjpeg refuses the second one.
  jpeg: ['-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '3', '-enc_time_base', '-1'],
} as const;

async function* frameStream(
  file: string,
  inputArgs: readonly string[],
  filters: readonly string[],
  size: FrameSize,
  format: keyof typeof OUTPUT_ARGS,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  assertInputFile(file);
  const { ffmpeg } = resolveFfmpegPaths();
  const { child, exited } = spawnTool(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-v', 'error', ...inputArgs, '-i', file,
      '-map', '0:v:0', '-vsync', 'passthrough', '-vf', [...filters, `scale=${size.width}:${size.height}`].join(','),
      ...OUTPUT_ARGS[format], 'pipe:1',
    ],
    signal,
  );
  const splitter = format === 'rgb' ? fixedSizeFrames(rgbFrameBytes(size.width, size.height)) : jpegImages();
  let finished = false;
  try {
    // Iterating pauses the pipe while the consumer works, so ffmpeg never runs ahead of it by more than a pipe.
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield* splitter.push(chunk);
    const { code, stderr } = await exited;
    finished = true;
    if (code !== 0) throw new StudioError(`ffmpeg cannot decode ${file}: ${firstErrorLine(stderr, file)}`);
    if (!splitter.empty()) throw new StudioError(`ffmpeg stopped in the middle of a frame of ${file}.`);
  } finally {
    // The consumer stopped early (or failed): nobody will read the rest, so stop decoding it.
    if (!finished) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
    }
  }
}

interface FrameSplitter {
  push(chunk: Buffer): Buffer[];
  empty(): boolean;
}

/** Pipe chunks (64 KiB) do not line up with frames: copy across chunk boundaries into whole-frame buffers. */
function fixedSizeFrames(frameBytes: number): FrameSplitter {
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  return {
    push(chunk) {
      const done: Buffer[] = [];
      let offset = 0;
      while (offset < chunk.length) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        chunk.copy(frame, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          done.push(frame);
          frame = Buffer.allocUnsafe(frameBytes);
          filled = 0;
        }
      }
      return done;
    },
    empty: () => filled === 0,
  };
}

/** Concatenated JPEGs: each ends at its EOI marker (FF D9), which byte stuffing keeps out of the image data. */
function jpegImages(): FrameSplitter {
  let pending = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = Buffer.concat([pending, chunk]);
      const done: Buffer[] = [];
      let end = pending.indexOf(EOI);
      while (end >= 0) {
        done.push(pending.subarray(0, end + 2));
        pending = pending.subarray(end + 2);
        end = pending.indexOf(EOI);
      }
      return done;
    },
    empty: () => pending.length === 0,
  };
}

const EOI = Buffer.from([0xff, 0xd9]);
