/** Videos and their frame index. A video is a file or a folder of frames, known by path and content hash. */
import type { VideoId } from '../ids';
import type { Db } from './projectDb';

export type VideoKind = 'video' | 'image_sequence';
export type VideoStatus = 'indexing' | 'ready' | 'failed';

export interface VideoRecord {
  id: VideoId;
  kind: VideoKind;
  path: string;
  displayName: string;
  contentHash: string;
  sizeBytes: number;
  codec: string | null;
  width: number;
  height: number;
  frameCount: number;
  durationSec: number;
  avgFps: number | null;
  status: VideoStatus;
  error: string | null;
  /** Something the user should know about a video that imported, e.g. that the file ends early. */
  warning: string | null;
  importedAt: string;
}

/** What an import knows before indexing; frame count, duration and status come from the index. */
export type NewVideo = Pick<VideoRecord, 'kind' | 'path' | 'displayName' | 'contentHash' | 'sizeBytes' | 'codec' | 'width' | 'height' | 'avgFps'>;

export interface FrameRow {
  frameIndex: number;
  ptsSec: number;
  imageFile?: string | null;
}

const SELECT_VIDEO = `SELECT id, kind, path, display_name AS displayName, content_hash AS contentHash, size_bytes AS sizeBytes,
  codec, width, height, frame_count AS frameCount, duration_sec AS durationSec, avg_fps AS avgFps, status, error,
  warning, imported_at AS importedAt FROM videos`;

export function listVideos(db: Db): VideoRecord[] {
  return db.prepare(`${SELECT_VIDEO} ORDER BY id`).all() as VideoRecord[];
}

export function getVideo(db: Db, id: VideoId): VideoRecord | undefined {
  return db.prepare(`${SELECT_VIDEO} WHERE id = ?`).get(id) as VideoRecord | undefined;
}

export function findVideoByHash(db: Db, contentHash: string): VideoRecord | undefined {
  return db.prepare(`${SELECT_VIDEO} WHERE content_hash = ?`).get(contentHash) as VideoRecord | undefined;
}

/** Starts an import: the row exists with status 'indexing' until its frames are committed. */
export function insertIndexingVideo(db: Db, video: NewVideo): VideoId {
  const result = db
    .prepare(
      `INSERT INTO videos (kind, path, display_name, content_hash, size_bytes, codec, width, height, avg_fps, status, imported_at)
       VALUES (@kind, @path, @displayName, @contentHash, @sizeBytes, @codec, @width, @height, @avgFps, 'indexing', @importedAt)`,
    )
    .run({ ...video, importedAt: new Date().toISOString() });
  return Number(result.lastInsertRowid) as VideoId;
}

/** Commits the whole frame index and marks the video ready, in one transaction: all frames or none. */
export function completeVideoIndex(db: Db, id: VideoId, frames: readonly FrameRow[], warning: string | null = null): void {
  const insert = db.prepare('INSERT INTO frames (video_id, frame_index, pts_sec, image_file) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM frames WHERE video_id = ?').run(id);
    for (const frame of frames) insert.run(id, frame.frameIndex, frame.ptsSec, frame.imageFile ?? null);
    db.prepare(`UPDATE videos SET status = 'ready', frame_count = ?, duration_sec = ?, error = NULL, warning = ? WHERE id = ?`).run(
      frames.length,
      indexedDurationSec(frames),
      warning,
      id,
    );
  })();
}

/** How long the indexed frames last: first to last timestamp, plus the last frame's own duration. */
export function indexedDurationSec(frames: readonly FrameRow[]): number {
  const last = frames.at(-1);
  const first = frames[0];
  return first && last ? Math.max(0, last.ptsSec - first.ptsSec) + frameStepSec(frames) : 0;
}

/** Removes a video whose import never completed (no labels can point at it: it had no frames). */
export function discardIncompleteVideo(db: Db, id: VideoId): void {
  db.prepare(`DELETE FROM videos WHERE id = ? AND status != 'ready'`).run(id);
}

export function relinkVideo(db: Db, id: VideoId, newPath: string): void {
  db.prepare('UPDATE videos SET path = ? WHERE id = ?').run(newPath, id);
}

export function listFrames(db: Db, id: VideoId): FrameRow[] {
  return db
    .prepare('SELECT frame_index AS frameIndex, pts_sec AS ptsSec, image_file AS imageFile FROM frames WHERE video_id = ? ORDER BY frame_index')
    .all(id) as FrameRow[];
}

/** Frames `from` (inclusive) to `to` (exclusive), in order. */
export function listFramesBetween(db: Db, id: VideoId, from: number, to: number): FrameRow[] {
  return db
    .prepare(
      `SELECT frame_index AS frameIndex, pts_sec AS ptsSec, image_file AS imageFile FROM frames
       WHERE video_id = ? AND frame_index >= ? AND frame_index < ? ORDER BY frame_index`,
    )
    .all(id, from, to) as FrameRow[];
}

/** The last frame lasts as long as the median gap between frames (its own duration is not in the stream). */
function frameStepSec(frames: readonly FrameRow[]): number {
  if (frames.length < 2) return 0;
  const gaps: number[] = [];
  for (let i = 1; i < frames.length; i++) gaps.push((frames[i] as FrameRow).ptsSec - (frames[i - 1] as FrameRow).ptsSec);
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] as number;
}

/** The asynchronous seam over videos the application layer uses (projectStores.ts). */
export interface VideoStore {
  list(): Promise<VideoRecord[]>;
  get(id: VideoId): Promise<VideoRecord | undefined>;
}

export function sqliteVideoStore(db: Db): VideoStore {
  return { list: async () => listVideos(db), get: async (id) => getVideo(db, id) };
}
