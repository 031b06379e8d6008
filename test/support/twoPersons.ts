/**
 * Test support: a second person beside the one the synthetic project's analysis follows. Until analysis links
 * several face tracks into persons, this writes what it would: faces rows of person 2 (their own track, box to the
 * right of person 1's, their own embedding and expression logits) on a range of frames, and person 2's row.
 */
import Database from 'better-sqlite3';
import { seededRandom } from '../../src-main/core/affect/random';
import type { VideoId } from '../../src-main/core/ids';

/** Person 2's face box, in video pixels (person 1's synthetic face sits at x 200-390). */
export const SECOND_PERSON_BOX = { x: 430, y: 120, w: 150, h: 170 } as const;
export const SECOND_PERSON_TRACK = 2;

export function addSecondPerson(file: string, videoId: VideoId, frames: { from: number; to: number }): void {
  const db = new Database(file);
  try {
    const random = seededRandom(11);
    const { encoderId } = db.prepare('SELECT encoder_id AS encoderId FROM face_analyses WHERE video_id = ?').get(videoId) as { encoderId: number };
    const { dim } = db.prepare('SELECT e.dim FROM embeddings e JOIN faces f ON f.id = e.face_id WHERE f.video_id = ? LIMIT 1').get(videoId) as { dim: number };
    const insertFace = db.prepare(
      `INSERT INTO faces (video_id, frame_index, track_id, box_x, box_y, box_w, box_h, score, landmarks, person_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0.8, ?, 2)`,
    );
    const insertEmbedding = db.prepare('INSERT INTO embeddings (face_id, model_id, dim, vector) VALUES (?, ?, ?, ?)');
    const insertLogits = db.prepare('INSERT INTO face_expressions (face_id, model_id, dim, logits) VALUES (?, ?, 7, ?)');
    const floats = (n: number, scale: number) => Buffer.from(Float32Array.from({ length: n }, () => (random() - 0.5) * scale).buffer);
    db.transaction(() => {
      const { x, y, w, h } = SECOND_PERSON_BOX;
      for (let frame = frames.from; frame < frames.to; frame++) {
        const landmarks = Buffer.from(Float32Array.from({ length: 468 * 3 }, (_, i) => (i % 3 === 0 ? x + random() * w : i % 3 === 1 ? y + random() * h : 0)).buffer);
        const faceId = insertFace.run(videoId, frame, SECOND_PERSON_TRACK, x, y, w, h, landmarks).lastInsertRowid;
        insertEmbedding.run(faceId, encoderId, dim, floats(dim, 2));
        insertLogits.run(faceId, encoderId, floats(7, 4));
      }
      db.prepare("INSERT INTO persons (video_id, person_id, name, coded) VALUES (?, 2, 'Person 2', 1) ON CONFLICT DO NOTHING").run(videoId);
    })();
  } finally {
    db.close();
  }
}
