/**
 * Milliseconds per face of the two Face Landmarker V2 models in onnxruntime-node (CPU, graph optimisation 'all' as
 * the studio sets it), with 1 and 2 intra-op threads, against a naive translation of the landmark model made on the
 * spot by the same converter (`naive: true`: NHWC<->NCHW transposes around every spatial op, PRelu and Pad kept),
 * and against TensorFlow Lite's own interpreter (WebAssembly, 1 thread) for scale. The variants take turns in
 * rounds so a shared, busy machine slows them alike; each line gives the median and the fastest round.
 * Inputs are the committed FRL photos (speed does not depend on them, but the graphs run on real faces).
 * JSON lines on stdout. Usage: npm run bench -- landmarks-v2 [--rounds N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from '../src-main/core/inference/onnxRuntime';
import { MODELS_DIR } from '../tools/tfjs-to-onnx/shipped-models';
import { decodeRgb, FACES_DIR } from '../tools/tfjs-to-onnx/testing';
import { convertTflite } from '../tools/tflite-to-onnx/convert';
import { BLENDSHAPE_LANDMARKS, readTask, SHIPPED_TFLITE_MODELS } from '../tools/tflite-to-onnx/shipped-models';
import { parseTflite } from '../tools/tflite-to-onnx/tflite-model';
import { TfliteReference } from '../tools/tflite-to-onnx/tflite-reference';

const RUNS_PER_ROUND = 10;
const WARMUP = 10;

const round2 = (x: number): number => Math.round(x * 100) / 100;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Variant {
  model: 'facemesh_v2' | 'blendshapes';
  variant: string;
  threads: number;
  batch: number;
  /** Runs one batch. */
  run: () => Promise<unknown> | unknown;
  msPerFace: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive whole number, not '${values.rounds ?? ''}'`);

  const photos = fs.readdirSync(path.join(FACES_DIR, 'smiling')).map((f) => path.join(FACES_DIR, 'smiling', f));
  const faces = photos.map((f) => Float32Array.from(decodeRgb(f, 256, 256), (v) => v / 255));
  const batchOf = (n: number): Float32Array => {
    const out = new Float32Array(n * 256 * 256 * 3);
    for (let i = 0; i < n; i++) out.set(faces[i % faces.length] ?? new Float32Array(), i * 256 * 256 * 3);
    return out;
  };

  const landmarkSpec = SHIPPED_TFLITE_MODELS.find((s) => s.id === 'facemesh_v2');
  const files = readTask().files;
  const landmarkTflite = files.get(landmarkSpec?.innerFile ?? '');
  const blendshapeTflite = files.get('face_blendshapes.tflite');
  if (!landmarkSpec || !landmarkTflite || !blendshapeTflite) throw new Error('the bundle lacks the landmark or blendshape model');
  const naive = await convertTflite(parseTflite(landmarkTflite), { ...landmarkSpec.convert, naive: true, graphName: 'naive', docString: '', metadata: {} });

  const sessions: ort.InferenceSession[] = [];
  const open = async (model: string | Uint8Array, threads: number): Promise<ort.InferenceSession> => {
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionProviders: ['cpu'] };
    const s = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
    sessions.push(s);
    return s;
  };

  // The landmarks of the first photo, as the blendshape model's input.
  const mesh = (await (await open(path.join(MODELS_DIR, 'facemesh_v2.onnx'), 1)).run({ image: new ort.Tensor('float32', batchOf(1), [1, 256, 256, 3]) })).landmarks?.data as Float32Array;
  const points = Float32Array.from(BLENDSHAPE_LANDMARKS.flatMap((k) => [mesh[3 * k] ?? 0, mesh[3 * k + 1] ?? 0]));
  const pointsOf = (n: number): Float32Array => Float32Array.from({ length: n * points.length }, (_, i) => points[i % points.length] ?? 0);

  const variants: Variant[] = [];
  const add = (model: Variant['model'], variant: string, threads: number, batch: number, run: Variant['run']): void => {
    variants.push({ model, variant, threads, batch, run, msPerFace: [] });
  };
  for (const threads of [1, 2]) {
    const shipped = await open(path.join(MODELS_DIR, 'facemesh_v2.onnx'), threads);
    const direct = await open(naive.bytes, threads);
    const blend = await open(path.join(MODELS_DIR, 'blendshapes.onnx'), threads);
    for (const batch of [1, 8]) {
      const image = new ort.Tensor('float32', batchOf(batch), [batch, 256, 256, 3]);
      const pts = new ort.Tensor('float32', pointsOf(batch), [batch, BLENDSHAPE_LANDMARKS.length, 2]);
      add('facemesh_v2', 'shipped', threads, batch, () => shipped.run({ image }));
      add('facemesh_v2', 'naive translation', threads, batch, () => direct.run({ image }));
      add('blendshapes', 'shipped', threads, batch, () => blend.run({ points: pts }));
    }
  }
  const landmarkReference = await TfliteReference.load(landmarkTflite, 1);
  const blendshapeReference = await TfliteReference.load(blendshapeTflite, 1);
  const face = batchOf(1);
  add('facemesh_v2', 'TFLite WebAssembly (reference)', 1, 1, () => landmarkReference.run(face));
  add('blendshapes', 'TFLite WebAssembly (reference)', 1, 1, () => blendshapeReference.run(points));

  for (const v of variants) for (let i = 0; i < WARMUP; i++) await v.run();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t0 = performance.now();
      for (let i = 0; i < RUNS_PER_ROUND; i++) await v.run();
      v.msPerFace.push((performance.now() - t0) / RUNS_PER_ROUND / v.batch);
    }
  }

  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.versions.node, loadAverage1m: round2(os.loadavg()[0] ?? 0) };
  for (const v of variants) {
    console.log(
      JSON.stringify({
        bench: 'landmarks-v2',
        model: v.model,
        variant: v.variant,
        threads: v.threads,
        batch: v.batch,
        msPerFaceMedian: round2(median(v.msPerFace)),
        msPerFaceFastestRound: round2(Math.min(...v.msPerFace)),
        rounds,
        runsPerRound: RUNS_PER_ROUND,
        machine,
      }),
    );
  }
  const pick = (variant: string, threads: number): number => median(variants.find((v) => v.model === 'facemesh_v2' && v.variant === variant && v.threads === threads && v.batch === 1)?.msPerFace ?? []);
  console.log(
    JSON.stringify({
      bench: 'landmarks-v2',
      summary: 'facemesh_v2, batch 1, median ms per face',
      shipped1Thread: round2(pick('shipped', 1)),
      naive1Thread: round2(pick('naive translation', 1)),
      naiveOverShipped: round2(pick('naive translation', 1) / pick('shipped', 1)),
      machine,
    }),
  );
  landmarkReference.release();
  blendshapeReference.release();
  await Promise.all(sessions.map((s) => s.release()));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
