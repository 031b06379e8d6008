import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import Database from 'better-sqlite3';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { tempDir } from '../../../test/support/labelProject';
import type { AnnotatorId, LabelsRevision, VideoId } from '../ids';
import { migrations } from './migrations';
import { newestRun, runPredictions, saveRun, type NewRun } from './predictionStore';
import { openProjectDb, type Db } from './projectDb';
import { PROJECT_DB_FILE } from './projectFolder';
import { FIRST_PERSON } from './personStore';

let db: Db;
afterEach(() => db.close());

const FRAMES = 5000;
function run(annotatorId: number, labelsRevision: number, value: number): NewRun {
  const filled = () => new Float32Array(FRAMES).fill(value);
  return {
    videoId: 1 as VideoId, personId: FIRST_PERSON, annotatorId: annotatorId as AnnotatorId, pairHeadId: null, labelsRevision: labelsRevision as LabelsRevision, anchors: 4,
    valence: filled(), arousal: filled(), valenceSd: filled(), arousalSd: filled(), hasFace: Uint8Array.from({ length: FRAMES }, (_, f) => (f % 10 === 9 ? 0 : 1)),
  };
}

describe('model runs', () => {
  it('are written in chunks without showing half a run, then replace that annotator\'s older run only', async () => {
    const dir = path.join(tempDir(), 'study');
    buildSyntheticProject(dir, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: 2, annotators: 2, analysedVideos: 1, embeddingDim: 8 });
    db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false });
    const first = await saveRun(db, run(1, 10, 0.1));
    await saveRun(db, run(2, 11, -0.2));
    const saving = saveRun(db, run(1, 12, 0.3));
    // Between two chunks the event loop is free, and readers still see the previous complete run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(newestRun(db, 1 as VideoId, FIRST_PERSON, 1 as AnnotatorId)).toMatchObject({ runId: first, labelsRevision: 10 });
    const second = await saving;
    expect(newestRun(db, 1 as VideoId, FIRST_PERSON, 1 as AnnotatorId)).toMatchObject({
      runId: second, labelsRevision: 12, priorHead: true, headName: 'circumplex prior', anchors: 4, fromCurrentAnalysis: true,
    });
    const rows = runPredictions(db, second as number);
    expect(rows).toHaveLength(FRAMES * 0.9);
    expect(rows[0]).toEqual({ frameIndex: 0, valence: 0.3, arousal: 0.3, valenceSd: 0.3, arousalSd: 0.3 });
    // The other annotator's run stays; the replaced one is gone.
    expect(newestRun(db, 1 as VideoId, FIRST_PERSON, 2 as AnnotatorId)?.labelsRevision).toBe(11);
    expect((db.prepare('SELECT count(*) AS n FROM model_runs').get() as { n: number }).n).toBe(2);
  });
});

describe('migration 5', () => {
  it("keeps a run that names one annotator as that annotator's and drops runs that name none or several", () => {
    const file = path.join(tempDir(), 'v4.sqlite');
    const old = new Database(file);
    for (const sql of migrations.slice(0, 4)) old.exec(sql);
    old.pragma('user_version = 4');
    old.exec(`INSERT INTO videos VALUES (1, 'video', '/v.mp4', 'v.mp4', 'h', 1, NULL, 2, 2, 0, 0, NULL, 'ready', NULL, 'now', NULL);
      INSERT INTO annotators (id, name, kind, created_at) VALUES (1, 'Ana', 'human', 'now'), (2, 'Ben', 'human', 'now');
      INSERT INTO models (id, kind, name, version, sha256, card, file, created_at) VALUES (1, 'pair_head', 'h', '1', 's', '{}', 'f', 'now');
      INSERT INTO model_runs (id, pair_head_id, encoder_id, video_id, settings, created_at) VALUES
        (1, 1, 1, 1, '{"trainingAnnotatorIds":[2],"anchors":3}', 'then'), (2, 1, 1, 1, '{"trainingAnnotatorIds":[1,2]}', 'then'), (3, 1, 1, 1, '{}', 'then');`);
    old.close();
    db = openProjectDb(file, { create: false });
    expect(db.prepare('SELECT id, annotator_id AS annotatorId, labels_revision AS revision, saved_at AS savedAt FROM model_runs').all()).toEqual([
      { id: 1, annotatorId: 2, revision: 0, savedAt: 'then' },
    ]);
    // Revision 0 is older than any label: the first export recomputes it.
    expect(newestRun(db, 1 as VideoId, FIRST_PERSON, 2 as AnnotatorId)).toMatchObject({ runId: 1, anchors: 3, labelsRevision: 0 });
  });
});
