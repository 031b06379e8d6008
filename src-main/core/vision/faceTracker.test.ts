/** The multi-face tracker's bookkeeping, frame by frame, on boxes alone (the models are exercised by the analyze job's tests). */
import { describe, expect, it } from 'vitest';
import type { Box } from './faceRoi';
import { assignTracks, DEFAULT_TRACKER, detectionDue, identityDue, initialTrackerState, largeEnough, trackerAfter, type Track, type TrackerState } from './faceTracker';

const frame = { width: 640, height: 360 };
const face = (x: number, w: number): Box => ({ x, y: 100, w, h: w });
const roi = { cx: 0, cy: 0, size: 1, angle: 0 };

/** One frame through the tracker: `followed` boxes by track id, `detected` boxes; returns the track ids given and the new state. */
function step(state: TrackerState, frameIndex: number, followed: Map<number, Box>, detected: Box[], options = DEFAULT_TRACKER) {
  const lostNow = state.tracks.filter((t) => !followed.has(t.trackId));
  const seen = [
    ...state.tracks.filter((t) => followed.has(t.trackId)).map((t) => ({ box: followed.get(t.trackId) as Box, track: t })),
    ...detected.map((box) => ({ box })),
  ];
  const { assignments, nextTrackId } = assignTracks(seen, state, lostNow, frameIndex, options);
  const found: Track[] = seen.flatMap((s, i) => {
    const a = assignments[i];
    return a ? [{ ...a, framesFacing: a.framesFacing + 1, roi, box: s.box }] : [];
  });
  return { ids: assignments.map((a) => a?.trackId ?? null), state: trackerAfter(state, frameIndex, detected.length > 0, found, nextTrackId, null, options) };
}

describe('face tracking', () => {
  it('gives every face its own track (the largest first) and keeps it while followed, whatever else appears', () => {
    let r = step(initialTrackerState(), 0, new Map(), [face(20, 60), face(280, 80)]);
    expect(r.ids).toEqual([2, 1]);
    r = step(r.state, 1, new Map([[1, face(282, 80)], [2, face(22, 60)]]), [face(400, 200)]);
    expect(r.ids).toEqual([1, 2, 3]);
    expect(r.state.tracks.map((t) => t.trackId)).toEqual([1, 2, 3]);
  });

  it('drops a detection of a face already followed, and merges two tracks drifting onto one face into the older', () => {
    let r = step(initialTrackerState(), 0, new Map(), [face(280, 80), face(20, 60)]);
    r = step(r.state, 1, new Map([[1, face(282, 80)], [2, face(20, 60)]]), [face(283, 80)]);
    expect(r.ids).toEqual([1, 2, null]);
    r = step(r.state, 2, new Map([[1, face(280, 80)], [2, face(282, 80)]]), []);
    expect(r.ids).toEqual([1, null]);
    expect(r.state.tracks.map((t) => t.trackId)).toEqual([1]);
  });

  it('continues a track for a face found again where it was lost, starts a new one elsewhere or much later', () => {
    let r = step(initialTrackerState(), 0, new Map(), [face(280, 80)]);
    r = step(r.state, 1, new Map(), []);
    expect(r.state.lost.map((l) => l.trackId)).toEqual([1]);
    expect(step(r.state, 5, new Map(), [face(282, 80)]).ids).toEqual([1]);
    expect(step(r.state, 5, new Map(), [face(20, 80)]).ids).toEqual([2]);
    expect(step(r.state, 100, new Map(), [face(282, 80)]).ids).toEqual([2]);
  });

  it('follows at most maxFaces, the largest, and ignores faces below minFaceFraction', () => {
    const options = { ...DEFAULT_TRACKER, maxFaces: 2 };
    const r = step(initialTrackerState(), 0, new Map(), [face(0, 40), face(100, 90), face(300, 60)], options);
    expect(r.ids).toEqual([null, 1, 2]);
    expect(largeEnough(face(0, 14), frame, DEFAULT_TRACKER)).toBe(false);
    expect(largeEnough(face(0, 15), frame, DEFAULT_TRACKER)).toBe(true);
  });

  it('runs the detector when no face is followed and every redetectEvery frames while following', () => {
    let state = initialTrackerState();
    expect(detectionDue(state, DEFAULT_TRACKER)).toBe(true);
    state = step(state, 0, new Map(), [face(280, 80)]).state;
    let runs = 0;
    for (let i = 1; i <= 30; i++) {
      const due = detectionDue(state, DEFAULT_TRACKER);
      if (due) runs++;
      state = step(state, i, new Map([[1, face(280, 80)]]), due ? [face(281, 80)] : []).state;
    }
    expect(runs).toBe(30 / DEFAULT_TRACKER.redetectEvery);
    expect(state.tracks.map((t) => t.trackId)).toEqual([1]);
  });

  it('samples a track\'s identity on its first frame facing the camera, then every identityEvery such frames, a bounded number of times', () => {
    const sampled: number[] = [];
    let counts = { trackId: 1, framesFacing: 0, identitySampled: 0 };
    for (let i = 0; i < 1000; i++) {
      const facing = i % 3 !== 0;
      const due = identityDue(counts, facing, DEFAULT_TRACKER);
      if (due) sampled.push(counts.framesFacing);
      counts = { ...counts, framesFacing: counts.framesFacing + (facing ? 1 : 0), identitySampled: counts.identitySampled + (due ? 1 : 0) };
    }
    const every = DEFAULT_TRACKER.identityEvery;
    expect(sampled).toEqual(Array.from({ length: DEFAULT_TRACKER.identitySamples }, (_, k) => k * every));
  });
});
