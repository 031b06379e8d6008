/**
 * The committed ONNX models compute what the TFJS reference runtime computes from the same source files, on
 * seeded noise and on real face photos. The pure-JS TFJS backend is slow (BlazeFace ~0.7 s per image), so each
 * model gets one reference call over a small batch, except BlazeFace whose TF graph has a fixed batch of 1.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR } from './shipped-models';
import { decodeRgb, FACES_DIR, HUMAN_MODELS, loadReference, maxAbs, maxAbsDiff, readModelFiles, runOrt, runReference, seededUniform, stack } from './testing';

const FACES = ['neutral/001.jpg', 'smiling/001.jpg', 'neutral/017.jpg', 'smiling/042.jpg'].map((f) => path.join(FACES_DIR, f));

/** RGB bytes -> float NHWC with a per-channel affine map. */
function rgbFloat(bytes: Uint8Array, scale: number, offset: number): Float32Array {
  return Float32Array.from(bytes, (v) => v * scale + offset);
}

/** The emotion model's input: 0.2989 R + 0.587 G + 0.114 B on [0, 1], then (g - 0.5) * 2. */
function grayInput(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 3);
  for (let i = 0; i < out.length; i++) {
    const g = (0.2989 * (bytes[3 * i] ?? 0) + 0.587 * (bytes[3 * i + 1] ?? 0) + 0.114 * (bytes[3 * i + 2] ?? 0)) / 255;
    out[i] = (g - 0.5) * 2;
  }
  return out;
}

async function session(id: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(MODELS_DIR, `${id}.onnx`), { intraOpNumThreads: 1 });
}

async function reference(id: string): Promise<tf.GraphModel> {
  const { json, weights } = readModelFiles(path.join(HUMAN_MODELS, `${id}.json`));
  return loadReference(json, weights);
}

/** Slices item `i` of `count` out of a flat batch output. */
function item(data: Float32Array, i: number, count: number): Float32Array {
  const n = data.length / count;
  return data.subarray(i * n, (i + 1) * n);
}

