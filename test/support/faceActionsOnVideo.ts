/**
 * Test support: facial actions of known values on a video the real pipeline analysed, and a video as an analysis
 * from before facial actions left it (descriptor version 1, no actions). Tests of exports and reports need exact
 * numbers to compare with, which real blendshape scores do not give; the real scores are tested in
 * core/analysis/analyzeActions.test.ts.
 */
import Database from 'better-sqlite3';
import type { VideoId } from '../../src-main/core/ids';
import { shippedBlendshapeNames } from '../../src-main/core/vision/actionTraces';

const DELETE_ACTIONS = 'DELETE FROM face_actions WHERE face_id IN (SELECT id FROM faces WHERE video_id = ?)';

/**
 * Replaces the video's facial actions: each face facing the camera gets the scores `scoresAt` gives for its frame
 * (the rest 0; null: none, as for a face turned away) and a zero action embedding; the analysis is version 2.
 */
export function addFaceActions(file: string, videoId: VideoId, scoresAt: (frameIndex: number) => Record<string, number> | null): void {
  const names = shippedBlendshapeNames();
  const db = new Database(file);
  try {
    const faces = db.prepare('SELECT id, frame_index AS frameIndex FROM faces WHERE video_id = ? AND turned_away = 0').all(videoId) as { id: number; frameIndex: number }[];
    const insert = db.prepare('INSERT INTO face_actions (face_id, scores, embedding) VALUES (?, ?, ?)');
    const embedding = Buffer.from(new Float32Array(64).buffer);
    db.transaction(() => {
      db.prepare(DELETE_ACTIONS).run(videoId);
      for (const face of faces) {
        const scores = scoresAt(face.frameIndex);
        if (scores === null) continue;
        insert.run(face.id, Buffer.from(Float32Array.from(names, (name) => scores[name] ?? 0).buffer), embedding);
      }
      db.prepare('UPDATE face_analyses SET descriptor_version = 2 WHERE video_id = ?').run(videoId);
    })();
  } finally {
    db.close();
  }
}

/** The video as an analysis made before facial actions stored it: no actions, descriptor version 1. */
export function asAnalysedBeforeActions(file: string, videoId: VideoId): void {
  const db = new Database(file);
  try {
    db.transaction(() => {
      db.prepare(DELETE_ACTIONS).run(videoId);
      db.prepare('UPDATE face_analyses SET descriptor_version = 1 WHERE video_id = ?').run(videoId);
    })();
  } finally {
    db.close();
  }
}
