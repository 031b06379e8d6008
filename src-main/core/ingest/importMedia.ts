/**
 * Imports one video file or one folder of frames (an AFEW-VA clip when it holds its `NNN.json`) into a
 * project. Everything lands in one transaction at the end, after decoding succeeded: a failure or a kill
 * leaves no frames, no labels and at most an 'indexing' row that the next attempt discards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../errors';
import type { VideoId } from '../ids';
import { findAfewVaJson, readAfewVaClip, type AfewVaClip } from '../io/afewVa';
import { hashFile, hashFolderFrames } from '../media/contentHash';
import { indexFrames } from '../media/frameIndex';
import { decodeImage, listImageFrames } from '../media/imageSequence';
import { encodeJpeg } from '../media/jpegEncode';
import { estimatedFrameCount, probeMedia, type MediaProbe } from '../media/probe';
import { evenlySpacedFrames, makeThumbnailStrip, planThumbnails, tilesCoverStretches, type ThumbnailPlan } from '../media/thumbnails';
import { prepareSound } from './soundCache';
import { writeFileAtomic } from '../paths/atomicWrite';
import { ensureAnnotator } from '../store/annotatorStore';
import { appendLabels } from '../store/labelStore';
import { FIRST_PERSON } from '../store/personStore';
import type { Db } from '../store/projectDb';
import {
  completeVideoIndex,
  discardIncompleteVideo,
  findVideoByHash,
  indexedDurationSec,
  insertIndexingVideo,
  type FrameRow,
  type NewVideo,
} from '../store/videoStore';
import { thumbnailPaths, writeThumbnailMeta } from './thumbnailCache';

/**
 * Frame folders carry no timestamps; their frames are placed at this nominal rate (AFEW-VA's clips come from
 * 25 fps films). Frame indexes, not times, are what labels are tied to.
 */
export const FRAME_FOLDER_FPS = 25;
const THUMBNAIL_TILES = 16;
const THUMBNAIL_HEIGHT = 72;

/** The annotator layer that holds labels imported from AFEW-VA files. */
export const AFEW_VA_ANNOTATOR = 'AFEW-VA';

export interface ImportOptions {
  db: Db;
  cacheDir: string;
  signal: AbortSignal;
  onFrames: (framesSoFar: number) => void;
  /** Runs inside the transaction that commits the item, so whatever it records lands with the item or not at all. */
  onCommit?: (item: ImportedItem) => void;
}

export interface ImportedItem {
  videoId: VideoId;
  frames: number;
  labels: number;
  /** Kept with the video record too: the item imported, but not all is well (e.g. the file ends early). */
  warning: string | null;
}

/**
 * A file that stops decoding this far before its stated duration is called out (a damaged or partly copied
 * file): half a second at least, so a last frame's rounding or a missing trailing frame or two stays quiet.
 */
const ENDS_EARLY_MIN_SEC = 0.5;
const ENDS_EARLY_MIN_SHARE = 0.02;

/**
 * What the import job learns of a path before importing anything: a guess of its frames for the progress bar
 * and, for a video file, its probe, which the import reuses: ffprobe reads each file once. A probe that failed
 * is kept and reported when the file's turn comes, as any bad file is, without stopping the others.
 */
export interface PathSurvey {
  estimatedFrames: number;
  /** null for a folder of frames. */
  probe: Promise<MediaProbe> | null;
}

export async function surveyPath(target: string): Promise<PathSurvey> {
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    try {
      return { estimatedFrames: listImageFrames(target).length, probe: null };
    } catch {
      return { estimatedFrames: 0, probe: null }; // the import says what is wrong with the folder
    }
  }
  const probe = probeMedia(target);
  // Handles the rejection for now; importVideoFile's caller awaits the same promise and reports it.
  return { estimatedFrames: await probe.then(estimatedFrameCount, () => 0), probe };
}

export async function importVideoFile(file: string, probe: MediaProbe, options: ImportOptions): Promise<ImportedItem> {
  const contentHash = await hashFile(file, options.signal);
  const video: NewVideo = {
    kind: 'video',
    path: file,
    displayName: path.basename(file),
    contentHash,
    sizeBytes: fs.statSync(file).size,
    codec: probe.codec,
    width: probe.width,
    height: probe.height,
    avgFps: probe.avgFps,
  };
  return importIndexed(video, options, async (id) => {
    // The strip's frames are picked from the container's frame count, so the one decode can make it too.
    const planned = planThumbnails(probe, estimatedFrameCount(probe), THUMBNAIL_TILES, THUMBNAIL_HEIGHT);
    const { frames, thumbnailJpeg } = await indexFrames(file, probe, { signal: options.signal, onProgress: options.onFrames, thumbnails: planned });
    const warning = endsEarlyWarning(indexedDurationSec(frames), probe.durationSec);
    const strip = await keepOrRemakeStrip(file, probe, frames.length, { planned, jpeg: thumbnailJpeg }, options, id);
    writeThumbnailMeta(options.cacheDir, id, { tileWidth: strip.tileWidth, tileHeight: strip.tileHeight, frameIndexes: [...strip.frameIndexes] });
    // Its own pass (the audio only, no video decoded): a fraction of the indexing decode's time.
    await prepareSound(options.cacheDir, { id, kind: 'video', path: file, contentHash }, frames[0]?.ptsSec ?? 0, probe.hasAudio, options.signal);
    return { frames, clip: null, warning };
  });
}

/**
 * Keeps the strip made while indexing when its frames still stand one for each stretch of the frames that
 * actually decoded. When the container's count was far off (a file that ends early), the frames are known now:
 * a second decode makes the strip from them.
 */
