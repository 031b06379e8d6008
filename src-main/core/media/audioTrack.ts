/**
 * A video's sound as one file every player of the studio can play (Opus in WebM: Chromium and Electron decode
 * it whatever the source codec was), and where its first sample sits on the video's own timeline.
 *
 * The decode keeps the file's timestamps (`-copyts`, as the frame index does) and `ashowinfo` logs the time of
 * every decoded block, so the first sample's time is read from the same clock as the frames' pts, edit lists and
 * encoder priming included. `aresample=async=1` fills gaps in the source with silence so later samples keep
 * their times; `asetpts=PTS-STARTPTS` then makes the written file start at 0, which is that first sample.
 */
import readline from 'node:readline';
import { StudioError } from '../errors';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { assertInputFile } from './inputFile';
import { firstErrorLine, spawnTool } from './runTool';

export interface ExtractedAudio {
  /** Time of the written file's first sample on the source's timeline (the frame index's clock), seconds. */
  startSec: number;
  durationSec: number;
}

// "[Parsed_ashowinfo_1 @ 0x...] [info] n:0 pts:13248 pts_time:0.276 pos:48 fmt:flt ... rate:48000 nb_samples:1098 ..."
const BLOCK_LINE = /ashowinfo.*\[info\] n:\s*\d+ pts:\s*-?\d+ pts_time:\s*(-?[\d.]+) .* rate:\s*(\d+) nb_samples:\s*(\d+)/;
const ERROR_TAG = / ?\[(error|fatal|panic)\] /;
/** Speech stays clear well below this; an hour is ~43 MB. */
const OPUS_BITRATE = '96k';

/** Writes the first audio stream of `file` to `outFile` (WebM/Opus); the caller knows from the probe that it has one. */
export async function extractAudio(file: string, outFile: string, signal?: AbortSignal): Promise<ExtractedAudio> {
  assertInputFile(file);
  const { ffmpeg } = resolveFfmpegPaths();
  const { child, exited } = spawnTool(
    ffmpeg,
    [
      '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info', '-copyts', '-i', file,
      '-map', '0:a:0', '-af', 'aresample=async=1,ashowinfo,asetpts=PTS-STARTPTS',
      '-c:a', 'libopus', '-b:a', OPUS_BITRATE, '-f', 'webm', '-y', outFile,
    ],
    signal,
  );
  let first: number | null = null;
  let end = 0;
  const errors: string[] = [];
  try {
    for await (const line of readline.createInterface({ input: child.stderr, crlfDelay: Infinity })) {
      const block = BLOCK_LINE.exec(line);
      if (block) {
        const startSec = Number(block[1]);
        first ??= startSec;
        end = startSec + Number(block[3]) / Number(block[2]);
      } else if (ERROR_TAG.test(line) && errors.length < 20) errors.push(line.replace(ERROR_TAG, ' ').trim());
    }
  } catch (error) {
    await exited.catch(() => undefined);
    throw error;
  }
  const { code } = await exited;
  if (code !== 0 || first === null) {
    const reason = errors.length > 0 ? firstErrorLine(errors.join('\n'), file) : 'no audio decoded';
    throw new StudioError(`ffmpeg cannot read the sound of ${file}: ${reason}.`);
  }
  return { startSec: first, durationSec: Number((end - first).toFixed(6)) };
}
