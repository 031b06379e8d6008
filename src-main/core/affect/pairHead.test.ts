import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from '../inference/onnxRuntime';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFactory } from '../inference/executionProviders';
import { loadModel } from '../inference/modelRegistry';
import { forwardPairs, projectDescriptors, readLinearHead, writePairHead, type LinearPairHead } from './pairHead';
import { buildDescriptor, descriptorLayout } from './descriptorLayout';
import { anchorOutputsFromProjections } from './propagate';
import { PRIOR_HEAD_CARD, priorHead } from './priorHead';
import { seededRandom } from './random';

/** Version 1 descriptors of the default encoder: 256-d embedding and 7 expression probabilities. */
const V1 = descriptorLayout(1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-pairhead-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function randomHead(seed: number, rank = 5): LinearPairHead {
  const r = seededRandom(seed);
  return {
    dim: V1.dim,
    rank,
    delta: Float32Array.from({ length: V1.dim * 2 }, () => (r() - 0.5) * 0.1),
    metric: Float32Array.from({ length: V1.dim * rank }, () => (r() - 0.5) * 0.1),
    bias: 1.5,
  };
}

function randomDescriptors(n: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n * V1.dim }, () => r() * 2);
}

async function runOnnx(file: string, a: Float32Array, b: Float32Array) {
  const session = await ort.InferenceSession.create(file);
  const n = a.length / V1.dim;
  const out = await session.run({
    emb_a: new ort.Tensor('float32', a, [n, V1.dim]),
    emb_b: new ort.Tensor('float32', b, [n, V1.dim]),
  });
  await session.release();
  return out;
}

describe('pair heads as ONNX', () => {
  for (const [label, head] of [['prior', priorHead(V1)], ['random linear', randomHead(7)]] as const) {
    it(`${label}: ONNX Runtime returns the TypeScript forward pass`, async () => {
      const written = writePairHead(dir, label.replace(' ', '-'), head, V1, { ...PRIOR_HEAD_CARD, name: label });
      const a = randomDescriptors(64, 1);
      const b = randomDescriptors(64, 2);
      const expected = forwardPairs(head, a, b);
      const got = await runOnnx(written.file, a, b);
      for (const [name, key] of [['similarity', 'similarity'], ['delta_valence', 'deltaValence'], ['delta_arousal', 'deltaArousal']] as const) {
        const tensor = got[name] as ort.Tensor;
        const values = tensor.data as Float32Array;
        expect(tensor.dims).toEqual([64]);
        values.forEach((v, i) => expect(Math.abs(v - (expected[key][i] as number))).toBeLessThan(1e-4 * (1 + Math.abs(v))));
      }
    });
  }

  it('the prior head passes the contract check and reads back as the same weights', async () => {
    const written = writePairHead(dir, 'prior-contract', priorHead(V1), V1, PRIOR_HEAD_CARD);
    const model = await loadModel(written.file, { factory: new SessionFactory({ chain: ['cpu'] }), role: 'pair_head' });
    expect(model.card.embeddingDim).toBe(V1.dim);
    await model.session.release();
    const back = readLinearHead(fs.readFileSync(written.file));
    expect(back.rank).toBe(7);
    expect(Array.from(back.delta)).toEqual(Array.from(priorHead(V1).delta));
  });

  it('the prior puts a happy face above a sad one in valence and calls identical faces similar', () => {
    const emb = new Float32Array(256);
    const sad = buildDescriptor(V1, { embedding: emb, probabilities: [0, 0, 0, 0, 1, 0, 0], actions: null });
    const happy = buildDescriptor(V1, { embedding: emb, probabilities: [0, 0, 0, 1, 0, 0, 0], actions: null });
    const out = forwardPairs(priorHead(V1), Float32Array.from([...sad, ...sad]), Float32Array.from([...happy, ...sad]));
    expect(out.deltaValence[0]).toBeCloseTo(0.8675 + 0.725, 5);
    expect(out.similarity[0]).toBeLessThan(0);
    expect(out.similarity[1]).toBeCloseTo(3, 5);
    expect(out.deltaValence[1]).toBe(0);
  });

  it('outputs from cached projections equal the full forward pass', () => {
    const head = randomHead(3);
    const frames = randomDescriptors(20, 4);
    const projections = projectDescriptors(head, frames);
    const anchor = frames.slice(5 * V1.dim, 6 * V1.dim);
    const fast = anchorOutputsFromProjections(projections, projections.values.slice(5 * 7, 6 * 7));
    const anchors = new Float32Array(frames.length);
    for (let i = 0; i < 20; i++) anchors.set(anchor, i * V1.dim);
    const full = forwardPairs(head, anchors, frames);
    fast.similarity.forEach((v, i) => expect(v).toBeCloseTo(full.similarity[i] as number, 4));
    fast.deltaValence.forEach((v, i) => expect(v).toBeCloseTo(full.deltaValence[i] as number, 4));
  });
});
