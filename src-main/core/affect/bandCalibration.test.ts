/**
 * Band calibration: from residuals of a known over- or under-confidence it recovers the factor, per distance bin,
 * and the calibrated band then holds about 90% of residuals it did not see.
 */
import { describe, expect, it } from 'vitest';
import { bandCoverage, bandScaleAt, calibratedBands, crossFittedCoverage, distanceToNearestLabel, fitBandCalibration, type BandSample } from './bandCalibration';
import { seededRandom } from './random';

/** A standard normal draw (Box-Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Residuals whose true sd is `factor(distance)` times the stated sd. */
function samples(n: number, seed: number, factor: (distanceSec: number | null) => [number, number], distance: (i: number) => number | null): BandSample[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const distanceSec = distance(i);
    const sdValence = 0.05 + random() * 0.2;
    const sdArousal = 0.05 + random() * 0.2;
    const [fv, fa] = factor(distanceSec);
    return { residualValence: normal(random) * sdValence * fv, residualArousal: normal(random) * sdArousal * fa, sdValence, sdArousal, distanceSec };
  });
}

describe('band calibration', () => {
  it('recovers a known factor per distance bin, and covers 90% of new residuals with it', () => {
    // Overconfident far from labels (x1.8 V, x1.5 A), right near them, with no label 2.5 and 2.
    const truth = (d: number | null): [number, number] => (d === null ? [2.5, 2] : d < 2 ? [1, 1] : d < 10 ? [1.8, 1.5] : [1.8, 1.5]);
    const where = (i: number) => (i % 3 === 0 ? 0.5 : i % 3 === 1 ? 5 : null);
    const fitted = fitBandCalibration(samples(30000, 1, truth, where));
    expect(fitted).not.toBeNull();
    const calibration = fitted as NonNullable<typeof fitted>;
    // Within 4%: the 90th percentile of 10,000 residuals varies by about 1.5%.
    const near = (x: number, truth: number) => expect(Math.abs(x / truth - 1)).toBeLessThan(0.04);
    near(bandScaleAt(calibration, 0.5).valence, 1);
    near(bandScaleAt(calibration, 5).valence, 1.8);
    near(bandScaleAt(calibration, 5).arousal, 1.5);
    near(bandScaleAt(calibration, null).valence, 2.5);
    near(bandScaleAt(calibration, null).arousal, 2);
    // No residual beyond 10 s: that bin takes the factor of all of them.
    expect(bandScaleAt(calibration, 30).valence).toBeGreaterThan(1.5);

    const fresh = samples(6000, 2, truth, where);
    const before = bandCoverage(fresh, null);
    const after = bandCoverage(fresh, calibration);
    expect(before.valence).toBeLessThan(0.75);
    expect(after.valence).toBeGreaterThan(0.87);
    expect(after.valence).toBeLessThan(0.93);
    expect(after.arousal).toBeGreaterThan(0.87);
    expect(after.arousal).toBeLessThan(0.93);
  });

  it('scores calibrated coverage on folds the factors were not fitted on, and needs enough residuals', () => {
    const all = samples(400, 3, () => [2, 2], () => 4);
    const coverage = crossFittedCoverage(all, all.map((_, i) => i % 10));
    expect(coverage?.samples).toBe(400);
    expect(coverage?.valence).toBeGreaterThan(0.85);
    expect(coverage?.valence).toBeLessThan(0.95);
    expect(fitBandCalibration(all.slice(0, 10))).toBeNull();
    expect(crossFittedCoverage(all.slice(0, 10), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])).toBeNull();
  });

  it('measures the distance to the nearest label in seconds, and widens each frame by its own bin', () => {
    const times = Float64Array.from([0, 1, 2, 3, 4, 20, 40]);
    expect(distanceToNearestLabel(times, [3, 1])).toEqual([1, 0, 1, 0, 1, 17, 37]);
    expect(distanceToNearestLabel(times, [])).toEqual([null, null, null, null, null, null, null]);
    const calibration = { samples: 100, bins: [{ valence: 1, arousal: 1 }, { valence: 2, arousal: 3 }, { valence: 4, arousal: 5 }] };
    const result = { valenceSd: new Float32Array(7).fill(0.1), arousalSd: new Float32Array(7).fill(0.1) };
    const banded = calibratedBands(result, times, [1], calibration);
    expect([...banded.valenceSd].map((v) => Math.round(v * 100) / 100)).toEqual([0.1, 0.1, 0.1, 0.2, 0.2, 0.4, 0.4]);
    expect(banded.arousalSd[6]).toBeCloseTo(0.5, 6);
  });
});
