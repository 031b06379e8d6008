/**
 * Fuzzing every file a user feeds the studio's imports: thousands of seeded mutants of valid files (bit flips,
 * inserted and deleted bytes, truncation, duplicated and swapped lines, huge numbers, odd unicode, BOMs, line
 * ends, UTF-16, empty and binary files). Each import runs into a real SQLite project, and each must either land
 * whole (the labels table grew by exactly the file's label rows) or fail with a StudioError and leave the table
 * as it was. NOVA and ELAN files are exported only: the studio has no re-import of them to fuzz.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPredictions, addVideo, newSession, tempDir } from '../../../test/support/labelProject';
import { check, expectUserMessage, FUZZ_ITERATIONS, FUZZ_TIMEOUT_MS, mutants, writeMutant } from '../../../test/support/fuzz';
import { readLabelledImages } from '../affect/labelledImages';
import type { VideoId } from '../ids';
import { appendLabels } from '../store/labelStore';
import { ensureAnnotator } from '../store/annotatorStore';
import type { ProjectSession } from '../studio/projectSession';
import { parseTable } from './csv';
import { readSubjectsFile } from './datasetSubjects';
import { exportLabels } from './exportLabels';
import { ExportLedger } from './exportLedger';
import { importLabels, type LabelImportOptions } from './labelImport';
import { FIRST_PERSON } from '../store/personStore';

let session: ProjectSession;
let clipA: VideoId;
const dir = tempDir('affect-fuzz-');

/** Rows in the append-only labels table: a partial import would show here. */
const labelRows = () => (session.db.prepare('SELECT count(*) AS n FROM labels').get() as { n: number }).n;

beforeAll(() => {
  session = newSession();
  clipA = addVideo(session, 'clip_a.mp4', 40);
  const clipB = addVideo(session, 'clip_b.mp4', 30);
  const ana = ensureAnnotator(session.db, 'Ana', 'human').id;
  addPredictions(session, clipA, 40, ana);
  const bo = ensureAnnotator(session.db, 'Bo Ø "the second"', 'human').id;
  appendLabels(session.db, [
    ...[0, 5, 9, 20, 39].map((frameIndex, i) => ({ videoId: clipA, personId: FIRST_PERSON, frameIndex, annotatorId: ana, valence: i / 5 - 0.4, arousal: 0.1 * i, origin: 'manual' as const })),
    ...[1, 2, 29].map((frameIndex) => ({ videoId: clipB, personId: FIRST_PERSON, frameIndex, annotatorId: bo, valence: -0.123456789, arousal: 1e-7, origin: 'manual' as const })),
  ]);
});

afterAll(async () => {
  await session.close();
});

/** Label rows the import should bring in, read independently of labelImport: not predicted, not empty. */
function labelRowsIn(text: string): number {
  const [header, ...rows] = parseTable(text).records;
  const col = (name: string) => header?.fields.findIndex((f) => f.trim().toLowerCase() === name) ?? -1;
  const [source, valence, arousal] = [col('source'), col('valence'), col('arousal')];
  const cell = (fields: string[], i: number) => (i < 0 ? '' : (fields[i] ?? '').trim());
  return rows.filter(({ fields }) => cell(fields, source) !== 'predicted' && !(cell(fields, source) === '' && cell(fields, valence) === '' && cell(fields, arousal) === '')).length;
}

/** Runs one import of `bytes` and checks it landed whole or not at all. Returns whether it landed. */
function importOnce(file: string, bytes: Buffer, options: LabelImportOptions, what: string, expected: (text: string) => number): boolean {
  writeMutant(file, bytes);
  const before = labelRows();
  let result;
  try {
    result = importLabels(session.db, file, options);
  } catch (error) {
    // The label import lists its refused rows, up to 20 and a count of the rest, one per line.
    expectUserMessage(error, what, 22);
    const after = labelRows();
    check(after === before, () => `${what}: a refused file changed the labels from ${before} to ${after} rows`);
    return false;
  }
  const saved = labelRows() - before;
  const inFile = expected(bytes.toString('utf8'));
  check(saved === result.labels && saved === inFile, () => `${what}: ${saved} rows saved, ${result.labels} reported, ${inFile} label rows in the file`);
  return true;
}

