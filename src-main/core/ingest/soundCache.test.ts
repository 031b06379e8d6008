/**
 * Sound prepared at import, checked on the file itself with ffprobe and by ear, so to speak: the test video is
 * silent until a tone 1.3 s after its first frame, so the prepared file's onset plus the recorded offset must land
 * on 1.3 s, whatever the container's start time and the AAC priming. A video without sound says so, and a project
 * whose cache lost the sound (or predates it) gets it prepared again when the player asks.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession, tempDir } from '../../../test/support/labelProject';
import { makeTestVideo, makeVideoWithTone, soundOnsetSec } from '../../../test/support/testMedia';
import { videoSound } from '../app/videos';
import type { VideoId } from '../ids';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';
import type { ProjectSession } from '../studio/projectSession';
import { getVideo, listFrames, type VideoRecord } from '../store/videoStore';
import { checkImportPaths, IMPORT_JOB, type ImportOutcome } from './importJob';
import { readSound, soundPaths } from './soundCache';

const TONE_AT_SEC = 1.3;
const SECONDS = 4;

let session: ProjectSession;
let withSound: VideoId;
let silent: VideoId;

function ffprobeAudio(file: string): { codec: string; durationSec: number } {
  const out = execFileSync(resolveFfmpegPaths().ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file]).toString();
  const info = JSON.parse(out) as { streams: { codec_type: string; codec_name: string }[]; format: { format_name: string; duration: string } };
  expect(info.streams.map((s) => s.codec_type)).toEqual(['audio']);
  return { codec: info.streams[0]?.codec_name as string, durationSec: Number(info.format.duration) };
}

beforeAll(async () => {
  const dir = tempDir('affect-sound-');
  const toned = makeVideoWithTone(path.join(dir, 'toned.mp4'), { seconds: SECONDS, width: 320, height: 240, toneAtSec: TONE_AT_SEC, startSec: 0.45 });
  const plain = makeTestVideo(path.join(dir, 'plain.mp4'), 2);
  session = newSession();
  const id = session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths([toned, plain]) });
  await session.jobs.idle();
  const outcomes = (session.jobs.get(id)?.result as { outcomes: ImportOutcome[] }).outcomes;
  [withSound, silent] = outcomes.map((o) => o.videoId as VideoId) as [VideoId, VideoId];
}, 120_000);
afterAll(() => session.close());

describe('sound prepared at import', () => {
  it('writes an Opus file as long as the sound, whose onset plus the offset is the tone\'s time after the first frame', () => {
    const sound = readSound(session.cacheDir, getVideo(session.db, withSound) as VideoRecord);
    if (sound?.kind !== 'audio') throw new Error(`expected prepared audio, got ${JSON.stringify(sound)}`);
    const probed = ffprobeAudio(sound.file);
    expect(probed.codec).toBe('opus');
    expect(Math.abs(probed.durationSec - sound.durationSec)).toBeLessThan(0.03);
    expect(Math.abs(sound.durationSec - SECONDS)).toBeLessThan(0.1);
    // The first frame is at 0.45 s; the AAC priming puts the first sample ~21 ms (1024 samples) before it.
    expect(listFrames(session.db, withSound)[0]?.ptsSec).toBeCloseTo(0.45, 3);
    expect(sound.offsetSec).toBeLessThan(0);
    expect(sound.offsetSec).toBeGreaterThan(-0.05);
    // Sync within a millisecond, far inside a frame (33 ms).
    expect(Math.abs(soundOnsetSec(sound.file) + sound.offsetSec - TONE_AT_SEC)).toBeLessThan(0.002);
  });

  it('records that a video without a sound track has none', async () => {
    expect(await videoSound(session, silent)).toEqual({ kind: 'none', reason: 'this video has no sound track' });
    expect(fs.existsSync(soundPaths(session.cacheDir, silent).audio)).toBe(false);
  });

  it('prepares the sound again on demand when the cache does not hold it', async () => {
    const before = await videoSound(session, withSound);
    const files = soundPaths(session.cacheDir, withSound);
    fs.rmSync(files.audio);
    fs.rmSync(files.meta);
    const again = await videoSound(session, withSound);
    expect(again).toEqual(before);
    expect(fs.existsSync(files.audio)).toBe(true);
  });
});
