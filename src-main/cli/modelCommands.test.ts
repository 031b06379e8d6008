/**
 * The model loop headless: `label`, `propagate`, `predictions`, `train` on a real project holding single_face.mp4,
 * imported and analysed through the CLI too. In process for speed, plus the built launcher (`npm run build:main`
 * first) for the exit codes and streams a shell sees.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_DB_FILE } from '../core/store/projectFolder';
import { runCli } from './main';
import type { FramePrediction } from '../core/app/models';
import { testVideo } from '../../test/support/testMedia';

const VIDEO = testVideo('single_face.mp4');
const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
const FRAMES = 72;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), env: process.env, untilStopped: () => new Promise<void>(() => undefined) };
  const code = await runCli(args, io);
  return { code, out, err };
}

function launcher(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, AFFECT_STUDIO_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-home-')) }, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

/** What `predictions --json` prints per frame. */
type Frame = FramePrediction;
interface Propagated {
  annotator: string;
  videos: { videoId: number; frames: number; framesPredicted: number; anchors: number; head: { modelId: number | null; name: string; version: string; note: string | null }; runId: number | null }[];
}

const LABELS = [
  { frame: 0, valence: 0.5, arousal: 0.3 },
  { frame: 10, valence: 0.6, arousal: 0.1 },
  { frame: 20, valence: -0.4, arousal: 0.5 },
  { frame: 30, valence: -0.2, arousal: -0.3 },
  { frame: 45, valence: 0.1, arousal: -0.6 },
  { frame: 58, valence: 0.8, arousal: 0.7 },
  { frame: 71, valence: -0.7, arousal: 0.2 },
];

function expectLabelsReproduced(frames: Frame[], labels: readonly { frame: number; valence: number; arousal: number }[]): void {
  for (const label of labels) {
    const f = frames[label.frame];
    expect(f?.face).toBe(true);
    expect(Math.abs((f?.valence ?? NaN) - label.valence), `valence at frame ${label.frame}`).toBeLessThanOrEqual(0.05);
    expect(Math.abs((f?.arousal ?? NaN) - label.arousal), `arousal at frame ${label.frame}`).toBeLessThanOrEqual(0.05);
  }
}