describe('fuzzing the label imports into a real project', () => {
  it(`labels CSV: ${FUZZ_ITERATIONS} mutants of studio exports land whole or not at all`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    exportLabels(session.db, 'csv', { folder: dir, name: 'export.csv', overwrite: true, ledger: new ExportLedger(tempDir()) }, {});
    const exported = fs.readFileSync(path.join(dir, 'export.csv'));
    const european = Buffer.from(exported.toString('utf8').replaceAll(',', ';').replace(/(\d)\.(\d)/g, '$1,$2'));
    const tabs = Buffer.from('video\tframe\tvalence\tarousal\tsource\nclip_a.mp4\t3\t0.5\t-0.5\thuman\nclip_b.mp4\t4\t-1\t1\tedited\n');
    expect(labelRowsIn(exported.toString('utf8'))).toBe(8);

    let landed = 0;
    const file = path.join(dir, 'labels.csv');
    for (const mutant of mutants([exported, european, tabs], 12)) {
      const options: LabelImportOptions = mutant.name.length % 2 === 0 ? { format: 'csv' } : { format: 'csv', annotator: 'Fuzz' };
      if (importOnce(file, mutant.bytes, options, `labels CSV ${mutant.name}`, labelRowsIn)) landed++;
    }
    // Some mutants must still be valid (a swapped or duplicated line, CRLF, a BOM), or the check above tested nothing.
    expect(landed).toBeGreaterThan(FUZZ_ITERATIONS / 50);
  });

  it(`AFEW-VA JSON: ${FUZZ_ITERATIONS} mutants land whole or not at all`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    const landmarks = Array.from({ length: 68 }, (_, i) => [i * 1.5, 100 - i]);
    const frames = Object.fromEntries([0, 1, 2, 17, 39].map((f, i) => [String(f).padStart(5, '0'), { valence: i * 2.5 - 5, arousal: 10 - i * 4.25, landmarks }]));
    const base = Buffer.from(JSON.stringify({ actor: 'Jane Doe', video_id: '017', frames }, null, 1));
    const file = path.join(dir, '017.json');
    let landed = 0;
    for (const mutant of mutants([base], 17)) {
      const frameCount = (text: string) => Object.keys((JSON.parse(text) as { frames: object }).frames).length;
      if (importOnce(file, mutant.bytes, { format: 'afew-va', videoId: clipA }, `AFEW-VA JSON ${mutant.name}`, frameCount)) landed++;
    }
    expect(landed).toBeGreaterThan(FUZZ_ITERATIONS / 50);
  });
});

describe('fuzzing the other tables users give', () => {
  /** Parses every mutant with `read`; only StudioErrors with a short message (one line by default) may come out. */
  function fuzzParser(bases: Buffer[], seed: number, name: string, read: (file: string) => unknown, maxLines = 1): number {
    const file = path.join(dir, name);
    let parsed = 0;
    for (const mutant of mutants(bases, seed)) {
      writeMutant(file, mutant.bytes);
      try {
        read(file);
        parsed++;
      } catch (error) {
        expectUserMessage(error, `${name} ${mutant.name}`, maxLines);
      }
    }
    return parsed;
  }

  it(`subjects CSV of a dataset export: ${FUZZ_ITERATIONS} mutants`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    const bases = [Buffer.from('video,subject\nclip_a.mp4,P01\nclip_b.mp4,P02\n'), Buffer.from('video_id;subject\r\n1;P01\r\n2;P01\r\n')];
    // Like the label import, it lists its problems one per line, up to 20.
    const parsed = fuzzParser(bases, 23, 'subjects.csv', (file) => readSubjectsFile(session.db, file), 21);
    expect(parsed).toBeGreaterThan(FUZZ_ITERATIONS / 50);
  });

  it(`labelled-image CSV of evaluate: ${FUZZ_ITERATIONS} mutants`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    const bases = [
      Buffer.from('image,clip,frame,valence,arousal\na/1.png,a,1,5,3\na/2.png,a,2,9,1\nb/1.png,b,1,1,9\n'),
      Buffer.from('image;clip;frame;valence;arousal\na/1.png;a;1;5,5;3\n'),
    ];
    const parsed = fuzzParser(bases, 29, 'dataset.csv', (file) => readLabelledImages(file, [1, 9]));
    expect(parsed).toBeGreaterThan(FUZZ_ITERATIONS / 50);
  });
});
