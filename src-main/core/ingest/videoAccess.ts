/** Read access to a project's videos for the viewer and timeline: exact frames, frame times, thumbnails. */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { encodeFrameRangeAsJpeg } from '../media/frameDecode';
import { fitWithin } from '../media/frameSize';
import { decodeImage } from '../media/imageSequence';
import { encodeJpeg } from '../media/jpegEncode';
import type { ProjectSession } from '../studio/projectSession';
import { getVideo, listFrames, listFramesBetween, listVideos, type VideoRecord } from '../store/videoStore';
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

export interface ViewerFrames {
  width: number;
  height: number;
  /** JPEG-encoded for display (small enough to stream for playback); analysis decodes its own raw frames. */
  frames: { frameIndex: number; ptsSec: number; jpeg: Buffer }[];
}

/**
 * Exactly frames `fromFrame` .. `fromFrame + count - 1` (fewer at the end of the video), scaled to fit within
 * maxWidth x maxHeight with the aspect kept: one frame when stepping, a chunk when playing.
 */
export async function readViewerFrames(
  session: ProjectSession,
  id: VideoId,
  fromFrame: number,
  count: number,
  maxWidth: number,
  maxHeight: number,
): Promise<ViewerFrames> {
  const video = requireVideo(session, id);
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is not ready yet (${video.status}).`);
  if (fromFrame >= video.frameCount) {
    throw new StudioError(`${video.displayName} has no frame ${fromFrame} (it has ${video.frameCount}).`);
  }
  if (!fs.existsSync(video.path)) {
    throw new StudioError(`${video.displayName} is no longer at ${video.path}. Relink it to view its frames.`);
  }
  const wanted = listFramesBetween(session.db, id, fromFrame, fromFrame + count);
  const size = fitWithin(video.width, video.height, maxWidth, maxHeight);
  const jpegs =
    video.kind === 'image_sequence'
      ? await Promise.all(
          wanted.map(async (frame) => encodeJpeg(await decodeImage(path.join(video.path, frame.imageFile as string), size), size.width, size.height)),
        )
      : await encodeFrameRangeAsJpeg(video.path, wanted, size);
  return { ...size, frames: wanted.map((frame, i) => ({ frameIndex: frame.frameIndex, ptsSec: frame.ptsSec, jpeg: jpegs[i] as Buffer })) };
}


export function thumbnailStrip(session: ProjectSession, id: VideoId): StoredThumbnailStrip | null {
  requireVideo(session, id);
  return readThumbnailStrip(session.cacheDir, id);
}
