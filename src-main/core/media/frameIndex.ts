/**
 * The frame index: one entry per decoded frame, in decoded (output) order, with the decoder's presentation
 * timestamp. Labels attach to these entries, so they must match what a decode actually yields; computing
 * frames as time x nominal fps is what makes labels drift in other tools (face_noface.mov switches from 30 to
 * 24 fps halfway through).
 */
import readline from 'node:readline';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { probeMedia } from './probe';
import { firstErrorLine, spawnTool } from './runTool';
import { repairTimestamps } from './timestampRepair';

export interface FrameTime {
  frameIndex: number;
  ptsSec: number;
}

export interface IndexFramesOptions {
  signal?: AbortSignal;
  /** Called every 100 frames and once at the end with the total. */
  onProgress?: (framesSoFar: number) => void;
}

// Used only to extrapolate missing timestamps when the stream itself offers no spacing to go by.
const FALLBACK_FPS = 30;

export async function indexFrames(file: string, opts: IndexFramesOptions = {}): Promise<FrameTime[]> {
  const probe = await probeMedia(file);
  opts.signal?.throwIfAborted();
  const { ffprobe } = resolveFfmpegPaths();
  // One decoding thread: with frame threading ffprobe drops the last frames before a damaged spot of a truncated
  // file (222 of the 224 that ffmpeg decodes, on a clip cut in half), and the index must match the decode.
  const { child, exited } = spawnTool(
    ffprobe,
    [
      '-v', 'error', '-threads', '1', '-select_streams', 'v:0',
      '-show_entries', 'frame=best_effort_timestamp_time,pts_time,pkt_dts_time', '-of', 'compact', file,
    ],
    opts.signal,
  );
  const raw: (number | null)[] = [];
  let reported = 0;
  // Streamed line by line: an hour of video is ~100k lines, and progress should move while it is read.
  try {
    for await (const line of readline.createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (!line.startsWith('frame|')) continue; // side-data sections and blank separators
      raw.push(frameTimestamp(line));
      if (opts.onProgress && raw.length - reported >= 100) {
        reported = raw.length;
        opts.onProgress(reported);
      }
    }
  } catch (error) {
    await exited.catch(() => undefined);
    throw error;
  }
  const { code, stderr } = await exited;
  if (code !== 0) throw new StudioError(`ffprobe cannot read the frames of ${file}: ${firstErrorLine(stderr, file)}`);
  // A truncated file indexes the frames that decode: they are real frames with real timestamps.
  // Only when none decode is there nothing to label.
  if (raw.length === 0) {
    const reason = stderr.trim() ? `: ${firstErrorLine(stderr, file)}` : '';
    throw new StudioError(`${file} has no decodable video frames; it may be truncated or damaged${reason}.`);
  }
  opts.onProgress?.(raw.length);
  const { ptsSec } = repairTimestamps(raw, 1 / (probe.avgFps ?? FALLBACK_FPS));
  return ptsSec.map((t, frameIndex) => ({ frameIndex, ptsSec: t }));
}

/** The decoder's best guess first, then the frame's own pts, then its packet's dts; null when none is known. */
function frameTimestamp(line: string): number | null {
  const fields = new Map(line.split('|').map((kv) => kv.split('=') as [string, string | undefined]));
  for (const key of ['best_effort_timestamp_time', 'pts_time', 'pkt_dts_time']) {
    const value = fields.get(key);
    if (value !== undefined && value !== 'N/A') {
      const t = Number(value);
      if (Number.isFinite(t)) return t;
    }
  }
  return null;
}
