/**
 * Undo and redo per video layer (one video, one annotator) for as long as the project is open: leaving a video
 * and coming back finds its history where it was, and an undo never reaches into another video or annotator's
 * layer (every edit is saved against the layer it was made in). One saved edit is one step.
 */
import type { LabelEdit } from './labelEdits';

export interface EditHistory {
  undo: LabelEdit[];
  redo: LabelEdit[];
}

/**
 * The layer an edit belongs to, as the label API names it; the project is part of it, so histories never cross
 * projects; each person of a video has its own.
 */
export interface LayerKey {
  project: string;
  videoId: number;
  personId: number;
  annotatorId: number;
}

export class EditHistories {
  private readonly byLayer = new Map<string, EditHistory>();

  /** The layer's history, created empty on first use (the same object every time, so callers may keep it). */
  of(layer: LayerKey): EditHistory {
    const key = JSON.stringify(Object.entries(layer).sort(([a], [b]) => a.localeCompare(b)));
    let history = this.byLayer.get(key);
    if (!history) {
      history = { undo: [], redo: [] };
      this.byLayer.set(key, history);
    }
    return history;
  }

  /** Another project opened: the histories of the one before end with it. */
  forgetAllBut(project: string): void {
    for (const key of this.byLayer.keys()) {
      if (!(JSON.parse(key) as [string, unknown][]).some(([field, value]) => field === 'project' && value === project)) this.byLayer.delete(key);
    }
  }
}

/** A new saved edit: one undo step, and whatever was undone before it can no longer be redone. */
export function recordEdit(history: EditHistory, edit: LabelEdit): void {
  history.undo.push(edit);
  history.redo.length = 0;
}