describe('ONNX vs TFJS parity on the shipped models', () => {
  const sessions: ort.InferenceSession[] = [];
  beforeAll(() => tf.setBackend('cpu'));
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.release()));
  });

  it('emotion: softmax, logits and the 256-d embedding (noise + 4 faces in one batch)', async () => {
    const onnx = await session('emotion');
    sessions.push(onnx);
    const ref = await reference('emotion');
    const items = [seededUniform(7, 64 * 64, -1, 1), ...FACES.map((f) => grayInput(decodeRgb(f, 64, 64)))];
    const shape = [items.length, 64, 64, 1];
    const input = stack(items);
    const [probs, logits, features] = await runReference(ref, input, shape, [
      'Identity',
      'StatefulPartitionedCall/model_1/global_average_pooling2d_1/Mean',
      'StatefulPartitionedCall/model_1/add_2/add',
    ]);
    const embedding = (await tf.mean(tf.tensor(features ?? [], [items.length, 8, 8, 256]), [1, 2]).data()) as Float32Array;
    const got = await runOrt(onnx, input, shape);

    // Measured: 3.3e-7 on probabilities, 5.7e-6 on logits up to ~37, 2.5e-7 on the embedding.
    expect(maxAbsDiff(got.expression_probs ?? [], probs ?? [])).toBeLessThan(1e-6);
    expect(maxAbsDiff(got.expression_logits ?? [], logits ?? [])).toBeLessThan(1e-6 * maxAbs(logits ?? []));
    expect(maxAbsDiff(got.embedding ?? [], embedding)).toBeLessThan(1e-6);
    // A real face must give a real answer, not a degenerate one that would match trivially.
    expect(maxAbs(embedding)).toBeGreaterThan(0.1);
  });

  it('facemesh: landmarks and face flag (noise + 2 faces in one batch)', async () => {
    const onnx = await session('facemesh');
    sessions.push(onnx);
    const ref = await reference('facemesh');
    const items = [seededUniform(11, 192 * 192 * 3, 0, 1), ...FACES.slice(0, 2).map((f) => rgbFloat(decodeRgb(f, 192, 192), 1 / 255, 0))];
    const shape = [items.length, 192, 192, 3];
    const input = stack(items);
    const [mesh, flag] = await runReference(ref, input, shape, ['Identity_2', 'Identity_1']);
    const got = await runOrt(onnx, input, shape);

    // Measured: 1.5e-4 px on landmarks, 6e-8 on the flag.
    expect(maxAbsDiff(got.landmarks ?? [], mesh ?? [])).toBeLessThan(5e-4);
    expect(maxAbsDiff(got.face_flag ?? [], flag ?? [])).toBeLessThan(1e-6);
    // The photos are faces: the flag says so and the landmarks land inside the 192-px crop.
    expect(Math.min(...item(flag ?? new Float32Array(3), 1, 3), ...item(flag ?? new Float32Array(3), 2, 3))).toBeGreaterThan(0.5);
    expect(maxAbs(item(mesh ?? new Float32Array(3), 1, 3))).toBeLessThan(250);
  });

  it('faceres: the 1024-d identity descriptor (noise + 4 faces in one batch), and it tells two people apart', async () => {
    const onnx = await session('faceres');
    sessions.push(onnx);
    const ref = await reference('faceres');
    const items = [seededUniform(17, 224 * 224 * 3, 0, 255), ...FACES.map((f) => rgbFloat(decodeRgb(f, 224, 224), 1, 0))];
    const shape = [items.length, 224, 224, 3];
    const input = stack(items);
    const [descriptor] = await runReference(ref, input, shape, ['global_pooling/Mean']);
    const got = await runOrt(onnx, input, shape);

    expect(maxAbsDiff(got.embedding ?? [], descriptor ?? [])).toBeLessThan(1e-5 * Math.max(1, maxAbs(descriptor ?? [])));
    // Person 001 neutral and smiling are closer to each other than to persons 017 and 042.
    const faces = [1, 2, 3, 4].map((i) => item(got.embedding ?? new Float32Array(), i, items.length));
    const cosine = (a: Float32Array, b: Float32Array) => {
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let k = 0; k < a.length; k++) {
        ab += (a[k] as number) * (b[k] as number);
        aa += (a[k] as number) ** 2;
        bb += (b[k] as number) ** 2;
      }
      return ab / Math.sqrt(aa * bb);
    };
    const [n001, s001, n017, s042] = faces as [Float32Array, Float32Array, Float32Array, Float32Array];
    const same = cosine(n001, s001);
    expect(same).toBeGreaterThan(Math.max(cosine(n001, n017), cosine(n001, s042), cosine(s001, n017), cosine(s001, s042)));
  }, 60_000);

  it('blazeface: raw logits and regressors (noise + 1 face; ONNX runs both as one batch of 2)', async () => {
    const onnx = await session('blazeface');
    sessions.push(onnx);
    const ref = await reference('blazeface');
    const items = [seededUniform(13, 256 * 256 * 3, -1, 1), rgbFloat(decodeRgb(FACES[1] ?? '', 256, 256), 1 / 127.5, -1)];
    const got = await runOrt(onnx, stack(items), [items.length, 256, 256, 3]);
    const names: [string, string][] = [
      ['Identity', 'logits_stride16'],
      ['Identity_2', 'regressors_stride16'],
      ['Identity_1', 'logits_stride32'],
      ['Identity_3', 'regressors_stride32'],
    ];
    for (const [i, x] of items.entries()) {
      const want = await runReference(ref, x, [1, 256, 256, 3], names.map(([tfName]) => tfName));
      names.forEach(([, onnxName], k) => {
        const expected = want[k] ?? new Float32Array();
        const actual = item(got[onnxName] ?? new Float32Array(), i, items.length);
        // Values reach ~130 (regressors, 256-px units) and ~800 (a face's logit): bound relative to the output's
        // own scale. Measured: at most 1.7e-6 relative (8.9e-4 abs on a logit of 825).
        expect(maxAbsDiff(actual, expected)).toBeLessThan(1e-5 * Math.max(1, maxAbs(expected)));
      });
    }
    // The face photo has a confident anchor.
    const faceLogits = item(got.logits_stride16 ?? new Float32Array(), 1, 2);
    expect(Math.max(...faceLogits)).toBeGreaterThan(0);
  }, 30_000);
});
