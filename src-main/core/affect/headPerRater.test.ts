/**
 * A pair head per rater, on a real project file: a head trained on one rater's labels is that rater's only, so the
 * other rater (in blind mode too) keeps predictions from the prior; a head trained on two raters' labels is
 * nobody's; and migration 9 gives a project from before its active head back as the one rater's who trained it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { StudioError } from '../errors';
import type { AnnotatorId, VideoId } from '../ids';
import { getAnnotator, type Annotator } from '../store/annotatorStore';
import { migrations } from '../store/migrations';
import { activatePairHead, activePairHead, listHeadVersions } from '../store/modelStore';
import { FIRST_PERSON } from '../store/personStore';
import { openProjectDb } from '../store/projectDb';
import { ProjectSession } from '../studio/projectSession';
import { descriptorLayout } from './descriptorLayout';
import { storeTrainedHead, trainInWorker } from './headStore';
import { priorHead } from './priorHead';
import { trainingFrames } from './trainJob';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-head-per-rater-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ANA = 1 as AnnotatorId;
const BEN = 2 as AnnotatorId;

/** The synthetic project is analysed under descriptor version 1. */
const V1 = descriptorLayout(1);

describe('a pair head per rater', () => {
  it("uses a head only for the rater whose labels alone trained it; the other rater's predictions stay on the prior", { timeout: 120_000 }, async () => {
    const dir = path.join(root, 'two-raters');
    const { videoIds } = buildSyntheticProject(dir, { videos: 1, framesPerVideo: 400, labelsPerVideo: 40, annotators: 2, analysedVideos: 1 });
    const video = videoIds[0] as VideoId;
    const session = ProjectSession.open(dir);
    try {
      const [ana, ben] = [getAnnotator(session.db, ANA), getAnnotator(session.db, BEN)] as Annotator[];
      const before = session.predictor.predict(video, FIRST_PERSON, BEN);
      expect(before.head.modelId).toBeNull();

      const { frames } = trainingFrames(session, ANA);
      const result = await trainInWorker(frames, { start: priorHead(V1), seed: 1, maxSteps: 150 });
      const anas = storeTrainedHead(session.db, dir, result, V1, { labels: frames.length, annotators: [ana as Annotator], videos: 1 });
      session.predictor.reset();
      expect(session.predictor.predict(video, FIRST_PERSON, ANA).head).toMatchObject({ modelId: anas.modelId, version: '1' });
      // Ben's predictions come from the prior as before, value for value: Ana's head never reaches them.
      const benAfter = session.predictor.predict(video, FIRST_PERSON, BEN);
      expect(benAfter.head.modelId).toBeNull();
      expect(Array.from(benAfter.valence)).toEqual(Array.from(before.valence));
      expect(session.predictor.heldBackInput(video, FIRST_PERSON, BEN).training).toBeNull();

      // Ben trains his own: each rater now has theirs, and Ana's stays hers.
      const bens = storeTrainedHead(session.db, dir, result, V1, { labels: frames.length, annotators: [ben as Annotator], videos: 1 });
      session.predictor.reset();
      expect(session.predictor.predict(video, FIRST_PERSON, ANA).head.modelId).toBe(anas.modelId);
      expect(session.predictor.predict(video, FIRST_PERSON, BEN).head.modelId).toBe(bens.modelId);
      expect(listHeadVersions(session.db).map((h) => [h.version, h.trainedBy, h.active])).toEqual([['1', ['Rater 1'], true], ['2', ['Rater 2'], true]]);

      // A head both raters' labels trained is kept, but is no rater's head, and cannot be made one.
      const joint = storeTrainedHead(session.db, dir, result, V1, { labels: frames.length, annotators: [ana as Annotator, ben as Annotator], videos: 1 });
      expect(activePairHead(session.db, ANA)?.id).toBe(anas.modelId);
      expect(() => activatePairHead(session.db, joint.modelId)).toThrow(StudioError);
      // Even pointed at it directly, the rule in activePairHead refuses it.
      session.db.prepare('UPDATE active_heads SET model_id = ? WHERE annotator_id = ?').run(joint.modelId, BEN);
      expect(activePairHead(session.db, BEN)).toBeUndefined();
      session.predictor.reset();
      expect(session.predictor.predict(video, FIRST_PERSON, BEN).head.modelId).toBeNull();

      // Ana makes a newer head of hers active, then her first again: only her predictions follow.
      const anas2 = storeTrainedHead(session.db, dir, result, V1, { labels: frames.length, annotators: [ana as Annotator], videos: 1 });
      expect(activePairHead(session.db, ANA)?.id).toBe(anas2.modelId);
      activatePairHead(session.db, anas.modelId);
      expect(activePairHead(session.db, ANA)?.id).toBe(anas.modelId);
      expect(listHeadVersions(session.db).filter((h) => h.active).map((h) => h.version)).toEqual(['1']);
    } finally {
      await session.close();
    }
  });
});

describe('migration 9', () => {
  it("makes a project's one active head the active head of the rater named in its card, and nobody else's", () => {
    const file = path.join(root, 'v8.sqlite');
    const old = new Database(file);
    for (const sql of migrations.slice(0, 8)) old.exec(sql);
    old.pragma('user_version = 8');
    const card = (annotators: string) => JSON.stringify({ name: 'project-pair-head', trainingData: `40 labelled frames of 1 video(s) in this project, annotators: ${annotators}` });
    old.exec(`INSERT INTO annotators (id, name, kind, created_at) VALUES (1, 'Ana', 'human', 'now'), (2, 'Ben', 'human', 'now'), (3, 'Ana B', 'human', 'now');`);
    const head = old.prepare(`INSERT INTO models (id, kind, name, version, sha256, card, file, active, created_at) VALUES (?, 'pair_head', 'project-pair-head', ?, ?, ?, ?, ?, 'now')`);
    head.run(1, '1', 'a', card('Ben'), 'models/pair-head-v1.onnx', 0);
    head.run(2, '2', 'b', card('Ana'), 'models/pair-head-v2.onnx', 1);
    head.run(3, '3', 'c', card('Renamed since'), 'models/pair-head-v3.onnx', 0);
    old.close();

    const db = openProjectDb(file, { create: false });
    try {
      expect(activePairHead(db, ANA)?.id).toBe(2);
      // Ben trained version 1, which was not the active head: he starts from the prior; so does "Ana B".
      expect(activePairHead(db, BEN)).toBeUndefined();
      expect(activePairHead(db, 3 as AnnotatorId)).toBeUndefined();
      expect(listHeadVersions(db).map((h) => [h.version, h.trainedBy, h.active])).toEqual([
        ['1', ['Ben'], false],
        ['2', ['Ana'], true],
        ['3', [], false],
      ]);
      expect(db.prepare(`SELECT count(*) AS n FROM models WHERE kind = 'pair_head' AND active = 1`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});
