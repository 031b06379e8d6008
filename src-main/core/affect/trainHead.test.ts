import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFactory } from '../inference/executionProviders';
import { loadModel } from '../inference/modelRegistry';
import { pearson } from './metrics';
import { forwardPairs, writePairHead } from './pairHead';
import { descriptorLayout } from './descriptorLayout';
import { priorHead } from './priorHead';
import { seededRandom } from './random';
import { trainPairHead, type LabelledFrame } from './trainHead';

/** Version 1 descriptors of the default encoder: 256-d embedding and 7 expression probabilities. */
const V1 = descriptorLayout(1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-train-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Gaussian-ish features with a known linear valence/arousal, plus label noise. */
function synthetic(n: number, seed: number, wv: Float64Array, wa: Float64Array): LabelledFrame[] {
  const r = seededRandom(seed);
  const gauss = () => r() + r() + r() - 1.5;
  return Array.from({ length: n }, (_, i) => {
    const x = Float32Array.from({ length: V1.dim }, () => gauss());
    // The last 7 values are expression probabilities in the real descriptor: keep them a distribution.
    const logits = Array.from({ length: 7 }, () => 3 * gauss());
    const z = logits.reduce((sum, l) => sum + Math.exp(l), 0);
    logits.forEach((l, c) => (x[V1.embeddingDim + c] = Math.exp(l) / z));
    let v = 0;
    let a = 0;
    for (let k = 0; k < V1.dim; k++) {
      v += (x[k] as number) * (wv[k] as number);
      a += (x[k] as number) * (wa[k] as number);
    }
    return { descriptor: x, valence: v + 0.01 * gauss(), arousal: a + 0.01 * gauss(), group: `video${i % 8}` };
  });
}

describe('trainPairHead', () => {
  const r = seededRandom(42);
  // A sparse relation through a few embedding dimensions, which the prior knows nothing about.
  const wv = new Float64Array(V1.dim);
  const wa = new Float64Array(V1.dim);
  for (let k = 0; k < 10; k++) {
    wv[Math.floor(r() * V1.embeddingDim)] = 0.15 * (r() - 0.5);
    wa[Math.floor(r() * V1.embeddingDim)] = 0.15 * (r() - 0.5);
  }
  const train = synthetic(1000, 1, wv, wa);
  const result = trainPairHead(train, { start: priorHead(V1), seed: 3 });

  it('recovers a known linear valence/arousal relation from 1,000 labels', () => {
    const test = synthetic(300, 2, wv, wa);
    const a = new Float32Array(299 * V1.dim);
    const b = new Float32Array(299 * V1.dim);
    for (let i = 0; i < 299; i++) {
      a.set((test[i] as LabelledFrame).descriptor, i * V1.dim);
      b.set((test[i + 1] as LabelledFrame).descriptor, i * V1.dim);
    }
    const out = forwardPairs(result.head, a, b);
    const trueV = test.slice(0, 299).map((t, i) => (test[i + 1] as LabelledFrame).valence - t.valence);
    const trueA = test.slice(0, 299).map((t, i) => (test[i + 1] as LabelledFrame).arousal - t.arousal);
    expect(pearson(Array.from(out.deltaValence), trueV)).toBeGreaterThan(0.95);
    expect(pearson(Array.from(out.deltaArousal), trueA)).toBeGreaterThan(0.95);
    // Recovered weights point the same way as the true ones.
    let dot = 0;
    let nt = 0;
    let nw = 0;
    for (let k = 0; k < V1.dim; k++) {
      dot += (result.head.delta[2 * k] as number) * (wv[k] as number);
      nt += (wv[k] as number) ** 2;
      nw += (result.head.delta[2 * k] as number) ** 2;
    }
    expect(dot / Math.sqrt(nt * nw)).toBeGreaterThan(0.9);
    expect(result.validation.loss).toBeLessThan(result.validation.startLoss);
  });

  it('writes a head that passes the contract check', async () => {
    const written = writePairHead(dir, 'trained', result.head, V1, { name: 'trained', version: '1', description: 'test', trainingData: 'synthetic' });
    const model = await loadModel(written.file, { factory: new SessionFactory({ chain: ['cpu'] }), role: 'pair_head' });
    await model.session.release();
  });

  it('refuses to train on too few labels', () => {
    expect(() => trainPairHead(train.slice(0, 3), { start: priorHead(V1) })).toThrow(/at least 6 labelled frames/);
  });
});
