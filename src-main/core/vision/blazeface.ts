/**
 * Decoding of BlazeFace (back/256) raw outputs into scored face boxes with 6 keypoints, as its model card
 * describes: 896 SSD anchors (stride 16: 16x16 cells x 2, stride 32: 8x8 cells x 6), offsets in 256-px units,
 * sigmoid scores, then weighted non-maximum suppression (MediaPipe's blending, which steadies boxes from frame
 * to frame better than keeping only the top box).
 */

export const DETECTOR_SIZE = 256;

export interface Point {
  x: number;
  y: number;
}

/** In [0, 1] units of the detector's square input. */
export interface Detection {
  score: number;
  /** Centre and size. */
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion (the subject's right/left). */
  keypoints: Point[];
}

export interface DetectorOutputs {
  logits16: Float32Array;
  regressors16: Float32Array;
  logits32: Float32Array;
  regressors32: Float32Array;
}

function makeAnchors(grid: number, perCell: number): Float32Array {
  const anchors = new Float32Array(grid * grid * perCell * 2);
  let k = 0;
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      for (let a = 0; a < perCell; a++) {
        anchors[k++] = (col + 0.5) / grid;
        anchors[k++] = (row + 0.5) / grid;
      }
    }
  }
  return anchors;
}

/** Anchor centres (x, y pairs) of the stride-16 and stride-32 outputs, in output order. */
export const ANCHORS16 = makeAnchors(16, 2);
export const ANCHORS32 = makeAnchors(8, 6);

/** MediaPipe clips logits before the sigmoid so that a wild value cannot overflow. */
const LOGIT_CLIP = 100;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, x))));

export interface DecodeOptions {
  minScore: number;
  iouThreshold: number;
}

export const DEFAULT_DECODE: DecodeOptions = { minScore: 0.5, iouThreshold: 0.3 };

export function decodeDetections(out: DetectorOutputs, options: DecodeOptions = DEFAULT_DECODE): Detection[] {
  const candidates: Detection[] = [];
  const collect = (logits: Float32Array, regressors: Float32Array, anchors: Float32Array) => {
    const minLogit = Math.log(options.minScore / (1 - options.minScore));
    for (let i = 0; i < logits.length; i++) {
      const logit = logits[i] as number;
      if (logit < minLogit) continue;
      const r = regressors.subarray(i * 16, i * 16 + 16);
      const ax = anchors[2 * i] as number;
      const ay = anchors[2 * i + 1] as number;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) keypoints.push({ x: ax + (r[4 + 2 * k] as number) / DETECTOR_SIZE, y: ay + (r[5 + 2 * k] as number) / DETECTOR_SIZE });
      candidates.push({
        score: sigmoid(logit),
        cx: ax + (r[0] as number) / DETECTOR_SIZE,
        cy: ay + (r[1] as number) / DETECTOR_SIZE,
        w: (r[2] as number) / DETECTOR_SIZE,
        h: (r[3] as number) / DETECTOR_SIZE,
        keypoints,
      });
    }
  };
  collect(out.logits16, out.regressors16, ANCHORS16);
  collect(out.logits32, out.regressors32, ANCHORS32);
  return weightedNms(candidates, options.iouThreshold);
}

export function iou(a: { cx: number; cy: number; w: number; h: number }, b: { cx: number; cy: number; w: number; h: number }): number {
  const ix = Math.max(0, Math.min(a.cx + a.w / 2, b.cx + b.w / 2) - Math.max(a.cx - a.w / 2, b.cx - b.w / 2));
  const iy = Math.max(0, Math.min(a.cy + a.h / 2, b.cy + b.h / 2) - Math.max(a.cy - a.h / 2, b.cy - b.h / 2));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Groups each highest-scoring remaining box with every box overlapping it by more than the threshold and
 * replaces the group by its score-weighted mean (score of the best member). Sorted by score, best first.
 */
export function weightedNms(candidates: readonly Detection[], iouThreshold: number): Detection[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length > 0) {
    const top = remaining[0] as Detection;
    const group: Detection[] = [];
    const rest: Detection[] = [];
    for (const d of remaining) (iou(top, d) > iouThreshold || d === top ? group : rest).push(d);
    const total = group.reduce((sum, d) => sum + d.score, 0);
    const mean = (get: (d: Detection) => number) => group.reduce((sum, d) => sum + get(d) * d.score, 0) / total;
    kept.push({
      score: top.score,
      cx: mean((d) => d.cx),
      cy: mean((d) => d.cy),
      w: mean((d) => d.w),
      h: mean((d) => d.h),
      keypoints: top.keypoints.map((_, k) => ({ x: mean((d) => (d.keypoints[k] as Point).x), y: mean((d) => (d.keypoints[k] as Point).y) })),
    });
    remaining.splice(0, remaining.length, ...rest);
  }
  return kept;
}
