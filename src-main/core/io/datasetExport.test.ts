/**
 * The `dataset` export end to end on a real video (single_face.mp4, imported and analysed here with the real
 * analyze job), with synthetic labels from two annotators; the split on several videos that borrow its frames
 * and faces; and the refusals (overwrite, a video never analysed).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPredictions, addVideo, newSession, tempDir } from '../../../test/support/labelProject';
import { ANALYZE_JOB } from '../analysis/analyzeJob';
import type { AnnotatorId, VideoId } from '../ids';
import { IMPORT_JOB } from '../ingest/importJob';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';
import { ensureAnnotator } from '../store/annotatorStore';
import { appendLabels, currentLabels } from '../store/labelStore';
import type { ProjectSession } from '../studio/projectSession';
import { completeVideoIndex, insertIndexingVideo, listFrames, listVideos, type VideoRecord } from '../store/videoStore';
import { parseCsv } from './csv';
import { exportDataset, LABEL_COLUMNS } from './datasetExport';
import { assignSplits, parseSplitRatios, SPLIT_NAMES } from './datasetSplit';
import { ExportLedger } from './exportLedger';
import { actionColumnName } from './tableFormats';
import { DEFAULT_TRACE_IDS } from '../vision/actionTraces';
import { testVideo } from '../../../test/support/testMedia';
import { FIRST_PERSON } from '../store/personStore';

/** One studio settings folder for the whole file: what one export wrote, a later one may replace. */
const ledger = new ExportLedger(tempDir());

const VIDEO = testVideo('single_face.mp4');

let session: ProjectSession;
let real: VideoRecord;
let ana: AnnotatorId;
let ben: AnnotatorId;

function label(videoId: VideoId, annotatorId: AnnotatorId, frames: number[], value: (f: number) => number) {
  appendLabels(session.db, frames.map((frameIndex) => ({ videoId, personId: FIRST_PERSON, frameIndex, annotatorId, valence: value(frameIndex), arousal: -value(frameIndex) / 2, origin: 'manual' as const })));
}

/** The analysis stores facial actions, so labels.csv ends with the default traces, on [0, 1] (empty without actions). */
const ACTION_COLUMNS = DEFAULT_TRACE_IDS.map(actionColumnName);

/** labels.csv as objects keyed by column; `actions`: whether its videos were analysed with facial actions. */
function readLabels(dir: string, actions = true): Record<string, string>[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(dir, 'labels.csv'), 'utf8'));
  expect(header?.fields).toEqual([...LABEL_COLUMNS, ...(actions ? ACTION_COLUMNS : [])]);
  const records = rows.map((r) => Object.fromEntries(r.fields.map((v, i) => [header?.fields[i] as string, v])));
  if (!actions) return records;
  const values = records.flatMap((record) => ACTION_COLUMNS.map((column) => record[column] as string)).filter((v) => v !== '');
  expect(values.length).toBeGreaterThan(0);
  expect(values.every((v) => Number(v) >= 0 && Number(v) <= 1)).toBe(true);
  return records;
}

/** Width, height and colour type from a PNG's IHDR chunk. */
function pngInfo(file: string): { width: number; height: number; colourType: number } {
  const head = fs.readFileSync(file).subarray(0, 26);
  expect(head.subarray(1, 4).toString()).toBe('PNG');
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20), colourType: head[25] as number };
}

function facesOn(videoId: VideoId): Set<number> {
  return new Set((session.db.prepare('SELECT frame_index AS f FROM faces WHERE video_id = ?').all(videoId) as { f: number }[]).map((r) => r.f));
}

