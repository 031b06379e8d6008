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

describe('labels through the API', () => {
  it('sets, edits and deletes a label, announcing each change', async () => {
    events.length = 0;
    await call('labels.set', { project, videoId, annotatorId, frameIndex: 10, valence: 0.4, arousal: -0.2, origin: 'manual' });
    await call('labels.set', { project, videoId, annotatorId, frameIndex: 10, valence: 0.5, arousal: -0.1, origin: 'manual' });
    expect(await call('labels.list', { project, videoId })).toMatchObject([{ frameIndex: 10, valence: 0.5, arousal: -0.1, annotatorId }]);
    await call('labels.delete', { project, videoId, annotatorId, frameIndex: 10 });
    expect(await call('labels.list', { project, videoId })).toEqual([]);
    expect(events.filter((e) => (e as { payload: { entity: string } }).payload.entity === 'labels')).toHaveLength(3);
  });

  it('saves a live trace in one call', async () => {
    const labels = Array.from({ length: 30 }, (_, i) => ({ frameIndex: 20 + i, valence: i / 30, arousal: -i / 30 }));
    expect(await call('labels.setMany', { project, videoId, annotatorId, origin: 'live', labels })).toEqual({ count: 30 });
    const stored = (await call('labels.list', { project, videoId, annotatorId })) as { frameIndex: number; origin: string }[];
    expect(stored.filter((l) => l.origin === 'live').map((l) => l.frameIndex)).toEqual(labels.map((l) => l.frameIndex));
  });

  it('refuses a frame the video does not have, an unknown annotator and values off the scale, saving nothing', async () => {
    const before = await call('labels.list', { project, videoId });
    await expect(call('labels.set', { project, videoId, annotatorId, frameIndex: 72, valence: 0, arousal: 0, origin: 'manual' })).rejects.toThrow(
      /has 72 frames \(0-71\); frame 72 does not exist/,
    );
    await expect(call('labels.set', { project, videoId, annotatorId: 999, frameIndex: 1, valence: 0, arousal: 0, origin: 'manual' })).rejects.toThrow(
      /no annotator 999/,
    );
    await expect(call('labels.set', { project, videoId, annotatorId, frameIndex: 1, valence: 1.2, arousal: 0, origin: 'manual' })).rejects.toThrow(/valence/);
    const batch = [{ frameIndex: 1, valence: 0, arousal: 0 }, { frameIndex: 500, valence: 0, arousal: 0 }];
    await expect(call('labels.setMany', { project, videoId, annotatorId, origin: 'live', labels: batch })).rejects.toThrow(/frame 500/);
    expect(await call('labels.list', { project, videoId })).toEqual(before);
  });
});
