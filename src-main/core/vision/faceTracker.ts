/**
 * Every face in view, frame after frame, each on its own track (issue 14: interaction footage has several
 * people, and any of them may be the one coded). The landmark model follows each track from its own previous
 * landmarks; the detector runs every `redetectEvery` frames, and at once when a track is lost, to find faces that
 * came into view. A hard cut (shotCut.ts) ends every track. A face found where a track was (or where one was lost within `rememberLostFrames`) continues
 * that track; any other face starts a new one. The work is bounded: faces smaller than `minFaceFraction` of the
 * frame are ignored and at most `maxFaces` are followed, largest first, so an audience of tiny faces does not
 * multiply the analysis time. The state is plain data so that a resumed analysis continues exactly.
 */
import type { Roi } from './imageOps';
import { boxIou, type Box } from './faceRoi';

export interface TrackerOptions {
  /** Run the detector at least this often (frames), even while every track is followed. */
  redetectEvery: number;
  /** A face found again within this many frames where a track was lost keeps its track id. */
  rememberLostFrames: number;
  /** Overlap (IoU) with a track's last box that counts as "the same face". */
  sameFaceIou: number;
  /** Smallest face followed: the longer side of its box over the frame's shorter side. */
  minFaceFraction: number;
  /** Most faces followed at once (the largest). */
  maxFaces: number;
  /** A track's identity is sampled on its first frame facing the camera and then every this many such frames... */
  identityEvery: number;
  /** ...at most this many times. */
  identitySamples: number;
}

/**
 * 4% of the shorter side is 14 px at the 640x360 analysis size (43 px in a 1080p original): a smaller face gives
 * FaceMesh a crop blown up more than 13x and the expression network a few pixels of face, so nothing codable. A
 * seated adult in a wide two-shot is well above it. Six faces cover a therapist and client, a family or a group
 * task; each followed face adds one landmark run and one encoder input per frame, so a crowd can multiply the
 * per-frame model time by at most about six, never by its size. Identity every 48 frames (about 2 s) up to 6
 * times: a few views of each track spread over its first ten seconds, one identity run per 48 frames of a track.
 */
export const DEFAULT_TRACKER: TrackerOptions = {
  redetectEvery: 15,
  rememberLostFrames: 15,
  sameFaceIou: 0.3,
  minFaceFraction: 0.04,
  maxFaces: 6,
  identityEvery: 48,
  identitySamples: 6,
};

/** What a track carries between frames besides where it is: how often it was seen and its identity sampled. */
export interface TrackCounts {
  trackId: number;
  /** Frames on which the face was seen facing the camera. */
  framesFacing: number;
  identitySampled: number;
}

export interface Track extends TrackCounts {
  /** Where to crop it in the next frame, and its box in this one. */
  roi: Roi;
  box: Box;
}

export interface LostTrack extends TrackCounts {
  box: Box;
  frameIndex: number;
}

export interface TrackerState {
  /** The tracks followed into the next frame, by track id. */
  tracks: Track[];
  /** Tracks lost within the last `rememberLostFrames` frames: a face found where one was continues it. */
  lost: LostTrack[];
  framesSinceDetection: number;
  nextTrackId: number;
  /** The last frame's signature (shotCut.ts): a cut ends every track. */
  signature: number[] | null;
}

/** Two followed tracks whose boxes overlap this much have drifted onto one face. */
const DUPLICATE_IOU = 0.5;

export function initialTrackerState(): TrackerState {
  return { tracks: [], lost: [], framesSinceDetection: 0, nextTrackId: 1, signature: null };
}

export function detectionDue(state: TrackerState, options: TrackerOptions): boolean {
  return state.tracks.length === 0 || state.framesSinceDetection + 1 >= options.redetectEvery;
}

/** Whether a face (box in frame pixels) is large enough to be followed. */
export function largeEnough(box: Box, frame: { width: number; height: number }, options: TrackerOptions): boolean {
  return Math.max(box.w, box.h) >= options.minFaceFraction * Math.min(frame.width, frame.height);
}

/** A face seen on this frame: where it is, whether the landmark model already follows it as `track`. */
export interface SeenFace {
  box: Box;
  /** The track it was followed on (its own crop), or undefined for a face the detector found. */
  track?: Track;
}

/**
 * Puts the faces of one frame on tracks. Followed faces keep their track. A detected face that overlaps a followed
 * one is that face found twice and is dropped; one that overlaps a track lost this frame or recently continues it;
 * any other starts a new track. Then only the `maxFaces` largest are kept. Returns each face's track (null for
 * a face left out: a duplicate, or beyond maxFaces). Does not change `state`.
 */
