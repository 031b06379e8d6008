import { describe, expect, it } from 'vitest';
import { commitOf, draftFor, draftValue, enterMeaning, followFrame, nudgeDraft, setDraft, type FrameFacts } from './draftEntry';

const labelled: FrameFacts = { label: { valence: 0.5, arousal: -0.2 }, prediction: { value: { valence: 0.1, arousal: 0.1 }, sd: { valence: 0.1, arousal: 0.2 } } };
const predicted: FrameFacts = { label: null, prediction: { value: { valence: -0.333, arousal: 0.456 }, sd: { valence: 0.05, arousal: 0.3 } } };
const bare: FrameFacts = { label: null, prediction: null };

describe('the label draft', () => {
  it("starts from the frame's label, else its prediction, else nothing, and then has nothing to save", () => {
    expect(draftFor(labelled)).toEqual({ kind: 'saved', value: { valence: 0.5, arousal: -0.2 } });
    expect(commitOf(draftFor(labelled))).toBeNull();
    expect(draftFor(bare)).toEqual({ kind: 'empty' });
    expect(draftValue(draftFor(bare))).toBeNull();
    expect(commitOf(draftFor(bare))).toBeNull();
  });

  it('a click sets a value that Enter saves as a manual label, once', () => {
    const edited = setDraft({ valence: 0.404, arousal: -1.3 }, bare);
    expect(edited).toEqual({ kind: 'edited', value: { valence: 0.4, arousal: -1 }, saved: null });
    expect(commitOf(edited)).toEqual({ value: { valence: 0.4, arousal: -1 }, origin: 'manual' });
    // After the save the frame holds that label: the draft follows it and a second Enter saves nothing.
    expect(commitOf(draftFor({ label: { valence: 0.4, arousal: -1 }, prediction: null }))).toBeNull();
  });

  it('never carries a value to the next frame: arriving at a frame starts from what that frame holds', () => {
    const edited = setDraft({ valence: 0.9, arousal: 0.9 }, labelled);
    // Moving resets, whatever was being edited before.
    expect(draftFor(bare)).toEqual({ kind: 'empty' });
    expect(draftFor(predicted).kind).toBe('predicted');
    expect(draftValue(draftFor(predicted))).not.toEqual(draftValue(edited));
  });

  it("Enter on an untouched prediction accepts it, rounded as labels are, and says so", () => {
    const draft = draftFor(predicted);
    expect(draft).toEqual({ kind: 'predicted', value: { valence: -0.333, arousal: 0.456 }, sd: { valence: 0.05, arousal: 0.3 } });
    expect(commitOf(draft)).toEqual({ value: { valence: -0.33, arousal: 0.46 }, origin: 'accepted_prediction' });
    expect(enterMeaning(draft)).toMatch(/Enter accepts it/);
    // Once touched it is the user's own value.
    expect(commitOf(nudgeDraft(draft, 'valence', 0.05, predicted))).toEqual({ value: { valence: -0.28, arousal: 0.46 }, origin: 'manual' });
  });

  it('nudges from the value shown, or from the centre when there is none, within [-1, 1]', () => {
    expect(draftValue(nudgeDraft(draftFor(bare), 'arousal', -0.25, bare))).toEqual({ valence: 0, arousal: -0.25 });
    expect(draftValue(nudgeDraft(draftFor(labelled), 'valence', 0.75, labelled))).toEqual({ valence: 1, arousal: -0.2 });
  });

  it('an edit back to the saved value has nothing to save', () => {
    const edited = setDraft({ valence: 0.5, arousal: -0.2 }, labelled);
    expect(edited.kind).toBe('edited');
    expect(commitOf(edited)).toBeNull();
    expect(enterMeaning(edited)).toMatch(/nothing to save/);
  });

  it('keeps an edit in progress when the frame changes underneath (new predictions, an undo elsewhere), and follows otherwise', () => {
    const edited = setDraft({ valence: -0.7, arousal: 0.2 }, bare);
    const after = followFrame(edited, labelled);
    expect(draftValue(after)).toEqual({ valence: -0.7, arousal: 0.2 });
    // It now would replace the label that appeared meanwhile.
    expect(after).toMatchObject({ kind: 'edited', saved: labelled.label });
    expect(followFrame(draftFor(bare), predicted)).toEqual(draftFor(predicted));
    expect(followFrame(draftFor(predicted), labelled)).toEqual(draftFor(labelled));
  });

  it('says what Enter will do in every state', () => {
    expect(enterMeaning(draftFor(bare))).toMatch(/click the grid/);
    expect(enterMeaning(draftFor(labelled))).toMatch(/^Saved/);
    expect(enterMeaning(setDraft({ valence: 0, arousal: 0 }, bare))).toMatch(/Not saved yet: Enter saves it/);
  });
});
