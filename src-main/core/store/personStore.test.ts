/**
 * The persons of a video on a real project file: two people side by side (the synthetic project's subject and a
 * second person written as analysis links them), merged and split without losing a label, a clicked point
 * resolved to a person, and a project from before persons opening with its one subject as person 1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { addSecondPerson, SECOND_PERSON_BOX, SECOND_PERSON_TRACK } from '../../../test/support/twoPersons';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { personAtPoint, personBoxesBetween } from './analysisStore';
import { appendLabel, applyLabelEdits, currentLabels } from './labelStore';
import { migrations } from './migrations';
import { FIRST_PERSON, listPersons, mergePersons, splitPerson } from './personStore';
import { newestRun } from './predictionStore';
import { openProjectDb, type Db } from './projectDb';
import { PROJECT_DB_FILE } from './projectFolder';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-persons-'));
const VIDEO = 1 as VideoId;
const ANA = 1 as AnnotatorId;
const P2 = 2 as PersonId;

let db: Db | undefined;
afterEach(() => db?.close());

/** 200 frames: person 1 on 9 frames in 10 (as the synthetic analysis writes), person 2 on frames 0-119. */
function twoPersonProject(): Db {
  const dir = path.join(tempDir(), 'study');
  buildSyntheticProject(dir, { videos: 1, framesPerVideo: 200, labelsPerVideo: 0, annotators: 1, analysedVideos: 1, embeddingDim: 8 });
  addSecondPerson(path.join(dir, PROJECT_DB_FILE), VIDEO, { from: 0, to: 120 });
  db = openProjectDb(path.join(dir, PROJECT_DB_FILE), { create: false });
  return db;
}

function label(target: Db, personId: PersonId, frameIndex: number, valence: number): void {
  applyLabelEdits(target, { videoId: VIDEO, personId, annotatorId: ANA, origin: 'manual', sets: [{ frameIndex, valence, arousal: valence / 2 }], deletes: [] });
}

const values = (target: Db, personId: PersonId) =>
  currentLabels(target, VIDEO, { personId }).map((l) => [l.frameIndex, l.valence] as const);

