import { describe, expect, it } from 'vitest';
import { DEFAULT_PROPAGATION, propagateVideo, VideoPropagation, type Anchor, type HeadOutputs, type VideoFrames } from './propagate';
import { seededRandom } from './random';

function video(n: number, fps = 25, faceEvery = 1): VideoFrames {
  return { times: Float64Array.from({ length: n }, (_, i) => i / fps), hasFace: Uint8Array.from({ length: n }, (_, i) => (i % faceEvery === 0 ? 1 : 0)) };
}

/** Head outputs from a hidden per-frame truth: delta = truth(t) - truth(anchor) plus noise, similarity from distance. */
function outputsFor(truthV: Float64Array, anchorFrame: number, seed: number): HeadOutputs {
  const r = seededRandom(seed);
  const n = truthV.length;
  const dv = Float32Array.from({ length: n }, (_, t) => (truthV[t] as number) - (truthV[anchorFrame] as number) + 0.05 * (r() - 0.5));
  return { deltaValence: dv, deltaArousal: Float32Array.from(dv, (x) => x / 2), similarity: Float32Array.from(dv, (x) => 2 - 10 * x * x) };
}

function anchorAt(truthV: Float64Array, frame: number, seed: number): Anchor {
  return { id: `f${frame}`, frame, valence: truthV[frame] as number, arousal: (truthV[frame] as number) / 2, outputs: outputsFor(truthV, frame, seed) };
}

const truth = (n: number) => Float64Array.from({ length: n }, (_, t) => 0.8 * Math.sin(t / 40));

describe('propagation', () => {
  it('returns the labels when every frame is labelled', () => {
    const n = 200;
    const v = truth(n);
    const anchors = Array.from({ length: n }, (_, t) => anchorAt(v, t, t));
    for (const rule of ['fused', 'nearest-preceding'] as const) {
      const exact = propagateVideo(video(n), anchors, { ...DEFAULT_PROPAGATION, rule, labelVariance: 0 });
      exact.valence.forEach((x, t) => expect(x).toBeCloseTo(v[t] as number, 6));
      exact.valenceSd.forEach((sd) => expect(sd).toBe(0));
      const near = propagateVideo(video(n), anchors, { ...DEFAULT_PROPAGATION, rule });
      near.valence.forEach((x, t) => expect(Math.abs(x - (v[t] as number))).toBeLessThan(0.01));
    }
  });

  it('is uncertain far from labels and sure next to them', () => {
    const n = 1000;
    const v = truth(n);
    const out = propagateVideo(video(n), [anchorAt(v, 100, 1), anchorAt(v, 900, 2)]);
    expect(out.valenceSd[100]).toBeLessThan(0.02);
    // Next to a label the sd is below that of every frame more than 2 s from both labels.
    for (let t = 150; t < 850; t++) expect(out.valenceSd[101]).toBeLessThan(out.valenceSd[t] as number);
    expect(Math.abs((out.valence[101] as number) - (v[101] as number))).toBeLessThan(0.05);
  });

  it('bridges frames without a face', () => {
    const n = 300;
    const v = truth(n);
    const out = propagateVideo(video(n, 25, 3), [anchorAt(v, 0, 1), anchorAt(v, 150, 2), anchorAt(v, 299, 3)]);
    expect(Number.isFinite(out.valence[151])).toBe(true);
    expect(out.valenceSd[151]).toBeGreaterThan(out.valenceSd[150] as number);
  });

  it('incremental updates equal a full recomputation after adds, moves, edits and removals', () => {
    const n = 3000;
    const v = truth(n);
    const frames = video(n, 30, 2);
    const r = seededRandom(9);
    const live = new VideoPropagation(frames);
    const current = new Map<string, Anchor>();
    for (let step = 0; step < 60; step++) {
      const frame = 2 * Math.floor(r() * (n / 2));
      const op = r();
      if (op < 0.6 || current.size < 3) {
        const a = { ...anchorAt(v, frame, step), id: `label${step % 17}` };
        current.set(a.id, a);
        live.setAnchor(a);
      } else if (op < 0.8) {
        const [id, a] = [...current.entries()][Math.floor(r() * current.size)] as [string, Anchor];
        const edited = { ...a, valence: r() * 2 - 1 };
        current.set(id, edited);
        live.setAnchor(edited);
      } else {
        const id = [...current.keys()][Math.floor(r() * current.size)] as string;
        current.delete(id);
        live.removeAnchor(id);
      }
    }
    const other: Anchor = { id: 'other-video', frame: null, valence: 0.3, arousal: -0.2, outputs: outputsFor(v, 0, 99) };
    live.setAnchor(other);
    current.set(other.id, other);
    const incremental = live.result();
    const full = propagateVideo(frames, [...current.values()]);
    for (const key of ['valence', 'arousal', 'valenceSd', 'arousalSd'] as const) {
      incremental[key].forEach((x, t) => expect(Math.abs(x - (full[key][t] as number))).toBeLessThan(1e-6));
    }
  });

  it('falls back to the plain mean of other videos\' candidates far from every anchor, and not near similar ones', () => {
    const n = 50;
    const frames = video(n);
    /** An anchor of another video whose candidate is `value` on every frame, at a given similarity logit. */
    const weak = (id: string, value: number, similarity: number): Anchor => ({
      id,
      frame: null,
      valence: value,
      arousal: value,
      outputs: { similarity: new Float32Array(n).fill(similarity), deltaValence: new Float32Array(n), deltaArousal: new Float32Array(n) },
    });
    // All dissimilar, one a little less so: alone, it would decide every frame.
    const far = [weak('a', 0.9, 0), ...[-0.5, -0.3, -0.1, 0.1].map((value, i) => weak(`b${i}`, value, -3))];
    const plainMean = (0.9 - 0.5 - 0.3 - 0.1 + 0.1) / 5;
    const without = propagateVideo(frames, far, { ...DEFAULT_PROPAGATION, fallbackWeight: 0 });
    const withFallback = propagateVideo(frames, far);
    // (Its weight is small, so its variance is large and the smoother pulls it towards 0, but it still leads.)
    expect(without.valence[10]).toBeGreaterThan(0.5);
    // The smoother's prior (mean 0, variance 1) pulls a little towards 0; the fallback decides the rest.
    expect(Math.abs((withFallback.valence[10] as number) - plainMean)).toBeLessThan(0.05);
    // Many similar anchors outweigh it.
    const near = [...far, ...Array.from({ length: 40 }, (_, i) => weak(`s${i}`, 0.6, 4))];
    expect(Math.abs((propagateVideo(frames, near).valence[10] as number) - 0.6)).toBeLessThan(0.1);
    // The video's own labels are not in it: a lone own label far away in time still decides (no weak anchor here).
    const own: Anchor = { ...weak('own', 0.7, 3), frame: 0 };
    const long = video(2000);
    const ownOnly = propagateVideo(long, [{ ...own, outputs: { similarity: new Float32Array(2000).fill(3), deltaValence: new Float32Array(2000), deltaArousal: new Float32Array(2000) } }]);
    expect(Math.abs((ownOnly.valence[1999] as number) - 0.7)).toBeLessThan(0.05);
  });
});
