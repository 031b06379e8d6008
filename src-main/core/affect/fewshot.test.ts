import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { drawSupport, parseSupportSpec } from './fewshot';
import { readLabelledImages } from './labelledImages';
import { seededRandom } from './random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-eval-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('evaluate input checks', () => {
  it('names missing columns', () => {
    const file = csv('missing.csv', 'image,clip,valence\na.jpg,1,5\n');
    expect(() => readLabelledImages(file, [1, 9])).toThrow(/lacks the column\(s\) frame, arousal/);
  });

  it('refuses labels outside the range', () => {
    const file = csv('range.csv', 'image,clip,frame,valence,arousal\na.jpg,1,0,9.5,5\n');
    expect(() => readLabelledImages(file, [1, 9])).toThrow(/Line 2: valence is 9.5, outside the range 1 to 9/);
  });

  it('parses support specifications and refuses bad ones', () => {
    expect(parseSupportSpec('fraction:0.05')).toEqual({ kind: 'fraction', p: 0.05 });
    expect(parseSupportSpec('every:20')).toEqual({ kind: 'every', k: 20 });
    expect(() => parseSupportSpec('random:0')).toThrow(/not one of/);
    expect(() => parseSupportSpec('fraction:1.5')).toThrow(/not one of/);
  });

  it('refuses an empty support set and one that leaves no query', () => {
    const items = [0, 1, 2].map((frame) => ({ clip: 'c', frame, valence: 0, arousal: 0 }));
    expect(() => drawSupport(items, { kind: 'fraction', p: 0.01 }, seededRandom(1))).toThrow(/support set is empty/);
    expect(() => drawSupport(items, { kind: 'every', k: 1 }, seededRandom(1))).toThrow(/no query is left/);
    expect([...drawSupport(items, { kind: 'first' }, seededRandom(1))]).toEqual([0]);
  });
});
