/**
 * `encodeImages` keeps a face crop's proportions: a non-square crop (an FRL photo's face square with more of the
 * photo on both sides, made by ffmpeg) encodes as its face square does, encoder outputs and facial actions alike,
 * where the same crop stretched to a square does not. Real ffmpeg, the shipped ONNX models, a real face.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRL_FIXTURES } from '../../../test/support/testMedia';
import { resolveFfmpegPaths } from '../media/ffmpegPaths';
import { encodeImages, type EncodedImages, type LabelledImage } from './labelledImages';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-labelled-images-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The FRL photo (384 x 384) through an ffmpeg filter, saved losslessly as RGB. */
function fromPhoto(name: string, filter: string): string {
  const file = path.join(dir, `${name}.png`);
  const photo = path.join(FRL_FIXTURES, 'smiling', fs.readdirSync(path.join(FRL_FIXTURES, 'smiling')).filter((f) => f.endsWith('.jpg'))[0] as string);
  const run = spawnSync(resolveFfmpegPaths().ffmpeg, ['-hide_banner', '-v', 'error', '-y', '-i', photo, '-vf', filter, '-frames:v', '1', '-pix_fmt', 'rgb24', file]);
  if (run.status !== 0) throw new Error(`ffmpeg could not make ${name}: ${run.stderr.toString()}`);
  return file;
}

const image = (file: string, frame: number): LabelledImage => ({ file, clip: 'frl', frame, valence: 0, arousal: 0 });
const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, v, i) => Math.max(max, Math.abs(v - (b[i] as number))), 0);

/** Row `i` of each encoded part. */
function row(encoded: EncodedImages, i: number) {
  const part = (values: Float32Array) => values.subarray((i * values.length) / 3, ((i + 1) * values.length) / 3);
  return [part(encoded.embeddings), part(encoded.probabilities), part(encoded.actions)];
}

describe('encoding a labelled image dataset', () => {
  it('reads a non-square face crop as its face square, not stretched', { timeout: 120_000 }, async () => {
    // The face square (260 px, centred) and the same rows with the photo's full width (384 x 260).
    const square = fromPhoto('square', 'crop=260:260:62:62');
    const wide = fromPhoto('wide', 'crop=384:260:0:62');
    // What stretching did: the wide crop squeezed into a square.
    const stretched = fromPhoto('stretched', 'crop=384:260:0:62,scale=260:260');
    const images = [image(square, 0), image(wide, 1), image(stretched, 2)];

    const encoded = await encodeImages(images, { cacheDir: dir });
    expect(encoded.fromCache).toBe(false);
    const [squareRow, wideRow, stretchedRow] = [0, 1, 2].map((i) => row(encoded, i)) as [Float32Array[], Float32Array[], Float32Array[]];
    // Embedding (256), expression probabilities (7), action embedding (64): each part, not only the first.
    squareRow.forEach((part, k) => {
      expect(maxDifference(wideRow[k] as Float32Array, part), `part ${k} of the wide crop`).toBeLessThan(1e-4);
      expect(maxDifference(stretchedRow[k] as Float32Array, part), `part ${k} of the stretched crop`).toBeGreaterThan(1e-2);
    });

    // Encoded once: the same values come back from the cache.
    const again = await encodeImages(images, { cacheDir: dir });
    expect(again.fromCache).toBe(true);
    expect(Array.from(again.embeddings)).toEqual(Array.from(encoded.embeddings));
  });
});
