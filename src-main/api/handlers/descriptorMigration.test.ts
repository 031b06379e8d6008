/**
 * A project file from before facial actions (schema 7: no face_actions table, no descriptor_version) opens through
 * the API, predicts exactly as the same project never taken back to schema 7 does (version 1 descriptors, the
 * prior head), and its analysed videos are offered re-analysis for facial actions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { createStudioApi, type StudioApi } from '../studioApi';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-descriptor-migration-'));
let api: StudioApi;
let call: ApiCall;
const current = path.join(root, 'current');
const old = path.join(root, 'schema7');

beforeAll(async () => {
  const options = { videos: 2, framesPerVideo: 300, labelsPerVideo: 10, annotators: 1, analysedVideos: 2 };
  buildSyntheticProject(current, options);
  const { file } = buildSyntheticProject(old, options);
  // Schema 7 exactly: migration 8 added the face_actions table and face_analyses.descriptor_version, migration 9
  // the per-rater head tables (the synthetic project has no trained head, so they are empty), migration 10 the
  // encoder's own valence/arousal of each embedding (NULL: the shipped encoder has none), migration 11 the band
  // calibrations (none: nothing was scored).
  const db = new Database(file);
  db.exec('DROP TABLE band_calibrations; DROP TABLE active_heads; DROP TABLE head_annotators; DROP TABLE face_actions; ALTER TABLE face_analyses DROP COLUMN descriptor_version;');
  db.exec('ALTER TABLE embeddings DROP COLUMN valence; ALTER TABLE embeddings DROP COLUMN arousal;');
  db.pragma('user_version = 7');
  expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'face_actions'").get()).toEqual({ n: 0 });
  db.close();
  api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(root, 'config-')) });
  call = apiCaller(api);
  for (const dir of [current, old]) await call('projects.open', { dir });
}, 120_000);

afterAll(() => {
  api.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('a project from before facial actions', () => {
  it('opens, predicts exactly as before under version 1 descriptors, and is offered re-analysis of every video', async () => {
    for (const videoId of [1, 2]) {
      const params = { videoId, personId: 1, annotatorId: 1 };
      const [before, after] = await Promise.all([current, old].map((project) => call<{ valence: string; arousal: string; head: unknown; anchors: number }>('predictions.get', { project, ...params })));
      expect(after?.head).toEqual({ modelId: null, name: 'circumplex prior', version: '1', note: null });
      expect(after?.anchors).toBeGreaterThan(0);
      expect(after?.valence).toBe(before?.valence);
      expect(after?.arousal).toBe(before?.arousal);
    }
    const status = await call('analysis.descriptors', { project: old });
    expect(status).toEqual({
      latestVersion: 2,
      projectVersion: 1,
      olderVideos: [
        { videoId: 1, descriptorVersion: 1 },
        { videoId: 2, descriptorVersion: 1 },
      ],
    });
  });
});