describe('label, train, propagate and predictions from the CLI', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-model-')), 'p');

  beforeAll(async () => {
    const created = await cli('project', 'create', dir, '--json');
    expect(created.code, created.err).toBe(0);
    const imported = await cli('import', dir, VIDEO, '--json');
    expect(imported.code, imported.err + imported.out).toBe(0);
    const analysed = await cli('analyze', dir, '--json');
    expect(analysed.code, analysed.err + analysed.out).toBe(0);
  }, 60_000);

  it('asks for an annotator while the project has no human one', async () => {
    for (const args of [['propagate', dir], ['label', dir, '--video', '1', '--frame', '3', '--valence', '0.1', '--arousal', '0.1']]) {
      const { code, out, err } = await cli(...args);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(/no human annotator yet: give --annotator NAME/);
    }
  });

  it('labels frames one per call, creating the annotator on first use and then using it by default', async () => {
    for (const [i, label] of LABELS.entries()) {
      const args = ['label', dir, '--video', '1', '--frame', String(label.frame), '--valence', String(label.valence), '--arousal', String(label.arousal), '--json'];
      const { code, out, err } = await cli(...args, ...(i === 0 ? ['--annotator', 'Ana'] : []));
      expect(code, err).toBe(0);
      expect(JSON.parse(out)).toEqual({
        videoId: 1, person: { id: 1, name: 'Person 1' }, frameIndex: label.frame, valence: label.valence, arousal: label.arousal, annotator: { id: 1, name: 'Ana' },
      });
    }
    const plain = await cli('label', dir, '--video', '1', '--frame', '10', '--valence', '0.6', '--arousal', '0.1');
    expect(plain.out).toBe('labelled frame 10 of video 1 (single_face.mp4), Person 1: valence 0.6, arousal 0.1, by Ana\n');
  });

  it.each([
    [['--frame', '72', '--valence', '0', '--arousal', '0'], /single_face\.mp4 has 72 frames \(0-71\); frame 72 does not exist/],
    [['--frame', '-1', '--valence', '0', '--arousal', '0'], /frame -1 does not exist/],
    [['--frame', '5', '--valence', '1.5', '--arousal', '0'], /--valence 1\.5 is outside \[-1, 1\]/],
    [['--frame', '5', '--valence', '0', '--arousal', '-1.01'], /--arousal -1\.01 is outside \[-1, 1\]/],
  ])('refuses a bad label with exit 1 and a reason: %j', async (args, message) => {
    const { code, out, err } = await cli('label', dir, '--video', '1', ...args);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(message);
  });

  it('refuses an unknown video or annotator (exit 1) and a malformed call (exit 2)', async () => {
    const unknownVideo = await cli('label', dir, '--video', '9', '--frame', '1', '--valence', '0', '--arousal', '0');
    expect([unknownVideo.code, unknownVideo.err]).toEqual([1, 'affect-studio: This project has no video 9.\n']);
    const unknownAnnotator = await cli('predictions', dir, '--video', '1', '--annotator', 'Zoe', '--json');
    expect(unknownAnnotator.code).toBe(1);
    expect(unknownAnnotator.err).toMatch(/no annotator "Zoe" \(it has "Ana"\)/);
    expect((await cli('propagate', dir, '--video', '2')).err).toMatch(/no video 2/);
    const notNumber = await cli('label', dir, '--video', '1', '--frame', 'ten', '--valence', '0', '--arousal', '0');
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toMatch(/--frame must be a whole number such as 0 or 12, not "ten"/);
    expect((await cli('label', dir, '--video', '1', '--frame', '3')).code).toBe(2);
    expect((await cli('predictions', dir, '--json')).err).toMatch(/predictions needs a project folder and --video ID/);
  });

  it('propagates from the labels with the prior head, saves the run, and predictions reads it back', async () => {
    const { code, out, err } = await cli('propagate', dir, '--json');
    expect(code, err).toBe(0);
    const result = JSON.parse(out) as Propagated;
    expect(result).toMatchObject({ annotator: 'Ana', videos: [{ videoId: 1, frames: FRAMES, framesPredicted: FRAMES, anchors: LABELS.length, head: { modelId: null, name: 'circumplex prior' }, runId: expect.any(Number) }] });

    const predictions = await cli('predictions', dir, '--video', '1', '--json');
    expect(predictions.code, predictions.err).toBe(0);
    const frames = JSON.parse(predictions.out) as Frame[];
    expect(frames).toHaveLength(FRAMES);
    expect(frames[36]).toEqual({ frameIndex: 36, timeSec: expect.closeTo(1.2, 2), valence: expect.any(Number), arousal: expect.any(Number), valenceSd: expect.any(Number), arousalSd: expect.any(Number), face: true });
    expect(frames.every((f, i) => f.frameIndex === i && f.face && Math.abs(f.valence ?? 9) <= 1 && Math.abs(f.arousal ?? 9) <= 1)).toBe(true);
    expectLabelsReproduced(frames, LABELS);
    // Surest at a label, less sure between labels.
    expect(frames[20]?.valenceSd as number).toBeLessThan(frames[25]?.valenceSd as number);

    // What it printed is the saved run: a value changed in the database shows through.
    const db = new Database(path.join(dir, PROJECT_DB_FILE));
    db.prepare('UPDATE predictions SET valence = 0.123 WHERE frame_index = 36').run();
    db.close();
    expect((JSON.parse((await cli('predictions', dir, '--video', '1', '--json')).out) as Frame[])[36]?.valence).toBe(0.123);

    const plain = await cli('predictions', dir, '--video', '1');
    const lines = plain.out.trimEnd().split('\n');
    expect(lines).toHaveLength(FRAMES + 1);
    expect(lines[0]).toBe('frame\ttime\tvalence\t(sd)\tarousal\t(sd)');
    expect(lines[21]).toMatch(/^20\t0\.66\d\t\s*-0\.[34]\d\d\t/);
  });

  it('predictions reflects a label changed since the last propagate instead of the stale run', async () => {
    expect((await cli('label', dir, '--video', '1', '--frame', '40', '--valence', '-0.9', '--arousal', '-0.8')).code).toBe(0);
    const frames = JSON.parse((await cli('predictions', dir, '--video', '1', '--json')).out) as Frame[];
    expectLabelsReproduced(frames, [...LABELS, { frame: 40, valence: -0.9, arousal: -0.8 }]);
  });

  it('trains the pair head, reports its version and held-out metrics, and propagate then uses it', async () => {
    const trained = await cli('train', dir, '--json');
    expect(trained.code, trained.err).toBe(0);
    const head = JSON.parse(trained.out) as { modelId: number; version: number; labels: number; annotator: string; validation: Record<string, number> };
    expect(head).toMatchObject({ version: 1, labels: LABELS.length + 1, annotator: 'Ana' });
    for (const key of ['loss', 'startLoss', 'deltaRmseValence', 'deltaRmseArousal', 'similarityAccuracy']) expect(Number.isFinite(head.validation[key]), key).toBe(true);
    expect(head.validation.validationFrames).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dir, 'models', 'pair-head-v1.onnx'))).toBe(true);

    const { code, out } = await cli('propagate', dir, '--video', '1');
    expect(code).toBe(0);
    expect(out).toBe(`video 1, person 1: ${FRAMES}/${FRAMES} frames predicted from ${LABELS.length + 1} anchors of Ana, head project-pair-head v1 (model ${head.modelId})\n`);
    const again = JSON.parse((await cli('propagate', dir, '--json')).out) as Propagated;
    expect(again.videos[0]?.head).toEqual({ modelId: head.modelId, name: 'project-pair-head', version: '1', note: null });
    const frames = JSON.parse((await cli('predictions', dir, '--video', '1', '--json')).out) as Frame[];
    expect(frames).toHaveLength(FRAMES);
    expectLabelsReproduced(frames, [...LABELS, { frame: 40, valence: -0.9, arousal: -0.8 }]);
  }, 30_000);

  it('refuses to train on too few labels with exit 1', async () => {
    expect((await cli('label', dir, '--video', '1', '--frame', '5', '--valence', '0.2', '--arousal', '0.2', '--annotator', 'Ben')).code).toBe(0);
    const { code, err } = await cli('train', dir, '--annotator', 'Ben');
    expect(code).toBe(1);
    expect(err).toMatch(/training failed: Training needs at least 6 labelled frames with a face; Ben has 1/);
  });

  it('runs through the built launcher: results on stdout, errors on stderr with exit 1', () => {
    const shown = launcher('predictions', dir, '--video', '1', '--json');
    expect(shown.code, shown.err).toBe(0);
    expectLabelsReproduced(JSON.parse(shown.out) as Frame[], LABELS.slice(0, 3));
    const labelled = launcher('label', dir, '--video', '1', '--frame', '12', '--valence', '-0.25', '--arousal', '0.4', '--json');
    expect(labelled.code, labelled.err).toBe(0);
    expect(JSON.parse(labelled.out)).toMatchObject({ frameIndex: 12, valence: -0.25, arousal: 0.4, annotator: { name: 'Ana' } });
    const bad = launcher('label', dir, '--video', '1', '--frame', '100', '--valence', '0', '--arousal', '0');
    expect(bad).toEqual({ code: 1, out: '', err: 'affect-studio: single_face.mp4 has 72 frames (0-71); frame 100 does not exist.\n' });
    expect(launcher('--help').out).toMatch(/propagate <project> \[--video ID \[--person N\]\] \[--annotator NAME\]/);
  }, 20_000);
});
