/**
 * Calibrated uncertainty bands (issue 16). The smoother's sd says how far the truth may be from a prediction, but
 * measured on labels it had not seen, its 90% band (±1.645 sd) held only 73-77% of them: overconfident. The held-back
 * score's residuals are labels the model did not see, so they say by how much: per axis, the factor that makes
 * the band hold 90% of them (the 90th percentile of |residual| / sd, over 1.645). Errors grow with distance from
 * the nearest label of the video, and the sd does not grow in step, so the factor is fitted per distance bin; a
 * bin with too few residuals takes the factor of all of them.
 *
 * Pure: samples in, factors out.
 */
export const BAND_Z90 = 1.645;
/** Below this many residuals a factor is noise. */
export const MIN_CALIBRATION_SAMPLES = 20;
/** Upper edges (seconds to the nearest label of the video) of the distance bins; beyond the last, and with no label. */
export const DISTANCE_BINS_SEC: readonly number[] = [2, 10];

export interface BandSample {
  residualValence: number;
  residualArousal: number;
  sdValence: number;
  sdArousal: number;
  /** Seconds to the nearest label of the same video the prediction had, or null with none. */
  distanceSec: number | null;
}

export interface BandScale {
  valence: number;
  arousal: number;
}

export interface BandCalibration {
  /** One factor per bin of DISTANCE_BINS_SEC, then one beyond the last edge (a video with no label included). */
  bins: BandScale[];
  samples: number;
}

export interface BandCoverage {
  valence: number;
  arousal: number;
  samples: number;
}

const binOf = (distanceSec: number | null): number => {
  if (distanceSec === null) return DISTANCE_BINS_SEC.length;
  const i = DISTANCE_BINS_SEC.findIndex((edge) => distanceSec < edge);
  return i < 0 ? DISTANCE_BINS_SEC.length : i;
};

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // The smallest value with at least a share q of values at or below it: the band then holds >= q of them.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** The factor over `samples` per axis; an sd of 0 (a label's own frame) says nothing and is skipped. */
function scaleOf(samples: readonly BandSample[]): BandScale | null {
  const ratios = (residual: (s: BandSample) => number, sd: (s: BandSample) => number) => samples.filter((s) => sd(s) > 0).map((s) => Math.abs(residual(s)) / sd(s));
  const v = ratios((s) => s.residualValence, (s) => s.sdValence);
  const a = ratios((s) => s.residualArousal, (s) => s.sdArousal);
  if (v.length < MIN_CALIBRATION_SAMPLES || a.length < MIN_CALIBRATION_SAMPLES) return null;
  return { valence: quantile(v, 0.9) / BAND_Z90, arousal: quantile(a, 0.9) / BAND_Z90 };
}

/** Factors per distance bin from held-out residuals; null with fewer than MIN_CALIBRATION_SAMPLES. */
export function fitBandCalibration(samples: readonly BandSample[]): BandCalibration | null {
  const pooled = scaleOf(samples);
  if (!pooled) return null;
  const bins = [...DISTANCE_BINS_SEC, Infinity].map((_, b) => scaleOf(samples.filter((s) => binOf(s.distanceSec) === b)) ?? pooled);
  return { bins, samples: samples.length };
}

/** The factor for a prediction `distanceSec` from the nearest label (null: none in the video). */
export function bandScaleAt(calibration: BandCalibration, distanceSec: number | null): BandScale {
  return calibration.bins[binOf(distanceSec)] as BandScale;
}

/** Share of samples whose truth lies within ±1.645 sd (times the calibration's factor, when given). */
export function bandCoverage(samples: readonly BandSample[], calibration: BandCalibration | null): BandCoverage {
  let v = 0;
  let a = 0;
  for (const s of samples) {
    const scale = calibration ? bandScaleAt(calibration, s.distanceSec) : { valence: 1, arousal: 1 };
    if (Math.abs(s.residualValence) <= BAND_Z90 * s.sdValence * scale.valence) v++;
    if (Math.abs(s.residualArousal) <= BAND_Z90 * s.sdArousal * scale.arousal) a++;
  }
  const n = Math.max(1, samples.length);
  return { valence: v / n, arousal: a / n, samples: samples.length };
}

/**
 * Coverage of calibrated bands on residuals the calibration did not see: each fold's samples under factors fitted
 * on the other folds (folds with too few other samples to fit are left out). Null when no fold could be scored.
 */
export function crossFittedCoverage(samples: readonly BandSample[], folds: readonly number[]): BandCoverage | null {
  let v = 0;
  let a = 0;
  let n = 0;
  for (const fold of new Set(folds)) {
    const calibration = fitBandCalibration(samples.filter((_, i) => folds[i] !== fold));
    if (!calibration) continue;
    const inFold = samples.filter((_, i) => folds[i] === fold);
    const c = bandCoverage(inFold, calibration);
    v += c.valence * inFold.length;
    a += c.arousal * inFold.length;
    n += inFold.length;
  }
  return n === 0 ? null : { valence: v / n, arousal: a / n, samples: n };
}

/** Seconds from each frame to the nearest of `labelFrames` (null for every frame when there is none). */
export function distanceToNearestLabel(times: Float64Array, labelFrames: readonly number[]): (number | null)[] {
  if (labelFrames.length === 0) return Array.from(times, () => null);
  const labelled = [...labelFrames].sort((x, y) => x - y).map((f) => times[f] as number);
  const out: (number | null)[] = [];
  let k = 0;
  for (let t = 0; t < times.length; t++) {
    const time = times[t] as number;
    while (k + 1 < labelled.length && (labelled[k + 1] as number) <= time) k++;
    const before = Math.abs(time - (labelled[k] as number));
    const after = k + 1 < labelled.length ? Math.abs((labelled[k + 1] as number) - time) : Infinity;
    out.push(Math.min(before, after));
  }
  return out;
}

/** `result` with its sds times the calibration's factor for each frame's distance to the nearest label. */
export function calibratedBands<T extends { valenceSd: Float32Array; arousalSd: Float32Array }>(result: T, times: Float64Array, labelFrames: readonly number[], calibration: BandCalibration): T {
  const distance = distanceToNearestLabel(times, labelFrames);
  const valenceSd = Float32Array.from(result.valenceSd, (sd, f) => sd * bandScaleAt(calibration, distance[f] as number | null).valence);
  const arousalSd = Float32Array.from(result.arousalSd, (sd, f) => sd * bandScaleAt(calibration, distance[f] as number | null).arousal);
  return { ...result, valenceSd, arousalSd };
}
