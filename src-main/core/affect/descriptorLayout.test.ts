/**
 * The descriptor contract: each version's parts and sizes (for the default encoder, for an encoder of another
 * size without expressions, and for one with its own valence/arousal), the prior head built for each layout reading
 * only the expression rows or, when the encoder has them, its own valence and arousal, and the version a project
 * with videos of both versions reads.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelCard } from '../inference/modelCard';
import { defaultModelsDir } from '../inference/modelRegistry';
import { ACTION_EMBEDDING_SCALE, buildDescriptor, DEFAULT_ENCODER, descriptorLayout, encoderParts, projectDescriptorVersion } from './descriptorLayout';
import { forwardPairs } from './pairHead';
import { priorHead, priorName } from './priorHead';
import { seededRandom } from './random';
import { headTrainingOptions } from './trainJob';

const SMALL = { embeddingDim: 128, expressionDim: 0, affectDim: 0 };
/** A lab's encoder with its own valence and arousal, with and without an expression head. */
const AFFECT = { embeddingDim: 128, expressionDim: 0, affectDim: 2 };
const AFFECT_AND_EXPRESSIONS = { embeddingDim: 128, expressionDim: 7, affectDim: 2 };

function parts(seed: number, embeddingDim = 256) {
  const r = seededRandom(seed);
  return { embedding: Float32Array.from({ length: embeddingDim }, () => r() - 0.5), actions: Float32Array.from({ length: 64 }, () => r() - 0.5) };
}

describe('descriptor layouts', () => {
  it('gives version 1 263 values and version 2 327, a 128-d encoder without expressions 128 and 192', () => {
    expect(descriptorLayout(1)).toEqual({ version: 1, embeddingDim: 256, expressionDim: 7, affectDim: 0, actionDim: 0, dim: 263 });
    expect(descriptorLayout(2)).toEqual({ version: 2, embeddingDim: 256, expressionDim: 7, affectDim: 0, actionDim: 64, dim: 327 });
    expect(descriptorLayout(1, SMALL)).toMatchObject({ expressionDim: 0, actionDim: 0, dim: 128 });
    expect(descriptorLayout(2, SMALL)).toMatchObject({ expressionDim: 0, actionDim: 64, dim: 192 });
  });

  it('puts embedding, probabilities and the scaled action embedding in that order; version 1 leaves the actions out', () => {
    const { embedding, actions } = parts(1);
    const probabilities = [0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1];
    const v2 = buildDescriptor(descriptorLayout(2), { embedding, probabilities, actions });
    const v1 = buildDescriptor(descriptorLayout(1), { embedding, probabilities, actions });
    expect(Array.from(v2.subarray(0, 256))).toEqual(Array.from(embedding));
    expect(Array.from(v2.subarray(256, 263))).toEqual(Array.from(Float32Array.from(probabilities)));
    expect(Array.from(v2.subarray(263))).toEqual(Array.from(actions, (a) => Math.fround(ACTION_EMBEDDING_SCALE * a)));
    expect(Array.from(v1)).toEqual(Array.from(v2.subarray(0, 263)));
    const small = buildDescriptor(descriptorLayout(2, SMALL), { embedding: embedding.subarray(0, 128), probabilities: null, actions });
    expect(small.length).toBe(192);
  });

  it("reads an encoder's parts from its card: the shipped one has no affect part, a card declaring valence and arousal has", () => {
    expect(encoderParts(readModelCard(path.join(defaultModelsDir(), 'emotion.card.json')))).toEqual(DEFAULT_ENCODER);
    const outputs = (...names: string[]) => names.map((name) => ({ name }));
    expect(encoderParts({ embeddingDim: 128, outputs: outputs('embedding', 'valence', 'arousal') })).toEqual(AFFECT);
    expect(encoderParts({ embeddingDim: 128, outputs: outputs('embedding', 'expression_probs', 'valence', 'arousal') })).toEqual(AFFECT_AND_EXPRESSIONS);
    expect(encoderParts({ embeddingDim: 128, outputs: outputs('embedding', 'valence') })).toEqual(SMALL);
  });

  it("puts the encoder's own valence and arousal after its probabilities, before the actions", () => {
    const layout = descriptorLayout(2, AFFECT_AND_EXPRESSIONS);
    expect(layout).toEqual({ version: 2, embeddingDim: 128, expressionDim: 7, affectDim: 2, actionDim: 64, dim: 201 });
    const { embedding, actions } = parts(7, 128);
    const probabilities = [0.1, 0.1, 0.1, 0.4, 0.1, 0.1, 0.1];
    const d = buildDescriptor(layout, { embedding, probabilities, actions, affect: { valence: 0.25, arousal: -0.5 } });
    expect(Array.from(d.subarray(0, 128))).toEqual(Array.from(embedding));
    expect(Array.from(d.subarray(128, 135))).toEqual(Array.from(Float32Array.from(probabilities)));
    expect(Array.from(d.subarray(135, 137))).toEqual([0.25, -0.5]);
    expect(Array.from(d.subarray(137))).toEqual(Array.from(actions, (a) => Math.fround(ACTION_EMBEDDING_SCALE * a)));
    expect(() => buildDescriptor(layout, { embedding, probabilities, actions, affect: null })).toThrow(
      "This project's encoder predicts valence and arousal, and a face has none stored: analyse the video again with it.",
    );
  });

  it('refuses a version it does not know, and a version 2 face without actions, naming what to do', () => {
    expect(() => descriptorLayout(3)).toThrow(/Descriptor version 3 is not one this studio knows \(1, 2\); update Affect Studio/);
    const { embedding } = parts(2);
    expect(() => buildDescriptor(descriptorLayout(2), { embedding, probabilities: [0, 0, 0, 1, 0, 0, 0], actions: null })).toThrow(/analyse the video again for facial actions/);
  });

  it('reads a project under the lowest version among its analysed videos, the latest when none is analysed', () => {
    expect(projectDescriptorVersion([2, 1, 2])).toBe(1);
    expect(projectDescriptorVersion([2, 2])).toBe(2);
    expect(projectDescriptorVersion([])).toBe(2);
  });
});

