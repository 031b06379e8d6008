/**
 * `models.info` through the API, as the real analysis process loads the shipped models: every model says its job
 * in the analysis, so FaceMesh V2 and V1, both landmark models by their cards, are told apart (V1 ships only as
 * the presence gate for new faces).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import type { ModelsInfo } from '../contract';
import { createStudioApi, type StudioApi } from '../studioApi';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-models-info-'));
const project = path.join(root, 'study');
let api: StudioApi;
let call: ApiCall;

beforeAll(async () => {
  api = createStudioApi({ mode: 'browser', configDir: path.join(root, 'config') });
  call = apiCaller(api);
  await call('projects.create', { dir: project, name: 'Models study' });
});

afterAll(async () => {
  await api.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('models.info', () => {
  it("names each model's job, the two FaceMesh landmark models apart", { timeout: 60_000 }, async () => {
    const info = await call<ModelsInfo>('models.info', { project });
    expect(info.models.map((m) => [m.name, m.role, m.purpose])).toEqual([
      ['blazeface-back', 'detector', 'face detection'],
      ['facemesh-v2', 'landmarks', 'landmarks (478, with iris) and tracking'],
      ['emotion-xception-fer2013', 'encoder', 'expression embedding and probabilities (the descriptor)'],
      ['faceres-hse', 'identity', 'identity, to link tracks into persons'],
      ['blendshapes-v2', 'blendshapes', 'facial actions (52 blendshapes)'],
      ['facemesh', 'landmarks', 'presence gate for new faces'],
    ]);
  });
});
