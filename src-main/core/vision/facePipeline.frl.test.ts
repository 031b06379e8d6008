/**
 * The face pipeline on the Face Research Lab London Set (../shared/data/faces-frl, 102 people, neutral and
 * smiling): exactly one face per photo, and the identity-controlled expression check of the data README,
 * reported for the 256-d embedding and for the 7 expression probabilities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFrl, tripletFraction, type FrlFaces } from '../../../test/support/frlTriplets';
import { SessionFactory } from '../inference/executionProviders';
import { defaultModelsDir } from '../inference/modelRegistry';
import { FacePipeline, loadFaceModels, releaseFaceModels, type FaceModels } from './facePipeline';

describe('face pipeline on the FRL photos', () => {
  let models: FaceModels;
  let results: FrlFaces[];

  beforeAll(async () => {
    models = await loadFaceModels(defaultModelsDir(), new SessionFactory({ chain: ['cpu'] }));
    results = await analyseFrl(new FacePipeline(models));
  }, 120_000);
  afterAll(() => releaseFaceModels(models));

  it('finds exactly one face in each of the 204 photos', () => {
    expect(results.length).toBe(204);
    expect(results.filter((r) => r.faces.length !== 1).map((r) => `${r.expression}/${r.id}: ${r.faces.length}`)).toEqual([]);
  });

  it('reads smiles as happy: mean P(happy) of the smiling photos far above that of the neutral ones', () => {
    const meanHappy = (expression: string) => {
      const own = results.filter((r) => r.expression === expression);
      return own.reduce((sum, r) => sum + (r.descriptor?.expressionProbs?.[3] ?? 0), 0) / own.length;
    };
    // Measured: 0.55 vs 0.014.
    expect(meanHappy('smiling')).toBeGreaterThan(0.4);
    expect(meanHappy('neutral')).toBeLessThan(0.05);
  });

  it('reports the triplet check: "A smiling vs B smiling" closer than "A smiling vs A neutral"', () => {
    const embedding = tripletFraction(results, (d) => d.embedding);
    const probs = tripletFraction(results, (d) => d.expressionProbs ?? new Float32Array(7));
    console.log(JSON.stringify({ frlTriplets: embedding.triplets, embeddingCosine: embedding.fraction, expressionProbsCosine: probs.fraction }));
    expect(embedding.triplets).toBe(102 * 101);
    // The expression probabilities pass the check for a majority (measured 0.61). The raw 256-d embedding does
    // not (measured 0.20): its pooled features carry identity more than expression. Pinned so a change shows.
    expect(probs.fraction).toBeGreaterThan(0.55);
    expect(embedding.fraction).toBeGreaterThan(0.1);
  });
});