export function assignTracks(
  faces: readonly SeenFace[],
  state: TrackerState,
  lostNow: readonly Track[],
  frameIndex: number,
  options: TrackerOptions,
): { assignments: (TrackCounts | null)[]; nextTrackId: number } {
  let nextTrackId = state.nextTrackId;
  const assignments: (TrackCounts | null)[] = faces.map(() => null);
  // Followed faces keep their tracks, except that two tracks drifting onto one face become one (the older).
  const placed: Box[] = [];
  const followed = faces.map((f, i) => i).filter((i) => faces[i]?.track).sort((a, b) => (faces[a]?.track?.trackId ?? 0) - (faces[b]?.track?.trackId ?? 0));
  for (const i of followed) {
    const face = faces[i] as SeenFace & { track: Track };
    if (placed.some((p) => boxIou(p, face.box) >= DUPLICATE_IOU)) continue;
    assignments[i] = counts(face.track);
    placed.push(face.box);
  }
  const claimed = new Set(faces.flatMap((f) => (f.track ? [f.track.trackId] : [])));
  const recent: { counts: TrackCounts; box: Box }[] = [
    ...lostNow.map((t) => ({ counts: counts(t), box: t.box })),
    ...state.lost.filter((l) => frameIndex - l.frameIndex <= options.rememberLostFrames).map((l) => ({ counts: counts(l), box: l.box })),
  ];
  // Detections by size, so the larger of two overlapping ones wins a lost track.
  const detected = faces.map((f, i) => i).filter((i) => !faces[i]?.track).sort((a, b) => area(faces[b]?.box) - area(faces[a]?.box));
  for (const i of detected) {
    const box = (faces[i] as SeenFace).box;
    if (placed.some((p) => boxIou(p, box) >= options.sameFaceIou)) continue;
    let best: TrackCounts | null = null;
    let bestIou = options.sameFaceIou;
    for (const r of recent) {
      const overlap = boxIou(r.box, box);
      if (!claimed.has(r.counts.trackId) && overlap >= bestIou) {
        best = r.counts;
        bestIou = overlap;
      }
    }
    if (!best) best = { trackId: nextTrackId++, framesFacing: 0, identitySampled: 0 };
    claimed.add(best.trackId);
    placed.push(box);
    assignments[i] = best;
  }
  // At most maxFaces, the largest; ties by track id so the choice does not depend on the order faces came in.
  const kept = faces
    .map((f, i) => i)
    .filter((i) => assignments[i] !== null)
    .sort((a, b) => area(faces[b]?.box) - area(faces[a]?.box) || (assignments[a]?.trackId ?? 0) - (assignments[b]?.trackId ?? 0))
    .slice(0, options.maxFaces);
  const keep = new Set(kept);
  return { assignments: assignments.map((a, i) => (keep.has(i) ? a : null)), nextTrackId };
}

/** Whether this sighting of a track is one whose identity is sampled (it faces the camera and a sample is due). */
export function identityDue(track: TrackCounts, facing: boolean, options: TrackerOptions): boolean {
  return facing && track.identitySampled < options.identitySamples && track.framesFacing % options.identityEvery === 0;
}

/** The state to track a frame after a cut with: no track goes on, and none is remembered to be picked up again. */
export function afterCut(state: TrackerState): TrackerState {
  return { ...state, tracks: [], lost: [] };
}

/**
 * The state after a frame: `found` are the faces kept, each with its track counts already updated for this frame
 * and the crop to follow it with; tracks of the previous state not among them become lost (and are forgotten
 * `rememberLostFrames` after they were last seen).
 */
export function trackerAfter(
  state: TrackerState,
  frameIndex: number,
  detectorRan: boolean,
  found: readonly Track[],
  nextTrackId: number,
  signature: number[] | null,
  options: TrackerOptions,
): TrackerState {
  const foundIds = new Set(found.map((t) => t.trackId));
  const newlyLost = state.tracks.filter((t) => !foundIds.has(t.trackId)).map((t): LostTrack => ({ ...counts(t), box: t.box, frameIndex: frameIndex - 1 }));
  const lost = [...state.lost.filter((l) => !foundIds.has(l.trackId)), ...newlyLost].filter((l) => frameIndex - l.frameIndex <= options.rememberLostFrames);
  return {
    tracks: [...found].sort((a, b) => a.trackId - b.trackId),
    lost: lost.sort((a, b) => a.trackId - b.trackId),
    framesSinceDetection: detectorRan ? 0 : state.framesSinceDetection + 1,
    nextTrackId,
    signature,
  };
}

function counts(t: TrackCounts): TrackCounts {
  return { trackId: t.trackId, framesFacing: t.framesFacing, identitySampled: t.identitySampled };
}

function area(box: Box | undefined): number {
  return box ? box.w * box.h : 0;
}
