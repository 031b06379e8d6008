/**
 * The model registry accepts the shipped models and refuses broken ones with a message naming the problem.
 * Broken models are made from the shipped files: a card that disagrees with its model, a model with the wrong
 * outputs for its role, random bytes, a file that is not the one its card hashes.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFactory } from './executionProviders';
import { defaultModelsDir, loadModel, modelInfo, sha256File, type LoadedModel } from './modelRegistry';

const MODELS = defaultModelsDir();
const factory = new SessionFactory({ chain: ['cpu'] });
const loaded: LoadedModel[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-models-'));

type Card = Record<string, unknown> & { outputs: { name: string; shape: (number | string)[] }[] };
const shippedCard = (id: string) => JSON.parse(fs.readFileSync(path.join(MODELS, `${id}.card.json`), 'utf8')) as Card;

/** A model file beside a card edited by `edit`, in a fresh folder. */
function variant(name: string, onnx: Buffer, card: Card): string {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  fs.writeFileSync(path.join(dir, `${name}.onnx`), onnx);
  fs.writeFileSync(path.join(dir, `${name}.card.json`), JSON.stringify({ ...card, file: `${name}.onnx` }));
  return path.join(dir, `${name}.onnx`);
}

afterAll(async () => {
  await Promise.all(loaded.map((m) => m.session.release()));
  fs.rmSync(work, { recursive: true, force: true });
});

describe('model registry', () => {
  it.each([
    ['blazeface', 'detector'],
    ['facemesh', 'landmarks'],
    ['facemesh_v2', 'landmarks'],
    ['emotion', 'encoder'],
    ['faceres', 'identity'],
    ['blendshapes', 'blendshapes'],
  ] as const)('loads the shipped %s in the role %s and says where it runs', async (id, role) => {
    const model = await loadModel(path.join(MODELS, `${id}.onnx`), { factory, role });
    loaded.push(model);
    expect(modelInfo(model)).toMatchObject({ role, provider: 'cpu', sha256: sha256File(path.join(MODELS, `${id}.onnx`)) });
    if (role === 'encoder') expect(model.card.embeddingDim).toBe(256);
    if (role === 'identity') expect(model.card.embeddingDim).toBe(1024);
  });

  it('rejects a model whose embedding size differs from its card', async () => {
    const card = shippedCard('emotion');
    card.embeddingDim = 128;
    card.outputs = card.outputs.map((o) => (o.name === 'embedding' ? { ...o, shape: ['N', 128] } : o));
    const file = variant('emotion128', fs.readFileSync(path.join(MODELS, 'emotion.onnx')), card);
    await expect(loadModel(file, { factory, role: 'encoder' })).rejects.toThrow(
      /emotion128\.onnx cannot be used: .*embedding size differs: the model's "embedding" has D = 256 but the card says D = 128/,
    );
  });

  it('rejects an encoder that has no "embedding" output', async () => {
    // The landmark model presented as an encoder: a valid ONNX model with the wrong outputs for the role.
    const input = { size: { width: 256, height: 256 }, channels: 3, colourOrder: 'RGB', layout: 'NHWC', valueRange: '0..1', mean: [0, 0, 0], std: [1, 1, 1], cropScale: 1.5 };
    const card = { ...shippedCard('facemesh_v2'), role: 'encoder', embeddingDim: 256, preprocessing: input };
    const file = variant('meshencoder', fs.readFileSync(path.join(MODELS, 'facemesh_v2.onnx')), card);
    await expect(loadModel(file, { factory, role: 'encoder' })).rejects.toThrow(
      /an encoder must have an output "embedding", and this model has none \(it has "landmarks", "face_flag"\)/,
    );
  });

  it('rejects a card whose input name is not the model\'s', async () => {
    const card = shippedCard('emotion');
    card.inputs = [{ name: 'input_1', dtype: 'float32', shape: ['N', 64, 64, 1] }] as unknown as Card['outputs'];
    const file = variant('renamed', fs.readFileSync(path.join(MODELS, 'emotion.onnx')), card);
    await expect(loadModel(file, { factory, role: 'encoder' })).rejects.toThrow(/the card declares input "input_1" but the model has no such input \(it has "image"\)/);
  });

  it('rejects a file that is not ONNX', async () => {
    const bytes = crypto.randomBytes(4096);
    const card = { ...shippedCard('emotion'), sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
    const file = variant('noise', bytes, card);
    await expect(loadModel(file, { factory, role: 'encoder' })).rejects.toThrow(/noise\.onnx cannot be used: ONNX Runtime cannot load it as an ONNX model/);
  });

  it('rejects a model whose card hashes another file', async () => {
    const card = { ...shippedCard('emotion'), sha256: '0'.repeat(64) };
    const file = variant('tampered', fs.readFileSync(path.join(MODELS, 'emotion.onnx')), card);
    await expect(loadModel(file, { factory, role: 'encoder' })).rejects.toThrow(
      /its SHA-256 is eb534d27\w+ but its card says 0{64}: the file is not the one the card describes/,
    );
  });

  it('rejects a model used in a role its card does not claim', async () => {
    await expect(loadModel(path.join(MODELS, 'blazeface.onnx'), { factory, role: 'encoder' })).rejects.toThrow(/needed in the role "encoder" but its card gives the role "detector"/);
  });
});
