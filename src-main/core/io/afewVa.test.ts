import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAfewVaJson, readAfewVaClip } from './afewVa';

const landmarks = Array.from({ length: 68 }, (_, i) => [i, i + 0.5]);

function clipDir(json: unknown, images = ['00000.png', '00001.png', '00002.png']): { dir: string; jsonFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-afew-'));
  for (const image of images) fs.writeFileSync(path.join(dir, image), '');
  const jsonFile = path.join(dir, '017.json');
  fs.writeFileSync(jsonFile, typeof json === 'string' ? json : JSON.stringify(json));
  return { dir, jsonFile };
}

const valid = {
  actor: 'Jane Doe',
  video_id: '017',
  frames: {
    '00000': { valence: 5, arousal: -10, landmarks },
    '00001': { valence: 0, arousal: 2.5, landmarks },
    '00002': { valence: -10, arousal: 10, landmarks },
  },
};

describe('AFEW-VA clips', () => {
  it('finds the clip JSON and reads its labels scaled from [-10, 10] to [-1, 1]', () => {
    const { dir, jsonFile } = clipDir(valid);
    expect(findAfewVaJson(dir)).toBe(jsonFile);
    const clip = readAfewVaClip(jsonFile, fs.readdirSync(dir).filter((f) => f.endsWith('.png')));
    expect(clip).toMatchObject({ actor: 'Jane Doe', videoId: '017' });
    expect(clip.labels.map(({ imageFile, valence, arousal }) => [imageFile, valence, arousal])).toEqual([
      ['00000.png', 0.5, -1],
      ['00001.png', 0, 0.25],
      ['00002.png', -1, 1],
    ]);
    expect(clip.labels[0]?.landmarks).toHaveLength(68);
  });

  it('refuses a JSON file that does not parse, naming the file', () => {
    const { jsonFile } = clipDir('{"frames": {');
    expect(() => readAfewVaClip(jsonFile, ['00000.png'])).toThrow(/017\.json is not valid JSON/);
  });

  it('refuses values outside [-10, 10] and names the frame', () => {
    const { jsonFile } = clipDir({ frames: { '00000': { valence: 11, arousal: 0 } } });
    expect(() => readAfewVaClip(jsonFile, ['00000.png'])).toThrow(/frames\.00000\.valence/);
  });

  it('refuses a clip whose frame keys do not match its images', () => {
    const { jsonFile } = clipDir(valid, ['frame_1.png', 'frame_2.png']);
    expect(() => readAfewVaClip(jsonFile, ['frame_1.png', 'frame_2.png'])).toThrow(/labels 3 frame\(s\) with no image in the folder \(00000, 00001, 00002\)/);
  });

  it('reports no clip for a plain frame folder and refuses a folder with two clip files', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-afew-'));
    expect(findAfewVaJson(plain)).toBeNull();
    const { dir } = clipDir(valid);
    fs.writeFileSync(path.join(dir, '018.json'), '{}');
    expect(() => findAfewVaJson(dir)).toThrow(/several AFEW-VA label files/);
  });
});
