/**
 * TF keeps activations NHWC and filters HWIO; ONNX Conv/Pool/Resize want NCHW activations and OIHW filters.
 * The converter keeps the whole graph NHWC (so Reshape, Pad, Concat, Mean keep TF's axes unchanged) and only
 * wraps the layout-sensitive ops in a Transpose pair; ONNX Runtime's optimiser cancels adjacent pairs.
 */
import type { TensorValue } from './weights';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** [H, W, I, O] -> [O, I, H, W]. */
export function hwioToOihw(filter: TensorValue): TensorValue {
  const [h, w, i, o] = dims4(filter, 'conv filter');
  const src = asFloat(filter);
  const dst = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let k = 0; k < o; k++) dst[((k * i + c) * h + y) * w + x] = src[((y * w + x) * i + c) * o + k] ?? 0;
  return { dtype: 'float32', shape: [o, i, h, w], data: dst };
}

/**
 * Depthwise [H, W, C, M] -> [C*M, 1, H, W] for a Conv with group = C. TF numbers the outputs c*M + m, which is
 * exactly how a grouped Conv lays out its M outputs per group.
 */
export function depthwiseToOihw(filter: TensorValue): TensorValue {
  const [h, w, c, m] = dims4(filter, 'depthwise filter');
  const src = asFloat(filter);
  const dst = new Float32Array(src.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) dst[((ch * m + k) * h + y) * w + x] = src[((y * w + x) * c + ch) * m + k] ?? 0;
  return { dtype: 'float32', shape: [c * m, 1, h, w], data: dst };
}

function dims4(t: TensorValue, what: string): [number, number, number, number] {
  const [a, b, c, d] = t.shape;
  if (t.shape.length !== 4 || a === undefined || b === undefined || c === undefined || d === undefined) {
    throw new Error(`${what} must be rank 4, got [${t.shape.join(', ')}]`);
  }
  return [a, b, c, d];
}

function asFloat(t: TensorValue): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error(`filter must be float32, got ${t.dtype}`);
  return t.data;
}
