/**
 * A damaged project: a real project file with several videos, face analysis and labels over many pages, some
 * pages overwritten with random bytes. It must open read-only and say why (not fail later), refuse every write
 * in one sentence, and salvage must bring back every label that lived on an undamaged page, bit-identical,
 * and the lab encoder files the studio wrote into the project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildSyntheticProject, damagePages, leafPages, rowidsOnPage } from '../../../test/support/syntheticProject';
import { LAB_DIM, writeLabEncoder } from '../../../test/support/labEncoder';
import { testVideo } from '../../../test/support/testMedia';
import { ENCODERS_DIR } from '../analysis/projectEncoders';
import { requestAnalysis } from '../app/analysis';
import { importEncoder, useEncoder, type EncoderView } from '../app/encoders';
import { requestImport } from '../app/videos';
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { getAnalysis } from './analysisStore';
import { appendLabel, currentLabels } from './labelStore';
import type { ModelId } from './modelStore';
import { FIRST_PERSON, listPersons, renamePerson, setPersonCoded } from './personStore';
import { openProjectDb } from './projectDb';
import { createProject, PROJECT_DB_FILE } from './projectFolder';
import { addSecondPerson } from '../../../test/support/twoPersons';
import { ProjectSession } from '../studio/projectSession';
import { salvageProject } from './salvage';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-salvage-'));
type LabelRow = Record<string, unknown>;

function allRows(file: string, sql: string): LabelRow[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as LabelRow[];
  } finally {
    db.close();
  }
}

function damagedProject() {
  const dir = path.join(tempDir(), 'study');
  const { file, videoIds } = buildSyntheticProject(dir, { videos: 3, framesPerVideo: 600, labelsPerVideo: 150, annotators: 2, analysedVideos: 1, embeddingDim: 64 });
  const before = allRows(file, 'SELECT * FROM labels ORDER BY id');
  const faceRows = allRows(file, 'SELECT * FROM faces ORDER BY id').length;
  const pages = leafPages(file, 'labels');
  // Two leaf pages in the middle of the labels table and one of its index: damage anywhere but the pages' edges.
  const damaged = [pages[3] as number, pages[Math.floor(pages.length / 2)] as number];
  const lostIds = new Set(damaged.flatMap((page) => rowidsOnPage(file, page)));
  const indexPage = leafPages(file, 'labels_by_frame')[1] as number;
  damagePages(file, [...damaged, indexPage]);
  return { dir, file, videoIds, before, lostIds, pages, faceRows };
}

describe('a damaged project', () => {
  it('opens read-only naming the damage, and refuses a write in one sentence', async () => {
    const { dir, videoIds } = damagedProject();
    const session = ProjectSession.open(dir);
    try {
      expect(session.access.mode).toBe('read-only');
      if (session.access.mode === 'read-only') {
        expect(session.access.reason).toMatch(/^its database is damaged \(.+\): copy what is readable into a new project with `affect-studio project salvage /);
      }
      const write = () => appendLabel(session.db, { videoId: videoIds[0] as VideoId, personId: FIRST_PERSON, frameIndex: 1, annotatorId: 1 as AnnotatorId, valence: 0, arousal: 0, origin: 'manual' });
      expect(write).toThrow(StudioError);
      expect(write).toThrow(/^Not saved: this project is open read-only because its database is damaged/);
      expect(session.jobs.list().length).toBe(0);
    } finally {
      await session.close();
    }
  });

  it('salvages every label on an undamaged page, bit-identical, into a project that opens read-write', async () => {
    const { dir, before, lostIds, pages, faceRows } = damagedProject();
    expect(pages.length).toBeGreaterThan(10);
    expect(before.length).toBe(900);
    expect(lostIds.size).toBeGreaterThan(20);

    const target = path.join(tempDir(), 'rescued');
    const report = salvageProject(dir, target);

    const labels = report.tables.find((table) => table.table === 'labels');
    expect(labels).toMatchObject({ copied: before.length - lostIds.size, lost: lostIds.size });
    const ranges = [...lostIds].sort((a, b) => a - b);
    expect(labels?.details.join('; ')).toContain(`${ranges[0]}-`);
    for (const table of ['annotators', 'videos', 'frames', 'models', 'face_analyses', 'faces', 'embeddings', 'face_expressions']) {
      expect(report.tables.find((t) => t.table === table)?.lost, table).toBe(0);
    }
    expect(report.tables.find((t) => t.table === 'faces')?.copied).toBe(faceRows);
    expect(report.reanalyse).toEqual([]);

    const after = new Map(allRows(path.join(target, 'project.sqlite'), 'SELECT * FROM labels').map((row) => [row.id, row]));
    for (const row of before) {
      if (lostIds.has(row.id as number)) expect(after.has(row.id)).toBe(false);
      else expect(after.get(row.id)).toStrictEqual(row);
    }

    const rescued = ProjectSession.open(target);
    try {
      expect(rescued.access).toEqual({ mode: 'read-write' });
      const id = appendLabel(rescued.db, { videoId: 1 as VideoId, personId: FIRST_PERSON, frameIndex: 5, annotatorId: 1 as AnnotatorId, valence: 0.5, arousal: -0.5, origin: 'manual' });
      expect(id).toBeGreaterThan(before.length);
    } finally {
      await rescued.close();
    }
  });

  it('drops the face analysis of a video whose faces were partly lost, and says to analyse it again', () => {
    const dir = path.join(tempDir(), 'study');
    const { file } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 300, labelsPerVideo: 20, annotators: 1, analysedVideos: 2, embeddingDim: 64 });
    const facesPerVideo = allRows(file, 'SELECT video_id, count(*) AS n FROM faces GROUP BY video_id');
    const facePages = leafPages(file, 'faces');
    const page = facePages[Math.floor(facePages.length / 4)] as number;
    const lost = rowidsOnPage(file, page);
    damagePages(file, [page]);

    const report = salvageProject(dir, path.join(tempDir(), 'rescued'));
    expect(report.tables.find((t) => t.table === 'faces')?.details).toEqual([`rowids ${lost[0]}-${lost.at(-1)} unreadable`]);
    expect(report.reanalyse).toEqual([1]);
    const kept = allRows(path.join(report.to, 'project.sqlite'), 'SELECT video_id, count(*) AS n FROM faces GROUP BY video_id');
    expect(kept).toEqual(facesPerVideo.filter((row) => row.video_id === 2));
    expect(allRows(path.join(report.to, 'project.sqlite'), 'SELECT video_id FROM face_analyses')).toEqual([{ video_id: 2 }]);
    expect(report.tables.find((t) => t.table === 'labels')?.lost).toBe(0);
  });

  it('says where the damage starts, not a made-up count, when the end of a table cannot be read', () => {
    const dir = path.join(tempDir(), 'study');
    const { file } = buildSyntheticProject(dir, { videos: 1, framesPerVideo: 300, labelsPerVideo: 200, annotators: 1, analysedVideos: 0, embeddingDim: 64 });
    const pages = leafPages(file, 'labels');
    // The last leaf is on the b-tree's rightmost path: with it gone, neither max(rowid) nor the table's size is known.
    const last = pages.at(-1) as number;
    const firstLost = rowidsOnPage(file, last)[0] as number;
    const readable = allRows(file, 'SELECT * FROM labels ORDER BY id').filter((row) => (row.id as number) < firstLost);
    damagePages(file, [last]);

    const report = salvageProject(dir, path.join(tempDir(), 'rescued'));
    expect(report.tables.find((t) => t.table === 'labels')).toEqual({
      table: 'labels',
      copied: readable.length,
      lost: 0,
      details: [`rowids from ${firstLost} on unreadable, how many rows is unknown`],
    });
    expect(allRows(path.join(report.to, 'project.sqlite'), 'SELECT * FROM labels ORDER BY id')).toEqual(readable);
  });
});

describe('salvaging persons', () => {
  it("copies the persons with their names and choices, each face's and label's person with it", () => {
    const dir = path.join(tempDir(), 'study');
    const { file } = buildSyntheticProject(dir, { videos: 1, framesPerVideo: 100, labelsPerVideo: 5, annotators: 1, analysedVideos: 1, embeddingDim: 8 });
    addSecondPerson(file, 1 as VideoId, { from: 0, to: 40 });
    const source = openProjectDb(file, { create: false });
    renamePerson(source, 1 as VideoId, 2 as PersonId, 'child');
    setPersonCoded(source, 1 as VideoId, FIRST_PERSON, false);
    appendLabel(source, { videoId: 1 as VideoId, personId: 2 as PersonId, frameIndex: 7, annotatorId: 1 as AnnotatorId, valence: -0.3, arousal: 0.4, origin: 'manual' });
    source.close();

    const target = path.join(tempDir(), 'rescued');
    const report = salvageProject(dir, target);
    expect(report.tables.find((t) => t.table === 'persons')).toMatchObject({ copied: 2, lost: 0 });
    const rescued = openProjectDb(path.join(target, PROJECT_DB_FILE), { create: false });
    try {
      expect(listPersons(rescued, 1 as VideoId)).toEqual([
        { personId: 1, name: 'Person 1', coded: false, framesVisible: 90 },
        { personId: 2, name: 'child', coded: true, framesVisible: 40 },
      ]);
      expect(currentLabels(rescued, 1 as VideoId, { personId: 2 as PersonId }).map((l) => [l.frameIndex, l.valence])).toEqual([[7, -0.3]]);
      expect(currentLabels(rescued, 1 as VideoId, { personId: FIRST_PERSON })).toHaveLength(5);
    } finally {
      rescued.close();
    }
  });
});

describe('salvaging a project that uses a lab encoder', () => {
  it("copies the encoder's files the studio wrote, and nothing else of its folder, so the rescued project analyses with it", { timeout: 300_000 }, async () => {
    const dir = path.join(tempDir(), 'study');
    createProject(dir);
    const session = ProjectSession.open(dir);
    let lab: EncoderView;
    try {
      await requestImport(session, [testVideo('single_face.mp4')], false);
      await session.jobs.idle();
      lab = await importEncoder(session, writeLabEncoder(path.join(tempDir(), 'lab')));
      await useEncoder(session, lab.id as ModelId);
      await requestAnalysis(session);
      await session.jobs.idle();
      expect(getAnalysis(session.db, 1 as VideoId)?.encoderId).toBe(lab.id);
    } finally {
      await session.close();
    }
    const encoders = path.join(dir, ENCODERS_DIR);
    const written = fs.readdirSync(encoders).sort();
    expect(written.map((f) => path.extname(f))).toEqual(['.json', '.onnx']);
    fs.writeFileSync(path.join(encoders, 'notes.txt'), 'a file the studio did not write');

    const target = path.join(tempDir(), 'rescued');
    const report = salvageProject(dir, target);
    expect(report.tables.find((t) => t.table === 'models')).toMatchObject({ lost: 0, details: [] });
    expect(fs.readdirSync(path.join(target, ENCODERS_DIR)).sort()).toEqual(written);
    for (const file of written) expect(fs.readFileSync(path.join(target, ENCODERS_DIR, file))).toEqual(fs.readFileSync(path.join(encoders, file)));

    // The rescued project reads its analysis with the lab's layout and analyses again with the lab's encoder.
    const rescued = ProjectSession.open(target);
    try {
      expect(rescued.predictor.layout()).toMatchObject({ embeddingDim: LAB_DIM });
      const [job] = await requestAnalysis(rescued, 1 as VideoId);
      await rescued.jobs.idle();
      expect(rescued.jobs.list().find((j) => j.id === job)).toMatchObject({ state: 'done', error: null });
      expect(getAnalysis(rescued.db, 1 as VideoId)).toMatchObject({ encoderId: lab.id, encoderName: lab.name });
      expect(getAnalysis(rescued.db, 1 as VideoId)?.finishedAt).toEqual(expect.any(String));
    } finally {
      await rescued.close();
    }

    // An encoder file changed since its import is not what the studio wrote: left behind, and the report says so.
    const onnx = written.find((f) => f.endsWith('.onnx')) as string;
    fs.appendFileSync(path.join(encoders, onnx), 'changed');
    const again = salvageProject(dir, path.join(tempDir(), 'rescued-again'));
    expect(again.tables.find((t) => t.table === 'models')?.details).toEqual([
      `encoder ${ENCODERS_DIR}/${onnx} not copied: it is missing or changed since it was imported; import the lab's encoder again`,
    ]);
    expect(fs.existsSync(path.join(again.to, ENCODERS_DIR))).toBe(false);
  });
});
