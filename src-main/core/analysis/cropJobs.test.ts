/**
 * A card-normalised crop shared out through the job table (the analysis process's crop helper reads its spec back
 * from shared memory) holds the numbers of the same crop made at once: channel count, BGR and NCHW flags, divisor,
 * per-channel mean and std all cross over.
 */
import { describe, expect, it } from 'vitest';
import { cropRoi, type CropSpec, type PixelNormalisation } from '../vision/imageOps';
import { claimBlock, createJobTable, JobPriority, jobOutputLength, publishJob, runBlock } from './cropJobs';

/** A frame with a different value in every channel of every pixel, so a swapped channel or plane shows. */
function frame(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i % 3) * 71) % 256;
  return data;
}

describe('crop jobs with a card normalisation', () => {
  const width = 96;
  const height = 80;
  const pixelsOf = (changes: Partial<PixelNormalisation>): PixelNormalisation => ({ channels: 3, bgr: false, planar: false, divisor: 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], ...changes });

  it.each([
    ['RGB NHWC on 0..1', pixelsOf({})],
    ['BGR NCHW on 0..255', pixelsOf({ bgr: true, planar: true, divisor: 1, mean: [104, 117, 123], std: [1, 2, 3] })],
    ['grey', pixelsOf({ channels: 1, mean: [0.5], std: [0.5] })],
  ])('gives the numbers of cropRoi: %s', (_name, pixels) => {
    const image = { data: frame(width, height), width, height };
    const spec: CropSpec = { roi: { cx: 47.3, cy: 41.8, size: 61, angle: 0.2 }, width: 28, height: 28, maxSamples: 4, post: { kind: 'normalised', pixels } };
    const { ctl, params } = createJobTable();
    const control = new Int32Array(ctl);
    const floats = new Float64Array(params);
    publishJob(control, floats, 0, 0, spec, JobPriority.waited);
    const out = new Float32Array(jobOutputLength(spec));
    const shared = { frames: [image.data], width, height, refs: new Int32Array(new SharedArrayBuffer(4)) };
    for (let block = claimBlock(control, 0); block >= 0; block = claimBlock(control, 0)) runBlock(control, floats, shared, 0, block, out);
    expect(out.length).toBe(28 * 28 * pixels.channels);
    expect(Array.from(out)).toEqual(Array.from(cropRoi(image, spec)));
  });
});