async function keepOrRemakeStrip(
  file: string,
  probe: MediaProbe,
  frameCount: number,
  made: { planned: ThumbnailPlan; jpeg: Buffer | null },
  options: ImportOptions,
  id: VideoId,
): Promise<ThumbnailPlan> {
  const { jpeg } = thumbnailPaths(options.cacheDir, id);
  if (made.jpeg !== null && tilesCoverStretches(made.planned.frameIndexes, frameCount, THUMBNAIL_TILES)) {
    writeFileAtomic(jpeg, made.jpeg);
    return made.planned;
  }
  return makeThumbnailStrip(file, jpeg, planThumbnails(probe, frameCount, THUMBNAIL_TILES, THUMBNAIL_HEIGHT), options.signal);
}

/** "the file ends at 6.4 s of 15.3 s: ...": the frames that decode are imported, and the user learns what is not. */
function endsEarlyWarning(decodedSec: number, statedSec: number | null): string | null {
  if (statedSec === null) return null;
  const missingSec = statedSec - decodedSec;
  if (missingSec < Math.max(ENDS_EARLY_MIN_SEC, ENDS_EARLY_MIN_SHARE * statedSec)) return null;
  return `the file ends at ${decodedSec.toFixed(1)} s of ${statedSec.toFixed(1)} s: the rest does not decode (truncated or damaged?)`;
}

export async function importFrameFolder(dir: string, options: ImportOptions): Promise<ImportedItem> {
  const images = listImageFrames(dir);
  const jsonFile = findAfewVaJson(dir);
  // Parse the labels before any work: a clip whose JSON is broken is refused without touching the project.
  const clip = jsonFile ? readAfewVaClip(jsonFile, images) : null;
  const first = await probeMedia(path.join(dir, images[0] as string), { image: 'accept' });
  const video: NewVideo = {
    kind: 'image_sequence',
    path: dir,
    displayName: clip?.videoId ? `AFEW-VA ${clip.videoId}` : path.basename(dir),
    contentHash: await hashFolderFrames(dir, images),
    sizeBytes: images.reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0),
    codec: first.codec,
    width: first.width,
    height: first.height,
    avgFps: null,
  };
  return importIndexed(video, options, async (id) => {
    const frames = images.map((imageFile, frameIndex) => ({ frameIndex, ptsSec: frameIndex / FRAME_FOLDER_FPS, imageFile }));
    options.onFrames(frames.length);
    await writeFolderThumbnails(dir, images, video, options.cacheDir, id);
    return { frames, clip, warning: null };
  });
}

/**
 * The shared skeleton: refuse duplicates, discard an interrupted earlier attempt, register the video, do the
 * media work, then commit frames (and AFEW-VA labels) in one transaction.
 */
async function importIndexed(
  video: NewVideo,
  options: ImportOptions,
  work: (id: VideoId) => Promise<{ frames: FrameRow[]; clip: AfewVaClip | null; warning: string | null }>,
): Promise<ImportedItem> {
  const { db } = options;
  const existing = findVideoByHash(db, video.contentHash);
  if (existing?.status === 'ready') {
    throw new StudioError(`${video.displayName} is already in this project (as "${existing.displayName}").`);
  }
  if (existing) discardIncompleteVideo(db, existing.id);

  const id = insertIndexingVideo(db, video);
  try {
    const { frames, clip, warning } = await work(id);
    options.signal.throwIfAborted();
    return db.transaction(() => {
      completeVideoIndex(db, id, frames, warning);
      const item = { videoId: id, frames: frames.length, labels: clip ? importClipLabels(db, id, clip, frames) : 0, warning };
      options.onCommit?.(item);
      return item;
    })();
  } catch (error) {
    discardIncompleteVideo(db, id);
    throw error;
  }
}

function importClipLabels(db: Db, videoId: VideoId, clip: AfewVaClip, frames: readonly FrameRow[]): number {
  const annotator = ensureAnnotator(db, AFEW_VA_ANNOTATOR, 'import');
  const frameOf = new Map(frames.map((frame) => [frame.imageFile, frame.frameIndex]));
  return appendLabels(
    db,
    // An AFEW-VA clip follows one subject: the video's first person.
    clip.labels.map((label) => ({
      videoId,
      personId: FIRST_PERSON,
      frameIndex: frameOf.get(label.imageFile) as number,
      annotatorId: annotator.id,
      valence: label.valence,
      arousal: label.arousal,
      origin: 'import' as const,
    })),
  ).length;
}

async function writeFolderThumbnails(dir: string, images: readonly string[], video: NewVideo, cacheDir: string, id: VideoId): Promise<void> {
  const count = Math.min(THUMBNAIL_TILES, images.length);
  const tileHeight = THUMBNAIL_HEIGHT;
  const tileWidth = Math.max(2, Math.round((video.width / video.height) * tileHeight / 2) * 2);
  const frameIndexes = evenlySpacedFrames(images.length, count);
  const strip = Buffer.alloc(tileWidth * count * tileHeight * 3);
  for (const [tile, frameIndex] of frameIndexes.entries()) {
    const rgb = await decodeImage(path.join(dir, images[frameIndex] as string), { width: tileWidth, height: tileHeight });
    for (let row = 0; row < tileHeight; row++) {
      rgb.copy(strip, (row * tileWidth * count + tile * tileWidth) * 3, row * tileWidth * 3, (row + 1) * tileWidth * 3);
    }
  }
  const { jpeg } = thumbnailPaths(cacheDir, id);
  fs.mkdirSync(path.dirname(jpeg), { recursive: true });
  fs.writeFileSync(jpeg, await encodeJpeg(strip, tileWidth * count, tileHeight));
  writeThumbnailMeta(cacheDir, id, { tileWidth, tileHeight, frameIndexes });
}