beforeAll(async () => {
  session = newSession();
  session.jobs.enqueue(IMPORT_JOB, { paths: [VIDEO] });
  await session.jobs.idle();
  real = listVideos(session.db)[0] as VideoRecord;
  const job = session.jobs.enqueue(ANALYZE_JOB, { videoId: real.id });
  await session.jobs.idle();
  const record = session.jobs.get(job);
  if (record?.state !== 'done') throw new Error(`analyse: ${record?.state} ${record?.error}`);
  ana = ensureAnnotator(session.db, 'Ana', 'human').id;
  ben = ensureAnnotator(session.db, 'Ben', 'human').id;
  label(real.id, ana, Array.from({ length: 18 }, (_, i) => i * 4), (f) => Math.round((f / 72 - 0.5) * 1000) / 1000);
  label(real.id, ben, Array.from({ length: 12 }, (_, i) => i * 6), (f) => Math.round((0.5 - f / 72) * 1000) / 1000);
}, 120_000);

afterAll(() => session.close());

describe('dataset export on a real analysed video', () => {
  it('writes one aligned 224x224 RGB crop per labelled frame with a face, the labels, the split and a README', async () => {
    const folder = tempDir();
    const result = await exportDataset(session.db, { folder, name: 'ds', overwrite: false, ledger });
    const dir = path.join(fs.realpathSync(folder), 'ds');
    expect(result.folder).toBe(dir);

    const labelled = new Set([...currentLabels(session.db, real.id).map((l) => l.frameIndex)]);
    const withFace = [...labelled].filter((f) => facesOn(real.id).has(f));
    expect(withFace.length).toBeGreaterThan(20); // single_face.mp4 has the face on every frame
    const images = fs.readdirSync(path.join(dir, 'images', `${real.id}-single_face`)).sort();
    expect(images).toEqual(withFace.sort((a, b) => a - b).map((f) => `${String(f).padStart(6, '0')}.png`));
    expect(result.images).toBe(withFace.length);
    for (const image of images) expect(pngInfo(path.join(dir, 'images', `${real.id}-single_face`, image))).toEqual({ width: 224, height: 224, colourType: 2 });

    // A face, not a black or flat square: the crop centre is brighter and busier than nothing.
    const rgb = execFileSync(resolveFfmpegPaths().ffmpeg, ['-v', 'error', '-i', path.join(dir, 'images', `${real.id}-single_face`, images[0] as string), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    expect(rgb.length).toBe(224 * 224 * 3);
    const mean = rgb.reduce((a, b) => a + b, 0) / rgb.length;
    const sd = Math.sqrt(rgb.reduce((a, b) => a + (b - mean) ** 2, 0) / rgb.length);
    expect(mean).toBeGreaterThan(30);
    expect(sd).toBeGreaterThan(10);

    // Rows: exactly the project's current labels of both annotators, on frames with a face.
    const rows = readLabels(dir);
    const names = new Map([[ana, 'Ana'], [ben, 'Ben']]);
    const expected = currentLabels(session.db, real.id)
      .filter((l) => facesOn(real.id).has(l.frameIndex))
      .map((l) => `${names.get(l.annotatorId)} ${l.frameIndex} ${l.valence} ${l.arousal}`)
      .sort();
    expect(rows.map((r) => `${r.annotator} ${r.frame} ${Number(r.valence)} ${Number(r.arousal)}`).sort()).toEqual(expected);
    expect(expected.length).toBe(30);
    for (const r of rows) {
      expect(r).toMatchObject({ split: 'train', video_id: String(real.id), video: 'single_face.mp4', source: 'human', alignment: 'landmarks', model_version: '' });
      expect(fs.existsSync(path.join(dir, r.image as string))).toBe(true);
      expect(r.image).toBe(`images/${real.id}-single_face/${String(r.frame).padStart(6, '0')}.png`);
    }
    // Frames labelled by both share one image.
    expect(rows.filter((r) => r.frame === '12').map((r) => r.annotator)).toEqual(['Ana', 'Ben']);

    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    for (const part of ['## Columns of labels.csv', '[-1, 1]', '10 * v', 'Affect Studio', 'Ana: 18 rows', 'Ben: 12 rows', 'own footage', 'emotion-xception']) {
      expect(readme).toContain(part);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'dataset.json'), 'utf8')) as { format: string; split: { counts: Record<string, { images: number }> } };
    expect(manifest.format).toBe('affect-studio-dataset');
    expect(manifest.split.counts.train?.images).toBe(withFace.length);
    // Nothing but the export is left beside it (the temp folder was renamed into place).
    expect(fs.readdirSync(folder)).toEqual(['ds']);
    expect(fs.existsSync(path.join(dir, '.encode'))).toBe(false);
  }, 60_000);

  it('exports one annotator as JPEG at another size, and flags predictions when asked for them', async () => {
    const run = addPredictions(session, real.id, real.frameCount, ensureAnnotator(session.db, 'Ben', 'human').id);
    try {
      const folder = tempDir();
      const result = await exportDataset(session.db, { folder, name: 'ben', overwrite: false, ledger }, { annotators: ['Ben'], predictions: true, cropSize: 64, imageFormat: 'jpeg' });
      const dir = result.folder;
      const rows = readLabels(dir);
      const human = rows.filter((r) => r.source === 'human');
      expect(human.map((r) => r.annotator)).toEqual(Array(12).fill('Ben'));
      const predicted = rows.filter((r) => r.source === 'predicted');
      // Every other frame with a face gets the model's prediction, flagged, with its model and sds.
      expect(predicted.length).toBe(facesOn(real.id).size - 12);
      expect(predicted[0]).toMatchObject({ annotator: '', model_version: 'mtclar 1.2 from 3 labels of Ben (revision 0)', valence_sd: '0.2', arousal_sd: '0.1' });
      expect(new Set(rows.map((r) => r.image)).size).toBe(rows.length);
      const first = path.join(dir, rows[0]?.image as string);
      expect(first.endsWith('.jpg')).toBe(true);
      const size = execFileSync(resolveFfmpegPaths().ffprobe, ['-v', 'error', '-show_entries', 'stream=width,height,codec_name', '-of', 'csv=p=0', first]);
      expect(size.toString().trim()).toBe('mjpeg,64,64');
      expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('mtclar 1.2');

      const without = await exportDataset(session.db, { folder, name: 'ben-only', overwrite: false, ledger }, { annotators: ['Ben'], cropSize: 32 });
      expect(readLabels(without.folder).map((r) => r.source)).toEqual(Array(12).fill('human'));
    } finally {
      session.db.prepare('DELETE FROM predictions WHERE run_id = ?').run(run);
    }
  }, 60_000);

  it('never overwrites without overwrite, and then replaces only an earlier dataset export', async () => {
    const folder = tempDir();
    const target = { folder, name: 'ds', overwrite: false, ledger };
    await exportDataset(session.db, target, { annotators: ['Ben'], cropSize: 32 });
    const before = fs.readFileSync(path.join(folder, 'ds', 'labels.csv'), 'utf8');
    await expect(exportDataset(session.db, target, { cropSize: 32 })).rejects.toThrow(/already exists.*--force/);
    expect(fs.readFileSync(path.join(folder, 'ds', 'labels.csv'), 'utf8')).toBe(before);

    const again = await exportDataset(session.db, { ...target, overwrite: true, ledger }, { annotators: ['Ana'], cropSize: 32 });
    expect(readLabels(again.folder).every((r) => r.annotator === 'Ana')).toBe(true);
    expect(fs.readdirSync(folder)).toEqual(['ds']);
    // A file of the user's inside the studio's own dataset: replacing the folder would delete it, so no.
    const notes = path.join(again.folder, 'images', 'my-notes.txt');
    fs.writeFileSync(notes, 'notes');
    await expect(exportDataset(session.db, { ...target, overwrite: true }, { annotators: ['Ben'], cropSize: 32 })).rejects.toThrow(
      `${notes} was not written by Affect Studio, so ${again.folder} is not replaced, even with --force. Choose another name or move that file.`,
    );
    expect(fs.readFileSync(notes, 'utf8')).toBe('notes');
    expect(readLabels(again.folder).every((r) => r.annotator === 'Ana')).toBe(true);
    fs.rmSync(notes);
    fs.mkdirSync(path.join(folder, 'empty'));
    expect((await exportDataset(session.db, { folder, name: 'empty', overwrite: false, ledger }, { annotators: ['Ben'], cropSize: 32 })).images).toBe(12);
    fs.mkdirSync(path.join(folder, 'mine'));
    fs.writeFileSync(path.join(folder, 'mine', 'thesis.tex'), 'x');
    const thesis = path.join(fs.realpathSync(folder), 'mine', 'thesis.tex');
    await expect(exportDataset(session.db, { folder, name: 'mine', overwrite: true, ledger }, { cropSize: 32 })).rejects.toThrow(
      `${thesis} was not written by Affect Studio, so ${path.dirname(thesis)} is not replaced, even with --force. Choose another name or move that file.`,
    );
    expect(fs.readdirSync(path.join(folder, 'mine'))).toEqual(['thesis.tex']);
    await expect(exportDataset(session.db, { folder, name: '../up', overwrite: true, ledger })).rejects.toThrow(/not a plain file name/);
    fs.symlinkSync(tempDir(), path.join(folder, 'link'));
    await expect(exportDataset(session.db, { folder, name: 'link', overwrite: true, ledger })).rejects.toThrow(/symbolic link/);
  }, 60_000);
});

