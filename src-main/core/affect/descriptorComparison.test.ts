/**
 * `compareDescriptors` (fewshot.ts): with and without the action embedding on the SAME draws. Each version's half
 * must be exactly what a run of that version alone gives (the same support sets and training seeds), and the
 * paired differences must be those two runs' differences, draw by draw; the mean's interval comes from them.
 */
import { describe, expect, it } from 'vitest';
import { compareDescriptors, pairedMean, runFewshot, type FewshotData } from './fewshot';
import { seededRandom } from './random';

/** 6 clips of 4 crops: identity in the embedding, V/A partly in the probabilities and partly in the actions. */
function syntheticSet(seed: number): FewshotData {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const items = [];
  const embeddings: number[] = [];
  const probabilities: number[] = [];
  const actions: number[] = [];
  const direction = Array.from({ length: 64 }, () => normal());
  for (let c = 0; c < 6; c++) {
    const valence = random() * 1.6 - 0.8;
    const arousal = random() * 1.6 - 0.8;
    const identity = Array.from({ length: 256 }, () => normal());
    for (let f = 0; f < 4; f++) {
      items.push({ clip: `c${c}`, frame: f, valence, arousal });
      embeddings.push(...identity.map((x) => x + 0.1 * normal()));
      const logits = Array.from({ length: 7 }, (_, k) => (k === 3 ? 2 * valence : k === 5 ? 2 * arousal : 0) + 0.5 * normal());
      const sum = logits.reduce((s, l) => s + Math.exp(l), 0);
      probabilities.push(...logits.map((l) => Math.exp(l) / sum));
      actions.push(...direction.map((d) => d * arousal + 0.3 * normal()));
    }
  }
  return { items, embeddings: Float32Array.from(embeddings), probabilities: Float32Array.from(probabilities), actions: Float32Array.from(actions) };
}

describe('few-shot accuracy with and without the action embedding', () => {
  it('runs both descriptor versions on identical draws and pairs their differences draw by draw', { timeout: 300_000 }, () => {
    const data = syntheticSet(11);
    // Two labels in each of half the clips: enough to train a head (6), few enough to keep the test short.
    const options = { draws: 2, seed: 4, anchors: 'any' as const, clipFraction: 0.5 };
    const compared = compareDescriptors(data, 'random:2', options);
    const alone = ([1, 2] as const).map((descriptorVersion) => runFewshot(data, 'random:2', { ...options, descriptorVersion }));
    // Each half is the run of its version alone: same support sets, same seeds, so the same figures to the bit.
    expect(compared.v1.draws).toEqual(alone[0]?.draws);
    expect(compared.v2.draws).toEqual(alone[1]?.draws);
    // The versions differ (the action embedding changes the trained head), so equality above is no accident.
    expect(compared.v2.draws.map((d) => d.predictors.studio.all?.arousal.ccc)).not.toEqual(compared.v1.draws.map((d) => d.predictors.studio.all?.arousal.ccc));
    compared.paired.forEach((paired, d) => {
      const [v1, v2] = [compared.v1.draws[d], compared.v2.draws[d]];
      expect(v1?.supportSize).toBe(v2?.supportSize);
      expect(v1?.queries).toEqual(v2?.queries);
      expect(paired.difference.all?.valence).toBe((v2?.predictors.studio.all?.valence.ccc as number) - (v1?.predictors.studio.all?.valence.ccc as number));
      expect(paired.difference.all?.arousal).toBe((v2?.predictors.studio.all?.arousal.ccc as number) - (v1?.predictors.studio.all?.arousal.ccc as number));
    });
    const differences = compared.paired.map((p) => p.difference.all?.arousal as number);
    expect(compared.mean.all?.arousal.mean).toBeCloseTo(differences.reduce((a, b) => a + b, 0) / differences.length, 12);
  });

  it('compares predictions without the held-back score and gets the same predictions as with it', { timeout: 300_000 }, () => {
    const data = syntheticSet(11);
    const options = { draws: 2, seed: 4, anchors: 'any' as const, clipFraction: 0.5 };
    const withScore = compareDescriptors(data, 'random:2', options);
    const without = compareDescriptors(data, 'random:2', { ...options, heldBack: false });
    // The score was there to leave out: a trained head retrained per fold.
    expect(withScore.v2.draws.every((d) => d.heldBack?.retrainedPerFold === true)).toBe(true);
    expect(without.v2.draws.every((d) => d.heldBack === null)).toBe(true);
    for (const version of ['v1', 'v2'] as const) {
      expect(without[version].draws.map((d) => d.predictors)).toEqual(withScore[version].draws.map((d) => d.predictors));
    }
    expect(without.paired).toEqual(withScore.paired);
  });

  it('gives the mean difference an interval that holds it, and none wider than the differences', () => {
    const m = pairedMean([0.01, 0.03, -0.02, 0.05, 0.02, 0.04, 0.0, 0.03], 1);
    expect(m.mean).toBeCloseTo(0.02, 12);
    expect(m.low).toBeLessThan(m.mean);
    expect(m.high).toBeGreaterThan(m.mean);
    expect(m.low).toBeGreaterThanOrEqual(-0.02);
    expect(m.high).toBeLessThanOrEqual(0.05);
    const constant = pairedMean([0.1, 0.1, 0.1], 1);
    for (const value of [constant.mean, constant.low, constant.high]) expect(value).toBeCloseTo(0.1, 12);
  });
});