describe('the prior head for each layout', () => {
  const sad = [0, 0, 0, 0, 1, 0, 0];
  const happy = [0, 0, 0, 1, 0, 0, 0];

  it('reads only the expression rows: the same deltas and similarities whatever the embedding and actions', () => {
    const outputs = ([1, 2] as const).map((version) => {
      const layout = descriptorLayout(version);
      const head = priorHead(layout);
      expect(head.dim).toBe(layout.dim);
      const a = buildDescriptor(layout, { ...parts(3), probabilities: sad });
      const b = buildDescriptor(layout, { ...parts(4), probabilities: happy });
      return forwardPairs(head, Float32Array.from([...a, ...a]), Float32Array.from([...b, ...a]));
    });
    const [v1, v2] = outputs as [ReturnType<typeof forwardPairs>, ReturnType<typeof forwardPairs>];
    // Happy minus sad on the circumplex norms; identical probabilities: the prior's full similarity.
    expect(v1.deltaValence[0]).toBeCloseTo(0.8675 + 0.725, 5);
    expect(Array.from(v2.deltaValence)).toEqual(Array.from(v1.deltaValence));
    expect(Array.from(v2.deltaArousal)).toEqual(Array.from(v1.deltaArousal));
    expect(Array.from(v2.similarity)).toEqual(Array.from(v1.similarity));
    expect(v1.similarity[1]).toBe(3);
  });

  it('has nothing to read without expressions: no delta and every pair equally similar', () => {
    const layout = descriptorLayout(2, SMALL);
    const head = priorHead(layout);
    expect(head.dim).toBe(192);
    const a = buildDescriptor(layout, { ...parts(5, 128), probabilities: null });
    const b = buildDescriptor(layout, { ...parts(6, 128), probabilities: null });
    const out = forwardPairs(head, a, b);
    expect(out.deltaValence[0]).toBe(0);
    expect(out.deltaArousal[0]).toBe(0);
    expect(out.similarity[0]).toBe(3);
  });
});

describe("the prior head of an encoder with its own valence and arousal", () => {
  const face = (seed: number, layout: ReturnType<typeof descriptorLayout>, valence: number, arousal: number, probabilities: number[] | null) =>
    buildDescriptor(layout, { ...parts(seed, 128), probabilities, affect: { valence, arousal } });

  it("gives exactly the encoder's own difference as the delta, whatever the embedding, probabilities and actions", () => {
    for (const encoder of [AFFECT, AFFECT_AND_EXPRESSIONS]) {
      const layout = descriptorLayout(2, encoder);
      const head = priorHead(layout);
      expect([head.dim, head.rank]).toEqual([layout.dim, 2]);
      expect(priorName(layout)).toBe("encoder's own valence/arousal prior");
      const probs = (hot: number) => (encoder.expressionDim ? Array.from({ length: 7 }, (_, c) => (c === hot ? 1 : 0)) : null);
      // Sad-looking probabilities on the happier face: the encoder's own valence wins, not the circumplex.
      const a = face(1, layout, -0.25, 0.5, probs(3));
      const b = face(2, layout, 0.5, -0.125, probs(4));
      const out = forwardPairs(head, Float32Array.from([...a, ...a, ...b]), Float32Array.from([...b, ...a, ...a]));
      expect(Array.from(out.deltaValence)).toEqual([0.75, 0, -0.75]);
      expect(Array.from(out.deltaArousal)).toEqual([-0.625, 0, 0.625]);
      // Identical points: the circumplex prior's full similarity; far apart: clearly different.
      expect(out.similarity[1]).toBe(3);
      expect(out.similarity[0]).toBeCloseTo(3 - 5 * (0.75 ** 2 + 0.625 ** 2), 4);
    }
  });

  it('falls to a logit of 0 at a V/A distance of 0.77', () => {
    const layout = descriptorLayout(1, AFFECT);
    const out = forwardPairs(priorHead(layout), face(3, layout, 0.1, 0.1, null), face(4, layout, 0.1 + Math.sqrt(0.3), 0.1 - Math.sqrt(0.3), null));
    expect(out.similarity[0]).toBeCloseTo(0, 5);
  });

  it('is where a trained head starts from, as the circumplex prior is for the shipped encoder', () => {
    for (const layout of [descriptorLayout(2, AFFECT), descriptorLayout(2)]) expect(headTrainingOptions(layout).start).toEqual(priorHead(layout));
  });

  it('is the circumplex prior, under its name, for an encoder without them', () => {
    expect(priorName(descriptorLayout(2))).toBe('circumplex prior');
  });
});
