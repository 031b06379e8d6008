/**
 * The kept coverage state must give exactly what a fresh computation gives, through any run of label edits:
 * the suggestions of the labelling loop may get cheaper, never different.
 */
import { describe, expect, it } from 'vitest';
import { CoverageIndex, suggestFrames, UnitRows, type FrameSignals } from './suggest';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cosine distance from each frame to its nearest labelled frame, written out the plain way. */
function bruteNearest(descriptors: readonly (Float32Array | null)[], frames: readonly number[], labelled: ReadonlySet<number>): number[] {
  const unit = (v: Float32Array) => {
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0)) || 1;
    return v.map((x) => x * (1 / norm));
  };
  return frames.map((f) => {
    let best = Infinity;
    for (const l of labelled) {
      const d = descriptors[l];
      if (!d) continue;
      const a = unit(descriptors[f] as Float32Array);
      const b = unit(d);
      let dot = 0;
      for (let k = 0; k < a.length; k++) dot += (a[k] as number) * (b[k] as number);
      best = Math.min(best, 1 - dot);
    }
    return best;
  });
}

/** A 3,000-frame video of random 16-d descriptors in a few clusters, some frames without a face. */
function randomVideo(rand: () => number): FrameSignals {
  const frameCount = 3000;
  const centres = Array.from({ length: 5 }, () => Float32Array.from({ length: 16 }, () => rand() * 2 - 1));
  const descriptors = Array.from({ length: frameCount }, () => {
    if (rand() < 0.05) return null;
    const centre = centres[Math.floor(rand() * centres.length)] as Float32Array;
    return centre.map((x) => x + (rand() - 0.5) * 0.4);
  });
  const sd = () => Float32Array.from({ length: frameCount }, () => rand() * 0.3);
  return {
    frameCount,
    ptsSec: Array.from({ length: frameCount }, (_, f) => f / 25),
    hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)),
    labelled: new Set<number>(),
    descriptors,
    predictionSd: { valence: sd(), arousal: sd() },
    anchorSpread: { valence: sd(), arousal: sd() },
  };
}

describe('kept coverage state', () => {
  it('gives the same distances and the same suggestions as a fresh computation through random label edits', () => {
    const rand = random(13);
    const signals = randomVideo(rand);
    const coverage = new CoverageIndex(new UnitRows(signals.descriptors));
    const labelled = new Set<number>();
    const options = { count: 8, maxCandidates: 400 };
    for (let edit = 0; edit < 60; edit++) {
      // Mostly additions, in bursts, with removals (an undo, a deleted label) and frames without a face mixed in.
      const adds = edit % 10 === 0 ? 30 : 1 + Math.floor(rand() * 3);
      for (let i = 0; i < adds; i++) labelled.add(Math.floor(rand() * signals.frameCount));
      if (rand() < 0.4 && labelled.size > 0) {
        const all = [...labelled];
        for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) labelled.delete(all[Math.floor(rand() * all.length)] as number);
      }
      const now = { ...signals, labelled: new Set(labelled) };
      // Idle moments fill in frames ahead of being candidates, some edits after a part of the video.
      if (edit % 3 === 0) coverage.warm(edit % 2 === 0 ? 400 : signals.frameCount);
      const frames = Array.from({ length: 200 }, () => Math.floor(rand() * signals.frameCount)).filter((f) => signals.descriptors[f]);
      expect(coverage.nearestLabelled(frames, now.labelled)).toEqual(bruteNearest(signals.descriptors, frames, now.labelled));
      const kept = suggestFrames({ ...now, coverage }, options);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept).toEqual(suggestFrames(now, options));
    }
  });

  it('starts over cleanly when every label is removed', () => {
    const signals = randomVideo(random(7));
    const coverage = new CoverageIndex(new UnitRows(signals.descriptors));
    const frames = [1, 2, 3, 500, 2500].filter((f) => signals.descriptors[f]);
    coverage.nearestLabelled(frames, new Set([10, 20, 30]));
    expect(coverage.nearestLabelled(frames, new Set())).toEqual(frames.map(() => Infinity));
    expect(suggestFrames({ ...signals, coverage }, { count: 5 })).toEqual(suggestFrames(signals, { count: 5 }));
  });
});
