/**
 * De-quantises the weight shards of a TFJS graph model into plain typed arrays. ONNX Runtime gets fp32 weights
 * only: the saving of fp16/uint8 storage is not worth a Cast or DequantizeLinear per weight at run time, and the
 * maths must match what the TFJS reference runtime computes (it de-quantises the same way on load).
 */

export type TfjsDtype = 'float32' | 'int32' | 'bool';
export type QuantDtype = 'float16' | 'uint8' | 'uint16';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: TfjsDtype | 'string' | 'complex64';
  quantization?: { dtype: QuantDtype; scale?: number; min?: number; original_dtype?: string };
}

export interface TensorValue {
  dtype: TfjsDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const BYTES_PER_VALUE: Record<TfjsDtype | QuantDtype, number> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };

/** Decodes weights laid out back to back in `bytes` (the shards of one manifest, concatenated in order). */
export function decodeWeights(specs: readonly WeightSpec[], bytes: Uint8Array): Map<string, TensorValue> {
  const out = new Map<string, TensorValue>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype === 'string' || spec.dtype === 'complex64') {
      throw new Error(`weight '${spec.name}' has dtype ${spec.dtype}, which no supported op consumes`);
    }
    const count = sizeOf(spec.shape);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const byteLength = count * BYTES_PER_VALUE[stored];
    if (offset + byteLength > bytes.byteLength) {
      throw new Error(`weight '${spec.name}' needs bytes ${offset}..${offset + byteLength} but the shards hold ${bytes.byteLength}`);
    }
    // A copy (not Buffer#slice, which is a view into a shared pool) so the typed arrays start aligned at 0.
    const slice = Uint8Array.from(bytes.subarray(offset, offset + byteLength));
    out.set(spec.name, { dtype: spec.dtype, shape: [...spec.shape], data: decodeOne(spec, slice, count) });
    offset += byteLength;
  }
  if (offset !== bytes.byteLength) {
    throw new Error(`weight manifest describes ${offset} bytes but the shards hold ${bytes.byteLength}`);
  }
  return out;
}

function decodeOne(spec: WeightSpec, slice: Uint8Array, count: number): Float32Array | Int32Array | Uint8Array {
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype === 'float32') return new Float32Array(slice.buffer, 0, count);
    if (spec.dtype === 'int32') return new Int32Array(slice.buffer, 0, count);
    return new Uint8Array(slice.buffer, 0, count);
  }
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') throw new Error(`weight '${spec.name}': float16 quantisation of ${spec.dtype} is not defined`);
    return float16ToFloat32(new Uint16Array(slice.buffer, 0, count));
  }
  if (q.scale === undefined || q.min === undefined) {
    throw new Error(`weight '${spec.name}': ${q.dtype} quantisation without scale and min`);
  }
  const raw = q.dtype === 'uint8' ? new Uint8Array(slice.buffer, 0, count) : new Uint16Array(slice.buffer, 0, count);
  if (spec.dtype === 'float32') {
    const values = new Float32Array(count);
    // Same expression as tfjs-core's decodeWeight (double maths, then one rounding to fp32), so weights are bit-identical.
    for (let i = 0; i < count; i++) values[i] = (raw[i] ?? 0) * q.scale + q.min;
    return values;
  }
  if (spec.dtype === 'int32') {
    const values = new Int32Array(count);
    for (let i = 0; i < count; i++) values[i] = Math.round((raw[i] ?? 0) * q.scale + q.min);
    return values;
  }
  throw new Error(`weight '${spec.name}': ${q.dtype} quantisation of ${spec.dtype} is not defined`);
}

/** IEEE 754 half -> single. Exact for every half value (normals, subnormals, zeros, infinities, NaN). */
export function float16ToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i] ?? 0;
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) {
      bits[i] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      bits[i] = sign | ((exp + 112) << 23) | (mant << 13);
    } else if (mant === 0) {
      bits[i] = sign;
    } else {
      // Subnormal half: normalise the mantissa; every half subnormal is a normal single.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      bits[i] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  return out;
}
