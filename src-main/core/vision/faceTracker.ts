/**
 * Which face is "the subject", frame after frame. The landmark model follows the subject from its own previous
 * landmarks; the detector runs only when that track is lost, or every `redetectEvery` frames to re-seat the crop.
 * When several faces are in view the subject stays the one that overlaps where the subject just was; only when
 * there is none (first frame, a cut, the subject left) is the most prominent face taken (large and central) and
 * given a new track id. The state is plain data so that a resumed analysis continues exactly where it stopped.
 */
import type { Roi } from './imageOps';
import { boxIou, type Box } from './faceRoi';

export interface TrackerOptions {
  /** Run the detector at least this often (frames), even while the subject is tracked. */
  redetectEvery: number;
  /** A face found again within this many frames where the subject was last seen keeps its track id. */
  rememberLostFrames: number;
  /** Overlap (IoU) with the subject's last box that counts as "the same face". */
  sameFaceIou: number;
}

export const DEFAULT_TRACKER: TrackerOptions = { redetectEvery: 15, rememberLostFrames: 15, sameFaceIou: 0.3 };

export interface TrackerState {
  /** The subject as tracked into the next frame: where to crop it, and its box in this frame. */
  subject: { trackId: number; roi: Roi; box: Box } | null;
  lastSeen: { trackId: number; box: Box; frameIndex: number } | null;
  framesSinceDetection: number;
  nextTrackId: number;
}

export function initialTrackerState(): TrackerState {
  return { subject: null, lastSeen: null, framesSinceDetection: 0, nextTrackId: 1 };
}

export function detectionDue(state: TrackerState, options: TrackerOptions): boolean {
  return state.subject === null || state.framesSinceDetection + 1 >= options.redetectEvery;
}

/** Large and central: area, discounted by up to half for a face at the frame's corner. */
export function prominence(box: Box, frame: { width: number; height: number }): number {
  const dx = box.x + box.w / 2 - frame.width / 2;
  const dy = box.y + box.h / 2 - frame.height / 2;
  const offCentre = Math.hypot(dx, dy) / Math.hypot(frame.width / 2, frame.height / 2);
  return box.w * box.h * (1 - 0.5 * Math.min(1, offCentre));
}

export interface SubjectChoice {
  index: number;
  trackId: number;
}

/**
 * Picks the subject among confirmed faces (`boxes`, in frame pixels) and returns the next state's track id, or
 * null when there is no face. Does not change `state`; the caller commits the choice with `trackerAfter`.
 */
export function chooseSubject(
  boxes: readonly Box[],
  state: TrackerState,
  frameIndex: number,
  frame: { width: number; height: number },
  options: TrackerOptions,
): SubjectChoice | null {
  if (boxes.length === 0) return null;
  const recent = state.subject ?? (state.lastSeen && frameIndex - state.lastSeen.frameIndex <= options.rememberLostFrames ? state.lastSeen : null);
  if (recent) {
    let best = -1;
    let bestIou = options.sameFaceIou;
    boxes.forEach((box, i) => {
      const overlap = boxIou(box, recent.box);
      if (overlap >= bestIou) {
        best = i;
        bestIou = overlap;
      }
    });
    if (best >= 0) return { index: best, trackId: recent.trackId };
  }
  let best = 0;
  boxes.forEach((box, i) => {
    if (prominence(box, frame) > prominence(boxes[best] as Box, frame)) best = i;
  });
  return { index: best, trackId: state.nextTrackId };
}

export function trackerAfter(
  state: TrackerState,
  frameIndex: number,
  detectorRan: boolean,
  found: { trackId: number; box: Box; nextRoi: Roi } | null,
): TrackerState {
  const framesSinceDetection = detectorRan ? 0 : state.framesSinceDetection + 1;
  if (!found) return { ...state, subject: null, framesSinceDetection };
  return {
    subject: { trackId: found.trackId, roi: found.nextRoi, box: found.box },
    lastSeen: { trackId: found.trackId, box: found.box, frameIndex },
    framesSinceDetection,
    nextTrackId: Math.max(state.nextTrackId, found.trackId + 1),
  };
}
