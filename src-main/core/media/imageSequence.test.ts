import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpegPaths } from './ffmpegPaths';
import { decodeImage, listImageFrames } from './imageSequence';
import { FACE_SET_CROPS_PER_CLIP, writeLabelledFaceSet } from '../../../test/support/testMedia';

const { ffmpeg } = resolveFfmpegPaths();
let tmp: string;
let frames: string;
/** Face crops named as KERC names them (v{clip}-face_{n}.jpg), made from the committed FRL photos. */
let faces: string;

/** testsrc frame n (it counts seconds, so distinct frames differ) as a file, and as the raw RGB it was made from. */
function testImage(file: string, n: number): Buffer {
  const source = ['-f', 'lavfi', '-i', `testsrc=size=48x32:rate=1:duration=${n + 1}`, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1'];
  execFileSync(ffmpeg, ['-v', 'error', '-y', ...source, file]);
  return execFileSync(ffmpeg, ['-v', 'error', ...source, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-images-'));
  frames = path.join(tmp, 'frames');
  fs.mkdirSync(frames);
  for (const n of [1, 2, 10]) testImage(path.join(frames, `${n}.png`), n);
  testImage(path.join(frames, '.hidden.png'), 0);
  fs.writeFileSync(path.join(frames, 'notes.txt'), 'not a frame');
  fs.mkdirSync(path.join(frames, 'sub.png'));
  faces = writeLabelledFaceSet(path.join(tmp, 'face-set')).facesDir;
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('listImageFrames', () => {
  it('lists image frames in natural order, ignoring hidden files, other files and folders', () => {
    fs.copyFileSync(path.join(frames, '1.png'), path.join(frames, 'Frame3.PNG'));
    try {
      expect(listImageFrames(frames)).toEqual(['1.png', '2.png', '10.png', 'Frame3.PNG']);
    } finally {
      fs.rmSync(path.join(frames, 'Frame3.PNG'));
    }
  });

  it('orders KERC-style face crops by their frame numbers', () => {
    const names = listImageFrames(faces);
    expect(names).toHaveLength(fs.readdirSync(faces).length);
    // Plain string order would put v10-* and v100-* between v1-face_3 and v2-face_0.
    const firstClip = Array.from({ length: FACE_SET_CROPS_PER_CLIP }, (_, n) => `v1-face_${n}.jpg`);
    expect(names.slice(0, FACE_SET_CROPS_PER_CLIP + 2)).toEqual([...firstClip, 'v2-face_0.jpg', 'v2-face_1.jpg']);
    expect(names.indexOf('v9-face_0.jpg')).toBeLessThan(names.indexOf('v10-face_0.jpg'));
    expect(names.indexOf('v99-face_0.jpg')).toBeLessThan(names.indexOf('v100-face_0.jpg'));
  });

  it('names the folder when it is missing, not a folder, or holds no images', () => {
    const missing = path.join(tmp, 'nowhere');
    expect(() => listImageFrames(missing)).toThrow(`The folder ${missing} does not exist`);
    const file = path.join(frames, 'notes.txt');
    expect(() => listImageFrames(file)).toThrow(`${file} is a file, not a folder of image frames`);
    const empty = path.join(tmp, 'no-images');
    fs.mkdirSync(empty);
    fs.writeFileSync(path.join(empty, 'readme.md'), '#');
    fs.copyFileSync(path.join(frames, '1.png'), path.join(empty, '.1.png'));
    expect(() => listImageFrames(empty)).toThrow(`The folder ${empty} has no image frames`);
  });
});

describe('decodeImage', () => {
  it('decodes a PNG to exactly the pixels it was made from', async () => {
    const expected = testImage(path.join(tmp, 'exact.png'), 4);
    expect((await decodeImage(path.join(tmp, 'exact.png'), { width: 48, height: 32 })).equals(expected)).toBe(true);
  });

  it('decodes jpg, bmp and webp at the requested size, and takes "%" in a name literally', async () => {
    const expected = testImage(path.join(tmp, 'source.bmp'), 3);
    for (const name of ['frame.jpg', 'frame.webp', 'frame.png']) testImage(path.join(tmp, name), 3);
    fs.renameSync(path.join(tmp, 'frame.png'), path.join(tmp, 'frame%03d.png')); // ffmpeg would write frame001.png
    expect((await decodeImage(path.join(tmp, 'source.bmp'), { width: 48, height: 32 })).equals(expected)).toBe(true);
    for (const name of ['frame.jpg', 'frame.webp', 'frame%03d.png']) {
      const rgb = await decodeImage(path.join(tmp, name), { width: 48, height: 32 });
      let diff = 0;
      for (const [i, value] of rgb.entries()) diff += Math.abs(value - (expected[i] ?? 0));
      expect(diff / rgb.length, name).toBeLessThan(8); // lossy formats: close, not equal
    }
    const face = await decodeImage(path.join(faces, 'v1-face_0.jpg'), { width: 64, height: 64 });
    expect(face.length).toBe(64 * 64 * 3);
    expect(new Set(face).size).toBeGreaterThan(50); // a picture, not a flat fill
  });

  it('names the file that is not an image or does not exist', async () => {
    const fake = path.join(tmp, 'fake.png');
    fs.writeFileSync(fake, 'not a png');
    await expect(decodeImage(fake, { width: 8, height: 8 })).rejects.toThrow(`ffmpeg cannot decode the image ${fake}:`);
    const missing = path.join(tmp, 'missing.png');
    await expect(decodeImage(missing, { width: 8, height: 8 })).rejects.toThrow(`${missing} does not exist`);
  });
});
