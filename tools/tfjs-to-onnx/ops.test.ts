/**
 * Every entry of the op table, checked against the TFJS reference runtime on a one- or two-node graph built in
 * memory (tiny tensors: the whole file runs in about a second).
 */
import * as ort from '../../src-main/core/inference/onnxRuntime';
import { describe, expect, it } from 'vitest';
import { convertTfjsModel, resolveNode, UnsupportedOpError, type ConvertOptions } from './convert';
import { OP_TABLE } from './ops';
import { parseTfjsModel, type ModelJson, type TfAttr, type TfNodeJson } from './tfjs-graph';
import { loadReference, maxAbs, maxAbsDiff, runReference, seededUniform } from './testing';
import type { WeightSpec } from './weights';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const A = {
  ints: (v: number[]): TfAttr => ({ list: { i: v.map(String) } }),
  strs: (v: string[]): TfAttr => ({ list: { s: v.map(b64) } }),
  str: (v: string): TfAttr => ({ s: b64(v) }),
  int: (v: number): TfAttr => ({ i: String(v) }),
  float: (v: number): TfAttr => ({ f: v }),
  bool: (v: boolean): TfAttr => ({ b: v }),
  type: (v: string): TfAttr => ({ type: v }),
};

interface Const {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: number[];
}

interface Case {
  title: string;
  inputShape: number[];
  /** Input value range (positive for Log, Sqrt, ...). */
  range?: [number, number];
  consts?: Record<string, Const>;
  /** The graph; the node named `y` is the output. The input is `x`. */
  nodes: TfNodeJson[];
  tolerance?: number;
}

const f32 = (shape: number[], seed: number): Const => ({ dtype: 'float32', shape, values: Array.from(seededUniform(seed, shape.reduce((a, b) => a * b, 1), -1, 1)) });
const i32 = (values: number[], shape = [values.length]): Const => ({ dtype: 'int32', shape, values });

/** A TFJS graph model in memory: Placeholder `x`, the constants, then the case's nodes. */
function graph(c: Case): { json: ModelJson; weights: Uint8Array } {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const constNodes: TfNodeJson[] = Object.entries(c.consts ?? {}).map(([name, k]) => {
    specs.push({ name, shape: k.shape, dtype: k.dtype });
    const data = k.dtype === 'float32' ? Float32Array.from(k.values) : Int32Array.from(k.values);
    chunks.push(new Uint8Array(data.buffer));
    const dtype = k.dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    return { name, op: 'Const', attr: { dtype: A.type(dtype), value: { tensor: { dtype, tensorShape: { dim: k.shape.map((size) => ({ size: String(size) })) } } } } };
  });
  const placeholder: TfNodeJson = {
    name: 'x',
    op: 'Placeholder',
    attr: { dtype: A.type('DT_FLOAT'), shape: { shape: { dim: c.inputShape.map((size) => ({ size: String(size) })) } } },
  };
  const json: ModelJson = {
    format: 'graph-model',
    modelTopology: { node: [placeholder, ...constNodes, ...c.nodes], versions: {} },
    weightsManifest: [{ paths: [], weights: specs }],
  };
  return { json, weights: Buffer.concat(chunks) };
}

async function runOnnx(bytes: Uint8Array, input: Float32Array, shape: number[]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run({ x: new ort.Tensor('float32', input, shape) });
  } finally {
    await session.release();
  }
}

async function checkParity(c: Case, options: ConvertOptions = { outputs: [{ node: 'y' }] }): Promise<void> {
  const { json, weights } = graph(c);
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const [lo, hi] = c.range ?? [-2, 2];
  const input = seededUniform(size, size, lo, hi);
  const [want] = await runReference(await loadReference(json, weights), input, c.inputShape, ['y']);
  const result = await convertTfjsModel(parseTfjsModel(json, weights), options);
  const got = (await runOnnx(result.bytes, input, c.inputShape)).y;
  expect(got?.dims.reduce((a, b) => a * b, 1)).toBe(want?.length);
  const expected = Array.from(want ?? []);
  const actual = Array.from(got?.data as ArrayLike<number>);
  expect(maxAbsDiff(actual, expected)).toBeLessThanOrEqual((c.tolerance ?? 2e-6) * Math.max(1, maxAbs(expected)));
}