describe('dataset split', () => {
  // Runs after the tests above: labels are append-only, so the copies stay in the project (under their own annotator).
  it('keeps every video and every subject in one split, in the requested proportions, the same for a seed', async () => {
    // 20 videos borrowing single_face.mp4's frames and faces (distinct ids and hashes; analyses of descriptor
    // version 1, without facial actions), 4 frames each labelled by Cy.
    const frames = listFrames(session.db, real.id);
    const analysis = session.db.prepare('SELECT * FROM face_analyses WHERE video_id = ?').get(real.id) as Record<string, unknown>;
    const cy = ensureAnnotator(session.db, 'Cy', 'human').id;
    const ids: VideoId[] = [];
    for (let i = 0; i < 20; i++) {
      const id = insertIndexingVideo(session.db, { ...real, displayName: `copy${i}.mp4`, contentHash: `copy-${i}` });
      completeVideoIndex(session.db, id, frames);
      session.db
        .prepare(
          `INSERT INTO face_analyses (video_id, encoder_id, provider, settings, frames_done, frame_count, detector_runs, started_at, finished_at)
           VALUES (@id, @encoder_id, @provider, @settings, @frames_done, @frame_count, @detector_runs, @started_at, @finished_at)`,
        )
        .run({ ...analysis, id });
      session.db
        .prepare(
          `INSERT INTO faces (video_id, frame_index, track_id, box_x, box_y, box_w, box_h, score, landmarks, person_id)
           SELECT ?, frame_index, track_id, box_x, box_y, box_w, box_h, score, landmarks, person_id FROM faces WHERE video_id = ?`,
        )
        .run(id, real.id);
      label(id, cy, [i, i + 10, i + 20, i + 30], (f) => f / 100);
      ids.push(id);
    }
    const splitsOf = (dir: string) => {
      const byVideo = new Map<string, Set<string>>();
      for (const r of readLabels(dir, false)) byVideo.set(r.video_id as string, (byVideo.get(r.video_id as string) ?? new Set()).add(r.split as string));
      return byVideo;
    };
    const count = (byVideo: Map<string, Set<string>>) => SPLIT_NAMES.map((s) => [...byVideo.values()].filter((v) => v.has(s)).length);
    const folder = tempDir();
    const options = { annotators: ['Cy'], cropSize: 32 };

    const one = await exportDataset(session.db, { folder, name: 'a', overwrite: false, ledger }, { ...options, seed: '7' });
    expect(one.rows).toBe(80);
    const byVideo = splitsOf(one.folder);
    expect([...byVideo.keys()].sort()).toEqual(ids.map(String).sort());
    // No leakage: each video in one split; the default 70/15/15 of 20 equal videos is 14/3/3.
    for (const splits of byVideo.values()) expect(splits.size).toBe(1);
    expect(count(byVideo)).toEqual([14, 3, 3]);
    expect([one.splits.train.images, one.splits.val.images, one.splits.test.images]).toEqual([56, 12, 12]);

    // Deterministic for a seed; another seed moves videos around; other shares are followed.
    const same = await exportDataset(session.db, { folder, name: 'b', overwrite: false, ledger }, { ...options, seed: '7' });
    expect(splitsOf(same.folder)).toEqual(byVideo);
    const other = await exportDataset(session.db, { folder, name: 'c', overwrite: false, ledger }, { ...options, seed: '8' });
    expect(splitsOf(other.folder)).not.toEqual(byVideo);
    const shares = await exportDataset(session.db, { folder, name: 'd', overwrite: false, ledger }, { ...options, split: parseSplitRatios('60,20,20') });
    expect(count(splitsOf(shares.folder))).toEqual([12, 4, 4]);

    // Grouped by subject (two videos each): no subject in two splits, 60/20/20 of 10 equal subjects is 6/2/2.
    const subjects = new Map<VideoId, string>(ids.map((id, i) => [id, `person${i % 10}`]));
    const bySubject = await exportDataset(session.db, { folder, name: 'e', overwrite: false, ledger }, { ...options, subjects, split: { train: 60, val: 20, test: 20 }, seed: '1' });
    const subjectSplits = new Map<string, Set<string>>();
    for (const r of readLabels(bySubject.folder, false)) subjectSplits.set(r.subject as string, (subjectSplits.get(r.subject as string) ?? new Set()).add(r.split as string));
    expect(subjectSplits.size).toBe(10);
    for (const splits of subjectSplits.values()) expect(splits.size).toBe(1);
    expect(SPLIT_NAMES.map((s) => bySubject.splits[s].groups)).toEqual([6, 2, 2]);
    expect(SPLIT_NAMES.map((s) => bySubject.splits[s].images)).toEqual([48, 16, 16]);
    expect(fs.readFileSync(path.join(bySubject.folder, 'README.md'), 'utf8')).toContain('no subject and no video appears in two splits');
  }, 120_000);

  it('assigns whole groups deterministically, close to the shares, every split with a share non-empty', () => {
    const groups = Array.from({ length: 30 }, (_, i) => ({ key: `g${i}`, weight: 1 + ((i * 7) % 11) }));
    const total = groups.reduce((n, g) => n + g.weight, 0);
    const maxWeight = Math.max(...groups.map((g) => g.weight));
    for (const seed of ['0', '1', 'abc']) {
      const a = assignSplits(groups, { train: 0.7, val: 0.15, test: 0.15 }, seed);
      expect(assignSplits([...groups].reverse(), { train: 70, val: 15, test: 15 }, seed)).toEqual(a);
      const weight = (s: string) => groups.filter((g) => a.get(g.key) === s).reduce((n, g) => n + g.weight, 0);
      expect(Math.abs(weight('train') - 0.7 * total)).toBeLessThanOrEqual(maxWeight);
      expect(Math.abs(weight('val') - 0.15 * total)).toBeLessThanOrEqual(maxWeight);
      expect(Math.abs(weight('test') - 0.15 * total)).toBeLessThanOrEqual(maxWeight);
    }
    // Three groups, one huge: still one per split.
    const three = assignSplits([{ key: 'a', weight: 100 }, { key: 'b', weight: 10 }, { key: 'c', weight: 10 }], { train: 0.7, val: 0.15, test: 0.15 }, '3');
    expect(new Set(three.values())).toEqual(new Set(SPLIT_NAMES));
    // A zero share stays empty.
    const noVal = assignSplits(groups, parseSplitRatios('80,0,20'), '0');
    expect([...noVal.values()].includes('val')).toBe(false);
    expect(() => parseSplitRatios('70,30')).toThrow(/three non-negative shares/);
    expect(() => parseSplitRatios('0,0,0')).toThrow(/above 0/);
  });
});

