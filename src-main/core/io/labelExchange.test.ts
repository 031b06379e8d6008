/** Exports and imports on a real project database: round trips, refusals, and the shape of each format. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addPredictions, addVideo, newSession, tempDir } from '../../../test/support/labelProject';
import type { AnnotatorId, VideoId } from '../ids';
import { ensureAnnotator, saveAnnotatorView } from '../store/annotatorStore';
import { appendLabels, currentLabels, type LabelOrigin } from '../store/labelStore';
import type { ProjectSession } from '../studio/projectSession';
import { parseCsv } from './csv';
import { exportLabels } from './exportLabels';
import { importLabels } from './labelImport';
import { ExportLedger } from './exportLedger';
import { FIRST_PERSON } from '../store/personStore';

/** One studio settings folder for the whole file: what one export wrote, a later one may replace. */
const ledger = new ExportLedger(tempDir());

const sessions: ProjectSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function session(): ProjectSession {
  const s = newSession();
  sessions.push(s);
  return s;
}

function label(s: ProjectSession, videoId: VideoId, name: string, frames: [number, number, number][], origin: LabelOrigin = 'manual') {
  const { id } = ensureAnnotator(s.db, name, 'human');
  appendLabels(s.db, frames.map(([frameIndex, valence, arousal]) => ({ videoId, personId: FIRST_PERSON, frameIndex, annotatorId: id, valence, arousal, origin })));
  return id;
}

/** Labels as comparable tuples: annotator name, video name, frame, values, origin. */
function snapshot(s: ProjectSession) {
  const names = new Map((s.db.prepare('SELECT id, name FROM annotators').all() as { id: AnnotatorId; name: string }[]).map((a) => [a.id, a.name]));
  const videos = s.db.prepare('SELECT id, display_name AS name FROM videos ORDER BY id').all() as { id: VideoId; name: string }[];
  return videos.flatMap((v) =>
    currentLabels(s.db, v.id).map((l) => [names.get(l.annotatorId), v.name, l.frameIndex, l.valence, l.arousal, l.origin === 'accepted_prediction'] as const),
  );
}

function labelledProject() {
  const s = session();
  const a = addVideo(s, 'clip_a.mp4', 40);
  const b = addVideo(s, 'clip "b", take 2.mp4', 10);
  const ana = label(s, a, 'Ana', [[0, 0.1, -0.2], [5, 1 / 3, -1], [6, 0.123456789012345, 0.9999999999]]);
  label(s, a, 'Ben', [[5, -0.5, 0.25], [7, 1, -1]]);
  label(s, a, 'Ana', [[8, 0.3, 0.3]], 'accepted_prediction');
  label(s, b, 'Ben', [[2, -0.05, 0.6]]);
  // Predictions are one annotator's: an export of every layer shows the active annotator's.
  addPredictions(s, a, 40, ana);
  saveAnnotatorView(s.db, { activeAnnotatorId: ana, blind: false });
  return { s, a, b };
}

