/**
 * `affect-studio encoders`: a lab's own encoder (test/support/labEncoder.ts, RGB 112 x 112 NCHW) imported into a
 * real project after the contract check in the analysis process, chosen, and used by the next analysis of a real
 * video, whose stored embeddings then have its dimension. A broken card and a file the studio did not write are
 * refused in one line and change nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess as cli } from '../../test/support/cliInProcess';
import { LAB_DIM, writeLabEncoder } from '../../test/support/labEncoder';
import { testVideo } from '../../test/support/testMedia';
import { modelsInUse } from '../core/app/analysis';
import type { VideoId } from '../core/ids';
import { ProjectSession } from '../core/studio/projectSession';
import { getAnalysis, listFrameDescriptors } from '../core/store/analysisStore';
import { openProjectFolder } from '../core/store/projectFolder';
import { FIRST_PERSON } from '../core/store/personStore';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-encoders-'));
const labFile = writeLabEncoder(path.join(work, 'lab'));

async function newProject(name: string): Promise<string> {
  const dir = path.join(work, name);
  const made = await cli(['project', 'create', dir, '--json']);
  expect(made.code, made.err).toBe(0);
  return dir;
}

interface Listed {
  id: number | null;
  name: string;
  input: string;
  embeddingDim: number;
  affectRange: [number, number] | null;
  licence: string;
  active: boolean;
  builtIn: boolean;
}

async function listed(dir: string): Promise<Listed[]> {
  const { code, out, err } = await cli(['encoders', dir, '--json']);
  expect(code, err).toBe(0);
  return JSON.parse(out) as Listed[];
}

describe('encoders command', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await newProject('p');
  });

  it('lists the shipped encoder, active, in a new project', async () => {
    expect(await listed(dir)).toEqual([
      {
        id: null,
        name: 'emotion-xception-fer2013',
        version: '1.0.0',
        input: 'grey 64x64 NHWC, 0..1, mean 0.5 sd 0.5, crop 1.1x',
        embeddingDim: 256,
        affectRange: null,
        licence: 'MIT, Octavio Arriaga (oarriaga/face_classification)',
        active: true,
        builtIn: true,
      },
    ]);
  });

  it('refuses a broken card on one line naming the field, and copies and registers nothing', async () => {
    const broken = writeLabEncoder(path.join(work, 'broken'), { card: (card) => ({ ...card, preprocessing: { ...(card.preprocessing as object), layout: 'HWC' } }) });
    const { code, out, err } = await cli(['encoders', dir, 'import', broken]);
    expect([code, out]).toEqual([1, '']);
    expect(err).toBe(`affect-studio: The model card ${broken.replace(/\.onnx$/, '.card.json')} is not valid: preprocessing.layout must be "NHWC" or "NCHW".\n`);
    expect(fs.existsSync(path.join(dir, 'encoders'))).toBe(false);
    expect((await listed(dir)).length).toBe(1);
  });

  it('refuses a card whose valence/arousal scale is empty on one line, and copies nothing', async () => {
    const broken = writeLabEncoder(path.join(work, 'broken-affect'), { affect: true, card: (card) => ({ ...card, affectRange: [9, 1] }) });
    const { code, out, err } = await cli(['encoders', dir, 'import', broken]);
    expect([code, out]).toEqual([1, '']);
    expect(err).toBe(`affect-studio: The model card ${broken.replace(/\.onnx$/, '.card.json')} is not valid: affectRange must be [min, max] with min below max.\n`);
    expect(fs.existsSync(path.join(dir, 'encoders'))).toBe(false);
  });

  it('refuses a model without its card beside it, saying what to write', async () => {
    const bare = path.join(work, 'bare.onnx');
    fs.copyFileSync(labFile, bare);
    const { code, err } = await cli(['encoders', dir, 'import', bare]);
    expect(code).toBe(1);
    expect(err).toBe(`affect-studio: ${bare} has no model card beside it: write bare.card.json next to it (see models/README.md), then import again.\n`);
  });

  it('imports a checked encoder into the project folder and lists it with its input, size and licence; the shipped one stays active', async () => {
    const { code, out, err } = await cli(['encoders', dir, 'import', labFile]);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^imported lab-linear-rgb112 0\.3\.0 as encoder 2; "encoders <project> use 2" makes the next analysis use it\n$/);
    const copies = fs.readdirSync(path.join(dir, 'encoders')).sort();
    expect(copies).toEqual([expect.stringMatching(/^[0-9a-f]{12}-lab-linear\.card\.json$/), expect.stringMatching(/^[0-9a-f]{12}-lab-linear\.onnx$/)]);
    expect(fs.readFileSync(path.join(dir, 'encoders', copies[1] as string)).equals(fs.readFileSync(labFile))).toBe(true);
    expect(await listed(dir)).toEqual([
      expect.objectContaining({ id: 1, name: 'emotion-xception-fer2013', active: true, builtIn: true }),
      { id: 2, name: 'lab-linear-rgb112', version: '0.3.0', input: 'RGB 112x112 NCHW, 0..1, mean 0.485/0.456/0.406 sd 0.229/0.224/0.225, crop 1.25x', embeddingDim: LAB_DIM, affectRange: null, licence: 'CC0-1.0 (a test model)', active: false, builtIn: false },
    ]);
    // Importing it again changes nothing.
    expect((await cli(['encoders', dir, 'import', labFile])).code).toBe(0);
    expect((await listed(dir)).length).toBe(2);
  }, 60_000);

  it('lists an encoder that predicts valence/arousal with its scale, the others with none', async () => {
    const project = await newProject('affect');
    const affectFile = writeLabEncoder(path.join(work, 'lab-affect'), { affect: true, card: (card) => ({ ...card, affectRange: [-10, 10] }) });
    expect((await cli(['encoders', project, 'import', affectFile])).code).toBe(0);
    const { code, out } = await cli(['encoders', project]);
    expect(code).toBe(0);
    const rows = out.trimEnd().split('\n').map((line) => line.split('\t'));
    const column = rows[0]?.indexOf('affect') as number;
    expect(column).toBeGreaterThan(0);
    expect(rows.slice(1).map((row) => [row[2], row[column]])).toEqual([
      ['emotion-xception-fer2013', '-'],
      ['lab-linear-rgb112', '-10 to 10'],
    ]);
  }, 60_000);

  it('never replaces a file in the encoders folder that the studio did not write', async () => {
    const other = await newProject('other');
    const name = fs.readdirSync(path.join(dir, 'encoders')).find((f) => f.endsWith('.onnx')) as string;
    fs.mkdirSync(path.join(other, 'encoders'));
    fs.writeFileSync(path.join(other, 'encoders', name), 'a file of the lab');
    const { code, err } = await cli(['encoders', other, 'import', labFile]);
    expect(code).toBe(1);
    expect(err).toBe(`affect-studio: ${path.join(other, 'encoders', name)} already exists and Affect Studio did not write it: move it out of the project's encoders folder, then import again.\n`);
    expect(fs.readFileSync(path.join(other, 'encoders', name), 'utf8')).toBe('a file of the lab');
    expect((await listed(other)).map((e) => e.name)).toEqual(['emotion-xception-fer2013']);
  }, 60_000);

  it('refuses an unknown id and a wrong call', async () => {
    const unknown = await cli(['encoders', dir, 'use', '9']);
    expect([unknown.code, unknown.err]).toEqual([1, 'affect-studio: There is no encoder with id 9 in this project: see the list of its encoders.\n']);
    expect((await cli(['encoders', dir, 'drop', '1'])).code).toBe(2);
    expect((await cli(['encoders', dir, 'use'])).code).toBe(2);
  });

  it('uses the chosen encoder in the next analysis: the stored embeddings have its dimension', async () => {
    const used = await cli(['encoders', dir, 'use', '2', '--json']);
    expect(used.code, used.err).toBe(0);
    expect((JSON.parse(used.out) as Listed[]).map((e) => [e.id, e.active])).toEqual([[1, false], [2, true]]);
    const session = ProjectSession.open(dir);
    try {
      // What the studio says is in use is what the analysis will load.
      const encoder = (await modelsInUse(session)).models.find((m) => m.role === 'encoder');
      expect([encoder?.name, encoder?.embeddingDim]).toEqual(['lab-linear-rgb112', LAB_DIM]);
    } finally {
      await session.close();
    }
    expect((await cli(['import', dir, testVideo('single_face.mp4'), '--no-analyze'])).code).toBe(0);
    const analysed = await cli(['analyze', dir, '--json']);
    expect(analysed.code, analysed.err).toBe(0);

    const { db } = openProjectFolder(dir);
    try {
      const analysis = getAnalysis(db, 1 as VideoId);
      expect([analysis?.encoderName, analysis?.encoderId]).toEqual(['lab-linear-rgb112', 2]);
      const stored = listFrameDescriptors(db, 1 as VideoId, FIRST_PERSON, analysis?.encoderId as NonNullable<typeof analysis>['encoderId']);
      expect(stored.length).toBe(72);
      expect(new Set(stored.map((d) => d.embedding.length))).toEqual(new Set([LAB_DIM]));
      expect(stored.every((d) => d.expressionLogits === null && d.embedding.every(Number.isFinite))).toBe(true);
    } finally {
      db.close();
    }
  }, 120_000);
});