describe('dataset export refusals', () => {
  it('names a labelled video that was never analysed, and writes nothing', async () => {
    const s = newSession();
    try {
      const videoId = addVideo(s, 'never.mp4', 10);
      const { id } = ensureAnnotator(s.db, 'Ana', 'human');
      appendLabels(s.db, [{ videoId, personId: FIRST_PERSON, frameIndex: 2, annotatorId: id, valence: 0.1, arousal: 0.2, origin: 'manual' }]);
      const folder = tempDir();
      await expect(exportDataset(s.db, { folder, name: 'ds', overwrite: false, ledger }, { videoId })).rejects.toThrow(/never\.mp4 \(video 1\) has not been analysed.*Analyse it first/);
      await expect(exportDataset(s.db, { folder, name: 'ds', overwrite: false, ledger })).rejects.toThrow(/never\.mp4/);
      expect(fs.readdirSync(folder)).toEqual([]);
      await expect(exportDataset(s.db, { folder, name: 'ds', overwrite: false, ledger }, { annotators: ['Nobody'] })).rejects.toThrow(/no annotator named "Nobody"/);
      // Analysed (a face on frame 2) but the file is gone: named before anything is written.
      s.db.prepare(`INSERT INTO models (kind, name, version, sha256, card, file, created_at) VALUES ('encoder', 'enc', '1', 'x', '{}', 'x.onnx', 'now')`).run();
      s.db
        .prepare(`INSERT INTO face_analyses (video_id, encoder_id, provider, settings, frames_done, frame_count, started_at, finished_at) VALUES (?, 1, 'cpu', '{}', 10, 10, 'now', 'now')`)
        .run(videoId);
      s.db.prepare('INSERT INTO faces (video_id, frame_index, box_x, box_y, box_w, box_h, score, person_id) VALUES (?, 2, 10, 10, 30, 30, 0.9, 1)').run(videoId);
      await expect(exportDataset(s.db, { folder, name: 'ds', overwrite: false, ledger })).rejects.toThrow(/never\.mp4 \(video 1\) is not at \/media\/never\.mp4 any more; relink it/);
      expect(fs.readdirSync(folder)).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

// Last in the file: it adds a rater and a gold layer to the shared project.
describe('dataset export of several raters', () => {
  it('writes every chosen rater\'s layer as rows of the same image, the fused gold layer flagged, and no other rater', async () => {
    const cy = ensureAnnotator(session.db, 'Cy', 'human').id;
    label(real.id, cy, [0, 4], () => 0.1);
    const gold = ensureAnnotator(session.db, 'gold (EWE)', 'import').id;
    label(real.id, gold, [0, 12, 24], () => 0.25);
    const result = await exportDataset(session.db, { folder: tempDir(), name: 'raters', overwrite: false, ledger }, { annotators: ['Ana', 'Ben', 'gold (EWE)'], cropSize: 32 });
    const rows = readLabels(result.folder);
    const rowsOf = (annotator: string) => rows.filter((r) => r.annotator === annotator);
    expect(rowsOf('Ana').map((r) => r.source)).toEqual(Array(18).fill('human'));
    expect(rowsOf('Ben').map((r) => r.source)).toEqual(Array(12).fill('human'));
    expect(rowsOf('Cy')).toEqual([]);
    expect(rowsOf('gold (EWE)').map((r) => [r.frame, r.source, r.valence, r.arousal])).toEqual([
      ['0', 'fused', '0.25', '-0.125'], ['12', 'fused', '0.25', '-0.125'], ['24', 'fused', '0.25', '-0.125'],
    ]);
    // One crop per frame, whoever labelled it: frame 12's three rows (Ana, Ben, gold) name the same image.
    const frame12 = rows.filter((r) => r.frame === '12');
    expect(frame12.map((r) => r.annotator).sort()).toEqual(['Ana', 'Ben', 'gold (EWE)']);
    expect(new Set(frame12.map((r) => r.image)).size).toBe(1);
    expect(result.images).toBe(new Set(rows.map((r) => r.image)).size);
    const manifest = JSON.parse(fs.readFileSync(path.join(result.folder, 'dataset.json'), 'utf8'));
    expect(manifest.annotators).toEqual(
      expect.arrayContaining([{ name: 'Ana', rows: 18, fused: false }, { name: 'gold (EWE)', rows: 3, fused: true }]),
    );
  }, 60_000);
});
