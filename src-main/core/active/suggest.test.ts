import { describe, expect, it } from 'vitest';
import { suggestFrames, type FrameSignals } from './suggest';

/** A synthetic 1,000-frame video: three expressions in turn (distinct descriptors), a gap without a face. */
function video(overrides: Partial<FrameSignals> = {}): FrameSignals {
  const frameCount = 1000;
  const expressionOf = (f: number) => (f < 300 ? 0 : f < 700 ? 1 : 2);
  const descriptors = Array.from({ length: frameCount }, (_, f) => {
    const d = new Float32Array(8);
    d[expressionOf(f)] = 1;
    d[3 + (f % 5)] = 0.2; // frame-to-frame variation within an expression
    return f >= 450 && f < 500 ? null : d;
  });
  return {
    frameCount,
    ptsSec: Array.from({ length: frameCount }, (_, f) => f / 25),
    hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)),
    labelled: new Set<number>(),
    descriptors,
    predictionSd: null,
    anchorSpread: null,
    ...overrides,
  };
}

describe('next-frame suggestions', () => {
  it('never suggests labelled frames or frames without a face', () => {
    const labelled = new Set([10, 20, 400, 800]);
    const suggestions = suggestFrames(video({ labelled }), { count: 30 });
    expect(suggestions.length).toBeGreaterThan(10);
    for (const { frameIndex } of suggestions) {
      expect(labelled.has(frameIndex)).toBe(false);
      expect(frameIndex >= 450 && frameIndex < 500).toBe(false);
    }
  });

  it('never suggests a frame within a quarter second of a label, however unlike the label it looks', () => {
    const labelled = new Set([100, 500, 900]);
    // Frames next to the labels look unlike everything (a blink, a detector jitter): still not worth a label.
    const signals = video({ labelled });
    const descriptors = signals.descriptors.map((d, f) => (d && [...labelled].some((l) => Math.abs(f - l) === 3) ? Float32Array.from({ length: 8 }, (_, k) => (k === 7 ? 1 : 0)) : d));
    const suggestions = suggestFrames({ ...signals, descriptors }, { count: 20 });
    expect(suggestions.length).toBeGreaterThan(10);
    for (const { frameIndex } of suggestions) for (const label of labelled) expect(Math.abs(frameIndex - label) / 25).toBeGreaterThanOrEqual(0.25);
  });

  it('still suggests on a long video labelled densely', () => {
    const frameCount = 30_000;
    const descriptors = Array.from({ length: frameCount }, (_, f) => Float32Array.from({ length: 8 }, (_, k) => Math.cos(f / 500 + k)));
    const labelled = new Set(Array.from({ length: 1000 }, (_, i) => i * 30));
    const signals = video({ frameCount, ptsSec: Array.from({ length: frameCount }, (_, f) => f / 25), hasFace: new Uint8Array(frameCount).fill(1), descriptors, labelled });
    const suggestions = suggestFrames(signals, { count: 8 });
    expect(suggestions).toHaveLength(8);
    for (const { frameIndex } of suggestions) expect(labelled.has(frameIndex)).toBe(false);
  });

  it('keeps a batch diverse: no two suggestions near each other in time', () => {
    const suggestions = suggestFrames(video(), { count: 20, minGapFrames: 25 });
    const frames = suggestions.map((s) => s.frameIndex).sort((a, b) => a - b);
    for (let i = 1; i < frames.length; i++) expect((frames[i] as number) - (frames[i - 1] as number)).toBeGreaterThanOrEqual(25);
  });

  it('skips near-duplicates in appearance, however far apart in time', () => {
    const frameCount = 600;
    const same = new Float32Array([1, 0, 0]);
    const signals = video({
      frameCount,
      ptsSec: Array.from({ length: frameCount }, (_, f) => f / 25),
      hasFace: new Uint8Array(frameCount).fill(1),
      descriptors: Array.from({ length: frameCount }, () => same),
    });
    expect(suggestFrames(signals, { count: 5 })).toHaveLength(1);
  });

  it('gives a video with no labels a first batch spread over the video and over its expressions', () => {
    const suggestions = suggestFrames(video(), { count: 6 });
    const frames = suggestions.map((s) => s.frameIndex);
    const expressions = new Set(frames.map((f) => (f < 300 ? 0 : f < 700 ? 1 : 2)));
    expect(expressions.size).toBe(3);
    expect(Math.max(...frames) - Math.min(...frames)).toBeGreaterThan(500);
    expect(suggestions.every((s) => s.reasons.length > 0)).toBe(true);
  });

  it('prefers frames whose anchors disagree, and says by how much', () => {
    const spread = { valence: new Float32Array(1000), arousal: new Float32Array(1000) };
    const sd = { valence: new Float32Array(1000).fill(0.05), arousal: new Float32Array(1000).fill(0.05) };
    for (let f = 600; f < 620; f++) {
      spread.valence[f] = 0.6;
      sd.valence[f] = 0.3;
    }
    const labelled = new Set([0, 150, 350, 550, 650, 850, 990]);
    const [first] = suggestFrames(video({ labelled, anchorSpread: spread, predictionSd: sd }), { count: 3 });
    expect(first?.frameIndex).toBeGreaterThanOrEqual(600);
    expect(first?.frameIndex).toBeLessThan(620);
    expect(first?.reasons).toContain('anchors disagree: 0.6 apart in valence');
  });

  it('returns nothing when every frame with a face is labelled', () => {
    const signals = video();
    const all = new Set(Array.from({ length: 1000 }, (_, f) => f));
    expect(suggestFrames({ ...signals, labelled: all }, { count: 5 })).toEqual([]);
  });
});
