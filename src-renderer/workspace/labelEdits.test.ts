import { describe, expect, it } from 'vitest';
import { invert, planEdit, type LabelEdit } from './labelEdits';

const a = { valence: 0.5, arousal: -0.2 };
const b = { valence: -0.3, arousal: 0.4 };

describe('label edits', () => {
  it('undoing a new label deletes it, and undoing a delete restores the value', () => {
    expect(planEdit(invert({ origin: 'manual', changes: [{ frameIndex: 3, before: null, after: a }] }))).toEqual({ sets: [], deletes: [3] });
    expect(planEdit(invert({ origin: 'manual', changes: [{ frameIndex: 3, before: a, after: null }] }))).toEqual({
      sets: [{ frameIndex: 3, ...a }],
      deletes: [],
    });
  });

  it('undoing a move puts the label back and restores what was on the target frame', () => {
    const move: LabelEdit = {
      origin: 'manual',
      changes: [
        { frameIndex: 10, before: a, after: null },
        { frameIndex: 20, before: b, after: a },
      ],
    };
    expect(planEdit(move)).toEqual({ sets: [{ frameIndex: 20, ...a }], deletes: [10] });
    expect(planEdit(invert(move))).toEqual({ sets: [{ frameIndex: 20, ...b }, { frameIndex: 10, ...a }], deletes: [] });
  });

  it('the last change to a frame wins, as the edit was made', () => {
    const edit: LabelEdit = {
      origin: 'live',
      changes: [
        { frameIndex: 5, before: null, after: a },
        { frameIndex: 5, before: a, after: b },
      ],
    };
    expect(planEdit(edit)).toEqual({ sets: [{ frameIndex: 5, ...b }], deletes: [] });
    expect(planEdit(invert(edit))).toEqual({ sets: [], deletes: [5] });
  });

  it('redo after undo is the original edit', () => {
    const edit: LabelEdit = { origin: 'manual', changes: [{ frameIndex: 1, before: a, after: b }] };
    expect(planEdit(invert(invert(edit)))).toEqual(planEdit(edit));
  });
});
