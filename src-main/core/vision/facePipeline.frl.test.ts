/**
 * The face pipeline on the committed subset of the Face Research Lab London Set (test/fixtures/faces-frl, a few
 * people, neutral and smiling): exactly one face per photo, with facemesh_v2's landmarks and facial actions that read
 * the smile, and the identity-controlled expression check of the
 * data README, reported for the 256-d embedding and for the 7 expression probabilities. The same check on all
 * 102 people is `npm run bench -- analyze --frl DIR`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseFrl, tripletFraction, type FrlFaces } from '../../../test/support/frlTriplets';
import { FRL_FIXTURES } from '../../../test/support/testMedia';
import { SessionFactory } from '../inference/executionProviders';
import { defaultModelsDir } from '../inference/modelRegistry';
import { ACTION_EMBEDDING_DIM, blendshapeLabels, FACE_ACTION_COUNT, V2_LANDMARK_COUNT } from './faceActions';
import { FacePipeline, loadFaceModels, releaseFaceModels, type FaceModels } from './facePipeline';

/** The people in the committed subset; each has a neutral and a smiling photo. */
const PEOPLE = fs.readdirSync(path.join(FRL_FIXTURES, 'neutral')).filter((f) => f.endsWith('.jpg')).length;

describe('face pipeline on the FRL photos', () => {
  let models: FaceModels;
  let results: FrlFaces[];

  beforeAll(async () => {
    models = await loadFaceModels(defaultModelsDir(), new SessionFactory({ chain: ['cpu'] }));
    results = await analyseFrl(new FacePipeline(models), FRL_FIXTURES);
  }, 120_000);
  afterAll(() => releaseFaceModels(models));

  it('finds exactly one face in each photo', () => {
    expect(results.length).toBe(2 * PEOPLE);
    expect(results.filter((r) => r.faces.length !== 1).map((r) => `${r.expression}/${r.id}: ${r.faces.length}`)).toEqual([]);
  });

  it('gives each photo\'s face facemesh_v2\'s 478 landmarks and facial actions, with more smile on the smiling photo', () => {
    const smile = ['mouthSmileLeft', 'mouthSmileRight'].map((n) => blendshapeLabels(models.blendshapes).names.indexOf(n));
    const smileOf = (expression: string, id: string) => {
      const face = results.find((r) => r.expression === expression && r.id === id)?.faces[0];
      expect(face?.landmarks.length).toBe(V2_LANDMARK_COUNT * 3);
      expect([face?.turnedAway, face?.actions?.scores.length, face?.actions?.embedding.length]).toEqual([false, FACE_ACTION_COUNT, ACTION_EMBEDDING_DIM]);
      return smile.reduce((sum, i) => sum + (face?.actions?.scores[i] as number), 0);
    };
    const ids = results.filter((r) => r.expression === 'neutral').map((r) => r.id);
    expect(ids.filter((id) => smileOf('smiling', id) <= smileOf('neutral', id))).toEqual([]);
  });

  it('reads smiles as happy: mean P(happy) of the smiling photos far above that of the neutral ones', () => {
    const meanHappy = (expression: string) => {
      const own = results.filter((r) => r.expression === expression);
      return own.reduce((sum, r) => sum + (r.descriptor?.expressionProbs?.[3] ?? 0), 0) / own.length;
    };
    // Measured on all 102 people: 0.55 vs 0.014; on the 8 committed ones: 0.42 vs 0.006.
    expect(meanHappy('smiling')).toBeGreaterThan(0.3);
    expect(meanHappy('neutral')).toBeLessThan(0.05);
  });

  it('reports the triplet check: "A smiling vs B smiling" closer than "A smiling vs A neutral"', () => {
    const embedding = tripletFraction(results, (d) => d.embedding);
    const probs = tripletFraction(results, (d) => d.expressionProbs ?? new Float32Array(7));
    console.log(JSON.stringify({ frlTriplets: embedding.triplets, embeddingCosine: embedding.fraction, expressionProbsCosine: probs.fraction }));
    expect(embedding.triplets).toBe(PEOPLE * (PEOPLE - 1));
    // On all 102 people (bench/analyze) the expression probabilities pass the check for a majority (measured
    // 0.61) and the raw 256-d embedding does not (0.20): its pooled features carry identity more than
    // expression. On the 8 committed people: 0.52 and 0.04. Pinned so a change shows.
    expect(probs.fraction).toBeGreaterThan(0.45);
    expect(probs.fraction - embedding.fraction).toBeGreaterThan(0.3);
  });
});
