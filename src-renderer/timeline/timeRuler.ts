/**
 * The time ruler above the timeline's lanes: h:mm:ss from the first frame, by the frames' own timestamps (a video
 * whose frame rate changes keeps true times), with a tick on every frame once frames are far enough apart to see.
 * Tick spacing is picked per redraw from the visible span, so labels never crowd at any zoom.
 */
import type { TimelineView } from './timelineView';

export const RULER_ROW = 20;

/** Label steps, seconds: the smallest that leaves room for a label is used. */
const STEPS_SEC = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
const MIN_LABEL_GAP_PX = 84;
/** Frames closer than this on screen get no ticks of their own. */
const MIN_FRAME_TICK_PX = 8;

export interface RulerStyle {
  background: string;
  line: string;
  text: string;
  playhead: string;
}

export const RULER_STYLE: RulerStyle = { background: '#f7f8fa', line: '#aab2c0', text: '#5b6474', playhead: '#1d2330' };

/** "1:02:03" or, for steps under a second, "0:00:01.5". */
export function formatRulerTime(seconds: number, decimals: number): string {
  const rounded = Number(seconds.toFixed(decimals));
  const whole = Math.floor(rounded);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const fraction = decimals > 0 ? (rounded - whole).toFixed(decimals).slice(1) : '';
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${fraction}`;
}

/** The (fractional) frame position of `seconds` after the first frame, between the frames around it. */
function frameAtTime(ptsSec: readonly number[], seconds: number): number {
  const target = (ptsSec[0] ?? 0) + seconds;
  let lo = 0;
  let hi = ptsSec.length - 1;
  if (hi <= 0) return 0;
  if (target >= (ptsSec[hi] as number)) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((ptsSec[mid] as number) <= target) lo = mid;
    else hi = mid;
  }
  const a = ptsSec[lo] as number;
  const b = ptsSec[hi] as number;
  return lo + (b > a ? (target - a) / (b - a) : 0);
}

export function drawTimeRuler(
  ctx: CanvasRenderingContext2D,
  view: TimelineView,
  ptsSec: readonly number[],
  plot: { left: number; width: number },
  toX: (frame: number) => number,
  currentFrame: number,
  style: RulerStyle = RULER_STYLE,
): void {
  const first = ptsSec[0] ?? 0;
  const lastFrame = Math.max(0, ptsSec.length - 1);
  const startFrame = Math.max(0, Math.floor(view.start));
  const endFrame = Math.min(lastFrame, Math.ceil(view.start + view.span));
  const bottom = RULER_ROW - 0.5;
  ctx.save();
  ctx.fillStyle = style.background;
  ctx.fillRect(plot.left, 0, plot.width, RULER_ROW);
  ctx.beginPath();
  ctx.rect(plot.left - 1, 0, plot.width + 2, RULER_ROW);
  ctx.clip();
  ctx.strokeStyle = style.line;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(plot.left, bottom);
  ctx.lineTo(plot.left + plot.width, bottom);

  const pixelsPerFrame = plot.width / Math.max(1, view.span);
  if (pixelsPerFrame >= MIN_FRAME_TICK_PX) {
    for (let frame = startFrame; frame <= endFrame; frame++) {
      const x = Math.round(toX(frame)) + 0.5;
      ctx.moveTo(x, bottom);
      ctx.lineTo(x, bottom - 3);
    }
  }

  const fromSec = (ptsSec[startFrame] ?? first) - first;
  const toSec = (ptsSec[endFrame] ?? first) - first;
  const pixelsPerSec = toSec > fromSec ? (toX(endFrame) - toX(startFrame)) / (toSec - fromSec) : plot.width;
  const step = STEPS_SEC.find((s) => s * pixelsPerSec >= MIN_LABEL_GAP_PX) ?? (STEPS_SEC.at(-1) as number);
  const minor = step / (step >= 1 && [1, 10, 60, 600, 3600].includes(step) ? 2 : step === 0.1 ? 2 : 5);
  const decimals = step < 1 ? 1 : 0;
  const ticks: { x: number; label: string }[] = [];
  for (let i = Math.ceil(fromSec / minor - 1e-9); i * minor <= toSec + 1e-9; i++) {
    const seconds = i * minor;
    const x = Math.round(toX(frameAtTime(ptsSec, seconds))) + 0.5;
    const major = Math.abs(seconds / step - Math.round(seconds / step)) < 1e-6;
    ctx.moveTo(x, bottom);
    ctx.lineTo(x, bottom - (major ? 9 : 5));
    if (major) ticks.push({ x, label: formatRulerTime(seconds, decimals) });
  }
  ctx.stroke();

  ctx.fillStyle = style.text;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  for (const { x, label } of ticks) ctx.fillText(label, x + 3, 2);

  if (currentFrame >= view.start && currentFrame <= view.start + view.span) {
    const x = Math.round(toX(currentFrame)) + 0.5;
    ctx.fillStyle = style.playhead;
    ctx.beginPath();
    ctx.moveTo(x - 5, RULER_ROW - 7);
    ctx.lineTo(x + 5, RULER_ROW - 7);
    ctx.lineTo(x, RULER_ROW);
    ctx.fill();
  }
  ctx.restore();
}
