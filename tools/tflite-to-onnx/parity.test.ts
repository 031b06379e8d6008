/**
 * The committed ONNX models compute what the TFLite runtime computes from the same bundle: the reference is
 * TensorFlow Lite itself (WebAssembly build from @tensorflow/tfjs-tflite, run in Node), fed the 16 committed FRL
 * photos and seeded noise. The blendshape model gets the reference's own landmarks of each photo (its 146-point
 * subset), so both stages are checked on the input they meet in use.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR } from '../tfjs-to-onnx/shipped-models';
import { decodeRgb, FACES_DIR, maxAbs, maxAbsDiff, seededUniform, stack } from '../tfjs-to-onnx/testing';
import { BLENDSHAPE_LANDMARKS, BLENDSHAPE_NAMES, readTask } from './shipped-models';
import { TfliteReference, withOutput } from './tflite-reference';

const PHOTOS = ['neutral', 'smiling'].flatMap((expression) =>
  fs
    .readdirSync(path.join(FACES_DIR, expression))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => path.join(FACES_DIR, expression, f)),
);
const SIDE = 256;
const EMBEDDING_TENSOR = 'model_1/GhumMarkerPoserMlpMixerGeneral/tf.__operators__.getitem_1/strided_slice3';

const PHOTO_SIDE = 384;

/**
 * A face crop as MediaPipe makes one when tracking: the square around the previous landmarks' box, enlarged 1.5x.
 * The photos are 384 px head-and-shoulders shots, so the first pass (the whole photo, where the face presence head
 * reads below 0.5) gives the landmarks the second pass crops around.
 */
function faceCrop(file: string, mesh: Float32Array): Float32Array {
  const xs = Array.from(mesh.filter((_, k) => k % 3 === 0), (x) => (x * PHOTO_SIDE) / SIDE);
  const ys = Array.from(mesh.filter((_, k) => k % 3 === 1), (y) => (y * PHOTO_SIDE) / SIDE);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const side = Math.min(PHOTO_SIDE, Math.round(1.5 * Math.max(x1 - x0, y1 - y0)));
  const clamp = (v: number): number => Math.max(0, Math.min(PHOTO_SIDE - side, Math.round(v - side / 2)));
  return rgb(file, `${side}:${side}:${clamp((x0 + x1) / 2)}:${clamp((y0 + y1) / 2)}`);
}

function rgb(file: string, crop?: string): Float32Array {
  return Float32Array.from(decodeRgb(file, SIDE, SIDE, crop), (v) => v / 255);
}

/** The blendshape model's input: (x, y) of the 146 subset landmarks of one 478 x 3 mesh. */
function subset(mesh: Float32Array): Float32Array {
  const points = new Float32Array(BLENDSHAPE_LANDMARKS.length * 2);
  BLENDSHAPE_LANDMARKS.forEach((k, i) => {
    points[2 * i] = mesh[3 * k] ?? NaN;
    points[2 * i + 1] = mesh[3 * k + 1] ?? NaN;
  });
  return points;
}

function rows(data: Float32Array, count: number): Float32Array[] {
  const n = data.length / count;
  return Array.from({ length: count }, (_, i) => data.subarray(i * n, (i + 1) * n));
}

