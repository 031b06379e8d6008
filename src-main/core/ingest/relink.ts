/**
 * Videos are known by content hash, so a moved file can be found again: the user names the new file, or a
 * folder to search, and only content with the same hash is accepted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { hashFile, hashFolderFrames } from '../media/contentHash';
import { listImageFrames } from '../media/imageSequence';
import { resolveUserPath } from '../paths/userPath';
import type { VideoRecord, VideoStore } from '../store/videoStore';
import { existingVideo, videoListing } from './videoAccess';

export async function contentHashOf(kind: VideoRecord['kind'], target: string): Promise<string> {
  return kind === 'video' ? hashFile(target) : hashFolderFrames(target, listImageFrames(target));
}

export async function relinkVideo(videos: VideoStore, id: VideoId, newPathInput: string): Promise<VideoRecord> {
  const video = existingVideo(await videos.get(id), id);
  const newPath = resolveUserPath(newPathInput);
  if (!fs.existsSync(newPath)) throw new StudioError(`${newPath} does not exist.`);
  const isFolder = fs.statSync(newPath).isDirectory();
  if (isFolder !== (video.kind === 'image_sequence')) {
    throw new StudioError(`${video.displayName} is ${video.kind === 'video' ? 'a video file' : 'a folder of frames'}; ${newPath} is not.`);
  }
  if ((await contentHashOf(video.kind, newPath)) !== video.contentHash) {
    throw new StudioError(`${newPath} is not ${video.displayName}: its content differs, so its frames and labels would not match.`);
  }
  await videos.relink(id, newPath);
  return { ...video, path: newPath };
}

/** Looks in `folder` (and its direct subfolders) for every missing video file, matching size then hash. */
export async function relinkMissingFrom(videos: VideoStore, folderInput: string): Promise<VideoId[]> {
  const folder = resolveUserPath(folderInput);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new StudioError(`${folder} is not a folder.`);
  const missing = (await videos.list()).map(videoListing).filter((video) => video.missing && video.kind === 'video');
  const candidates = filesUnder(folder);
  const found: VideoId[] = [];
  for (const video of missing) {
    for (const file of candidates.filter((f) => f.size === video.sizeBytes)) {
      if ((await hashFile(file.path)) === video.contentHash) {
        await videos.relink(video.id, file.path);
        found.push(video.id);
        break;
      }
    }
  }
  return found;
}

function filesUnder(folder: string): { path: string; size: number }[] {
  const files: { path: string; size: number }[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile()) files.push({ path: full, size: fs.statSync(full).size });
      else if (entry.isDirectory() && depth > 0 && !entry.name.startsWith('.')) visit(full, depth - 1);
    }
  };
  visit(folder, 1);
  return files;
}
