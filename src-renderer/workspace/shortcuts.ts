/** The workspace's keyboard map, in one place: the handler and the shortcuts sheet (?) both read it. */
export interface Shortcut {
  keys: string;
  does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: '← / →', does: 'previous / next frame' },
  { keys: 'Shift + ← / →', does: '10 frames back / forward' },
  { keys: 'Home / End', does: 'first / last frame' },
  { keys: 'Space', does: 'play / pause' },
  { keys: '[ / ]', does: 'slower / faster (0.25× to 2×)' },
  { keys: 'A / D', does: 'valence − / + 0.05 (Shift: 0.25)' },
  { keys: 'S / W', does: 'arousal − / + 0.05 (Shift: 0.25)' },
  { keys: 'Enter', does: 'save the value set on the grid, then go to the next suggestion; on a prediction, accept it' },
  { keys: 'Esc', does: "drop the unsaved value: back to the frame's label or prediction" },
  { keys: 'Delete', does: 'delete the label on this frame' },
  { keys: 'L', does: 'live mode: record the grid while the video plays' },
  { keys: 'Ctrl + Z / Ctrl + Shift + Z', does: 'undo / redo' },
  { keys: '+ / − / 0', does: 'zoom the timeline in / out / to the whole video' },
  { keys: '?', does: 'this sheet' },
];

export type WorkspaceCommand =
  | { kind: 'step'; frames: number }
  | { kind: 'seekEdge'; edge: 'start' | 'end' }
  | { kind: 'togglePlay' }
  | { kind: 'speed'; direction: -1 | 1 }
  | { kind: 'nudge'; axis: 'valence' | 'arousal'; delta: number }
  | { kind: 'save' }
  | { kind: 'revert' }
  | { kind: 'delete' }
  | { kind: 'toggleLive' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'zoom'; factor: number | 'fit' }
  | { kind: 'help' };

/** Maps a key press to a command, or null when the key is not ours (typing in a field, browser shortcuts). */
export function commandFor(event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>): WorkspaceCommand | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key;
  if (mod && (key === 'z' || key === 'Z')) return event.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && (key === 'y' || key === 'Y')) return { kind: 'redo' };
  if (mod || event.altKey) return null;
  const big = event.shiftKey;
  switch (key) {
    case 'ArrowLeft':
      return { kind: 'step', frames: big ? -10 : -1 };
    case 'ArrowRight':
      return { kind: 'step', frames: big ? 10 : 1 };
    case 'Home':
      return { kind: 'seekEdge', edge: 'start' };
    case 'End':
      return { kind: 'seekEdge', edge: 'end' };
    case ' ':
      return { kind: 'togglePlay' };
    case '[':
      return { kind: 'speed', direction: -1 };
    case ']':
      return { kind: 'speed', direction: 1 };
    case 'a':
    case 'A':
      return { kind: 'nudge', axis: 'valence', delta: big ? -0.25 : -0.05 };
    case 'd':
    case 'D':
      return { kind: 'nudge', axis: 'valence', delta: big ? 0.25 : 0.05 };
    case 's':
    case 'S':
      return { kind: 'nudge', axis: 'arousal', delta: big ? -0.25 : -0.05 };
    case 'w':
    case 'W':
      return { kind: 'nudge', axis: 'arousal', delta: big ? 0.25 : 0.05 };
    case 'Enter':
      return { kind: 'save' };
    case 'Escape':
      return { kind: 'revert' };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    case 'l':
    case 'L':
      return { kind: 'toggleLive' };
    case '+':
    case '=':
      return { kind: 'zoom', factor: 0.5 };
    case '-':
      return { kind: 'zoom', factor: 2 };
    case '0':
      return { kind: 'zoom', factor: 'fit' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}
