/** `affect-studio suggest` on a real project holding single_face.mp4 (72 frames, a face in every one). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { testVideo } from '../../test/support/testMedia';
import { cliInProcess } from '../../test/support/cliInProcess';

const VIDEO = testVideo('single_face.mp4');

const cli = cliInProcess;

interface Suggested {
  videoId: number;
  annotator: string | null;
  suggestions: { frameIndex: number; score: number; reasons: string[] }[];
}

describe('suggest command', () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-cli-suggest-')), 'p');

  beforeAll(async () => {
    expect((await cli(['project', 'create', dir, '--json'])).code).toBe(0);
    expect((await cli(['import', dir, VIDEO, '--json'])).code).toBe(0);
    const analysed = await cli(['analyze', dir, '--json']);
    expect(analysed.code, analysed.err + analysed.out).toBe(0);
  }, 120_000);

  it('gives a video without labels a first batch spread over it, each with a reason', async () => {
    const { code, out, err } = await cli(['suggest', dir, '--video', '1', '--n', '4', '--json']);
    expect(code, err).toBe(0);
    const result = JSON.parse(out) as Suggested;
    expect(result).toMatchObject({ videoId: 1, annotator: null });
    expect(result.suggestions).toHaveLength(4);
    const frames = result.suggestions.map((s) => s.frameIndex).sort((a, b) => a - b);
    expect(new Set(frames).size).toBe(4);
    expect((frames[3] as number) - (frames[0] as number)).toBeGreaterThan(30);
    for (const s of result.suggestions) {
      expect(s.frameIndex).toBeGreaterThanOrEqual(0);
      expect(s.frameIndex).toBeLessThan(72);
      expect(Number.isFinite(s.score)).toBe(true);
      expect(s.reasons.length).toBeGreaterThan(0);
    }
  });

  it('never suggests a labelled frame, and uses the first human annotator by default', async () => {
    for (const [frame, valence] of [[5, '0.5'], [36, '-0.4'], [66, '0.1']] as const) {
      const labelled = await cli(['label', dir, '--video', '1', '--frame', String(frame), '--valence', valence, '--arousal', '0.2', '--annotator', 'Ana']);
      expect(labelled.code, labelled.err).toBe(0);
    }
    const { code, out, err } = await cli(['suggest', dir, '--video', '1', '--json']);
    expect(code, err).toBe(0);
    const result = JSON.parse(out) as Suggested;
    expect(result.annotator).toBe('Ana');
    expect(result.suggestions.length).toBeGreaterThan(0);
    expect(result.suggestions.length).toBeLessThanOrEqual(10);
    for (const s of result.suggestions) {
      expect([5, 36, 66]).not.toContain(s.frameIndex);
      expect(s.reasons.length).toBeGreaterThan(0);
    }
    // The same for the annotator named explicitly; the text output lists frame, score and why.
    const named = await cli(['suggest', dir, '--video', '1', '--annotator', 'Ana', '--n', '2']);
    expect(named.code, named.err).toBe(0);
    expect(named.out).toContain('for Ana');
    expect(named.out.trim().split('\n')).toHaveLength(2 + 2);
  });

  it('refuses a call without --video, a bad --n, an unknown annotator and an unknown video', async () => {
    expect((await cli(['suggest', dir])).code).toBe(2);
    expect((await cli(['suggest', dir, '--video', '1', '--n', '0'])).code).toBe(2);
    const nobody = await cli(['suggest', dir, '--video', '1', '--annotator', 'Nobody']);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('no annotator "Nobody"');
    const missing = await cli(['suggest', dir, '--video', '9']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('This project has no video 9.');
  });
});
