/**
 * Helpers shared by the converter's tests: the TFJS reference runtime (pure JS, cpu backend), ONNX Runtime,
 * reproducible noise and real face photos decoded by the bundled ffmpeg.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import type { ModelJson } from './tfjs-graph';

export const HUMAN_MODELS = path.resolve(__dirname, '../../node_modules/@vladmandic/human/models');
/** The committed FRL photos (CC BY 4.0): neutral/NNN.jpg and smiling/NNN.jpg. */
export const FACES_DIR = path.resolve(__dirname, '../../test/fixtures/faces-frl');

let backendReady: Promise<boolean> | undefined;

/** Loads a TFJS graph model from files in memory: pure @tensorflow/tfjs has no file:// loader in Node. */
export async function loadReference(json: ModelJson, weights: Uint8Array): Promise<tf.GraphModel> {
  backendReady ??= tf.setBackend('cpu');
  await backendReady;
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
      weightData,
      format: 'graph-model',
    }),
  );
}

export function readModelFiles(modelJsonPath: string): { json: ModelJson; weights: Uint8Array } {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  const weights = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p)))));
  return { json, weights };
}

/** Runs the reference on one NHWC batch and returns the named TF tensors (full or suffix names are resolved by caller). */
export async function runReference(model: tf.GraphModel, input: Float32Array, shape: number[], outputs: string[]): Promise<Float32Array[]> {
  const x = tf.tensor(input, shape, 'float32');
  try {
    const result = model.execute(x, outputs);
    const tensors = Array.isArray(result) ? result : [result];
    const data = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(tensors);
    return data;
  } finally {
    x.dispose();
  }
}

export async function runOrt(session: ort.InferenceSession, input: Float32Array, shape: number[]): Promise<Record<string, Float32Array>> {
  const [name] = session.inputNames;
  if (name === undefined) throw new Error('model has no input');
  const results = await session.run({ [name]: new ort.Tensor('float32', input, shape) });
  return Object.fromEntries(Object.entries(results).map(([k, t]) => [k, t.data as Float32Array]));
}

/** mulberry32: a tiny seeded generator, so the "noise" inputs are the same on every run and machine. */
export function seededUniform(seed: number, count: number, lo: number, hi: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Decodes, optionally crops (an ffmpeg `crop=` argument: w:h:x:y) and resizes a photo to packed RGB bytes (H x W x 3). */
export function decodeRgb(file: string, width: number, height: number, crop?: string): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installer package only exports a CommonJS `path`
  const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  const filter = `${crop === undefined ? '' : `crop=${crop},`}scale=${width}:${height}:flags=bilinear`;
  const args = ['-v', 'error', '-i', file, '-vf', filter, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const run = spawnSync(ffmpeg, args, { maxBuffer: width * height * 3 + 1024 });
  if (run.status !== 0) throw new Error(`ffmpeg failed on ${file}: ${run.stderr.toString()}`);
  if (run.stdout.byteLength !== width * height * 3) throw new Error(`ffmpeg gave ${run.stdout.byteLength} bytes for ${file}`);
  return new Uint8Array(run.stdout);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}

export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] ?? 0));
  return worst;
}

/** Concatenates per-item arrays into one batch buffer. */
export function stack(items: Float32Array[]): Float32Array {
  const out = new Float32Array(items.reduce((n, x) => n + x.length, 0));
  let offset = 0;
  for (const x of items) {
    out.set(x, offset);
    offset += x.length;
  }
  return out;
}
