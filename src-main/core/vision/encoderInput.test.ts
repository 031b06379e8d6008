/**
 * Any lab's encoder is fed exactly as its card declares: the shipped grey encoder gets the numbers it got before
 * cards declared their input, and a lab's RGB 112 x 112 NCHW mean/std encoder (test/support/labEncoder.ts, a fixed
 * linear layer) gets, on a real face, the values a hand computation gives, and returns their hand-computed
 * embedding from ONNX Runtime.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFrlPhotos } from '../../../test/support/frlTriplets';
import { LAB_CROP_SCALE, LAB_DIM, LAB_MEAN, LAB_SIZE, LAB_STD, labWeight, writeLabEncoder } from '../../../test/support/labEncoder';
import { FRL_FIXTURES } from '../../../test/support/testMedia';
import { SessionFactory } from '../inference/executionProviders';
import { readModelCard } from '../inference/modelCard';
import { defaultModelsDir } from '../inference/modelRegistry';
import { encoderPreprocessing } from './encoderInput';
import { FacePipeline, loadFaceModels, releaseFaceModels, type FaceModels } from './facePipeline';
import { roiFromLandmarks } from './faceRoi';
import { cropRoi, sampleRoi, type RgbImage } from './imageOps';

const sha = (values: Float32Array) => createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-encoder-input-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The lab card's normalisation of an RGB image (0..255, interleaved), written out by hand in NCHW order. */
function byHand(rgb: ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < size * size; p++) out[c * size * size + p] = ((rgb[3 * p + c] as number) / 255 - (LAB_MEAN[c] as number)) / (LAB_STD[c] as number);
  }
  return out;
}

describe("the shipped encoder's input", () => {
  const smiling = () => loadFrlPhotos(FRL_FIXTURES, 'smiling')[0] as { id: string; image: RgbImage };
  const card = readModelCard(path.join(defaultModelsDir(), 'emotion.card.json'));

  it('is the grey 64 x 64 crop of before, bit for bit (SHA-256 of the values the code before cards gave)', () => {
    const input = encoderPreprocessing(card);
    expect([input.width, input.height, input.cropScale, input.itemShape]).toEqual([64, 64, 1.1, [64, 64, 1]]);
    const crop = cropRoi(smiling().image, { roi: { cx: 190, cy: 200, size: 230, angle: 0.08 }, width: 64, height: 64, maxSamples: 4, post: input.post });
    expect(sha(crop)).toBe('b17215b28ad5befe11ceea6f6a428b553eff13b5715943820af9308066fd6fab');
  });
});

describe("a lab's RGB 112 x 112 mean/std encoder", () => {
  let models: FaceModels;
  let pipeline: FacePipeline;
  let photo: RgbImage;

  beforeAll(async () => {
    const file = writeLabEncoder(path.join(work, 'lab'));
    models = await loadFaceModels(defaultModelsDir(), new SessionFactory({ chain: ['cpu'] }), file);
    pipeline = new FacePipeline(models);
    photo = (loadFrlPhotos(FRL_FIXTURES, 'neutral')[0] as { image: RgbImage }).image;
  }, 60_000);
  afterAll(() => releaseFaceModels(models));

  it('reads the card: 3 planes of 112 x 112, crop 1.25x the landmark box', () => {
    const input = pipeline.encoderInputSpec;
    expect([input.itemShape, input.cropScale, input.pixels.planar, input.pixels.bgr]).toEqual([[3, LAB_SIZE, LAB_SIZE], LAB_CROP_SCALE, true, false]);
  });

  it('normalises each pixel of a face crop as a hand computation from the photo pixels does', () => {
    // A crop at 1 frame pixel per crop pixel, on pixel centres: each crop pixel is one photo pixel, unblended.
    const at = 136;
    const crop = cropRoi(photo, { roi: { cx: at + LAB_SIZE / 2, cy: at + LAB_SIZE / 2, size: LAB_SIZE, angle: 0 }, width: LAB_SIZE, height: LAB_SIZE, maxSamples: 4, post: pipeline.encoderInputSpec.post });
    const pixels: number[] = [];
    for (let i = 0; i < LAB_SIZE; i++) for (let j = 0; j < LAB_SIZE; j++) for (let c = 0; c < 3; c++) pixels.push(photo.data[((at + i) * photo.width + at + j) * 3 + c] as number);
    expect(Array.from(crop)).toEqual(Array.from(byHand(pixels, LAB_SIZE)));
    // Not a blank patch: a face's pixels vary, so a wrong channel order or layout could not pass.
    expect(new Set(pixels).size).toBeGreaterThan(50);
  });

  it("gives the face found in the photo its card's crop, and ONNX Runtime returns the hand-computed embedding", async () => {
    const [face] = await pipeline.facesInStill(photo);
    if (!face) throw new Error('no face found in the FRL photo');
    const input = pipeline.encoderInput(photo, face.landmarks);
    const sampled = sampleRoi(photo, roiFromLandmarks(face.landmarks, LAB_CROP_SCALE), LAB_SIZE, LAB_SIZE);
    const hand = byHand(sampled, LAB_SIZE);
    expect(Array.from(input)).toEqual(Array.from(hand));

    const [descriptor] = await pipeline.encode([input]);
    const embedding = descriptor?.embedding ?? new Float32Array();
    expect(embedding.length).toBe(LAB_DIM);
    for (let d = 0; d < LAB_DIM; d++) {
      let sum = 0;
      let magnitude = 0;
      for (let k = 0; k < hand.length; k++) {
        sum += (hand[k] as number) * labWeight(k, d);
        magnitude += Math.abs((hand[k] as number) * labWeight(k, d));
      }
      // ORT sums 37,632 float32 terms, this sums them in float64: they agree to float32 rounding.
      // Measured: within 5e-8 of the magnitude (the sum of |terms|).
      expect(Math.abs((embedding[d] as number) - sum)).toBeLessThan(1e-6 * magnitude);
    }
    expect(descriptor?.expressionProbs).toBeNull();
    console.log(JSON.stringify({ labEmbedding: Array.from(embedding) }));
  });
});
