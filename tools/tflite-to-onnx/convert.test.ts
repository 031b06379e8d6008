/**
 * The converter's parts on their own: the bundle and FlatBuffer readers refuse damaged or foreign files with a
 * message naming the problem, float16 weights widen exactly, and the layout tracking removes the transposes and
 * PRelu/Pad nodes of a naive translation while computing the same landmarks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { describe, expect, it } from 'vitest';
import { decodeRgb, FACES_DIR, maxAbsDiff } from '../tfjs-to-onnx/testing';
import { broadcastNchw, convertTflite, halfToFloat, type ConvertOptions } from './convert';
import { readTask, SHIPPED_TFLITE_MODELS, SOURCE_DIR, TASK_FILE } from './shipped-models';
import { readZip } from './task-bundle';
import { parseTflite } from './tflite-model';

const taskBytes = (): Uint8Array => new Uint8Array(fs.readFileSync(path.join(SOURCE_DIR, TASK_FILE)));

function innerFile(name: string): Uint8Array {
  const bytes = readTask().files.get(name);
  if (!bytes) throw new Error(`no ${name}`);
  return bytes;
}

function opTypes(model: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of onnx.ModelProto.decode(model).graph?.node ?? []) counts[n.opType ?? '?'] = (counts[n.opType ?? '?'] ?? 0) + 1;
  return counts;
}

describe('reading the bundle', () => {
  it('lists the four files of the MediaPipe bundle', () => {
    expect([...readZip(taskBytes()).keys()].sort()).toEqual([
      'face_blendshapes.tflite',
      'face_detector.tflite',
      'face_landmarks_detector.tflite',
      'geometry_pipeline_metadata_landmarks.binarypb',
    ]);
  });

  it('refuses a file that is not a zip, and one whose content was altered', () => {
    expect(() => readZip(new TextEncoder().encode('not a zip at all, just text'))).toThrow('not a zip archive (no end-of-central-directory record)');
    const damaged = taskBytes();
    damaged[200_000] = (damaged[200_000] ?? 0) ^ 0xff;
    expect(() => readZip(damaged)).toThrow(/^damaged zip: 'face_detector\.tflite' fails its size or CRC check$/);
  });

  it('refuses a bundle other than the pinned one, naming both hashes', () => {
    const other = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tflite-')), TASK_FILE);
    const bytes = taskBytes();
    bytes[100] = (bytes[100] ?? 0) ^ 1;
    fs.writeFileSync(other, bytes);
    expect(() => readTask(other)).toThrow(/has SHA-256 [0-9a-f]{64}, not the pinned 64184e22.*: restore it, or re-pin deliberately$/);
  });
});

describe('reading a .tflite file', () => {
  it('refuses a file that is not a TFLite FlatBuffer', () => {
    expect(() => parseTflite(innerFile('geometry_pipeline_metadata_landmarks.binarypb'))).toThrow(/^not a TFL3 FlatBuffer \(file identifier '.*'\)$/);
  });

  it('refuses a truncated .tflite file with a message saying so', () => {
    const whole = innerFile('face_blendshapes.tflite');
    expect(() => parseTflite(whole.subarray(0, 4096))).toThrow(/^the \.tflite file is damaged or truncated \(.+\); take it again from its bundle$/);
  });

  it('reads the landmark model: one 256x256 RGB input, three outputs, float16 weights', () => {
    const model = parseTflite(innerFile('face_landmarks_detector.tflite'));
    expect(model.inputs.map((i) => model.tensors[i]?.shape)).toEqual([[1, 256, 256, 3]]);
    expect(model.outputs.map((i) => model.tensors[i]?.name)).toEqual(['Identity', 'Identity_1', 'Identity_2']);
    expect(model.tensors.filter((t) => t.type === 'float16' && t.data).length).toBeGreaterThan(200);
  });

  it('names an op it cannot convert, and where (the detector uses RELU, which neither shipped model needs)', async () => {
    const options: ConvertOptions = { inputName: 'image', outputs: [{ tensor: 'regressors', name: 'boxes' }], dynamicBatch: false, graphName: 'g', docString: '', metadata: {} };
    await expect(convertTflite(parseTflite(innerFile('face_detector.tflite')), options)).rejects.toThrow(
      /^unsupported TFLite op: RELU \(e\.g\. producing '.+'\)\. Add a converter to OP_TABLE in tools\/tflite-to-onnx\/ops\.ts\.$/,
    );
  });
});

describe('weights and layouts', () => {
  it('widens float16 exactly, subnormals and limits included', () => {
    expect([0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00].map(halfToFloat)).toEqual([
      1,
      -2,
      0.333251953125,
      65504,
      2 ** -24,
      2 ** -14,
      -0,
      Infinity,
    ]);
  });

  it('lays out a per-channel constant to broadcast against NCHW as it did against NHWC', () => {
    const slope = broadcastNchw({ dtype: 'float32', shape: [1, 1, 3], data: Float32Array.of(1, 2, 3) });
    expect(slope.shape).toEqual([1, 3, 1, 1]);
    expect(Array.from(slope.data as Float32Array)).toEqual([1, 2, 3]);
    // [1, H=1, W=2, C=2]: NHWC order (w0c0, w0c1, w1c0, w1c1) becomes NCHW order (c0w0, c0w1, c1w0, c1w1).
    const full = broadcastNchw({ dtype: 'float32', shape: [1, 1, 2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(full.shape).toEqual([1, 2, 1, 2]);
    expect(Array.from(full.data as Float32Array)).toEqual([1, 3, 2, 4]);
  });

  it('keeps the landmark model in NCHW from its input on, and computes what the naive translation computes', async () => {
    const spec = SHIPPED_TFLITE_MODELS.find((s) => s.id === 'facemesh_v2');
    if (!spec) throw new Error('no facemesh_v2 spec');
    const model = parseTflite(innerFile(spec.innerFile));
    const common = { ...spec.convert, graphName: 'g', docString: '', metadata: {} };
    const [shipped, naive] = await Promise.all([convertTflite(model, common), convertTflite(model, { ...common, naive: true })]);

    const fused = opTypes(shipped.bytes);
    const direct = opTypes(naive.bytes);
    // One transpose at the input and one before each of the two outputs; the naive graph has two per spatial op.
    expect(fused.Transpose).toBe(3);
    expect(direct.Transpose).toBeGreaterThan(200);
    expect(fused.PRelu ?? 0).toBe(0);
    expect(fused.Pad ?? 0).toBe(0);
    expect(direct.PRelu).toBe(69);

    const face = Float32Array.from(decodeRgb(path.join(FACES_DIR, 'smiling/004.jpg'), 256, 256, '300:300:42:40'), (v) => v / 255);
    const run = async (bytes: Uint8Array): Promise<Float32Array> => {
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      try {
        return (await session.run({ image: new ort.Tensor('float32', face, [1, 256, 256, 3]) })).landmarks?.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    // Rewriting PReLU as two scalings changes rounding only: measured 3e-5 px.
    expect(maxAbsDiff(await run(shipped.bytes), await run(naive.bytes))).toBeLessThan(1e-3);
  });
});
