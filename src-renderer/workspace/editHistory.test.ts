import { describe, expect, it } from 'vitest';
import { EditHistories, recordEdit } from './editHistory';
import type { LabelEdit } from './labelEdits';

const edit = (frameIndex: number): LabelEdit => ({ origin: 'manual', changes: [{ frameIndex, before: null, after: { valence: 0, arousal: 0 } }] });

describe('undo history per video layer', () => {
  it('keeps each video, person and annotator its own history, found again on return', () => {
    const histories = new EditHistories();
    const video1 = { project: '/p', videoId: 1, personId: 1, annotatorId: 1 };
    recordEdit(histories.of(video1), edit(3));
    recordEdit(histories.of(video1), edit(4));
    expect(histories.of({ project: '/p', videoId: 2, personId: 1, annotatorId: 1 }).undo).toEqual([]);
    expect(histories.of({ project: '/p', videoId: 1, personId: 1, annotatorId: 2 }).undo).toEqual([]);
    expect(histories.of({ project: '/p', videoId: 1, personId: 2, annotatorId: 1 }).undo).toEqual([]);
    expect(histories.of({ ...video1 }).undo).toEqual([edit(3), edit(4)]);
    expect(histories.of(video1)).toBe(histories.of({ ...video1 }));
    expect(histories.of(video1)).toBe(histories.of({ annotatorId: 1, personId: 1, videoId: 1, project: '/p' }));
  });

  it('a new edit clears what could be redone', () => {
    const history = new EditHistories().of({ project: '/p', videoId: 1, personId: 1, annotatorId: 1 });
    recordEdit(history, edit(1));
    history.redo.push(history.undo.pop() as LabelEdit);
    expect(history.redo).toHaveLength(1);
    recordEdit(history, edit(2));
    expect(history).toEqual({ undo: [edit(2)], redo: [] });
  });

  it("forgets other projects' histories when a project opens", () => {
    const histories = new EditHistories();
    recordEdit(histories.of({ project: '/a', videoId: 1, personId: 1, annotatorId: 1 }), edit(1));
    recordEdit(histories.of({ project: '/b', videoId: 1, personId: 1, annotatorId: 1 }), edit(2));
    histories.forgetAllBut('/b');
    expect(histories.of({ project: '/a', videoId: 1, personId: 1, annotatorId: 1 }).undo).toEqual([]);
    expect(histories.of({ project: '/b', videoId: 1, personId: 1, annotatorId: 1 }).undo).toEqual([edit(2)]);
  });
});
