/**
 * Thumbnail strips live in the project's cache folder as `<videoId>.jpg` plus a JSON sidecar naming the frame
 * of each tile. Cache only: a missing or damaged strip means "no thumbnails", never a failed project.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { VideoId } from '../ids';
import { writeFileAtomic } from '../paths/atomicWrite';

export interface StoredThumbnailStrip {
  tileWidth: number;
  tileHeight: number;
  frameIndexes: number[];
  jpeg: Buffer;
}

export function thumbnailPaths(cacheDir: string, id: VideoId): { jpeg: string; meta: string } {
  const dir = path.join(cacheDir, 'thumbnails');
  return { jpeg: path.join(dir, `${id}.jpg`), meta: path.join(dir, `${id}.json`) };
}

export function writeThumbnailMeta(cacheDir: string, id: VideoId, meta: Omit<StoredThumbnailStrip, 'jpeg'>): void {
  writeFileAtomic(thumbnailPaths(cacheDir, id).meta, JSON.stringify(meta));
}

export function readThumbnailStrip(cacheDir: string, id: VideoId): StoredThumbnailStrip | null {
  const files = thumbnailPaths(cacheDir, id);
  try {
    const meta = JSON.parse(fs.readFileSync(files.meta, 'utf8')) as Omit<StoredThumbnailStrip, 'jpeg'>;
    return { ...meta, jpeg: fs.readFileSync(files.jpeg) };
  } catch {
    return null;
  }
}
