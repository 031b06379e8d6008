/** projects.open reports whether the project can be saved to, and a read-only project refuses saves through the API. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSyntheticProject, damagePages, leafPages } from '../../../test/support/syntheticProject';
import { API_VERSION } from '../contract';
import { createStudioApi } from '../studioApi';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-app-api-'));

function damagedProject(): string {
  const dir = path.join(tempDir(), 'study');
  const { file } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 200, labelsPerVideo: 100, annotators: 1, analysedVideos: 0 });
  damagePages(file, [leafPages(file, 'labels').at(-1) as number]);
  return dir;
}

describe('project access through the API', () => {
  it('returns the access from projects.open and refuses labels.apply on a damaged project through the API', async () => {
    const dir = damagedProject();
    const api = createStudioApi({ mode: 'browser', configDir: tempDir() });
    try {
      const opened = await api.dispatch({ v: API_VERSION, id: 1, method: 'projects.open', params: { dir } });
      expect(opened).toMatchObject({ ok: true, result: { path: dir, access: { mode: 'read-only' } } });
      const saved = await api.dispatch({
        v: API_VERSION, id: 2, method: 'labels.apply',
        params: { project: dir, videoId: 1, personId: 1, annotatorId: 1, origin: 'manual', sets: [{ frameIndex: 3, valence: 0, arousal: 0 }] },
      });
      expect(saved).toMatchObject({ ok: false, error: { code: 'failed' } });
      if (!saved.ok) expect(saved.error.message).toMatch(/^Not saved: this project is open read-only because its database is damaged/);
    } finally {
      await api.close();
    }
  });

  it('reports a sound project as read-write', async () => {
    const dir = path.join(tempDir(), 'study');
    buildSyntheticProject(dir, { videos: 1, framesPerVideo: 50, labelsPerVideo: 5, annotators: 1, analysedVideos: 0 });
    const api = createStudioApi({ mode: 'browser', configDir: tempDir() });
    try {
      expect(await api.dispatch({ v: API_VERSION, id: 1, method: 'projects.open', params: { dir } })).toMatchObject({ ok: true, result: { access: { mode: 'read-write' } } });
    } finally {
      await api.close();
    }
  });

  it('opens a large project at once, read-only while it is checked, and announces when it becomes writable', async () => {
    const dir = path.join(tempDir(), 'study');
    // Face analysis makes ~10 kB a frame: 2,000 analysed frames are past the inline check's 16 MB.
    buildSyntheticProject(dir, { videos: 1, framesPerVideo: 2000, labelsPerVideo: 10, annotators: 1, analysedVideos: 1 });
    const api = createStudioApi({ mode: 'browser', configDir: tempDir() });
    const announced = new Promise<unknown>((resolve) =>
      api.events.subscribe((event) => {
        if (event.event === 'project.access') resolve(event.payload);
      }),
    );
    try {
      const opened = await api.dispatch({ v: API_VERSION, id: 1, method: 'projects.open', params: { dir } });
      expect(opened).toMatchObject({ ok: true, result: { access: { mode: 'read-only', reason: expect.stringContaining('still being checked') } } });
      expect(await announced).toEqual({ projectPath: dir, access: { mode: 'read-write' } });
    } finally {
      await api.close();
    }
  });
});
