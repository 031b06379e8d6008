/**
 * `affect-studio actions` and the `actions.*` API on real project files: the traces per frame are the means of
 * the stored blendshape scores (empty where the person has no face), the project's choice of traces is kept and
 * followed, and an analysis from before facial actions, or a wrong trace name, gets a one-line message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller } from '../../test/support/apiCall';
import { cliInProcess as cli } from '../../test/support/cliInProcess';
import { buildSyntheticProject } from '../../test/support/syntheticProject';
import { createStudioApi } from '../api/studioApi';
import { parseCsv } from '../core/io/csv';
import type { PersonId, VideoId } from '../core/ids';
import { listFaceActions } from '../core/store/analysisStore';
import { openProjectDbReadOnly } from '../core/store/projectDb';
import { shippedBlendshapeNames } from '../core/vision/actionTraces';

const FRAMES = 60;
let dir: string;
let oldDir: string;
let expected: Map<number, { smile: number; jawOpen: number; cheekPuff: number }>;

beforeAll(() => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-actions-'));
  dir = path.join(root, 'v2');
  const { file } = buildSyntheticProject(dir, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: 0, annotators: 1, analysedVideos: 1, faceActions: true });
  oldDir = path.join(root, 'v1');
  buildSyntheticProject(oldDir, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: 0, annotators: 1, analysedVideos: 1 });
  const names = shippedBlendshapeNames();
  const score = (scores: Float32Array, name: string) => scores[names.indexOf(name)] as number;
  const db = openProjectDbReadOnly(file);
  expected = new Map(
    listFaceActions(db, 1 as VideoId, 1 as PersonId).map((f) => [
      f.frameIndex,
      { smile: (score(f.scores, 'mouthSmileLeft') + score(f.scores, 'mouthSmileRight')) / 2, jawOpen: score(f.scores, 'jawOpen'), cheekPuff: score(f.scores, 'cheekPuff') },
    ]),
  );
  db.close();
});

describe('actions command', () => {
  it('writes the chosen traces per frame as CSV, empty where there is no face', async () => {
    const { code, out, err } = await cli(['actions', dir, '--video', '1', '--traces', 'smile,jawOpen,cheekPuff', '--csv']);
    expect(code, err).toBe(0);
    const [header, ...rows] = parseCsv(out).map((r) => r.fields);
    expect(header).toEqual(['frame', 'time_s', 'smile', 'jawOpen', 'cheekPuff']);
    expect(rows).toHaveLength(FRAMES);
    // The synthetic analysis has a face on 9 frames in 10.
    expect(expected.size).toBe(54);
    for (const row of rows) {
      const frame = Number(row[0]);
      const want = expected.get(frame);
      if (!want) expect(row.slice(2)).toEqual(['', '', '']);
      else {
        expect(Number(row[2])).toBeCloseTo(want.smile, 5);
        expect(Number(row[3])).toBeCloseTo(want.jawOpen, 5);
        expect(Number(row[4])).toBeCloseTo(want.cheekPuff, 5);
      }
    }
  });

  it('says an analysis from before facial actions has none, and refuses a trace that does not exist', async () => {
    const old = await cli(['actions', oldDir, '--video', '1']);
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/^affect-studio: Video 1, person 1: no facial actions: analyse again \(affect-studio analyze .* --video 1\)\.\n$/);
    const wrong = await cli(['actions', dir, '--video', '1', '--traces', 'smile,grin']);
    expect(wrong.code).toBe(1);
    expect(wrong.err.trim().split('\n')).toHaveLength(1);
    expect(wrong.err).toContain('There is no facial-action trace "grin"');
    expect((await cli(['actions', dir, '--video', '1', '--traces', 'smile,,jawOpen'])).code).toBe(2);
  });
});

describe('actions API', () => {
  const api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-actions-config-')) });
  const call = apiCaller(api);
  afterAll(() => api.close());

  it('keeps the project\'s choice of traces and sends them packed, NaN where there is no face', async () => {
    await call('projects.open', { dir });
    type Choice = { chosen: { id: string }[]; available: { id: string }[] };
    const before = await call<Choice>('actions.choice', { project: dir });
    expect(before.chosen.map((t) => t.id)).toEqual(['smile', 'browRaise', 'browLower', 'jawOpen', 'eyeBlink']);
    expect(before.available.length).toBe(55); // 5 defaults + 51 blendshapes - jawOpen counted once
    await expect(call('actions.choose', { project: dir, traces: ['cheekPuff', 'nope'] })).rejects.toThrow(/no facial-action trace "nope"/);
    const after = await call<Choice>('actions.choose', { project: dir, traces: ['jawOpen', 'smile'] });
    expect(after.chosen.map((t) => t.id)).toEqual(['jawOpen', 'smile']);

    const result = await call<{ unavailable: string | null; frameCount: number; traces: { id: string; values: string }[] }>('actions.traces', { project: dir, videoId: 1 });
    expect(result.unavailable).toBeNull();
    expect(result.traces.map((t) => t.id)).toEqual(['jawOpen', 'smile']);
    const bytes = Buffer.from(result.traces[1]?.values as string, 'base64');
    const smile = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(smile).toHaveLength(FRAMES);
    for (let frame = 0; frame < FRAMES; frame++) {
      const want = expected.get(frame);
      if (want) expect(smile[frame]).toBeCloseTo(want.smile, 6);
      else expect(smile[frame]).toBeNaN();
    }
    // The CLI follows the project's choice too.
    const { out } = await cli(['actions', dir, '--video', '1', '--csv']);
    expect(parseCsv(out)[0]?.fields).toEqual(['frame', 'time_s', 'jawOpen', 'smile']);

    await call('projects.open', { dir: oldDir });
    const old = await call<{ unavailable: string | null; traces: unknown[] }>('actions.traces', { project: oldDir, videoId: 1 });
    expect(old).toMatchObject({ unavailable: 'no facial actions: analyse again', traces: [] });
  });
});
