/** Linking tracks into persons and numbering them, on made-up descriptors (the real models: personLinking.test.ts). */
import { describe, expect, it } from 'vitest';
import type { PersonId } from '../ids';
import type { PreviousPerson } from '../store/personStore';
import { personIds, type LinkedPerson } from './personIds';
import { LINK_MIN_COSINE, linkTracks, type TrackSummary } from './trackLinking';

/** A unit vector at `angle` in the plane of the first two axes: cos(a - b) is the cosine of two of them. */
const at = (angle: number) => Float32Array.from([Math.cos(angle), Math.sin(angle), 0, 0]);
const track = (trackId: number, from: number, to: number, ...angles: number[]): TrackSummary => ({
  trackId,
  frames: Array.from({ length: to - from + 1 }, (_, i) => from + i),
  identities: angles.map(at),
});
const alike = Math.acos(LINK_MIN_COSINE) * 0.5;
const apart = Math.acos(LINK_MIN_COSINE) * 1.5;

describe('linking tracks into persons', () => {
  it('joins tracks of one identity across cuts, ordered by first appearance, and keeps different ones apart', () => {
    const tracks = [track(1, 0, 59, 0), track(2, 0, 59, apart), track(3, 60, 119, apart + alike / 2), track(4, 60, 119, alike / 2, -alike / 2)];
    expect(linkTracks(tracks)).toEqual([
      [1, 4],
      [2, 3],
    ]);
  });

  it('never joins two tracks on screen together, however alike', () => {
    expect(linkTracks([track(1, 0, 10, 0), track(2, 10, 20, 0)])).toEqual([[1], [2]]);
    // Nor through a third: 1 and 3 overlap, so 2 may join only one of them.
    const groups = linkTracks([track(1, 0, 10, 0), track(2, 20, 30, 0), track(3, 5, 15, 0)]);
    expect(groups.length).toBe(2);
    expect(groups.flat().sort()).toEqual([1, 2, 3]);
  });

  it('leaves out a track with no identity (it never faced the camera)', () => {
    expect(linkTracks([track(1, 0, 10, 0), track(2, 20, 30)])).toEqual([[1]]);
  });
});

describe('person numbers', () => {
  const box = (x: number) => ({ x, y: 50, w: 100, h: 100 });
  const person = (trackIds: number[], frames: [number, number][]): LinkedPerson => ({ trackIds, boxes: new Map(frames.map(([f, x]) => [f, box(x)])) });
  const old = (personId: number, name: string, anchors: [number, number][], labelled = true): PreviousPerson => ({
    personId: personId as PersonId,
    name,
    coded: true,
    labelled,
    labelledFrames: labelled ? anchors.map(([f]) => f) : [],
    anchors: anchors.map(([frameIndex, x]) => ({ frameIndex, box: box(x) })),
  });

  it('numbers a first analysis 1, 2, ... by first appearance; persons seen on few frames are not coded', () => {
    const { persons, trackPersons } = personIds([person([1], [[0, 10], [1, 10]]), person([2, 3], [[5, 300]])], [], 20);
    expect(persons).toEqual([
      { personId: 1, name: 'Person 1', coded: true },
      { personId: 2, name: 'Person 2', coded: false },
    ]);
    expect([...trackPersons]).toEqual([[1, 1], [2, 2], [3, 2]]);
  });

  it('matches old persons to the faces at their labelled frames, and never reuses a number', () => {
    const found = [person([1], [[0, 10], [10, 10]]), person([2], [[0, 300], [10, 300]]), person([3], [[20, 500]])];
    const previous = [old(1, 'Child', [[10, 300]]), old(2, 'Mother', [[10, 12]]), old(4, 'Nobody now', [[10, 520]])];
    const { persons, trackPersons } = personIds(found, previous, 30);
    expect([...trackPersons]).toEqual([[1, 2], [2, 1], [3, 5]]);
    // Person 4's labels match no face now: it keeps its number and name, with no faces; the new face gets 5.
    expect(persons.map((p) => [p.personId, p.name])).toEqual([[1, 'Child'], [2, 'Mother'], [4, 'Nobody now'], [5, 'Person 5']]);
  });

  it('gives labels made before any analysis to the person seen on most of their frames', () => {
    const labelledOnly: PreviousPerson = { ...old(1, 'Person 1', []), labelled: true, labelledFrames: [3, 4, 5] };
    const { trackPersons } = personIds([person([1], [[0, 10]]), person([2], [[3, 300], [4, 300], [5, 300]])], [labelledOnly], 10);
    expect([...trackPersons]).toEqual([[1, 2], [2, 1]]);
  });
});
