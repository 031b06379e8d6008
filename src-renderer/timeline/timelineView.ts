/**
 * The visible window of a timeline, in frames, and the zoom/pan arithmetic on it. Pure, so it is unit-tested
 * and shared by the component and the benchmark.
 */
export interface TimelineView {
  /** First visible frame (may be fractional while zooming smoothly). */
  start: number;
  /** Number of frames across the full width. */
  span: number;
}

const MIN_SPAN = 20;

export function fullView(frameCount: number): TimelineView {
  return { start: 0, span: Math.max(1, frameCount) };
}

export function clampView(view: TimelineView, frameCount: number): TimelineView {
  const span = Math.min(Math.max(view.span, Math.min(MIN_SPAN, frameCount)), Math.max(1, frameCount));
  const start = Math.min(Math.max(view.start, 0), Math.max(0, frameCount - span));
  return { start, span };
}

/** Zooms by `factor` (< 1 zooms in) keeping the frame under `anchorX` (0..1 of the width) in place. */
export function zoomAt(view: TimelineView, factor: number, anchorX: number, frameCount: number): TimelineView {
  const anchorFrame = view.start + anchorX * view.span;
  const span = view.span * factor;
  return clampView({ start: anchorFrame - anchorX * span, span }, frameCount);
}

export function panBy(view: TimelineView, fractionOfWidth: number, frameCount: number): TimelineView {
  return clampView({ start: view.start + fractionOfWidth * view.span, span: view.span }, frameCount);
}

/** Scrolls just enough to bring `frame` into view (with a margin), as a playhead leaving the window needs. */
export function follow(view: TimelineView, frame: number, frameCount: number): TimelineView {
  const margin = view.span * 0.05;
  if (frame >= view.start + margin && frame <= view.start + view.span - margin) return view;
  return clampView({ start: frame - view.span * 0.25, span: view.span }, frameCount);
}

export function frameAtX(view: TimelineView, x: number, width: number): number {
  return view.start + (x / width) * view.span;
}

export function xOfFrame(view: TimelineView, frame: number, width: number): number {
  return ((frame - view.start) / view.span) * width;
}
