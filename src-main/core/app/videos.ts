/**
 * Use cases for a project's videos: list them, ask for an import, relink a moved file, and what the viewer and
 * timeline show (frame times, exact frames as JPEG, the thumbnail strip, the sound).
 */
import fs from 'node:fs';
import type { JobId, VideoId } from '../ids';
import { checkImportPaths, findUnfinishedImport, IMPORT_JOB } from '../ingest/importJob';
import { relinkVideo as relinkToFile } from '../ingest/relink';
import { prepareSound, readSound, type VideoSound } from '../ingest/soundCache';
import { readThumbnailStrip, type StoredThumbnailStrip } from '../ingest/thumbnailCache';
import { checkViewable, encodeViewerFrames, existingVideo, videoListing, type VideoListing, type ViewerFrames } from '../ingest/videoAccess';
import type { VideoRecord } from '../store/videoStore';
import type { ProjectContext } from './projectContext';

export async function listVideos(project: ProjectContext): Promise<VideoListing[]> {
  return (await project.stores.videos.list()).map(videoListing);
}

/** The video of that id, or a StudioError saying the project has none. */
export async function videoOf(project: ProjectContext, id: VideoId): Promise<VideoRecord> {
  return existingVideo(await project.stores.videos.get(id), id);
}

/**
 * Queues the import of these files and folders, and with `analyze` the face analysis of each new video once it is
 * in (core/jobs/analyzeAfterImport.ts). The same import asked for again while it is still to finish is that
 * import, not a second one (so a killed CLI run finishes the interrupted import instead of starting anew).
 */
export async function requestImport(project: ProjectContext, paths: readonly string[], analyze = true): Promise<JobId> {
  const targets = checkImportPaths(paths);
  return findUnfinishedImport(project.jobs, targets) ?? project.jobs.enqueue(IMPORT_JOB, { paths: targets, analyze });
}

/** Points a moved video at its new file (only the same content is accepted); returns it as listed. */
export async function relinkVideo(project: ProjectContext, id: VideoId, newPath: string): Promise<VideoListing> {
  return videoListing(await relinkToFile(project.stores.videos, id, newPath));
}

/** Presentation time of each frame, seconds, in decoded order. */
export async function frameTimes(project: ProjectContext, id: VideoId): Promise<number[]> {
  await videoOf(project, id);
  return (await project.stores.videos.frames(id)).map((frame) => frame.ptsSec);
}

/**
 * Exactly frames `fromFrame` .. `fromFrame + count - 1` (fewer at the end of the video), scaled to fit within
 * maxWidth x maxHeight with the aspect kept: one frame when stepping, a chunk when playing.
 */
export async function viewerFrames(
  project: ProjectContext,
  id: VideoId,
  fromFrame: number,
  count: number,
  maxWidth: number,
  maxHeight: number,
): Promise<ViewerFrames> {
  const video = await videoOf(project, id);
  checkViewable(video, fromFrame);
  const wanted = await project.stores.videos.framesBetween(id, fromFrame, fromFrame + count);
  return encodeViewerFrames(video, wanted, maxWidth, maxHeight);
}

/** The strip made at import, or null when there is none (it is a cache: deleting it loses nothing). */
export async function thumbnails(project: ProjectContext, id: VideoId): Promise<StoredThumbnailStrip | null> {
  await videoOf(project, id);
  return readThumbnailStrip(project.cacheDir, id);
}

/** The video file, for a player that can play it whole; null for a folder of frames or a file that has gone. */
export async function videoSourceFile(project: ProjectContext, id: VideoId): Promise<string | null> {
  const video = await videoOf(project, id);
  return video.kind === 'video' && video.status === 'ready' && fs.existsSync(video.path) ? video.path : null;
}

/**
 * The video's sound for the player, prepared the first time it is asked for when the import did not (projects
 * imported before the studio kept sound). Needs the video file only then.
 */
export async function videoSound(project: ProjectContext, id: VideoId): Promise<VideoSound> {
  const video = await videoOf(project, id);
  const prepared = readSound(project.cacheDir, video);
  if (prepared) return prepared;
  checkViewable(video, 0);
  const [first] = await project.stores.videos.framesBetween(id, 0, 1);
  return prepareSound(project.cacheDir, video, first?.ptsSec ?? 0);
}
