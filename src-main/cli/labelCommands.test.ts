/**
 * export, import-labels, agreement and fuse through the CLI entry point (in process, for speed), on a real video
 * imported with ffmpeg and labelled by two synthetic annotators generated here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { addPredictions, tempDir } from '../../test/support/labelProject';
import { agreementMeasures, ewe } from '../core/affect/agreement';
import { toJsonSafe } from '../core/jsonSafe';
import type { VideoId } from '../core/ids';
import { checkImportPaths, IMPORT_JOB } from '../core/ingest/importJob';
import { ensureAnnotator } from '../core/store/annotatorStore';
import { appendLabels, currentLabels } from '../core/store/labelStore';
import { createProject } from '../core/store/projectFolder';
import { ProjectSession } from '../core/studio/projectSession';
import { runCli } from './main';
import { testVideo } from '../../test/support/testMedia';
import { FIRST_PERSON } from '../core/store/personStore';

const VIDEO = testVideo('single_face.mp4');
const FRAMES = 72;

/** One studio settings folder for every command here, as on a user's machine: it remembers what exports wrote. */
const STUDIO_HOME = tempDir();

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env: { ...process.env, AFFECT_STUDIO_HOME: STUDIO_HOME },
    untilStopped: () => new Promise(() => undefined),
  });
  return { code, stdout, stderr };
}

async function projectWithVideo(): Promise<string> {
  const dir = path.join(tempDir('affect-cli-labels-'), 'study');
  createProject(dir);
  const session = ProjectSession.open(dir);
  session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths([VIDEO]) });
  await session.jobs.idle();
  await session.close();
  return dir;
}

