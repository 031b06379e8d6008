/**
 * models/facemesh_v2 and models/blendshapes are exactly what the converter makes from the committed MediaPipe
 * bundle, and each card states what ONNX Runtime sees when it loads the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { describe, expect, it } from 'vitest';
import type { CardTensor, ModelCard } from '../tfjs-to-onnx/model-card';
import { cardText, sha256 } from '../tfjs-to-onnx/model-card';
import { MODELS_DIR } from '../tfjs-to-onnx/shipped-models';
import { BLENDSHAPE_LANDMARKS, BLENDSHAPE_NAMES, buildShippedTfliteModel, SHIPPED_TFLITE_MODELS, TASK_FILE, TASK_SHA256 } from './shipped-models';

const REBUILD = 'npx tsx tools/tflite-to-onnx/build-models.ts';

function readCard(id: string): ModelCard {
  return JSON.parse(fs.readFileSync(path.join(MODELS_DIR, `${id}.card.json`), 'utf8')) as ModelCard;
}

const withoutDescription = (t: CardTensor): Omit<CardTensor, 'description'> => ({ name: t.name, dtype: t.dtype, shape: t.shape });

function metadataOf(list: readonly ort.InferenceSession.ValueMetadata[]): Omit<CardTensor, 'description'>[] {
  return list.map((m) => {
    if (!m.isTensor) throw new Error(`${m.name} is not a tensor`);
    return { name: m.name, dtype: m.type as CardTensor['dtype'], shape: [...m.shape] };
  });
}

describe.each(SHIPPED_TFLITE_MODELS.map((spec) => [spec.id, spec] as const))('models/%s', (id, spec) => {
  const file = path.join(MODELS_DIR, `${id}.onnx`);

  it('is reproduced byte for byte by re-converting the committed bundle, and so is its card', async () => {
    const { bytes, card } = await buildShippedTfliteModel(spec);
    expect(sha256(fs.readFileSync(file)), `models/${id}.onnx differs from a fresh conversion: run ${REBUILD}`).toBe(sha256(bytes));
    expect(fs.readFileSync(path.join(MODELS_DIR, `${id}.card.json`), 'utf8'), `models/${id}.card.json is stale: run ${REBUILD}`).toBe(cardText(card));
  });

  it('matches the SHA-256 and size its card states, and names its source files by SHA-256', () => {
    const card = readCard(id);
    const bytes = fs.readFileSync(file);
    expect(sha256(bytes)).toBe(card.sha256);
    expect(bytes.byteLength).toBe(card.sizeBytes);
    expect(card.source.files[0]).toEqual({ path: TASK_FILE, sha256: TASK_SHA256 });
    expect(card.source.files[1]?.path).toBe(`${TASK_FILE}/${spec.innerFile}`);
    expect(card.licence.weights).toBe('Apache-2.0');
    expect(card.converter).toMatchObject({ tool: 'tools/tflite-to-onnx' });
  });

  it('loads in onnxruntime-node with the names, shapes and dtypes of its card, and runs a batch of 3', async () => {
    const card = readCard(id);
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    try {
      expect(metadataOf(session.inputMetadata)).toEqual(card.inputs.map(withoutDescription));
      expect(metadataOf(session.outputMetadata)).toEqual(card.outputs.map(withoutDescription));
      const [input] = card.inputs;
      const dims = (input?.shape ?? []).map((d) => (typeof d === 'number' ? d : 3));
      const results = await session.run({ [input?.name ?? '']: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims) });
      for (const t of card.outputs) expect(results[t.name]?.dims).toEqual(t.shape.map((d) => (typeof d === 'number' ? d : 3)));
    } finally {
      await session.release();
    }
  });
});

describe('what the cards promise the pipeline', () => {
  it('facemesh_v2 gives 478 x 3 landmarks and a face flag from a 256 px crop, as the landmarks role requires', () => {
    const card = readCard('facemesh_v2');
    expect(card.role).toBe('landmarks');
    expect(card.inputs).toMatchObject([{ name: 'image', shape: ['N', 256, 256, 3] }]);
    expect(card.outputs.map(withoutDescription)).toEqual([
      { name: 'landmarks', dtype: 'float32', shape: ['N', 478 * 3] },
      { name: 'face_flag', dtype: 'float32', shape: ['N', 1] },
    ]);
  });

  it('blendshapes reads 146 distinct landmarks including the 10 iris points and names its 52 scores and 64-d embedding', () => {
    const card = readCard('blendshapes');
    expect(card.inputs).toMatchObject([{ name: 'points', shape: ['N', 146, 2] }]);
    expect(card.outputs.map(withoutDescription)).toEqual([
      { name: 'blendshapes', dtype: 'float32', shape: ['N', 52] },
      { name: 'embedding', dtype: 'float32', shape: ['N', 64] },
    ]);
    expect(card.embeddingDim).toBe(64);
    expect(new Set(BLENDSHAPE_LANDMARKS).size).toBe(146);
    expect(BLENDSHAPE_LANDMARKS.filter((k) => k >= 468)).toEqual([468, 469, 470, 471, 472, 473, 474, 475, 476, 477]);
    expect(new Set(BLENDSHAPE_NAMES).size).toBe(52);
    expect(card.labelScale).toMatchObject({ classes: BLENDSHAPE_NAMES, inputLandmarks: BLENDSHAPE_LANDMARKS });
  });
});
