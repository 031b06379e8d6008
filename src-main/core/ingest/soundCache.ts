/**
 * A video's sound, prepared once into the project's cache folder: `audio/<videoId>.webm` (see media/audioTrack.ts)
 * and a JSON sidecar saying where it starts relative to the first frame, or that the video has no sound. The
 * import prepares it; a project imported before sound existed gets it the first time the player asks. Cache
 * only: a missing or stale sidecar (another file under the same video id) means "prepare again", never a failure.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { extractAudio } from '../media/audioTrack';
import { probeMedia } from '../media/probe';
import { writeFileAtomic } from '../paths/atomicWrite';
import type { VideoRecord } from '../store/videoStore';

/** What the player needs: the file, and where its time 0 falls on the video's timeline. */
export type VideoSound =
  | {
      kind: 'audio';
      file: string;
      /** The audio's first sample minus the first frame's pts, seconds: audio time = (pts - first pts) - offsetSec. */
      offsetSec: number;
      durationSec: number;
    }
  | { kind: 'none'; reason: string };

type SoundMeta = { contentHash: string } & ({ kind: 'audio'; offsetSec: number; durationSec: number } | { kind: 'none'; reason: string });

export type SoundSource = Pick<VideoRecord, 'id' | 'kind' | 'path' | 'contentHash'>;

export function soundPaths(cacheDir: string, id: VideoId): { audio: string; meta: string } {
  const dir = path.join(cacheDir, 'audio');
  return { audio: path.join(dir, `${id}.webm`), meta: path.join(dir, `${id}.json`) };
}

/** The prepared sound of this video, or null when it has not been prepared (or was prepared for other content). */
export function readSound(cacheDir: string, video: SoundSource): VideoSound | null {
  const files = soundPaths(cacheDir, video.id);
  let meta: SoundMeta;
  try {
    meta = JSON.parse(fs.readFileSync(files.meta, 'utf8')) as SoundMeta;
  } catch {
    return null;
  }
  if (meta.contentHash !== video.contentHash) return null;
  if (meta.kind === 'none') return { kind: 'none', reason: meta.reason };
  if (!fs.existsSync(files.audio)) return null;
  return { kind: 'audio', file: files.audio, offsetSec: meta.offsetSec, durationSec: meta.durationSec };
}

/** Preparations under way, by sidecar path: the player asking twice must not start two decodes of one file. */
const preparing = new Map<string, Promise<VideoSound>>();

/**
 * Decodes the sound of `video` into the cache and records it. `hasAudio` is the probe's answer when the caller
 * has one (the import); otherwise the file is probed. A sound stream that cannot be decoded is recorded as "no
 * sound" with the reason: the video stays usable, and the player says why it is silent.
 */
export function prepareSound(cacheDir: string, video: SoundSource, firstFramePtsSec: number, hasAudio?: boolean, signal?: AbortSignal): Promise<VideoSound> {
  const files = soundPaths(cacheDir, video.id);
  const running = preparing.get(files.meta);
  if (running) return running;
  const work = decodeAndRecord(files, video, firstFramePtsSec, hasAudio, signal).finally(() => preparing.delete(files.meta));
  preparing.set(files.meta, work);
  return work;
}

async function decodeAndRecord(
  files: { audio: string; meta: string },
  video: SoundSource,
  firstFramePtsSec: number,
  hasAudio: boolean | undefined,
  signal: AbortSignal | undefined,
): Promise<VideoSound> {
  const record = (meta: SoundMeta) => writeFileAtomic(files.meta, JSON.stringify(meta));
  if (video.kind === 'image_sequence') {
    const reason = 'a folder of frames has no sound';
    record({ contentHash: video.contentHash, kind: 'none', reason });
    return { kind: 'none', reason };
  }
  if (!(hasAudio ?? (await probeMedia(video.path)).hasAudio)) {
    const reason = 'this video has no sound track';
    record({ contentHash: video.contentHash, kind: 'none', reason });
    return { kind: 'none', reason };
  }
  fs.mkdirSync(path.dirname(files.audio), { recursive: true });
  const temp = `${files.audio}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const extracted = await extractAudio(video.path, temp, signal);
    fs.renameSync(temp, files.audio);
    const offsetSec = Number((extracted.startSec - firstFramePtsSec).toFixed(6));
    record({ contentHash: video.contentHash, kind: 'audio', offsetSec, durationSec: extracted.durationSec });
    return { kind: 'audio', file: files.audio, offsetSec, durationSec: extracted.durationSec };
  } catch (error) {
    if (signal?.aborted || !(error instanceof StudioError)) throw error;
    const reason = `its sound could not be read (${error.message})`;
    record({ contentHash: video.contentHash, kind: 'none', reason });
    return { kind: 'none', reason };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