describe('csv export', () => {
  it('writes one row per frame and annotator, with predictions and blanks filling the rest', () => {
    const { s } = labelledProject();
    const out = path.join(tempDir(), 'labels.csv');
    expect(exportLabels(s.db, 'csv', { folder: path.dirname(out), name: 'labels.csv', overwrite: false, ledger }, {})).toEqual([fs.realpathSync(path.dirname(out)) + '/labels.csv']);
    const [header, ...rows] = parseCsv(fs.readFileSync(out, 'utf8')).map((r) => r.fields);
    expect(header).toEqual(['video_id', 'video', 'person_id', 'person', 'frame', 'time_s', 'valence', 'arousal', 'source', 'valence_sd', 'arousal_sd', 'annotator', 'model_version']);
    // 40 frames of a (frame 5 twice: two annotators) + 10 of b.
    expect(rows).toHaveLength(51);
    const at = (video: string, frame: number) => rows.filter((r) => r[0] === video && r[4] === String(frame));
    expect(at('1', 5).map((r) => [r[2], r[3], r[8], r[11]])).toEqual([['1', 'Person 1', 'human', 'Ana'], ['1', 'Person 1', 'human', 'Ben']]);
    expect(at('1', 8)[0]?.slice(8)).toEqual(['edited', '', '', 'Ana', '']);
    expect(at('1', 1)[0]?.slice(5, 13)).toEqual([String(1 / 30), String(Math.sin(1 / 5) * 0.5), String(Math.cos(1 / 7) * 0.5), 'predicted', '0.2', '0.1', '', 'mtclar 1.2 from 3 labels of Ana (revision 0)']);
    expect(at('2', 0)[0]?.slice(6)).toEqual(['', '', '', '', '', '', '']);
    expect(at('2', 2)[0]?.[1]).toBe('clip "b", take 2.mp4');
  });

  it('re-imports into a fresh project without loss (values, frames, annotators, edited origin)', () => {
    const { s } = labelledProject();
    const dir = tempDir();
    exportLabels(s.db, 'csv', { folder: dir, name: 'all.csv', overwrite: false, ledger }, {});
    const fresh = session();
    addVideo(fresh, 'clip_a.mp4', 40);
    addVideo(fresh, 'clip "b", take 2.mp4', 10);
    const result = importLabels(fresh.db, path.join(dir, 'all.csv'), { format: 'csv' });
    expect(result).toEqual({ labels: 7, annotators: ['Ana', 'Ben'], videoIds: [1, 2] });
    expect(snapshot(fresh)).toEqual(snapshot(s));
  });

  it('exports one video and one annotator; json carries the same rows', () => {
    const { s, a } = labelledProject();
    const dir = tempDir();
    exportLabels(s.db, 'csv', { folder: dir, name: 'ana.csv', overwrite: false, ledger }, { videoId: a, annotator: 'Ana' });
    const rows = parseCsv(fs.readFileSync(path.join(dir, 'ana.csv'), 'utf8')).slice(1);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.fields[11]))).toEqual(new Set(['Ana', '']));
    exportLabels(s.db, 'json', { folder: dir, name: 'ana.json', overwrite: false, ledger }, { videoId: a, annotator: 'Ana' });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'ana.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'affect-studio-frames', version: 1, scale: { min: -1, max: 1 }, videos: [{ id: a, name: 'clip_a.mp4', frameCount: 40 }] });
    expect(json.videos[0].frames).toHaveLength(40);
    expect(json.videos[0].frames[5]).toEqual({ frame: 5, timeSec: 5 / 30, valence: 1 / 3, arousal: -1, source: 'human', valenceSd: null, arousalSd: null, annotator: 'Ana', modelVersion: null });
    expect(() => exportLabels(s.db, 'csv', { folder: dir, name: 'x.csv', overwrite: false, ledger }, { annotator: 'Nobody' })).toThrow(/no annotator named "Nobody"/);
  });
});

