/** Test support: a real project folder and database with synthetic videos (no media decoding needed). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnnotatorId, VideoId } from '../../src-main/core/ids';
import { createProject } from '../../src-main/core/store/projectFolder';
import { ProjectSession } from '../../src-main/core/studio/projectSession';
import { completeVideoIndex, insertIndexingVideo } from '../../src-main/core/store/videoStore';

export function tempDir(prefix = 'affect-io-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function newSession(): ProjectSession {
  const dir = path.join(tempDir(), 'project');
  createProject(dir);
  return ProjectSession.open(dir);
}

/** A ready video of `frames` frames at `fps`, optionally a frame folder with `00000.png`-style images. */
export function addVideo(session: ProjectSession, name: string, frames: number, options: { fps?: number; folder?: string } = {}): VideoId {
  const fps = options.fps ?? 30;
  const id = insertIndexingVideo(session.db, {
    kind: options.folder ? 'image_sequence' : 'video',
    path: options.folder ?? `/media/${name}`,
    displayName: name,
    contentHash: `hash-${name}-${Math.random()}`,
    sizeBytes: 1,
    codec: 'h264',
    width: 64,
    height: 64,
    avgFps: options.folder ? null : fps,
  });
  completeVideoIndex(
    session.db,
    id,
    Array.from({ length: frames }, (_, i) => ({ frameIndex: i, ptsSec: i / fps, imageFile: options.folder ? `${String(i).padStart(5, '0')}.png` : null })),
  );
  return id;
}

/**
 * A model run of `annotatorId` with predictions on every frame of a video (V = 0.5 sin(i / 5), A = 0.5 cos(i / 7),
 * sds 0.2 and 0.1), from 3 labels at labels revision 0, by a head named "mtclar 1.2": what an io test reads
 * without running the engine.
 */
export function addPredictions(session: ProjectSession, videoId: VideoId, frames: number, annotatorId: AnnotatorId): number {
  const { db } = session;
  const model = (kind: string) =>
    Number(
      db
        .prepare(`INSERT INTO models (kind, name, version, sha256, card, file, created_at) VALUES (?, 'mtclar', '1.2', ?, '{}', 'x.onnx', 'now')`)
        .run(kind, `${kind}-${Math.random()}`).lastInsertRowid,
    );
  const run = Number(
    db
      .prepare(
        `INSERT INTO model_runs (pair_head_id, encoder_id, video_id, annotator_id, labels_revision, settings, created_at, saved_at)
         VALUES (?, ?, ?, ?, 0, ?, 'now', 'now')`,
      )
      .run(model('pair_head'), model('encoder'), videoId, annotatorId, JSON.stringify({ trainingAnnotatorIds: [annotatorId], anchors: 3 })).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO predictions VALUES (?, ?, ?, ?, ?, 0.2, 0.1)');
  for (let i = 0; i < frames; i++) insert.run(run, videoId, i, Math.sin(i / 5) * 0.5, Math.cos(i / 7) * 0.5);
  return run;
}
