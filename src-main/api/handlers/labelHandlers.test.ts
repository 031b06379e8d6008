/** Labelling through the API, as the UI does it, on a real imported video. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { createStudioApi, type StudioApi } from '../studioApi';
import { testVideo } from '../../../test/support/testMedia';

const VIDEO = testVideo('single_face.mp4');

let api: StudioApi;
let project: string;
let videoId: number;
let annotatorId: number;
const events: unknown[] = [];
let call: ApiCall;

beforeAll(async () => {
  api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-labels-api-')) });
  call = apiCaller(api);
  api.events.subscribe((event) => events.push(event));
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-labels-api-')), 'p');
  await call('projects.create', { dir: project });
  await call('videos.import', { project, paths: [VIDEO] });
  await vi.waitFor(async () => expect(((await call('videos.list', { project })) as { status: string }[])[0]?.status).toBe('ready'), {
    timeout: 30_000,
  });
  videoId = ((await call('videos.list', { project })) as { id: number }[])[0]?.id as number;
  annotatorId = ((await call('annotators.add', { project, name: 'Ana' })) as { id: number }).id;
});

afterAll(() => api.close());

type Applied = { revision: number; labels: { id: number; frameIndex: number; valence: number; origin: string }[] };
type Changed = { event: string; payload: { entity: string; videoId?: number; annotatorId?: number; revision?: number } };
const labelEvents = () => (events as Changed[]).filter((e) => e.payload.entity === 'labels');
const apply = (edit: Record<string, unknown>) => call<Applied>('labels.apply', { project, videoId, personId: 1, annotatorId, origin: 'manual', ...edit });

describe('labels through the API', () => {
  it('sets, edits and deletes a label, each edit one call announced by one event carrying the new revision', async () => {
    events.length = 0;
    const first = await apply({ sets: [{ frameIndex: 10, valence: 0.4, arousal: -0.2 }] });
    const second = await apply({ sets: [{ frameIndex: 10, valence: 0.5, arousal: -0.1 }] });
    expect(second.revision).toBeGreaterThan(first.revision);
    expect(second.labels).toMatchObject([{ frameIndex: 10, valence: 0.5 }]);
    expect(await call('labels.list', { project, videoId, personId: 1 })).toMatchObject([{ frameIndex: 10, valence: 0.5, arousal: -0.1, annotatorId }]);
    const deleted = await apply({ deletes: [10] });
    expect(deleted.labels).toEqual([]);
    expect(await call('labels.list', { project, videoId, personId: 1 })).toEqual([]);
    expect(labelEvents().map((e) => e.payload)).toEqual(
      [first, second, deleted].map(({ revision }) => ({ entity: 'labels', projectPath: project, videoId, personId: 1, annotatorId, revision })),
    );
  });

  it('moves a label in one transaction and one event, and undoes the move with one call', async () => {
    await apply({ sets: [{ frameIndex: 3, valence: 0.3, arousal: 0.3 }] });
    events.length = 0;
    await apply({ deletes: [3], sets: [{ frameIndex: 7, valence: 0.3, arousal: 0.3 }] });
    expect((await call<{ frameIndex: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId })).map((l) => l.frameIndex)).toEqual([7]);
    // The inverse edit, as the studio's undo sends it.
    await apply({ deletes: [7], sets: [{ frameIndex: 3, valence: 0.3, arousal: 0.3 }] });
    expect((await call<{ frameIndex: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId })).map((l) => l.frameIndex)).toEqual([3]);
    expect(labelEvents()).toHaveLength(2);
    await apply({ deletes: [3] });
  });

  it('saves "accept predictions" over 24 frames and its undo as one call each', async () => {
    const frames = Array.from({ length: 24 }, (_, i) => 40 + i);
    events.length = 0;
    const accepted = await apply({ origin: 'accepted_prediction', sets: frames.map((frameIndex) => ({ frameIndex, valence: 0.1, arousal: 0.2 })) });
    expect(accepted.labels.map((l) => l.origin)).toEqual(frames.map(() => 'accepted_prediction'));
    await apply({ deletes: frames });
    expect(await call('labels.list', { project, videoId, personId: 1, annotatorId })).toEqual([]);
    expect(labelEvents()).toHaveLength(2);
  });

  it('saves a live trace in one call', async () => {
    const labels = Array.from({ length: 30 }, (_, i) => ({ frameIndex: 20 + i, valence: i / 30, arousal: -i / 30 }));
    expect((await apply({ origin: 'live', sets: labels })).labels).toHaveLength(30);
    const stored = (await call('labels.list', { project, videoId, personId: 1, annotatorId })) as { frameIndex: number; origin: string }[];
    expect(stored.filter((l) => l.origin === 'live').map((l) => l.frameIndex)).toEqual(labels.map((l) => l.frameIndex));
  });

  it('refuses a frame the video does not have, an unknown annotator, values off the scale and muddled edits, saving nothing', async () => {
    const before = await call('labels.list', { project, videoId, personId: 1 });
    events.length = 0;
    await expect(apply({ sets: [{ frameIndex: 72, valence: 0, arousal: 0 }] })).rejects.toThrow(/has 72 frames \(0-71\); frame 72 does not exist/);
    await expect(apply({ annotatorId: 999, sets: [{ frameIndex: 1, valence: 0, arousal: 0 }] })).rejects.toThrow(/no annotator 999/);
    await expect(apply({ sets: [{ frameIndex: 1, valence: 1.2, arousal: 0 }] })).rejects.toThrow(/valence/);
    // All or nothing: a good frame beside a bad one saves neither.
    await expect(apply({ origin: 'live', sets: [{ frameIndex: 1, valence: 0, arousal: 0 }, { frameIndex: 500, valence: 0, arousal: 0 }] })).rejects.toThrow(/frame 500/);
    await expect(apply({ deletes: [2], sets: [{ frameIndex: 2, valence: 0, arousal: 0 }] })).rejects.toThrow(/names a frame twice/);
    await expect(apply({})).rejects.toThrow(/changes no label/);
    expect(await call('labels.list', { project, videoId, personId: 1 })).toEqual(before);
    expect(labelEvents()).toEqual([]);
  });

  it('renames an annotator, keeping their labels, and refuses a name another annotator has or a blank one', async () => {
    await apply({ sets: [{ frameIndex: 5, valence: 0.2, arousal: 0.1 }] });
    const ben = await call<{ id: number; name: string }>('annotators.add', { project, name: 'Ben' });
    const before = await call('labels.list', { project, videoId, personId: 1, annotatorId });
    expect(await call('annotators.rename', { project, annotatorId, name: '  Ana Lima ' })).toEqual({ id: annotatorId, name: 'Ana Lima', kind: 'human' });
    expect((await call<{ id: number; name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana Lima', 'Ben']);
    expect(await call('labels.list', { project, videoId, personId: 1, annotatorId })).toEqual(before);
    await expect(call('annotators.rename', { project, annotatorId: ben.id, name: 'Ana Lima' })).rejects.toThrow(
      'This project already has an annotator named "Ana Lima": choose another name for Ben.',
    );
    await expect(call('annotators.rename', { project, annotatorId: ben.id, name: '  ' })).rejects.toThrow(/needs a name/);
    await expect(call('annotators.rename', { project, annotatorId: 999, name: 'Cy' })).rejects.toThrow(/no annotator 999/);
    expect((await call<{ name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana Lima', 'Ben']);
  });
});
