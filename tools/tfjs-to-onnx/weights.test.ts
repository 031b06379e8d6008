import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { depthwiseToOihw, hwioToOihw } from './layout';
import { decodeWeights, float16ToFloat32, type WeightSpec } from './weights';

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The reference: tfjs-core's own decoder, the one the TFJS runtime uses to load these models. */
function tfjsDecode(bytes: Uint8Array, specs: WeightSpec[]): Record<string, Float32Array | Int32Array> {
  const copy = Uint8Array.from(bytes);
  const tensors = tf.io.decodeWeights(copy.buffer, specs as tf.io.WeightsManifestEntry[]);
  return Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t.dataSync() as Float32Array | Int32Array]));
}

describe('float16 -> float32', () => {
  it('decodes the special values exactly', () => {
    const halves = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8000, 0x7c00, 0xfc00, 0x3555]);
    const got = Array.from(float16ToFloat32(halves));
    expect(got.slice(0, 6)).toEqual([1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14]);
    expect(Object.is(got[6], -0)).toBe(true);
    expect(got.slice(7, 9)).toEqual([Infinity, -Infinity]);
    expect(got[9]).toBeCloseTo(1 / 3, 3);
    expect(float16ToFloat32(Uint16Array.from([0x7e00]))[0]).toBeNaN();
  });

  it('agrees with tfjs-core on every one of the 65,536 half values', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const spec: WeightSpec = { name: 'w', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } };
    const want = tfjsDecode(bytesOf(all), [spec]).w ?? new Float32Array();
    const got = decodeWeights([spec], bytesOf(all)).get('w')?.data ?? new Float32Array();
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) mismatches++;
    expect(mismatches).toBe(0);
  });
});

describe('decodeWeights', () => {
  const q8 = Uint8Array.from([0, 1, 17, 128, 255]);
  const q16 = Uint16Array.from([0, 1, 300, 40000, 65535]);
  const plain = Float32Array.from([0.5, -1.25, 3e-8]);
  const ints = Int32Array.from([1, -2, 7]);
  const specs: WeightSpec[] = [
    { name: 'u8', shape: [5], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.0123, min: -1.5 } },
    { name: 'u16', shape: [5], dtype: 'float32', quantization: { dtype: 'uint16', scale: 3.1e-5, min: -0.7 } },
    { name: 'i8', shape: [5], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: -3 } },
    { name: 'f32', shape: [3], dtype: 'float32' },
    { name: 'i32', shape: [1, 3], dtype: 'int32' },
  ];
  const shard = Buffer.concat([bytesOf(q8), bytesOf(q16), bytesOf(q8), bytesOf(plain), bytesOf(ints)]);

  it('de-quantises uint8/uint16 (q * scale + min) and reads plain float32/int32 like tfjs-core', () => {
    const got = decodeWeights(specs, shard);
    const want = tfjsDecode(shard, specs);
    for (const spec of specs) expect(Array.from(got.get(spec.name)?.data ?? []), spec.name).toEqual(Array.from(want[spec.name] ?? []));
    expect(got.get('i32')).toMatchObject({ dtype: 'int32', shape: [1, 3] });
  });

  it('reads shards that are views at an unaligned offset of a larger buffer (as Node Buffers often are)', () => {
    const larger = new Uint8Array(shard.byteLength + 3).fill(9);
    larger.set(shard, 3);
    expect(Array.from(decodeWeights(specs, larger.subarray(3)).get('i32')?.data ?? [])).toEqual([1, -2, 7]);
  });

  it('refuses shards shorter or longer than the manifest, and quantisation without scale', () => {
    expect(() => decodeWeights(specs, shard.subarray(0, shard.byteLength - 1))).toThrow(/needs bytes/);
    expect(() => decodeWeights(specs, Buffer.concat([shard, Buffer.from([0])]))).toThrow(/describes .* bytes but the shards hold/);
    expect(() => decodeWeights([{ name: 'q', shape: [1], dtype: 'float32', quantization: { dtype: 'uint8' } }], Uint8Array.from([1]))).toThrow(/without scale and min/);
  });
});

describe('filter layouts', () => {
  it('permutes HWIO to OIHW', () => {
    // 1x2 kernel, 2 inputs, 3 outputs: value = 100h + 10w... encoded as w*100 + i*10 + o.
    const data = Float32Array.from({ length: 12 }, (_, k) => {
      const o = k % 3;
      const i = Math.floor(k / 3) % 2;
      const w = Math.floor(k / 6);
      return w * 100 + i * 10 + o;
    });
    const out = hwioToOihw({ dtype: 'float32', shape: [1, 2, 2, 3], data });
    expect(out.shape).toEqual([3, 2, 1, 2]);
    // out[o][i][0][w]
    expect(Array.from(out.data)).toEqual([0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
  });

  it('turns a depthwise [H, W, C, M] filter into [C*M, 1, H, W] with output channel c*M + m', () => {
    // 1x1 kernel, C = 2, M = 3: value = 10c + m.
    const data = Float32Array.from([0, 1, 2, 10, 11, 12]);
    const out = depthwiseToOihw({ dtype: 'float32', shape: [1, 1, 2, 3], data });
    expect(out.shape).toEqual([6, 1, 1, 1]);
    expect(Array.from(out.data)).toEqual([0, 1, 2, 10, 11, 12]);
    const wide = depthwiseToOihw({ dtype: 'float32', shape: [1, 2, 1, 2], data: Float32Array.from([0, 1, 10, 11]) });
    expect(Array.from(wide.data)).toEqual([0, 10, 1, 11]);
  });
});