describe('ONNX vs TFLite parity on the MediaPipe Face Landmarker V2 models', () => {
  const files = readTask().files;
  const references: TfliteReference[] = [];
  const sessions: ort.InferenceSession[] = [];
  const load = async (inner: string, output?: string): Promise<TfliteReference> => {
    const bytes = files.get(inner);
    if (!bytes) throw new Error(`no ${inner} in the bundle`);
    const ref = await TfliteReference.load(output ? withOutput(bytes, output) : bytes);
    references.push(ref);
    return ref;
  };
  const session = async (id: string): Promise<ort.InferenceSession> => {
    const s = await ort.InferenceSession.create(path.join(MODELS_DIR, `${id}.onnx`), { intraOpNumThreads: 1 });
    sessions.push(s);
    return s;
  };

  /** TFLite's landmarks of every photo: the blendshape test feeds them on. */
  const referenceMeshes: Float32Array[] = [];

  beforeAll(() => {
    expect(PHOTOS).toHaveLength(16);
  });
  afterAll(async () => {
    for (const ref of references) ref.release();
    await Promise.all(sessions.map((s) => s.release()));
  });

  it('facemesh_v2: landmarks and face flag (16 photos + noise, ONNX in one batch)', async () => {
    const ref = await load('face_landmarks_detector.tflite');
    const onnx = await session('facemesh_v2');
    const whole = PHOTOS.map((f) => rgb(f));
    const firstPass = rows((await onnx.run({ image: new ort.Tensor('float32', stack(whole), [whole.length, SIDE, SIDE, 3]) })).landmarks?.data as Float32Array, whole.length);
    const items = [...PHOTOS.map((f, i) => faceCrop(f, firstPass[i] ?? new Float32Array())), seededUniform(17, SIDE * SIDE * 3, 0, 1)];
    const got = await onnx.run({ image: new ort.Tensor('float32', stack(items), [items.length, SIDE, SIDE, 3]) });
    const meshes = rows(got.landmarks?.data as Float32Array, items.length);
    const flags = rows(got.face_flag?.data as Float32Array, items.length);

    let worstPx = 0;
    let worstFlag = 0;
    items.forEach((x, i) => {
      const want = ref.run(x);
      const mesh = want.find((t) => t.name === 'Identity')?.data ?? new Float32Array();
      const logit = want.find((t) => t.name === 'Identity_1')?.data ?? new Float32Array();
      worstPx = Math.max(worstPx, maxAbsDiff(meshes[i] ?? [], mesh));
      worstFlag = Math.max(worstFlag, maxAbsDiff(flags[i] ?? [], logit.map((z) => 1 / (1 + Math.exp(-z)))));
      if (i < PHOTOS.length) referenceMeshes.push(mesh);
    });
    // Measured: 3.1e-4 px on landmarks up to ~250 px (float32 rounding in another summation order), 6e-8 on the flag.
    expect(worstPx).toBeLessThan(2e-3);
    expect(worstFlag).toBeLessThan(1e-5);
    // Real faces give a real answer: the flag says face, and the mesh lies inside the crop; noise is no face.
    for (const [i, flag] of flags.entries()) expect(flag[0]).toSatisfy((p: number) => (i < PHOTOS.length ? p > 0.9 : p < 0.1));
    for (const mesh of meshes.slice(0, PHOTOS.length)) expect(maxAbs(mesh.filter((_, k) => k % 3 !== 2))).toBeLessThan(SIDE);
    // 32 ffmpeg decodes and 17 WebAssembly runs: about 30 s on two busy cores, so more than the default minute.
  }, 180_000);

  it('blendshapes: 52 scores and the 64-d embedding on the reference landmarks of the 16 photos', async () => {
    expect(referenceMeshes).toHaveLength(PHOTOS.length);
    const ref = await load('face_blendshapes.tflite');
    const refEmbedding = await load('face_blendshapes.tflite', EMBEDDING_TENSOR);
    const onnx = await session('blendshapes');
    const points = referenceMeshes.map(subset);
    const got = await onnx.run({ points: new ort.Tensor('float32', stack(points), [points.length, BLENDSHAPE_LANDMARKS.length, 2]) });
    const scores = rows(got.blendshapes?.data as Float32Array, points.length);
    const embeddings = rows(got.embedding?.data as Float32Array, points.length);

    let worstScore = 0;
    let worstEmbedding = 0;
    let largestEmbedding = 0;
    points.forEach((p, i) => {
      const want = ref.run(p)[0]?.data ?? new Float32Array();
      const wantEmbedding = refEmbedding.run(p)[0]?.data ?? new Float32Array();
      worstScore = Math.max(worstScore, maxAbsDiff(scores[i] ?? [], want));
      worstEmbedding = Math.max(worstEmbedding, maxAbsDiff(embeddings[i] ?? [], wantEmbedding));
      largestEmbedding = Math.max(largestEmbedding, maxAbs(wantEmbedding));
    });
    // Measured: 1.0e-5 on scores in [0, 1]; 4.6e-5 on embedding values up to ~8.7.
    expect(worstScore).toBeLessThan(5e-5);
    expect(worstEmbedding).toBeLessThan(2e-4);
    expect(largestEmbedding).toBeGreaterThan(1);

    // The scores read as what they are named: every smiling photo smiles more than the same person's neutral one.
    const smile = (s: Float32Array): number => (s[BLENDSHAPE_NAMES.indexOf('mouthSmileLeft')] ?? 0) + (s[BLENDSHAPE_NAMES.indexOf('mouthSmileRight')] ?? 0);
    const half = PHOTOS.length / 2;
    for (let i = 0; i < half; i++) expect(smile(scores[half + i] ?? new Float32Array())).toBeGreaterThan(smile(scores[i] ?? new Float32Array()));
  });
});
