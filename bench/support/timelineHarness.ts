/**
 * Runs in Chromium (bundled by bench/timeline.ts): draws a 100,000-frame timeline with predictions, bands,
 * labels, suggestions and no-face spans while zooming and panning, and records the time of every redraw.
 */
import { drawTimeline, timelineHeight, type TimelineData } from '../../src-renderer/timeline/drawTimeline';
import { fullView, panBy, zoomAt, type TimelineView } from '../../src-renderer/timeline/timelineView';

declare global {
  interface Window {
    runTimelineBench: (frames: number, steps: number) => Promise<{ drawMs: number[]; frameIntervalMs: number[] }>;
  }
}

function syntheticData(frameCount: number): TimelineData {
  const valence = new Float32Array(frameCount);
  const arousal = new Float32Array(frameCount);
  const valenceSd = new Float32Array(frameCount);
  const arousalSd = new Float32Array(frameCount);
  const noFace = new Uint8Array(frameCount);
  for (let f = 0; f < frameCount; f++) {
    valence[f] = 0.6 * Math.sin(f / 900) + 0.2 * Math.sin(f / 37);
    arousal[f] = 0.5 * Math.cos(f / 1300) + 0.15 * Math.sin(f / 23);
    valenceSd[f] = 0.05 + 0.1 * Math.abs(Math.sin(f / 400));
    arousalSd[f] = 0.05 + 0.1 * Math.abs(Math.cos(f / 500));
    noFace[f] = f % 5000 < 150 ? 1 : 0;
  }
  const labels = Array.from({ length: 300 }, (_, i) => {
    const frameIndex = Math.floor((i + 0.5) * (frameCount / 300));
    return { frameIndex, valence: valence[frameIndex] as number, arousal: arousal[frameIndex] as number };
  });
  return {
    frameCount,
    ptsSec: Array.from({ length: frameCount }, (_, f) => f / 25),
    labels,
    otherLabels: labels.map((l) => ({ ...l, frameIndex: l.frameIndex + 40, valence: l.valence * 0.8 })),
    prediction: { valence, arousal, valenceSd, arousalSd },
    suggestions: Array.from({ length: 50 }, (_, i) => Math.floor((i + 0.3) * (frameCount / 50))),
    noFace,
    persons: [],
    // Five facial-action lanes, as a project shows by default, with gaps where there is no face.
    actions: {
      unavailable: null,
      lanes: Array.from({ length: 5 }, (_, lane) => ({
        label: `trace ${lane + 1}`,
        values: Float32Array.from({ length: frameCount }, (_, f) => (noFace[f] ? NaN : 0.5 + 0.5 * Math.sin(f / (50 + 30 * lane)))),
      })),
    },
  };
}

window.runTimelineBench = (frames, steps) =>
  new Promise((resolve) => {
    const canvas = document.createElement('canvas');
    const height = timelineHeight(syntheticData(1));
    canvas.style.width = '1366px';
    canvas.style.height = `${height}px`;
    document.body.append(canvas);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = 1366 * dpr;
    canvas.height = height * dpr;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const data = syntheticData(frames);
    let view: TimelineView = fullView(frames);
    const drawMs: number[] = [];
    const frameIntervalMs: number[] = [];
    let last = performance.now();
    let step = 0;
    const tick = () => {
      const now = performance.now();
      frameIntervalMs.push(now - last);
      last = now;
      // Zoom in for a while, pan, zoom back out: the gestures a user makes with wheel and drag.
      const phase = Math.floor(step / (steps / 4));
      if (phase === 0) view = zoomAt(view, 0.93, 0.4, frames);
      else if (phase === 1) view = panBy(view, 0.03, frames);
      else if (phase === 2) view = panBy(view, -0.05, frames);
      else view = zoomAt(view, 1.08, 0.6, frames);
      const start = performance.now();
      drawTimeline(ctx, { width: 1366, height }, view, data, Math.floor(view.start + view.span / 2));
      drawMs.push(performance.now() - start);
      step++;
      if (step < steps) requestAnimationFrame(tick);
      else resolve({ drawMs, frameIntervalMs: frameIntervalMs.slice(1) });
    };
    requestAnimationFrame(tick);
  });
