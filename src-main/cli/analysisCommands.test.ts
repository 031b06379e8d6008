/** `affect-studio analyze` and `affect-studio faces` on a real project holding single_face.mp4. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testVideo } from '../../test/support/testMedia';
import { cliInProcess } from '../../test/support/cliInProcess';

const VIDEO = testVideo('single_face.mp4');

const cli = cliInProcess;

describe('analysis commands', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-analyze-')), 'p');

  beforeAll(async () => {
    expect((await cli(['project', 'create', dir, '--json'])).code).toBe(0);
    expect((await cli(['import', dir, VIDEO, '--json'])).code).toBe(0);
  }, 60_000);

  it('analyze --json reports each video: frames, faces, detector runs, tracks and persons, execution provider', async () => {
    const { code, out, err } = await cli(['analyze', dir, '--json']);
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual([{ state: 'done', error: null, videoId: 1, frames: 72, facesFound: 72, detectorRuns: expect.any(Number), tracks: 1, persons: 1, provider: 'cpu' }]);
  }, 60_000);

  it('faces --video --json prints one entry per frame: face, box, score, track', async () => {
    const { code, out } = await cli(['faces', dir, '--video', '1', '--json']);
    expect(code).toBe(0);
    const frames = JSON.parse(out) as { frameIndex: number; face: boolean; box: { w: number } | null; score: number | null; track: number | null }[];
    expect(frames.length).toBe(72);
    expect(frames[10]).toMatchObject({ frameIndex: 10, face: true, track: 1, box: { x: expect.any(Number), y: expect.any(Number), w: expect.any(Number), h: expect.any(Number) } });
    expect(frames.every((f) => f.face && (f.score ?? 0) >= 0.5)).toBe(true);
  });

  it('refuses faces without --video and an unknown video', async () => {
    expect((await cli(['faces', dir, '--json'])).code).toBe(2);
    const missing = await cli(['analyze', dir, '--video', '9']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('This project has no video 9.');
  });
});
