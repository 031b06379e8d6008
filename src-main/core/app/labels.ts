/**
 * Use cases for labels: list a person's labels as a viewer may see them, apply one edit (sets, moves and deletes
 * of one video, person and annotator) as one transaction, and the project's labelling view (who labels, blind or not).
 * Every check that gives the user a reason runs before the append-only store is touched, so a refused edit
 * changes nothing.
 */
import { checkAnnotatorView, visibleLayer } from '../annotation/annotatorView';
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import type { AnnotatorView } from '../store/annotatorStore';
import type { AppliedEdits, CurrentLabel, LabelEdits } from '../store/labelStore';
import { saveRunSoon } from './predictions';
import { annotatorOf } from './annotators';
import { personOf } from './persons';
import { videoOf } from './videos';
import type { ProjectContext } from './projectContext';

/** `viewer` is who is looking: in blind mode they see only their own layer. */
export async function listLabels(
  project: ProjectContext,
  videoId: VideoId,
  personId: PersonId,
  options: { annotatorId?: AnnotatorId; viewer?: AnnotatorId } = {},
): Promise<CurrentLabel[]> {
  await personOf(project, videoId, personId);
  return project.stores.labels.list(videoId, { personId, annotatorId: visibleLayer(await project.stores.annotators.view(), options) });
}

/**
 * Saves one edit: deletes then sets, in one transaction. Undo and redo are edits too (the client sends the
 * inverse), so any of them is one call and one revision.
 */
export async function applyLabels(project: ProjectContext, edits: LabelEdits): Promise<AppliedEdits> {
  const frames = [...edits.deletes, ...edits.sets.map((label) => label.frameIndex)];
  if (frames.length === 0) throw new StudioError('This edit changes no label: send at least one label to set or one frame to clear.');
  if (new Set(frames).size !== frames.length) {
    throw new StudioError('This edit names a frame twice: send each frame once, with its final value (or as a frame to clear).');
  }
  const video = await videoOf(project, edits.videoId);
  if (video.status !== 'ready') throw new StudioError(`${video.displayName} is still being imported; label it once it is ready.`);
  const outside = frames.find((frame) => frame >= video.frameCount);
  if (outside !== undefined) {
    throw new StudioError(`${video.displayName} has ${video.frameCount} frames (0-${video.frameCount - 1}); frame ${outside} does not exist.`);
  }
  await personOf(project, edits.videoId, edits.personId);
  await annotatorOf(project, edits.annotatorId);
  const applied = await project.stores.labels.apply(edits);
  saveRunSoon(project, edits.videoId, edits.personId, edits.annotatorId);
  return applied;
}

export function annotatorView(project: ProjectContext): Promise<AnnotatorView> {
  return project.stores.annotators.view();
}

export async function setAnnotatorView(project: ProjectContext, view: AnnotatorView): Promise<AnnotatorView> {
  checkAnnotatorView(view);
  if (view.activeAnnotatorId !== null) await annotatorOf(project, view.activeAnnotatorId);
  return project.stores.annotators.setView(view);
}
