/**
 * Read access to a project's videos for the viewer and timeline: which video, whether its file is still there,
 * exact frames as JPEG. Works on loaded records (the application layer loads them through its stores; workflows
 * in the owning process may use `requireVideo` on the database).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { encodeFrameRangeAsJpeg } from '../media/frameDecode';
import { fitWithin } from '../media/frameSize';
import { decodeImage } from '../media/imageSequence';
import { encodeJpeg } from '../media/jpegEncode';
import type { Db } from '../store/projectDb';
import { getVideo, type FrameRow, type VideoRecord } from '../store/videoStore';

export interface VideoListing extends VideoRecord {
  missing: boolean;
}

/** A video as listed: with whether its file or folder has gone (moved or deleted; relink.ts finds it again). */
export function videoListing(video: VideoRecord): VideoListing {
  return { ...video, missing: !fs.existsSync(video.path) };
}

/** The video that was looked up, or the message that says the project has no such video. */
export function existingVideo(video: VideoRecord | undefined, id: VideoId): VideoRecord {
  if (!video) throw new StudioError(`This project has no video ${id}.`);
  return video;
}

export function requireVideo(db: Db, id: VideoId): VideoRecord {
  return existingVideo(getVideo(db, id), id);
}

/** Frames from `fromFrame` can be shown: the video is indexed, has that frame, and its file is where it was. */
export function checkViewable(video: VideoRecord, fromFrame: number): void {
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is not ready yet (${video.status}).`);
  if (fromFrame >= video.frameCount) {
    throw new StudioError(`${video.displayName} has no frame ${fromFrame} (it has ${video.frameCount}).`);
  }
  if (!fs.existsSync(video.path)) {
    throw new StudioError(`${video.displayName} is no longer at ${video.path}. Relink it to view its frames.`);
  }
}

export interface ViewerFrames {
  width: number;
  height: number;
  /** JPEG-encoded for display (small enough to stream for playback); analysis decodes its own raw frames. */
  frames: { frameIndex: number; ptsSec: number; jpeg: Buffer }[];
}

/** The `wanted` frames of a viewable video, scaled to fit within maxWidth x maxHeight with the aspect kept. */
export async function encodeViewerFrames(video: VideoRecord, wanted: readonly FrameRow[], maxWidth: number, maxHeight: number): Promise<ViewerFrames> {
  const size = fitWithin(video.width, video.height, maxWidth, maxHeight);
  const jpegs =
    video.kind === 'image_sequence'
      ? await Promise.all(
          wanted.map(async (frame) => encodeJpeg(await decodeImage(path.join(video.path, frame.imageFile as string), size), size.width, size.height)),
        )
      : await encodeFrameRangeAsJpeg(video.path, wanted, size);
  return { ...size, frames: wanted.map((frame, i) => ({ frameIndex: frame.frameIndex, ptsSec: frame.ptsSec, jpeg: jpegs[i] as Buffer })) };
}
