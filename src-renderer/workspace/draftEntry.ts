/**
 * What the affect grid, the sliders and the nudge keys edit: a draft of the current frame's label, never the
 * label itself. Only Save/Enter commits it, so a click on the grid saves nothing, and moving to another frame
 * starts again from that frame's own label or prediction instead of carrying the last value along (which made
 * Enter silently copy one frame's value onto the next). Pure, so every transition is tested without a window.
 */
import type { LabelValue } from './labelEdits';

/** What the studio holds for the frame on screen. `sd` is one standard deviation of the prediction per axis. */
export interface FrameFacts {
  label: LabelValue | null;
  prediction: { value: LabelValue; sd: LabelValue } | null;
}

export type Draft =
  /** No label and no prediction: nothing to save until the user sets a value. */
  | { kind: 'empty' }
  /** The frame's saved label, untouched. */
  | { kind: 'saved'; value: LabelValue }
  /** The model's prediction for the frame, untouched: Enter would accept it as the label. */
  | { kind: 'predicted'; value: LabelValue; sd: LabelValue }
  /** A value the user set; `saved` is the frame's label it would replace, if any. */
  | { kind: 'edited'; value: LabelValue; saved: LabelValue | null };

/** What committing the draft saves: a value and how it came about; null when there is nothing new to save. */
export interface Commit {
  value: LabelValue;
  origin: 'manual' | 'accepted_prediction';
}

/** Labels are kept to two decimals, as the grid and sliders show them. */
const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number) => Math.max(-1, Math.min(1, round2(x)));
const same = (a: LabelValue, b: LabelValue) => round2(a.valence) === round2(b.valence) && round2(a.arousal) === round2(b.arousal);

/** The draft a frame starts with: its label, else its prediction, else nothing. */
export function draftFor(frame: FrameFacts): Draft {
  if (frame.label) return { kind: 'saved', value: frame.label };
  if (frame.prediction) return { kind: 'predicted', value: frame.prediction.value, sd: frame.prediction.sd };
  return { kind: 'empty' };
}

/** The frame's facts changed under the draft (a save, an undo, new predictions): an edit in progress is kept. */
export function followFrame(draft: Draft, frame: FrameFacts): Draft {
  if (draft.kind !== 'edited') return draftFor(frame);
  return { ...draft, saved: frame.label };
}

/** The value shown on the grid and sliders, or null when there is none. */
export function draftValue(draft: Draft): LabelValue | null {
  return draft.kind === 'empty' ? null : draft.value;
}

/** The user set both values (a click or drag on the grid, a slider). */
export function setDraft(value: LabelValue, frame: FrameFacts): Draft {
  return { kind: 'edited', value: { valence: clamp(value.valence), arousal: clamp(value.arousal) }, saved: frame.label };
}

/** A nudge key: from the value shown, or from the centre of the grid when there is none. */
export function nudgeDraft(draft: Draft, axis: keyof LabelValue, delta: number, frame: FrameFacts): Draft {
  const from = draftValue(draft) ?? { valence: 0, arousal: 0 };
  return setDraft({ ...from, [axis]: from[axis] + delta }, frame);
}

/** What Save/Enter saves from this draft, or null when it would save nothing new. */
export function commitOf(draft: Draft): Commit | null {
  switch (draft.kind) {
    case 'edited':
      return draft.saved && same(draft.saved, draft.value) ? null : { value: draft.value, origin: 'manual' };
    case 'predicted':
      return { value: { valence: clamp(draft.value.valence), arousal: clamp(draft.value.arousal) }, origin: 'accepted_prediction' };
    default:
      return null;
  }
}

/** What Enter will do, in the words the label panel shows. */
export function enterMeaning(draft: Draft): string {
  switch (draft.kind) {
    case 'empty':
      return 'No label or prediction here: click the grid or use the sliders, then press Enter to save.';
    case 'saved':
      return 'Saved. Change the value on the grid to correct it.';
    case 'predicted':
      return "Model's prediction (ellipse: ±1 sd). Enter accepts it as the label; or click your own value.";
    case 'edited':
      return commitOf(draft) ? 'Not saved yet: Enter saves it, Esc puts back what was there.' : 'Same as the saved label: nothing to save.';
  }
}
