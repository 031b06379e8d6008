/**
 * An edit is a list of per-frame changes (before -> after, null meaning "no label"), so every kind of edit
 * (set, delete, move, a live trace) undoes and redoes the same way: apply the inverse as a new, saved edit.
 */
export interface LabelValue {
  valence: number;
  arousal: number;
}

export interface LabelEdit {
  origin: 'manual' | 'live' | 'accepted_prediction';
  changes: { frameIndex: number; before: LabelValue | null; after: LabelValue | null }[];
}

export function invert(edit: LabelEdit): LabelEdit {
  return {
    origin: 'manual',
    changes: [...edit.changes].reverse().map(({ frameIndex, before, after }) => ({ frameIndex, before: after, after: before })),
  };
}

/** What an edit leaves on each frame it touches: the labels to write and the frames to clear. */
export function planEdit(edit: LabelEdit): { sets: ({ frameIndex: number } & LabelValue)[]; deletes: number[] } {
  const finalValue = new Map<number, LabelValue | null>();
  for (const change of edit.changes) finalValue.set(change.frameIndex, change.after);
  return {
    sets: [...finalValue].flatMap(([frameIndex, value]) => (value ? [{ frameIndex, ...value }] : [])),
    deletes: [...finalValue].flatMap(([frameIndex, value]) => (value ? [] : [frameIndex])),
  };
}
