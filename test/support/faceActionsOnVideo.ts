/**
 * Test support: facial actions on a video the real pipeline analysed, as an analysis of descriptor version 2 stores
 * them, until the pipeline runs the blendshape model itself (issue 16). Each face of the video gets the scores
 * `scoresAt` gives for its frame (the rest 0; null: none, as for a face turned away) and a zero action embedding,
 * and the analysis becomes version 2.
 */
import Database from 'better-sqlite3';
import type { VideoId } from '../../src-main/core/ids';
import { shippedBlendshapeNames } from '../../src-main/core/vision/actionTraces';

export function addFaceActions(file: string, videoId: VideoId, scoresAt: (frameIndex: number) => Record<string, number> | null): void {
  const names = shippedBlendshapeNames();
  const db = new Database(file);
  try {
    const faces = db.prepare('SELECT id, frame_index AS frameIndex FROM faces WHERE video_id = ? AND turned_away = 0').all(videoId) as { id: number; frameIndex: number }[];
    const insert = db.prepare('INSERT OR REPLACE INTO face_actions (face_id, scores, embedding) VALUES (?, ?, ?)');
    const embedding = Buffer.from(new Float32Array(64).buffer);
    db.transaction(() => {
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
