/** Read access to a project's videos for the viewer and timeline: exact frames, frame times, thumbnails. */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { decodeFrameAt } from '../media/frameDecode';
import { fitWithin } from '../media/frameSize';
import { decodeImage } from '../media/imageSequence';
import type { ProjectSession } from '../project/projectSession';
import { getFrame, getVideo, listFrames, listVideos, type VideoRecord } from '../project/videos';
import { readThumbnailStrip, type StoredThumbnailStrip } from './thumbnailCache';

export interface VideoListing extends VideoRecord {
  missing: boolean;
}

export function listProjectVideos(session: ProjectSession): VideoListing[] {
  return listVideos(session.db).map((video) => ({ ...video, missing: !fs.existsSync(video.path) }));
}

export function requireVideo(session: ProjectSession, id: VideoId): VideoRecord {
  const video = getVideo(session.db, id);
  if (!video) throw new StudioError(`This project has no video ${id}.`);
  return video;
}

export function frameTimes(session: ProjectSession, id: VideoId): number[] {
  requireVideo(session, id);
  return listFrames(session.db, id).map((frame) => frame.ptsSec);
}

export interface DecodedFrame {
  frameIndex: number;
  ptsSec: number;
  width: number;
  height: number;
  rgb: Buffer;
}

/** Exactly frame `frameIndex`, scaled to fit within maxWidth x maxHeight (aspect kept). */
export async function readFrame(
  session: ProjectSession,
  id: VideoId,
  frameIndex: number,
  maxWidth: number,
  maxHeight: number,
): Promise<DecodedFrame> {
  const video = requireVideo(session, id);
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is not ready yet (${video.status}).`);
  const frame = getFrame(session.db, id, frameIndex);
  if (!frame) throw new StudioError(`${video.displayName} has no frame ${frameIndex} (it has ${video.frameCount}).`);
  if (!fs.existsSync(video.path)) {
    throw new StudioError(`${video.displayName} is no longer at ${video.path}. Relink it to view its frames.`);
  }
  const { width, height } = fitWithin(video.width, video.height, maxWidth, maxHeight);
  const rgb =
    video.kind === 'image_sequence'
      ? await decodeImage(path.join(video.path, frame.imageFile as string), { width, height })
      : await decodeFrameAt(video.path, { frameIndex, ptsSec: frame.ptsSec }, { width, height });
  return { frameIndex, ptsSec: frame.ptsSec, width, height, rgb };
}

export function thumbnailStrip(session: ProjectSession, id: VideoId): StoredThumbnailStrip | null {
  requireVideo(session, id);
  return readThumbnailStrip(session.cacheDir, id);
}