/** Deterministic noise, so the expected statistics are the same on every run. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
}

let project: string;
const ana: [number, number][] = [];
const ben: ([number, number] | null)[] = [];

beforeAll(async () => {
  project = await projectWithVideo();
  const a = noise(1);
  const b = noise(2);
  for (let i = 0; i < FRAMES; i++) {
    const v = 0.6 * Math.sin(i / 9);
    const ar = 0.5 * Math.cos(i / 13);
    ana.push([v + 0.1 * a(), ar + 0.1 * a()]);
    // Ben labels only frames 10-59, a little higher and noisier than Ana.
    ben.push(i >= 10 && i < 60 ? [v + 0.05 + 0.2 * b(), ar - 0.05 + 0.2 * b()] : null);
  }
  const session = ProjectSession.open(project);
  const anaId = ensureAnnotator(session.db, 'Ana', 'human').id;
  const benId = ensureAnnotator(session.db, 'Ben', 'human').id;
  const videoId = 1 as VideoId;
  appendLabels(session.db, ana.map(([valence, arousal], frameIndex) => ({ videoId, personId: FIRST_PERSON, frameIndex, annotatorId: anaId, valence, arousal, origin: 'manual' as const })));
  appendLabels(
    session.db,
    ben.flatMap((value, frameIndex) => (value ? [{ videoId, personId: FIRST_PERSON, frameIndex, annotatorId: benId, valence: value[0], arousal: value[1], origin: 'live' as const }] : [])),
  );
  addPredictions(session, videoId, FRAMES, anaId);
  await session.close();
});

describe('affect-studio agreement', () => {
  it('prints the ICC forms, alpha, CCC, r and RMSE per dimension, equal to agreement.ts on the overlapping frames', async () => {
    const { code, stdout, stderr } = await cli('agreement', project, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.raters).toEqual(['Ana', 'Ben']);
    expect(report.pooled.frames).toBe(50);
    ['valence', 'arousal'].forEach((axis, d) => {
      const matrix = ana.flatMap((x, i) => (ben[i] ? [[x[d] as number, ben[i][d] as number]] : []));
      const direct = toJsonSafe(agreementMeasures(matrix).values) as Record<string, number>;
      const printed = report.pooled[axis].measures as Record<string, { value: number; low: number; high: number }>;
      expect(Object.keys(printed)).toEqual(['ICC(1)', 'ICC(A,1)', 'ICC(C,1)', 'ICC(k)', 'ICC(A,k)', 'ICC(C,k)', 'alpha', 'CCC', 'r', 'RMSE']);
      for (const [measure, value] of Object.entries(direct)) expect(printed[measure]?.value).toEqual(value);
      expect(printed.alpha?.value).toBeGreaterThan(0.5);
      // The 50 shared frames span 1.6 s, a single block of time: too little to resample, so no interval.
      expect(printed.alpha?.low).toBeNull();
    });
    expect(report.videos).toHaveLength(1);
    expect(report.videos[0].valence).toEqual(report.pooled.valence);

    const single = await cli('agreement', project, '--video', '1', '--json');
    expect(JSON.parse(single.stdout).pooled.valence).toEqual(report.pooled.valence);
    const plain = await cli('agreement', project);
    const iccA1 = report.pooled.valence.measures['ICC(A,1)'];
    expect(plain.stdout).toContain(`  valence: ICC(1) `);
    expect(plain.stdout).toContain(`ICC(A,1) ${iccA1.value.toFixed(3)} [n/a]`);
    expect(plain.stdout).toMatch(/^ {2}valence Ana - Ben: bias -?\d\.\d{3}, limits of agreement -?\d\.\d{3} to -?\d\.\d{3} \(50 frames\)$/m);
  });

  it('fuses the annotators with EWE into a "gold (EWE)" layer equal to ewe() over all labelled frames', async () => {
    const { code, stdout } = await cli('fuse', project, '--method', 'ewe', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ annotator: { name: 'gold (EWE)', kind: 'import' }, labels: FRAMES });
    const session = ProjectSession.open(project);
    try {
      const gold = currentLabels(session.db, 1 as VideoId, { annotatorId: result.annotator.id });
      ['valence', 'arousal'].forEach((axis, d) => {
        const expected = ewe(ana.map((x, i) => [x[d] as number, ben[i]?.[d] ?? NaN]));
        expect(result.weights[axis]).toEqual({ Ana: expected.weights[0], Ben: expected.weights[1] });
        gold.forEach((label) => expect(label[axis as 'valence']).toBeCloseTo(expected.gold[label.frameIndex] as number, 12));
      });
    } finally {
      await session.close();
    }
    // The gold layer is not a rater: agreement still compares Ana and Ben only.
    expect(JSON.parse((await cli('agreement', project, '--json')).stdout).raters).toEqual(['Ana', 'Ben']);
  });
});

describe('affect-studio export and import-labels', () => {
  it('refuses, even with --force, to replace a file or a folder\'s file it did not write, and leaves both untouched', async () => {
    const dir = fs.realpathSync(tempDir());
    const thesis = path.join(dir, 'thesis.csv');
    fs.writeFileSync(thesis, 'chapter 3 data');
    const refused = await cli('export', project, '--format', 'csv', '--out', thesis, '--force');
    expect(refused).toEqual({ code: 1, stdout: '', stderr: `affect-studio: ${thesis} was not written by Affect Studio, so it is not replaced, even with --force. Choose another name or move it.\n` });
    expect(fs.readFileSync(thesis, 'utf8')).toBe('chapter 3 data');

    const nova = path.join(dir, 'nova');
    const first = await cli('export', project, '--format', 'nova', '--out', nova, '--json');
    expect(first.code, first.stderr).toBe(0);
    const [own] = JSON.parse(first.stdout).files as string[];
    fs.writeFileSync(own as string, 'edited by hand');
    const edited = await cli('export', project, '--format', 'nova', '--out', nova, '--force');
    expect(edited.stderr).toBe(`affect-studio: ${own} was changed after Affect Studio wrote it, so it is no longer the studio's file and it is not replaced, even with --force. Choose another name or move it.\n`);
    expect(edited.code).toBe(1);
    expect(fs.readFileSync(own as string, 'utf8')).toBe('edited by hand');
  });

  it('exports csv, refuses to overwrite without --force, and re-imports into a fresh project', async () => {
    const out = path.join(tempDir(), 'labels.csv');
    const first = await cli('export', project, '--format', 'csv', '--out', out, '--annotator', 'Ana', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).files).toEqual([fs.realpathSync(path.dirname(out)) + '/labels.csv']);
    const again = await cli('export', project, '--format', 'csv', '--out', out, '--annotator', 'Ana');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect((await cli('export', project, '--format', 'csv', '--out', out, '--annotator', 'Ana', '--force')).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^video_id,/);

    const fresh = await projectWithVideo();
    const imported = await cli('import-labels', fresh, out, '--json');
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ labels: FRAMES, annotators: ['Ana'], videoIds: [1] });
    const session = ProjectSession.open(fresh);
    try {
      expect(currentLabels(session.db, 1 as VideoId).map((l) => [l.valence, l.arousal])).toEqual(ana);
    } finally {
      await session.close();
    }
  });

  it('adds a file\'s raters as an imported layer by default, or with --rater-kind human as human raters agreement counts', async () => {
    const file = path.join(tempDir(), 'two-raters.csv');
    const rows = Array.from({ length: 12 }, (_, f) => [`single_face.mp4,${f * 5},${(f % 5) / 5},${-(f % 3) / 4},Cy`, `single_face.mp4,${f * 5},${(f % 4) / 5},${-(f % 3) / 5},Dee`]);
    fs.writeFileSync(file, ['video,frame,valence,arousal,annotator', ...rows.flat()].join('\n'));
    const asLayer = await projectWithVideo();
    expect((await cli('import-labels', asLayer, file)).code).toBe(0);
    const asHumans = await projectWithVideo();
    const imported = await cli('import-labels', asHumans, file, '--rater-kind', 'human', '--json');
    expect(imported.code, imported.stderr).toBe(0);
    const kinds = async (dir: string) => {
      const session = ProjectSession.open(dir);
      try {
        return session.db.prepare('SELECT name, kind FROM annotators ORDER BY id').all();
      } finally {
        await session.close();
      }
    };
    expect(await kinds(asLayer)).toEqual([{ name: 'Cy', kind: 'import' }, { name: 'Dee', kind: 'import' }]);
    expect(await kinds(asHumans)).toEqual([{ name: 'Cy', kind: 'human' }, { name: 'Dee', kind: 'human' }]);
    // Agreement's default raters are the human annotators: the reference layers are not, the human raters are.
    expect(JSON.parse((await cli('agreement', asLayer, '--json')).stdout).raters).toEqual([]);
    const agreement = JSON.parse((await cli('agreement', asHumans, '--json')).stdout);
    expect(agreement.raters).toEqual(['Cy', 'Dee']);
    expect(agreement.pooled.frames).toBe(12);
    expect((await cli('import-labels', asHumans, file, '--rater-kind', 'expert')).code).toBe(2);
  });

  it('reports a malformed file by line and exits 1; a wrong call exits 2', async () => {
    const file = path.join(tempDir(), 'bad.csv');
    fs.writeFileSync(file, 'video,frame,valence,arousal,annotator\nsingle_face.mp4,1,0.5,zero,Cy\n');
    const bad = await cli('import-labels', project, file);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 2: arousal must be a decimal number such as 12, -0.25 or .5, not "zero"/);
    expect((await cli('export', project, '--format', 'xml', '--out', file)).code).toBe(2);
    expect((await cli('import-labels', project, file, '--range', '9,1')).code).toBe(2);
  });
});
