/**
 * The committed models/ files are exactly what the converter makes from the pinned source package, and each
 * model card states what ONNX Runtime sees when it loads the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { describe, expect, it } from 'vitest';
import { cardText, sha256, type CardTensor, type ModelCard } from './model-card';
import { buildShippedModel, MODELS_DIR, SHIPPED_MODELS } from './shipped-models';

const REBUILD = 'npx tsx tools/tfjs-to-onnx/build-models.ts';

function readCard(id: string): ModelCard {
  return JSON.parse(fs.readFileSync(path.join(MODELS_DIR, `${id}.card.json`), 'utf8')) as ModelCard;
}

function metadataOf(list: readonly ort.InferenceSession.ValueMetadata[]): Omit<CardTensor, 'description'>[] {
  return list.map((m) => {
    if (!m.isTensor) throw new Error(`${m.name} is not a tensor`);
    return { name: m.name, dtype: m.type as CardTensor['dtype'], shape: [...m.shape] };
  });
}

const withoutDescription = (t: CardTensor): Omit<CardTensor, 'description'> => ({ name: t.name, dtype: t.dtype, shape: t.shape });

describe.each(SHIPPED_MODELS.map((spec) => [spec.id, spec] as const))('models/%s', (id, spec) => {
  const file = path.join(MODELS_DIR, `${id}.onnx`);

  it('is reproduced byte for byte by re-converting the pinned source, and so is its card', async () => {
    const { bytes, card } = await buildShippedModel(spec);
    const committed = fs.readFileSync(file);
    expect(sha256(committed), `models/${id}.onnx differs from a fresh conversion: run ${REBUILD}`).toBe(sha256(bytes));
    expect(Buffer.compare(committed, bytes)).toBe(0);
    expect(fs.readFileSync(path.join(MODELS_DIR, `${id}.card.json`), 'utf8'), `models/${id}.card.json is stale: run ${REBUILD}`).toBe(cardText(card));
  });

  it('matches the SHA-256 and size its card states', () => {
    const card = readCard(id);
    const bytes = fs.readFileSync(file);
    expect(card.file).toBe(`${id}.onnx`);
    expect(sha256(bytes)).toBe(card.sha256);
    expect(bytes.byteLength).toBe(card.sizeBytes);
  });

  it('loads in onnxruntime-node with the names, shapes and dtypes of its card, and runs a batch of 2', async () => {
    const card = readCard(id);
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    try {
      expect(session.inputNames).toEqual(card.inputs.map((t) => t.name));
      expect(session.outputNames).toEqual(card.outputs.map((t) => t.name));
      expect(metadataOf(session.inputMetadata)).toEqual(card.inputs.map(withoutDescription));
      expect(metadataOf(session.outputMetadata)).toEqual(card.outputs.map(withoutDescription));

      const feeds = Object.fromEntries(
        card.inputs.map((t) => {
          const dims = t.shape.map((d) => (typeof d === 'number' ? d : 2));
          return [t.name, new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims)];
        }),
      );
      const results = await session.run(feeds);
      for (const t of card.outputs) expect(results[t.name]?.dims).toEqual(t.shape.map((d) => (typeof d === 'number' ? d : 2)));
    } finally {
      await session.release();
    }
  });

  it('states preprocessing, licence, training data and source for every tensor', () => {
    const card = readCard(id);
    expect(card.source).toMatchObject({ package: '@vladmandic/human', version: '3.3.6' });
    expect(card.licence.weights).toMatch(/^(Apache-2\.0|MIT)$/);
    expect(card.trainingData.length).toBeGreaterThan(20);
    expect(card.preprocessing.size.width).toBe(card.inputs[0]?.shape[2]);
    for (const t of [...card.inputs, ...card.outputs]) expect(t.description.length).toBeGreaterThan(10);
  });
});

describe('the default encoder meets the docs/DESIGN.md §4 contract', () => {
  it('has an `embedding` [N, D] float32 output with D = embeddingDim, and 7 expression classes', () => {
    const card = readCard('emotion');
    expect(card.role).toBe('encoder');
    expect(card.embeddingDim).toBe(256);
    expect(card.outputs.find((t) => t.name === 'embedding')).toMatchObject({ dtype: 'float32', shape: ['N', 256] });
    expect(card.labelScale.classes).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
  });
});
