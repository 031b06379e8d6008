/**
 * Test videos made here with the bundled ffmpeg, so tests need nothing beside the repository: a plain H.264
 * clip, and one whose decodable frames stop long before its stated duration (the moov atom up front, then the
 * file cut: ffprobe still reports the whole duration, the decoder gives up where the bytes end).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { resolveFfmpegPaths } from '../../src-main/core/media/ffmpegPaths';

export const TRUNCATED_STATED_SEC = 15.3;
export const TRUNCATED_FPS = 25;

export function makeTestVideo(file: string, seconds: number, fps = 30): string {
  const { ffmpeg } = resolveFfmpegPaths();
  execFileSync(ffmpeg, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=${fps}:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-movflags', '+faststart', file,
  ]);
  return file;
}

/** A 15.3 s video of which only the first ~40% of the bytes remain. */
export function makeTruncatedVideo(dir: string, name = 'ends-early.mp4'): string {
  const whole = makeTestVideo(path.join(dir, `whole-${name}`), TRUNCATED_STATED_SEC, TRUNCATED_FPS);
  const bytes = fs.readFileSync(whole);
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.42)));
  fs.rmSync(whole);
  return file;
}

/** Frames that actually decode, as ffprobe counts them. */
export function countDecodedFrames(file: string): number {
  const { ffprobe } = resolveFfmpegPaths();
  const out = execFileSync(ffprobe, ['-v', 'quiet', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file]);
  return Number(out.toString().trim());
}
