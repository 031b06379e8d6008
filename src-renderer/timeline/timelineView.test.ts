import { describe, expect, it } from 'vitest';
import { clampView, follow, frameAtX, fullView, panBy, xOfFrame, zoomAt } from './timelineView';

describe('timeline view', () => {
  it('zooms around the pointer: the frame under it stays under it', () => {
    const view = fullView(100_000);
    const zoomed = zoomAt(view, 0.1, 0.25, 100_000);
    expect(zoomed.span).toBeCloseTo(10_000);
    expect(frameAtX(zoomed, 250, 1000)).toBeCloseTo(frameAtX(view, 250, 1000));
  });

  it('never shows frames before the first or after the last, nor fewer than 20', () => {
    expect(panBy(fullView(1000), -0.5, 1000)).toEqual({ start: 0, span: 1000 });
    expect(panBy({ start: 900, span: 100 }, 1, 1000)).toEqual({ start: 900, span: 100 });
    expect(zoomAt(fullView(1000), 0.0001, 0.5, 1000).span).toBe(20);
    expect(clampView({ start: -5, span: 5000 }, 1000)).toEqual({ start: 0, span: 1000 });
  });

  it('maps frames to x and back', () => {
    const view = { start: 100, span: 200 };
    expect(xOfFrame(view, 150, 800)).toBe(200);
    expect(frameAtX(view, 200, 800)).toBe(150);
  });

  it('follows a playhead that leaves the window, and leaves the view alone otherwise', () => {
    const view = { start: 0, span: 100 };
    expect(follow(view, 50, 1000)).toBe(view);
    expect(follow(view, 150, 1000)).toEqual({ start: 125, span: 100 });
  });
});
