/**
 * What a file is, before anything is imported: ffprobe's JSON reduced to what the studio needs, and a clear
 * refusal for anything that is not a video (a text file, an audio file, a single image).
 */
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { assertInputFile } from './inputFile';
import { firstErrorLine, runTool } from './runTool';

export interface MediaProbe {
  codec: string;
  /** Displayed size: a 90° display rotation swaps the coded width and height, as ffmpeg's decode output does. */
  width: number;
  height: number;
  durationSec: number | null;
  /** avg_frame_rate; only a nominal figure, never used to place frames in time. */
  avgFps: number | null;
  /** The container's frame count; may disagree with what actually decodes (no_face.mp4 declares 98, decodes 95). */
  declaredFrameCount: number | null;
  hasAudio: boolean;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  tags?: { rotate?: string };
  side_data_list?: { rotation?: number }[];
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/**
 * Describes a video file. `image: 'accept'` describes a single image instead of refusing it (the first frame
 * of a frame folder), so both go through the same checks.
 */
export async function probeMedia(file: string, options: { image?: 'refuse' | 'accept' } = {}): Promise<MediaProbe> {
  assertInputFile(file);
  const { ffprobe } = resolveFfmpegPaths();
  const { code, stdout, stderr } = await runTool(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
  if (code !== 0) throw new StudioError(`ffprobe cannot read ${file}: ${firstErrorLine(stderr, file)}`);
  const info = JSON.parse(stdout.toString('utf8')) as FfprobeOutput;
  const formatName = info.format?.format_name ?? '';
  const streams = info.streams ?? [];
  // ffprobe guesses "tty" (ANSI art) from a .txt extension and then reports a video stream: it is text.
  if (formatName === 'tty') throw new StudioError(`${file} is a text file, not a video.`);
  if ((formatName === 'image2' || formatName.endsWith('_pipe')) && options.image !== 'accept') {
    throw new StudioError(`${file} is a single image, not a video. To import frames, choose the folder that holds them.`);
  }
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video) {
    const kind = streams.some((s) => s.codec_type === 'audio') ? 'it holds only audio' : 'ffprobe found no video in it';
    throw new StudioError(`${file} has no video stream (${kind}).`);
  }
  if (!video.codec_name || !video.width || !video.height) {
    throw new StudioError(`${file} has a video stream ffprobe cannot describe (no codec or frame size).`);
  }
  const quarterTurn = Math.abs(displayRotation(video)) % 180 === 90;
  return {
    codec: video.codec_name,
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    durationSec: positiveNumber(video.duration) ?? positiveNumber(info.format?.duration),
    avgFps: parseRate(video.avg_frame_rate),
    declaredFrameCount: positiveNumber(video.nb_frames),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

function displayRotation(stream: FfprobeStream): number {
  const fromMatrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  return fromMatrix ?? Number(stream.tags?.rotate ?? 0);
}

/** ffprobe writes "N/A" or omits a field it does not know; "0/0" is its unknown rate. */
function parseRate(rate: string | undefined): number | null {
  const [num, den] = (rate ?? '').split('/').map(Number);
  if (num === undefined || den === undefined || !Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) return null;
  return num / den;
}

function positiveNumber(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

/** The frames a video should hold by its container's figures: a guess (no_face.mp4 declares 98, decodes 95). */
export function estimatedFrameCount(probe: MediaProbe): number {
  return probe.declaredFrameCount ?? Math.round((probe.durationSec ?? 0) * (probe.avgFps ?? 0));
}