describe('export targets', () => {
  it('never replaces a file the studio did not write, even with overwrite, and leaves it untouched', () => {
    const { s } = labelledProject();
    const dir = tempDir();
    const file = path.join(fs.realpathSync(dir), 'labels.csv');
    fs.writeFileSync(file, 'precious');
    for (const overwrite of [false, true]) {
      expect(() => exportLabels(s.db, 'csv', { folder: dir, name: 'labels.csv', overwrite, ledger }, {})).toThrow(
        `${file} was not written by Affect Studio, so it is not replaced, even with --force. Choose another name or move it.`,
      );
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
    expect(fs.readdirSync(dir)).toEqual(['labels.csv']);
  });

  it('replaces its own earlier export only when asked, whole', () => {
    const { s } = labelledProject();
    const dir = tempDir();
    const [file] = exportLabels(s.db, 'csv', { folder: dir, name: 'labels.csv', overwrite: false, ledger }, { annotator: 'Ben' });
    const first = fs.readFileSync(file as string, 'utf8');
    expect(() => exportLabels(s.db, 'csv', { folder: dir, name: 'labels.csv', overwrite: false, ledger }, {})).toThrow(`${file} already exists. Choose another name, or allow overwriting (--force).`);
    expect(fs.readFileSync(file as string, 'utf8')).toBe(first);
    exportLabels(s.db, 'csv', { folder: dir, name: 'labels.csv', overwrite: true, ledger }, {});
    const second = fs.readFileSync(file as string, 'utf8');
    expect(second).toMatch(/^video_id,/);
    expect(second).not.toBe(first);
    expect(fs.readdirSync(dir)).toEqual(['labels.csv']);
    // Replaced twice running: the studio's second file is as much its own as the first.
    exportLabels(s.db, 'csv', { folder: dir, name: 'labels.csv', overwrite: true, ledger }, { annotator: 'Ana' });
    expect(fs.readFileSync(file as string, 'utf8')).toContain('Ana');
  });

  it('refuses its own export once someone edited it, saying it is no longer the studio\'s file', () => {
    const { s } = labelledProject();
    const dir = tempDir();
    const [file] = exportLabels(s.db, 'json', { folder: dir, name: 'labels.json', overwrite: false, ledger }, {});
    fs.appendFileSync(file as string, ' ');
    const edited = fs.readFileSync(file as string, 'utf8');
    expect(() => exportLabels(s.db, 'json', { folder: dir, name: 'labels.json', overwrite: true, ledger }, {})).toThrow(
      `${file} was changed after Affect Studio wrote it, so it is no longer the studio's file and it is not replaced, even with --force. Choose another name or move it.`,
    );
    expect(fs.readFileSync(file as string, 'utf8')).toBe(edited);
    // Another settings folder (another user, a lost ledger) knows none of the studio's files: it refuses too.
    const [again] = exportLabels(s.db, 'csv', { folder: dir, name: 'fresh.csv', overwrite: false, ledger }, {});
    expect(() => exportLabels(s.db, 'csv', { folder: dir, name: 'fresh.csv', overwrite: true, ledger: new ExportLedger(tempDir()) }, {})).toThrow(/fresh\.csv was not written by Affect Studio/);
    expect(fs.existsSync(again as string)).toBe(true);
  });

  it('a folder export replaces its own files, keeps files it did not write, and refuses to replace a foreign one', () => {
    const { s, a } = labelledProject();
    const dir = tempDir();
    const files = exportLabels(s.db, 'elan', { folder: dir, name: 'elan', overwrite: false, ledger }, {});
    const folder = path.dirname(files[0] as string);
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'my notes');
    const replaced = exportLabels(s.db, 'elan', { folder: dir, name: 'elan', overwrite: true, ledger }, { annotator: 'Ana' });
    expect(replaced).toEqual(files);
    expect(fs.readFileSync(path.join(folder, 'notes.txt'), 'utf8')).toBe('my notes');
    expect(fs.readdirSync(folder).sort()).toEqual([...files.map((f) => path.basename(f)), 'notes.txt'].sort());

    // A file of the user's under a name the export writes: nothing in the folder is touched.
    const own = replaced[0] as string;
    fs.writeFileSync(own, 'hand-made tiers');
    const other = fs.readFileSync(replaced[1] as string, 'utf8');
    expect(() => exportLabels(s.db, 'elan', { folder: dir, name: 'elan', overwrite: true, ledger }, { videoId: a })).toThrow(
      `${own} was changed after Affect Studio wrote it, so it is no longer the studio's file and it is not replaced, even with --force. Choose another name or move it.`,
    );
    const stranger = path.join(tempDir(), 'elan');
    fs.mkdirSync(stranger);
    fs.writeFileSync(path.join(stranger, path.basename(own)), 'theirs');
    expect(() => exportLabels(s.db, 'elan', { folder: path.dirname(stranger), name: 'elan', overwrite: true, ledger }, {})).toThrow(
      `${path.join(fs.realpathSync(stranger), path.basename(own))} was not written by Affect Studio, so it is not replaced, even with --force. Choose another name or move it.`,
    );
    expect(fs.readFileSync(own, 'utf8')).toBe('hand-made tiers');
    expect(fs.readFileSync(replaced[1] as string, 'utf8')).toBe(other);
    expect(fs.readdirSync(stranger)).toEqual([path.basename(own)]);
  });

  it('refuses names that leave the folder and links that point out of it, writing nothing', () => {
    const { s } = labelledProject();
    const dir = tempDir();
    const outside = tempDir();
    for (const name of ['../escape.csv', '..', 'sub/x.csv', '']) {
      expect(() => exportLabels(s.db, 'csv', { folder: dir, name, overwrite: true, ledger }, {})).toThrow(/not a plain file name/);
    }
    fs.symlinkSync(path.join(outside, 'target.csv'), path.join(dir, 'link.csv'));
    expect(() => exportLabels(s.db, 'csv', { folder: dir, name: 'link.csv', overwrite: true, ledger }, {})).toThrow(/symbolic link/);
    fs.symlinkSync(outside, path.join(dir, 'linked-folder'));
    expect(() => exportLabels(s.db, 'nova', { folder: dir, name: 'linked-folder', overwrite: true, ledger }, {})).toThrow(/symbolic link/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(() => exportLabels(s.db, 'csv', { folder: path.join(dir, 'missing'), name: 'a.csv', overwrite: false, ledger }, {})).toThrow(/The folder .*missing does not exist; create it first/);
  });
});

describe('csv import refuses a malformed file whole, naming every bad line', () => {
  function attempt(csv: string, options: { range?: [number, number] } = {}) {
    const s = session();
    addVideo(s, 'clip_a.mp4', 40);
    const file = path.join(tempDir(), 'in.csv');
    fs.writeFileSync(file, csv);
    let message = '';
    try {
      importLabels(s.db, file, { format: 'csv', ...options });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(snapshot(s)).toEqual([]);
    expect(s.db.prepare('SELECT count(*) AS n FROM annotators').get()).toEqual({ n: 0 });
    return message;
  }

  it('reports a missing column on the header line', () => {
    expect(attempt('video,frame,valence,annotator\nclip_a.mp4,1,0.5,Ana\n')).toMatch(/in\.csv, line 1: missing column\(s\): arousal/);
  });

  it('reports non-numeric, out-of-range, duplicate, unknown-video and off-the-end rows together', () => {
    const message = attempt(
      [
        'video,frame,valence,arousal,annotator',
        'clip_a.mp4,1,0.5,0.5,Ana',
        'clip_a.mp4,2,abc,0.5,Ana',
        'clip_a.mp4,3,0.5,1.5,Ana',
        'clip_a.mp4,1,0.1,0.1,Ana',
        'nope.mp4,4,0,0,Ana',
        'clip_a.mp4,40,0,0,Ana',
        'clip_a.mp4,x,0,0,Ana',
        'clip_a.mp4,5,0,0',
      ].join('\n'),
    );
    expect(message).toMatch(/nothing was saved/);
    expect(message.split('\n').slice(1)).toEqual([
      'line 3: valence must be a decimal number such as 12, -0.25 or .5, not "abc".',
      'line 4: arousal 1.5 is outside the range [-1, 1].',
      'line 5: frame 1 of clip_a.mp4 (person 1) by Ana is already on line 2.',
      'line 6: no video in this project matches "nope.mp4".',
      'line 7: clip_a.mp4 has 40 frames (0-39); there is no frame 40.',
      'line 8: frame must be a whole number such as 0 or 12, not "x".',
      'line 9: 4 fields where the header has 5.',
    ]);
  });

  it('converts a declared range to [-1, 1] (a 1-9 scale: (x - 5) / 4) and checks values against it', () => {
    const s = session();
    const v = addVideo(s, 'clip_a.mp4', 40);
    const file = path.join(tempDir(), 'kerc.csv');
    fs.writeFileSync(file, 'video_id,frame,valence,arousal\n1,0,1,9\n1,1,5,6.5\n');
    importLabels(s.db, file, { format: 'csv', range: [1, 9], annotator: 'KERC' });
    expect(currentLabels(s.db, v).map((l) => [l.frameIndex, l.valence, l.arousal])).toEqual([[0, -1, 1], [1, 0, 0.375]]);
    expect(attempt('video,frame,valence,arousal,annotator\nclip_a.mp4,0,0,5,Ana\n', { range: [1, 9] })).toMatch(/line 2: valence 0 is outside the range \[1, 9\]/);
  });
});

describe('AFEW-VA', () => {
  const landmarks = Array.from({ length: 68 }, (_, i) => [i + 0.5, 2 * i]);

  it('imports a clip JSON onto a video and exports the same keys and values (and stored 68-point landmarks)', () => {
    const s = session();
    const folder = path.join(tempDir(), '017');
    const v = addVideo(s, 'AFEW-VA 017', 6, { folder });
    const original = { frames: { '00000': { valence: 3, arousal: -10 }, '00002': { valence: -2.5, arousal: 7 }, '00005': { valence: 10, arousal: 0.5 } } };
    const file = path.join(tempDir(), '017.json');
    fs.writeFileSync(file, JSON.stringify(original));
    expect(importLabels(s.db, file, { format: 'afew-va', videoId: v })).toEqual({ labels: 3, annotators: ['AFEW-VA'], videoIds: [v] });
    const blob = Buffer.from(new Float32Array(landmarks.flat()).buffer);
    s.db.prepare('INSERT INTO faces (video_id, frame_index, box_x, box_y, box_w, box_h, score, landmarks, person_id) VALUES (?, 2, 0, 0, 1, 1, 0.9, ?, 1)').run(v, blob);

    const out = tempDir();
    const files = exportLabels(s.db, 'afew-va', { folder: out, name: 'afew', overwrite: false, ledger }, {});
    expect(files.map((f) => path.basename(f))).toEqual(['017.json']);
    const exported = JSON.parse(fs.readFileSync(files[0] as string, 'utf8'));
    expect(exported.video_id).toBe('017');
    expect(Object.keys(exported.frames)).toEqual(Object.keys(original.frames));
    for (const [key, value] of Object.entries(original.frames)) expect(exported.frames[key]).toMatchObject(value);
    expect(exported.frames['00002'].landmarks).toEqual(landmarks);
    expect(exported.frames['00000']).not.toHaveProperty('landmarks');
  });

  it('refuses keys the video does not have, and a video labelled by two annotators unless one is chosen', () => {
    const s = session();
    const v = addVideo(s, 'clip.mp4', 3);
    const file = path.join(tempDir(), '001.json');
    fs.writeFileSync(file, JSON.stringify({ frames: { '00001': { valence: 1, arousal: 1 }, '00009': { valence: 1, arousal: 1 } } }));
    expect(() => importLabels(s.db, file, { format: 'afew-va', videoId: v })).toThrow(/clip\.mp4 has no frame 00009/);
    expect(snapshot(s)).toEqual([]);
    label(s, v, 'Ana', [[1, 0.5, 0.5]]);
    label(s, v, 'Ben', [[1, 0.4, 0.5]]);
    expect(() => exportLabels(s.db, 'afew-va', { folder: tempDir(), name: 'x', overwrite: false, ledger }, {})).toThrow(/several annotators on frame 1/);
    const [written] = exportLabels(s.db, 'afew-va', { folder: tempDir(), name: 'x', overwrite: false, ledger }, { annotator: 'Ben' });
    expect(JSON.parse(fs.readFileSync(written as string, 'utf8'))).toEqual({ video_id: '001', frames: { '00001': { valence: 4, arousal: 5 } } });
  });
});

describe('NOVA files', () => {
  it('NOVA: per layer and scheme an XML header and a score;confidence data file, one line per sample at the video rate', () => {
    const { s, a } = labelledProject();
    const files = exportLabels(s.db, 'nova', { folder: tempDir(), name: 'nova', overwrite: false, ledger }, { videoId: a });
    expect(files.map((f) => path.basename(f)).sort()).toEqual(
      ['Ana', 'Ben', 'model'].flatMap((layer) => ['arousal', 'valence'].flatMap((scheme) => [`1-clip_a.${layer}.${scheme}.annotation`, `1-clip_a.${layer}.${scheme}.annotation~`])).sort(),
    );
    const dir = path.dirname(files[0] as string);
    const header = fs.readFileSync(path.join(dir, '1-clip_a.Ana.valence.annotation'), 'utf8');
    expect(header.split('\r\n')).toEqual([
      '<?xml version="1.0" ?>',
      '<annotation ssi-v="3">',
      '    <info ftype="ASCII" size="40" />',
      '    <meta annotator="Ana" />',
      '    <scheme name="valence" type="CONTINUOUS" sr="30" min="-1" max="1" />',
      '</annotation>',
      '',
    ]);
    const data = fs.readFileSync(path.join(dir, '1-clip_a.Ana.valence.annotation~'), 'utf8').split('\r\n');
    expect(data.pop()).toBe('');
    expect(data).toHaveLength(40);
    for (const line of data) expect(line).toMatch(/^(NaN;0|-?\d+(\.\d+)?;1)$/);
    expect([data[0], data[1], data[5], data[6]]).toEqual(['0.1;1', 'NaN;0', '0.333333;1', '0.123457;1']);
    const model = fs.readFileSync(path.join(dir, '1-clip_a.model.arousal.annotation~'), 'utf8').split('\r\n');
    expect(model[1]).toBe(`${Number((Math.cos(1 / 7) * 0.5).toFixed(6))};0.9`);
  });
});
