import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureAnnotator } from './annotatorStore';
import { appendLabel, appendLabels, currentLabels, deleteLabel } from './labelStore';
import { createProject, PROJECT_DB_FILE } from './projectFolder';
import { openProjectDb, type Db } from './projectDb';
import { completeVideoIndex, insertIndexingVideo } from './videoStore';
import { FIRST_PERSON } from './personStore';

function projectWithVideo(frames = 100) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-labels-')), 'p');
  createProject(dir);
  const db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false });
  const videoId = insertIndexingVideo(db, {
    kind: 'video', path: '/v.mp4', displayName: 'v.mp4', contentHash: 'x', sizeBytes: 1, codec: 'h264', width: 2, height: 2, avgFps: 25,
  });
  completeVideoIndex(db, videoId, Array.from({ length: frames }, (_, i) => ({ frameIndex: i, ptsSec: i / 25 })));
  return { db, videoId, ann: ensureAnnotator(db, 'ana', 'human').id };
}

const rowCount = (db: Db) => (db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;

describe('append-only labels', () => {
  it('derives the current value from the newest row, and an edit adds a row', () => {
    const { db, videoId, ann } = projectWithVideo();
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 5, annotatorId: ann, valence: 0.1, arousal: 0.2, origin: 'manual' });
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 5, annotatorId: ann, valence: -0.5, arousal: 0.9, origin: 'manual' });
    expect(currentLabels(db, videoId)).toMatchObject([{ frameIndex: 5, valence: -0.5, arousal: 0.9 }]);
    expect(rowCount(db)).toBe(2);
  });

  it('a delete hides the label but keeps its history', () => {
    const { db, videoId, ann } = projectWithVideo();
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 3, annotatorId: ann, valence: 0.3, arousal: 0.3, origin: 'manual' });
    deleteLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 3, annotatorId: ann, origin: 'manual' });
    expect(currentLabels(db, videoId)).toEqual([]);
    expect(rowCount(db)).toBe(2);
  });

  it('keeps each annotator in a separate layer', () => {
    const { db, videoId, ann } = projectWithVideo();
    const bo = ensureAnnotator(db, 'bo', 'human').id;
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 1, annotatorId: ann, valence: 0.1, arousal: 0.1, origin: 'manual' });
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 1, annotatorId: bo, valence: -0.1, arousal: -0.1, origin: 'manual' });
    expect(currentLabels(db, videoId, { annotatorId: bo })).toMatchObject([{ annotatorId: bo, valence: -0.1 }]);
    expect(currentLabels(db, videoId)).toHaveLength(2);
  });

  it('refuses to update or delete a stored label row, whatever code tries', () => {
    const { db, videoId, ann } = projectWithVideo();
    appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 1, annotatorId: ann, valence: 0.1, arousal: 0.1, origin: 'manual' });
    expect(() => db.prepare('UPDATE labels SET valence = 0').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM labels').run()).toThrow(/append-only/);
  });

  it('refuses values outside [-1, 1] and frames the video does not have', () => {
    const { db, videoId, ann } = projectWithVideo(10);
    expect(() => appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 1, annotatorId: ann, valence: 1.5, arousal: 0, origin: 'manual' })).toThrow(/outside \[-1, 1\]/);
    expect(() => appendLabel(db, { videoId, personId: FIRST_PERSON, frameIndex: 10, annotatorId: ann, valence: 0, arousal: 0, origin: 'manual' })).toThrow(/FOREIGN KEY/);
  });

  it('saves a batch entirely or not at all', () => {
    const { db, videoId, ann } = projectWithVideo(10);
    const good = { videoId, personId: FIRST_PERSON, annotatorId: ann, valence: 0, arousal: 0, origin: 'live' as const };
    expect(() => appendLabels(db, [{ ...good, frameIndex: 1 }, { ...good, frameIndex: 2 }, { ...good, frameIndex: 99 }])).toThrow();
    expect(rowCount(db)).toBe(0);
  });
});
