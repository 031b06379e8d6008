import { describe, expect, it } from 'vitest';
import { commandFor } from './shortcuts';

const key = (k: string, mods: Partial<Record<'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('workspace shortcuts', () => {
  it('steps one frame, or ten with Shift', () => {
    expect(commandFor(key('ArrowRight'))).toEqual({ kind: 'step', frames: 1 });
    expect(commandFor(key('ArrowLeft', { shiftKey: true }))).toEqual({ kind: 'step', frames: -10 });
  });

  it('undoes with Ctrl+Z (or Cmd+Z) and redoes with Ctrl+Shift+Z or Ctrl+Y', () => {
    expect(commandFor(key('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(commandFor(key('z', { metaKey: true }))).toEqual({ kind: 'undo' });
    expect(commandFor(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(commandFor(key('y', { ctrlKey: true }))).toEqual({ kind: 'redo' });
  });

  it('nudges each axis, more with Shift', () => {
    expect(commandFor(key('d'))).toEqual({ kind: 'nudge', axis: 'valence', delta: 0.05 });
    expect(commandFor(key('S', { shiftKey: true }))).toEqual({ kind: 'nudge', axis: 'arousal', delta: -0.25 });
  });

  it('saves with Enter and drops the unsaved value with Esc', () => {
    expect(commandFor(key('Enter'))).toEqual({ kind: 'save' });
    expect(commandFor(key('Escape'))).toEqual({ kind: 'revert' });
  });

  it('leaves other browser shortcuts alone', () => {
    expect(commandFor(key('c', { ctrlKey: true }))).toBeNull();
    expect(commandFor(key('ArrowRight', { altKey: true }))).toBeNull();
    expect(commandFor(key('x'))).toBeNull();
  });
});