describe('persons of a video', () => {
  it('lists each person with the frames they are visible on, and keeps their labels apart', () => {
    const target = twoPersonProject();
    expect(listPersons(target, VIDEO)).toEqual([
      { personId: 1, name: 'Person 1', coded: true, framesVisible: 180 },
      { personId: 2, name: 'Person 2', coded: true, framesVisible: 120 },
    ]);
    label(target, FIRST_PERSON, 10, 0.8);
    label(target, P2, 10, -0.7);
    label(target, P2, 60, -0.5);
    expect(values(target, FIRST_PERSON)).toEqual([[10, 0.8]]);
    expect(values(target, P2)).toEqual([[10, -0.7], [60, -0.5]]);
  });

  it('merges one person into another with every label, appended; refuses, changing nothing, where both have a label on a frame', () => {
    const target = twoPersonProject();
    label(target, FIRST_PERSON, 10, 0.8);
    label(target, FIRST_PERSON, 50, 0.6);
    label(target, P2, 10, -0.7);
    label(target, P2, 60, -0.5);
    const rows = () => (target.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;
    const before = rows();
    expect(() => mergePersons(target, VIDEO, FIRST_PERSON, P2)).toThrow(
      /^Person 2 and Person 1 both have labels by the same annotator on frame 10; delete one of each pair, then merge again\. Nothing was changed\.$/,
    );
    expect(rows()).toBe(before);
    expect(listPersons(target, VIDEO)).toHaveLength(2);

    applyLabelEdits(target, { videoId: VIDEO, personId: P2, annotatorId: ANA, origin: 'manual', sets: [], deletes: [10] });
    const change = mergePersons(target, VIDEO, FIRST_PERSON, P2);
    expect(change).toMatchObject({ labelsMoved: 1, facesMoved: 120 });
    expect(change.persons).toEqual([{ personId: 1, name: 'Person 1', coded: true, framesVisible: 192 }]);
    expect(values(target, FIRST_PERSON)).toEqual([[10, 0.8], [50, 0.6], [60, -0.5]]);
    expect(values(target, P2)).toEqual([]);
    // Append-only: person 2's label is still in the history, deleted, and person 1's copy is a new row.
    expect(target.prepare("SELECT person_id AS p, op FROM labels WHERE frame_index = 60 ORDER BY id").all()).toEqual([
      { p: 2, op: 'set' }, { p: 2, op: 'delete' }, { p: 1, op: 'set' },
    ]);
  });

  it("splits a person from a frame on, or by track, and every label ends up with exactly one of the two", () => {
    const target = twoPersonProject();
    for (const [frame, value] of [[5, 0.1], [130, 0.2], [150, 0.3], [199, 0.4]] as const) label(target, FIRST_PERSON, frame, value);
    const fromFrame = splitPerson(target, VIDEO, FIRST_PERSON, { fromFrame: 140 });
    expect(fromFrame.newPersonId).toBe(3);
    expect(fromFrame.labelsMoved).toBe(2);
    expect(values(target, FIRST_PERSON)).toEqual([[5, 0.1], [130, 0.2]]);
    expect(values(target, 3 as PersonId)).toEqual([[150, 0.3], [199, 0.4]]);
    expect(listPersons(target, VIDEO).map((p) => [p.personId, p.framesVisible])).toEqual([[1, 126], [2, 120], [3, 54]]);
    expect(() => splitPerson(target, VIDEO, 3 as PersonId, { trackId: SECOND_PERSON_TRACK })).toThrow(/^Person 3 has no face in track 2; name a track of theirs/);

    // Person 2 joins person 1, then their track is split off again: labels on frames where person 1 keeps a face
    // of their own stay (whom they were about cannot be told); person 2's frames alone go with the track.
    label(target, P2, 60, -0.5);
    applyLabelEdits(target, { videoId: VIDEO, personId: FIRST_PERSON, annotatorId: ANA, origin: 'manual', sets: [], deletes: [5] });
    label(target, P2, 119, -0.9);
    mergePersons(target, VIDEO, FIRST_PERSON, P2);
    const byTrack = splitPerson(target, VIDEO, FIRST_PERSON, { trackId: SECOND_PERSON_TRACK });
    expect(byTrack.newPersonId).toBe(4);
    expect(values(target, 4 as PersonId)).toEqual([[119, -0.9]]);
    expect(values(target, FIRST_PERSON)).toEqual([[60, -0.5], [130, 0.2]]);
  });

  it("finds the person whose face box holds a clicked point, the smaller box where two overlap", () => {
    const target = twoPersonProject();
    const inside = { x: SECOND_PERSON_BOX.x + 10, y: SECOND_PERSON_BOX.y + 10 };
    expect(personAtPoint(target, VIDEO, 5, inside.x, inside.y)).toBe(2);
    expect(personAtPoint(target, VIDEO, 5, 250, 200)).toBe(1);
    expect(personAtPoint(target, VIDEO, 5, 10, 10)).toBeNull();
    expect(personAtPoint(target, VIDEO, 150, inside.x, inside.y)).toBeNull();
  });

  it('names each person on a frame with its box, and says which face is turned away (drawn greyed, no prediction)', () => {
    const target = twoPersonProject();
    // Analysis marks a face turned away in its faces row; here person 2's face on frame 5 is.
    target.prepare('UPDATE faces SET turned_away = 1 WHERE video_id = ? AND frame_index = 5 AND person_id = 2').run(VIDEO);
    const boxes = personBoxesBetween(target, VIDEO, 5, 6)[0]?.boxes ?? [];
    expect(boxes.map((b) => [b.personId, b.turnedAway])).toEqual([[1, false], [2, true]]);
    expect(boxes[1]?.box).toEqual(SECOND_PERSON_BOX);
    expect(personBoxesBetween(target, VIDEO, 6, 7)[0]?.boxes.map((b) => b.turnedAway)).toEqual([false, false]);
  });

  it('gives a chunk of frames their boxes in one query, in frame order, each person once per frame', () => {
    const target = twoPersonProject();
    // Person 2 is seen up to frame 119: a chunk across that frame shows them and then only person 1.
    // (The synthetic analysis leaves a few frames without a face: those are left out.)
    const chunk = personBoxesBetween(target, VIDEO, 110, 130);
    const frames = chunk.map((f) => f.frameIndex);
    expect(frames.length).toBeGreaterThan(15);
    expect(frames).toEqual([...new Set(frames)].sort((a, b) => a - b));
    expect(frames[0]).toBeGreaterThanOrEqual(110);
    expect(frames.at(-1)).toBeLessThan(130);
    const persons = chunk.map((f) => f.boxes.map((b) => b.personId));
    expect(persons.every((ids) => ids.join() === [...new Set(ids)].sort().join())).toBe(true);
    expect(chunk.map((f) => [f.frameIndex, f.boxes.some((b) => b.personId === P2)])).toEqual(frames.map((f) => [f, f < 120]));
    expect(persons.filter((ids) => ids.includes(FIRST_PERSON)).length).toBeGreaterThan(15);
    expect(chunk[0]?.boxes[1]?.box).toEqual(SECOND_PERSON_BOX);
    expect(personBoxesBetween(target, VIDEO, 200, 260)).toEqual([]);
  });
});

describe('migration 6', () => {
  it('opens a project from before persons with its labels and model run as person 1', () => {
    const file = path.join(tempDir(), 'v5.sqlite');
    const old = new Database(file);
    for (const sql of migrations.slice(0, 5)) old.exec(sql);
    old.pragma('user_version = 5');
    old.exec(`INSERT INTO videos VALUES (1, 'video', '/v.mp4', 'v.mp4', 'h', 1, NULL, 2, 2, 3, 0.1, 30, 'ready', NULL, 'now', NULL);
      INSERT INTO frames (video_id, frame_index, pts_sec) VALUES (1, 0, 0), (1, 1, 0.033), (1, 2, 0.067);
      INSERT INTO annotators (id, name, kind, created_at) VALUES (1, 'Ana', 'human', 'now');
      INSERT INTO models (id, kind, name, version, sha256, card, file, created_at) VALUES (1, 'pair_head', 'h', '1', 's', '{}', 'f', 'now');
      INSERT INTO labels (video_id, frame_index, annotator_id, op, valence, arousal, origin, created_at) VALUES
        (1, 0, 1, 'set', 0.5, -0.5, 'manual', 'then'), (1, 2, 1, 'set', 0.25, 0.75, 'manual', 'then');
      INSERT INTO model_runs (id, pair_head_id, encoder_id, video_id, annotator_id, labels_revision, settings, created_at, saved_at)
        VALUES (1, 1, 1, 1, 1, 2, '{"anchors":2}', 'then', 'then');`);
    old.close();
    db = openProjectDb(file, { create: false });
    expect(listPersons(db, VIDEO)).toEqual([{ personId: 1, name: 'Person 1', coded: true, framesVisible: 0 }]);
    expect(currentLabels(db, VIDEO, { personId: FIRST_PERSON }).map((l) => [l.frameIndex, l.valence, l.arousal])).toEqual([[0, 0.5, -0.5], [2, 0.25, 0.75]]);
    expect(currentLabels(db, VIDEO, { personId: P2 })).toEqual([]);
    expect(newestRun(db, VIDEO, FIRST_PERSON, ANA)).toMatchObject({ runId: 1, personId: 1, anchors: 2, labelsRevision: 2 });
    // And labels keep coming as person 1's: the first label after the migration lands beside the old ones.
    appendLabel(db, { videoId: VIDEO, personId: FIRST_PERSON, frameIndex: 1, annotatorId: ANA, valence: 0, arousal: 0, origin: 'manual' });
    expect(currentLabels(db, VIDEO, { personId: FIRST_PERSON })).toHaveLength(3);
  });
});