const node = (op: string, inputs: string[], attr: Record<string, TfAttr> = {}, name = 'y'): TfNodeJson => ({ name, op, input: inputs, attr });
const NHWC = { data_format: A.str('NHWC') };
const conv = (padding: string, strides = [1, 1, 1, 1], dilations = [1, 1, 1, 1]): Record<string, TfAttr> => ({
  ...NHWC,
  padding: A.str(padding),
  strides: A.ints(strides),
  dilations: A.ints(dilations),
});
const fused = (ops: string[], numArgs: number): Record<string, TfAttr> => ({ fused_ops: A.strs(ops), num_args: A.int(numArgs), epsilon: A.float(0) });

const IMG = [1, 7, 6, 4];
const unaryOps: [string, [number, number]?][] = [
  ['Identity'], ['Relu'], ['Relu6', [-3, 9]], ['Elu'], ['Selu'], ['Sigmoid'], ['Tanh'], ['Softplus'], ['Exp'], ['Log', [0.1, 3]], ['Sqrt', [0.1, 3]],
  ['Rsqrt', [0.1, 3]], ['Square'], ['Neg'], ['Abs'], ['Reciprocal', [0.5, 3]], ['Floor'], ['Ceil'], ['Sign'], ['Softmax'], ['LogSoftmax'],
];
const binaryOps = ['Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'Maximum', 'Minimum', 'SquaredDifference', 'Prelu'];

const cases: Case[] = [
  ...unaryOps.map(([op, range]): Case => ({ title: op, inputShape: [2, 3, 5], range, nodes: [node(op, ['x'])] })),
  { title: 'LeakyRelu', inputShape: [2, 5], nodes: [node('LeakyRelu', ['x'], { alpha: A.float(0.3) })] },
  ...binaryOps.map((op): Case => ({ title: `${op} (broadcast over the last axis)`, inputShape: [2, 3, 4], consts: { c: { ...f32([4], 3), values: [0.5, -0.75, 1.5, 2] } }, nodes: [node(op, ['x', 'c'])] })),
  { title: 'Pow', inputShape: [3, 4], range: [0.2, 2], consts: { c: f32([4], 4) }, nodes: [node('Pow', ['x', 'c'])] },
  { title: 'BiasAdd', inputShape: IMG, consts: { b: f32([4], 5) }, nodes: [node('BiasAdd', ['x', 'b'], NHWC)] },
  { title: 'AddN', inputShape: [2, 3], consts: { a: f32([2, 3], 6), b: f32([2, 3], 7) }, nodes: [node('AddN', ['x', 'a', 'b'])] },
  { title: 'Cast to int32', inputShape: [2, 3], range: [-5, 5], nodes: [node('Cast', ['x'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_INT32') })] },
  // Convolutions: SAME with stride 2 pads more at the end than at the start, as TF does.
  { title: 'Conv2D SAME stride 2', inputShape: IMG, consts: { w: f32([3, 3, 4, 5], 8) }, nodes: [node('Conv2D', ['x', 'w'], conv('SAME', [1, 2, 2, 1]))] },
  { title: 'Conv2D VALID dilated', inputShape: IMG, consts: { w: f32([2, 2, 4, 3], 9) }, nodes: [node('Conv2D', ['x', 'w'], conv('VALID', [1, 1, 1, 1], [1, 2, 2, 1]))] },
  {
    title: 'Conv2D EXPLICIT padding',
    inputShape: IMG,
    consts: { w: f32([3, 3, 4, 2], 10) },
    nodes: [node('Conv2D', ['x', 'w'], { ...conv('EXPLICIT'), explicit_paddings: A.ints([0, 0, 1, 2, 0, 1, 0, 0]) })],
  },
  ...['Relu', 'Relu6', 'Elu', 'Sigmoid'].map(
    (act): Case => ({
      title: `_FusedConv2D BiasAdd + ${act}`,
      inputShape: IMG,
      consts: { w: f32([3, 3, 4, 5], 11), b: f32([5], 12) },
      nodes: [node('_FusedConv2D', ['x', 'w', 'b'], { ...conv('SAME', [1, 2, 2, 1]), ...fused(['BiasAdd', act], 1) })],
    }),
  ),
  {
    title: '_FusedConv2D BiasAdd + LeakyRelu',
    inputShape: IMG,
    consts: { w: f32([1, 1, 4, 5], 13), b: f32([5], 14) },
    nodes: [node('_FusedConv2D', ['x', 'w', 'b'], { ...conv('VALID'), ...fused(['BiasAdd', 'LeakyRelu'], 1), leakyrelu_alpha: A.float(0.1) })],
  },
  {
    title: '_FusedConv2D BiasAdd + Prelu',
    inputShape: IMG,
    consts: { w: f32([3, 3, 4, 5], 15), b: f32([5], 16), alpha: f32([1, 1, 5], 17) },
    nodes: [node('_FusedConv2D', ['x', 'w', 'b', 'alpha'], { ...conv('SAME'), ...fused(['BiasAdd', 'Prelu'], 2) })],
  },
  { title: 'DepthwiseConv2dNative multiplier 2, SAME stride 2', inputShape: IMG, consts: { w: f32([3, 3, 4, 2], 18) }, nodes: [node('DepthwiseConv2dNative', ['x', 'w'], conv('SAME', [1, 2, 2, 1]))] },
  { title: 'DepthwiseConv2d VALID', inputShape: IMG, consts: { w: f32([2, 2, 4, 1], 19) }, nodes: [node('DepthwiseConv2d', ['x', 'w'], conv('VALID'))] },
  {
    title: 'FusedDepthwiseConv2dNative BiasAdd + Relu6',
    inputShape: IMG,
    consts: { w: f32([3, 3, 4, 1], 20), b: f32([4], 21) },
    nodes: [node('FusedDepthwiseConv2dNative', ['x', 'w', 'b'], { ...conv('SAME'), ...fused(['BiasAdd', 'Relu6'], 1) })],
  },
  { title: 'MaxPool SAME 3x3 stride 2', inputShape: IMG, nodes: [node('MaxPool', ['x'], { ...NHWC, ksize: A.ints([1, 3, 3, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.str('SAME') })] },
  { title: 'AvgPool SAME 3x3 stride 2 (padding not counted)', inputShape: IMG, nodes: [node('AvgPool', ['x'], { ...NHWC, ksize: A.ints([1, 3, 3, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.str('SAME') })] },
  { title: 'AvgPool VALID 2x2', inputShape: IMG, nodes: [node('AvgPool', ['x'], { ...NHWC, ksize: A.ints([1, 2, 2, 1]), strides: A.ints([1, 2, 2, 1]), padding: A.str('VALID') })] },
  ...(['ResizeBilinear', 'ResizeNearestNeighbor'] as const).flatMap((op) =>
    [
      ['default', {}],
      ['align_corners', { align_corners: A.bool(true) }],
      ['half_pixel_centers', { half_pixel_centers: A.bool(true) }],
    ].map(
      ([mode, attrs]): Case => ({
        title: `${op} ${String(mode)} (up and down)`,
        inputShape: IMG,
        consts: { size: i32([11, 4]) },
        nodes: [node(op, ['x', 'size'], attrs as Record<string, TfAttr>)],
        tolerance: 1e-5,
      }),
    ),
  ),
  { title: 'MatMul -> Gemm', inputShape: [3, 4], consts: { w: f32([4, 5], 22) }, nodes: [node('MatMul', ['x', 'w'], { transpose_a: A.bool(false), transpose_b: A.bool(false) })] },
  { title: 'MatMul transpose_b', inputShape: [3, 4], consts: { w: f32([5, 4], 23) }, nodes: [node('MatMul', ['x', 'w'], { transpose_b: A.bool(true) })] },
  {
    title: '_FusedMatMul BiasAdd + Relu',
    inputShape: [3, 4],
    consts: { w: f32([4, 5], 24), b: f32([5], 25) },
    nodes: [node('_FusedMatMul', ['x', 'w', 'b'], { ...fused(['BiasAdd', 'Relu'], 1), transpose_a: A.bool(false), transpose_b: A.bool(false) })],
  },
  ...['Mean', 'Sum', 'Max', 'Min', 'Prod'].flatMap((op) =>
    [true, false].map((keep): Case => ({ title: `${op} over H, W (keep_dims ${keep})`, inputShape: IMG, range: [0.5, 1.2], consts: { axes: i32([1, 2]) }, nodes: [node(op, ['x', 'axes'], { keep_dims: A.bool(keep) })] })),
  ),
  { title: 'Reshape', inputShape: IMG, consts: { s: i32([-1, 24]) }, nodes: [node('Reshape', ['x', 's'])] },
  { title: 'Squeeze', inputShape: [1, 3, 1, 2], nodes: [node('Squeeze', ['x'], { squeeze_dims: A.ints([2]) })] },
  { title: 'ExpandDims', inputShape: [3, 2], consts: { a: i32([-1], []) }, nodes: [node('ExpandDims', ['x', 'a'])] },
  { title: 'Transpose', inputShape: [2, 3, 4], consts: { p: i32([2, 0, 1]) }, nodes: [node('Transpose', ['x', 'p'])] },
  { title: 'ConcatV2', inputShape: [2, 3], consts: { c: f32([2, 2], 26), axis: i32([1], []) }, nodes: [node('ConcatV2', ['x', 'c', 'axis'], { N: A.int(2) })] },
  { title: 'Pack', inputShape: [2, 3], consts: { c: f32([2, 3], 27) }, nodes: [node('Pack', ['x', 'c'], { axis: A.int(1), N: A.int(2) })] },
  { title: 'Pad (channels, as BlazeFace does)', inputShape: IMG, consts: { p: i32([0, 0, 1, 0, 0, 2, 0, 3], [4, 2]) }, nodes: [node('Pad', ['x', 'p'])] },
  { title: 'PadV2', inputShape: [2, 3], consts: { p: i32([1, 0, 0, 2], [2, 2]), v: { dtype: 'float32', shape: [], values: [0.5] } }, nodes: [node('PadV2', ['x', 'p', 'v'])] },
  { title: 'MirrorPad REFLECT', inputShape: [3, 4], consts: { p: i32([1, 1, 2, 0], [2, 2]) }, nodes: [node('MirrorPad', ['x', 'p'], { mode: A.str('REFLECT') })] },
  { title: 'Slice', inputShape: [3, 5, 2], consts: { b: i32([1, 1, 0]), s: i32([2, -1, 1]) }, nodes: [node('Slice', ['x', 'b', 's'])] },
  {
    title: 'StridedSlice with begin/end masks and shrink',
    inputShape: [4, 6, 3],
    consts: { b: i32([1, 1, 1]), e: i32([3, 0, 0]), s: i32([1, 1, 1]) },
    nodes: [node('StridedSlice', ['x', 'b', 'e', 's'], { begin_mask: A.int(1), end_mask: A.int(2), shrink_axis_mask: A.int(4), ellipsis_mask: A.int(0), new_axis_mask: A.int(0) })],
  },
  {
    title: 'StridedSlice with a negative stride',
    inputShape: [4, 6, 3],
    consts: { b: i32([3, 5, 0]), e: i32([0, 0, 2]), s: i32([-1, -2, 1]) },
    nodes: [node('StridedSlice', ['x', 'b', 'e', 's'], { begin_mask: A.int(0), end_mask: A.int(2), shrink_axis_mask: A.int(0), ellipsis_mask: A.int(0), new_axis_mask: A.int(0) })],
  },
  { title: 'Tile', inputShape: [2, 3], consts: { m: i32([2, 1]) }, nodes: [node('Tile', ['x', 'm'])] },
];

describe('op table parity with TFJS', () => {
  it.each(cases.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    await checkParity(c);
  });

  it('covers every op in the table', () => {
    const tested = new Set(cases.flatMap((c) => c.nodes.map((n) => n.op)));
    expect(Object.keys(OP_TABLE).filter((op) => !tested.has(op))).toEqual([]);
  });
});

describe('converter options', () => {
  const c: Case = {
    title: 'fixed batch, inner node, embedding',
    inputShape: [1, 4, 4, 2],
    consts: { s: i32([1, 32]) },
    nodes: [node('Relu', ['x'], {}, 'block/act'), node('Reshape', ['block/act', 's'], {}, 'y')],
  };

  it('makes a TF-fixed batch dynamic, exposes an inner node, and appends a global-average-pool embedding', async () => {
    const { json, weights } = graph(c);
    const result = await convertTfjsModel(parseTfjsModel(json, weights), {
      dynamicBatch: true,
      inputNames: { x: 'image' },
      outputs: [{ node: 'y', name: 'flat' }],
      extraOutputs: [{ node: 'act', name: 'features' }],
      embedding: { node: 'block/act' },
    });
    expect(result.inputs).toEqual([{ name: 'image', dtype: 'float32', shape: ['N', 4, 4, 2] }]);
    expect(result.outputs).toEqual([
      { name: 'flat', dtype: 'float32', shape: ['N', 32] },
      { name: 'features', dtype: 'float32', shape: ['N', 4, 4, 2] },
      { name: 'embedding', dtype: 'float32', shape: ['N', 2] },
    ]);
    const input = seededUniform(1, 3 * 32, -1, 1);
    const session = await ort.InferenceSession.create(result.bytes);
    const out = await session.run({ image: new ort.Tensor('float32', input, [3, 4, 4, 2]) });
    await session.release();
    expect(out.flat?.dims).toEqual([3, 32]);
    const relu = input.map((v) => Math.max(0, v));
    expect(maxAbsDiff(out.flat?.data as Float32Array, relu)).toBe(0);
    const mean = [0, 1].map((ch) => relu.slice(32, 64).filter((_, i) => i % 2 === ch).reduce((a, b) => a + b, 0) / 16);
    expect(maxAbsDiff((out.embedding?.data as Float32Array).subarray(2, 4), mean)).toBeLessThan(1e-6);
  });

  it('keeps the fixed batch and says so when dynamic batch is not asked for', async () => {
    const { json, weights } = graph(c);
    const result = await convertTfjsModel(parseTfjsModel(json, weights), { outputs: [{ node: 'y' }] });
    expect(result.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: [1, 32] }]);
  });

  it('converts byte-for-byte the same twice', async () => {
    const { json, weights } = graph(c);
    const once = await convertTfjsModel(parseTfjsModel(json, weights), { dynamicBatch: true });
    const twice = await convertTfjsModel(parseTfjsModel(json, weights), { dynamicBatch: true });
    expect(Buffer.compare(once.bytes, twice.bytes)).toBe(0);
  });

  it('names nodes by a unique suffix and refuses missing or ambiguous ones', () => {
    const { json, weights } = graph({ ...c, nodes: [...c.nodes, node('Relu', ['x'], {}, 'other/act')] });
    const model = parseTfjsModel(json, weights);
    expect(resolveNode(model, 'block/act').name).toBe('block/act');
    expect(() => resolveNode(model, 'act')).toThrow(/ambiguous: block\/act, other\/act/);
    expect(() => resolveNode(model, 'nope')).toThrow(/no node named 'nope'/);
  });
});

describe('StridedSlice shrinking one axis while striding another', () => {
  it('selects x[:, 1::2, -1] as TF does (the TFJS 4.22 cpu kernel returns other elements for this combination)', async () => {
    const { json, weights } = graph({
      title: 'x[:, 1::2, -1]',
      inputShape: [2, 6, 3],
      consts: { b: i32([0, 1, -1]), e: i32([0, 0, 0]), s: i32([1, 2, 1]) },
      nodes: [node('StridedSlice', ['x', 'b', 'e', 's'], { begin_mask: A.int(1), end_mask: A.int(3), shrink_axis_mask: A.int(4) })],
    });
    const input = Float32Array.from({ length: 36 }, (_, i) => i);
    const result = await convertTfjsModel(parseTfjsModel(json, weights), { outputs: [{ node: 'y' }] });
    const out = (await runOnnx(result.bytes, input, [2, 6, 3])).y;
    expect(out?.dims).toEqual([2, 3]);
    // x[n, c, 2] = 18n + 3c + 2 for c = 1, 3, 5.
    expect(Array.from(out?.data as Float32Array)).toEqual([5, 11, 17, 23, 29, 35]);
  });
});

describe('unsupported ops', () => {
  it('are refused with every offending op and a node that uses it named', async () => {
    const { json, weights } = graph({
      title: 'unsupported',
      inputShape: [2, 3],
      consts: { c: f32([2, 3], 1) },
      nodes: [node('Atan2', ['x', 'c'], {}, 'geometry/angle'), node('Erf', ['geometry/angle'], {}, 'y')],
    });
    const attempt = convertTfjsModel(parseTfjsModel(json, weights), { outputs: [{ node: 'y' }] });
    await expect(attempt).rejects.toThrow(UnsupportedOpError);
    await expect(attempt).rejects.toThrow("unsupported TF ops: Atan2 (e.g. node 'geometry/angle'), Erf (e.g. node 'y')");
  });

  it('include fused activations and padding modes ONNX cannot express', async () => {
    const symmetric = graph({ title: 'mirror', inputShape: [3, 4], consts: { p: i32([1, 1, 0, 0], [2, 2]) }, nodes: [node('MirrorPad', ['x', 'p'], { mode: A.str('SYMMETRIC') })] });
    await expect(convertTfjsModel(parseTfjsModel(symmetric.json, symmetric.weights))).rejects.toThrow("MirrorPad 'y': MirrorPad mode SYMMETRIC");
    const batchNorm = graph({
      title: 'fused bn',
      inputShape: IMG,
      consts: { w: f32([1, 1, 4, 2], 2), b: f32([2], 3) },
      nodes: [node('_FusedConv2D', ['x', 'w', 'b'], { ...conv('VALID'), ...fused(['FusedBatchNorm'], 1) })],
    });
    await expect(convertTfjsModel(parseTfjsModel(batchNorm.json, batchNorm.weights))).rejects.toThrow(/fused ops \[fusedbatchnorm\]/);
  });
});
