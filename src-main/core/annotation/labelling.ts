/**
 * Labelling a video: checks that give the user a reason (no such frame, no such annotator) before the
 * append-only store is touched, so a refused edit changes nothing.
 */
import { StudioError } from '../errors';
import type { AnnotatorId, VideoId } from '../ids';
import { requireVideo } from '../ingest/videoAccess';
import type { Db } from '../store/projectDb';
import { listAnnotators } from '../store/annotatorStore';
import { appendLabels, currentLabels, deleteLabel, type CurrentLabel, type LabelOrigin } from '../store/labelStore';
import { visibleLabels } from './annotatorView';

export interface LabelInput {
  frameIndex: number;
  valence: number;
  arousal: number;
}

/** `viewer` is who is looking: in blind mode they see only their own layer (annotatorView.ts). */
export function listVideoLabels(session: { readonly db: Db }, videoId: VideoId, annotatorId?: AnnotatorId, viewer?: AnnotatorId): CurrentLabel[] {
  requireVideo(session.db, videoId);
  return visibleLabels(session.db, videoId, { annotatorId, viewer });
}

/** Saves labels on frames of one video for one annotator, all in one transaction. */
export function labelVideo(
  session: { readonly db: Db },
  videoId: VideoId,
  annotatorId: AnnotatorId,
  origin: Exclude<LabelOrigin, 'import'>,
  labels: readonly LabelInput[],
): CurrentLabel[] {
  checkTarget(session, videoId, annotatorId, labels.map((label) => label.frameIndex));
  const ids = new Set(appendLabels(session.db, labels.map((label) => ({ ...label, videoId, annotatorId, origin }))));
  return currentLabels(session.db, videoId, annotatorId).filter((label) => ids.has(label.id));
}

export function removeLabel(session: { readonly db: Db }, videoId: VideoId, annotatorId: AnnotatorId, frameIndex: number): void {
  checkTarget(session, videoId, annotatorId, [frameIndex]);
  deleteLabel(session.db, { videoId, annotatorId, frameIndex, origin: 'manual' });
}

function checkTarget(session: { readonly db: Db }, videoId: VideoId, annotatorId: AnnotatorId, frames: readonly number[]): void {
  const video = requireVideo(session.db, videoId);
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is still being imported; label it once it is ready.`);
  const outside = frames.filter((frame) => frame >= video.frameCount);
  if (outside.length > 0) {
    throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${outside[0]} does not exist.`);
  }
  if (!listAnnotators(session.db).some((annotator) => annotator.id === annotatorId)) {
    throw new StudioError(`This project has no annotator ${annotatorId}.`);
  }
}
