/**
 * Blind mode: an annotator sees only their own labels and no prediction trained on anyone else's, so their layer
 * stays independent and inter-rater agreement means something. Pure rules over the stored view
 * (store/annotatorStore.ts keeps it); the use cases in core/app/labels.ts apply them.
 */
import { StudioError } from '../errors';
import type { AnnotatorId } from '../ids';
import type { Annotator, AnnotatorView } from '../store/annotatorStore';

/** Refuses a view that cannot work: blind with nobody labelling. */
export function checkAnnotatorView(view: AnnotatorView): void {
  if (view.blind && view.activeAnnotatorId === null) throw new StudioError('Blind mode needs an active annotator: choose who is labelling first.');
}

/**
 * Whose labels `viewer` may list: the requested layer (or all) when the project is not blind or no viewer is
 * named, only the viewer's own when it is. In blind mode a request for somebody else's layer is refused rather
 * than silently answered with nothing.
 */
export function visibleLayer(view: AnnotatorView, options: { viewer?: AnnotatorId; annotatorId?: AnnotatorId }): AnnotatorId | undefined {
  if (!view.blind || options.viewer === undefined) return options.annotatorId;
  if (options.annotatorId !== undefined && options.annotatorId !== options.viewer) {
    throw new StudioError("Blind mode is on: an annotator cannot view another annotator's labels.");
  }
  return options.viewer;
}

/**
 * Whose predictions an export shows on frames nobody labelled (a run is one annotator's): the annotator exported,
 * else the project's active annotator, else its only human annotator; null when that is ambiguous, so an export
 * never passes one person's model off as another's.
 */
export function predictionAnnotator(annotators: readonly Annotator[], view: AnnotatorView, name?: string): AnnotatorId | null {
  if (name !== undefined) return annotators.find((annotator) => annotator.name === name)?.id ?? null;
  if (view.activeAnnotatorId !== null) return view.activeAnnotatorId;
  const humans = annotators.filter((annotator) => annotator.kind === 'human');
  return humans.length === 1 ? (humans[0] as Annotator).id : null;
}
