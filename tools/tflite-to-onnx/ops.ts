/**
 * The op table: one converter per TFLite builtin op that MediaPipe's Face Landmarker V2 models use (the landmark
 * model and the blendshape MLP-Mixer), each emitting opset-13 ONNX nodes. Spatial ops work in NCHW and leave
 * their result there; ops that need TFLite's axes read NHWC (convert.ts explains the layout tracking). Anything
 * else is refused by name.
 */
import { INT64_MAX } from '../tfjs-to-onnx/onnx-graph';
import { NCHW_TO_NHWC, type Layout, type Translation } from './convert';
import { activationOption, concatOptions, convOptions, keepDims, poolOptions, stridedSliceOptions, type Activation, type TfliteOperator } from './tflite-model';

export type OpConverter = (t: Translation, op: TfliteOperator) => void;

function arg(op: TfliteOperator, i: number): number {
  const index = op.inputs[i];
  if (index === undefined || index < 0) throw new Error(`${op.op}: input ${i} is missing`);
  return index;
}

function result(op: TfliteOperator): number {
  const [index, ...more] = op.outputs;
  if (index === undefined || more.length > 0) throw new Error(`${op.op}: expected one output, got ${op.outputs.length}`);
  return index;
}

function constInts(t: Translation, op: TfliteOperator, i: number, role: string): number[] {
  const value = t.constant(arg(op, i));
  if (!value || !(value.data instanceof Int32Array)) throw new Error(`${op.op} '${t.tensor(result(op)).name}': its ${role} must be an int32 constant`);
  return Array.from(value.data);
}

interface FloatTensor {
  dtype: 'float32';
  shape: number[];
  data: Float32Array;
}

function constFloats(t: Translation, op: TfliteOperator, i: number, role: string): FloatTensor {
  const value = t.constant(arg(op, i));
  if (!value || !(value.data instanceof Float32Array)) throw new Error(`${op.op} '${t.tensor(result(op)).name}': its ${role} must be a float constant`);
  return { dtype: 'float32', shape: value.shape, data: value.data };
}

/** Applies TFLite's fused activation to `x` (the two models fuse only RELU), writing the op's result. */
function finish(t: Translation, op: TfliteOperator, x: string, act: Activation, layout: Layout): void {
  if (act !== 'NONE' && act !== 'RELU') throw new Error(`${op.op}: fused activation ${act} is not supported`);
  t.define(result(op), act === 'RELU' ? t.g.op('Relu', [x]) : x, layout);
}

/** TFLite's SAME padding in one spatial axis: the total split with the odd pixel at the end. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function spatialPads(t: Translation, op: TfliteOperator, padding: 'SAME' | 'VALID', kernel: number[], stride: number[], dilation: number[]): number[] {
  if (padding === 'VALID') return [0, 0, 0, 0];
  const [, h = 0, w = 0] = t.tensor(arg(op, 0)).shape;
  const [top, bottom] = samePads(h, kernel[0] ?? 1, stride[0] ?? 1, dilation[0] ?? 1);
  const [left, right] = samePads(w, kernel[1] ?? 1, stride[1] ?? 1, dilation[1] ?? 1);
  return [top, left, bottom, right];
}

/** TFLite filters are [O, H, W, I] (depthwise: [1, H, W, C*M]); ONNX wants [O, I, H, W] ([C*M, 1, H, W]). */
function ohwiToOihw(filter: FloatTensor): FloatTensor {
  const [o = 0, h = 0, w = 0, i = 0] = filter.shape;
  const src = filter.data;
  const dst = new Float32Array(src.length);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let c = 0; c < i; c++) dst[((a * i + c) * h + y) * w + x] = src[((a * h + y) * w + x) * i + c] ?? 0;
  return { dtype: 'float32', shape: [o, i, h, w], data: dst };
}

function depthwiseToOihw(filter: FloatTensor): FloatTensor {
  const [, h = 0, w = 0, c = 0] = filter.shape;
  const src = filter.data;
  const dst = new Float32Array(src.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) dst[(k * h + y) * w + x] = src[(y * w + x) * c + k] ?? 0;
  return { dtype: 'float32', shape: [c, 1, h, w], data: dst };
}

function convolution(depthwise: boolean): OpConverter {
  return (t, op) => {
    const g = t.g;
    const filter = constFloats(t, op, 1, 'filter');
    const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? constFloats(t, op, 2, 'bias') : undefined;
    const o = convOptions(op);
    const [out = 0, kh = 1, kw = 1, inChannels = 0] = filter.shape;
    const x = arg(op, 0);

    // A 1x1 convolution over an NHWC tensor (the MLP-Mixer's dense layers) is a MatMul over its last axis: no
    // layout change at all.
    if (!depthwise && !t.naive && t.value(x).layout === 'nhwc' && kh === 1 && kw === 1 && o.stride.every((s) => s === 1)) {
      const weights = new Float32Array(inChannels * out);
      for (let a = 0; a < out; a++) for (let c = 0; c < inChannels; c++) weights[c * out + a] = filter.data[a * inChannels + c] ?? 0;
      let y = g.op('MatMul', [t.nhwc(x), g.float('weights', weights, [inChannels, out])]);
      if (bias) y = g.op('Add', [y, g.tensor('bias', bias)]);
      finish(t, op, y, o.activation, 'nhwc');
      return;
    }

    const channels = t.tensor(x).shape[3] ?? 0;
    const weights = depthwise ? depthwiseToOihw(filter) : ohwiToOihw(filter);
    if (depthwise && weights.shape[0] !== channels) throw new Error(`${op.op}: depth multiplier ${(weights.shape[0] ?? 0) / channels} is not supported`);
    const kernel = [weights.shape[2] ?? 1, weights.shape[3] ?? 1];
    const attrs = {
      kernel_shape: { ints: kernel },
      strides: { ints: o.stride },
      dilations: { ints: o.dilation },
      pads: { ints: spatialPads(t, op, o.padding, kernel, o.stride, o.dilation) },
      group: { i: depthwise ? channels : 1 },
    };
    const inputs = [t.nchw(x), g.tensor('weights', weights), ...(bias ? [g.tensor('bias', bias)] : [])];
    finish(t, op, g.op('Conv', inputs, attrs), o.activation, 'nchw');
  };
}

const maxPool: OpConverter = (t, op) => {
  const o = poolOptions(op);
  const attrs = { kernel_shape: { ints: o.kernel }, strides: { ints: o.stride }, pads: { ints: spatialPads(t, op, o.padding, o.kernel, o.stride, [1, 1]) } };
  finish(t, op, t.g.op('MaxPool', [t.nchw(arg(op, 0))], attrs), o.activation, 'nchw');
};

/** The layout an elementwise op runs in: NCHW when an activation input is there, so it stays there. */
function sharedLayout(t: Translation, op: TfliteOperator): Layout {
  const activations = op.inputs.filter((i) => i >= 0 && !t.isConstant(i));
  const nchw = activations.some((i) => t.value(i).layout === 'nchw');
  const all4d = op.inputs.every((i) => i < 0 || t.tensor(i).shape.length <= 4) && activations.every((i) => t.tensor(i).shape.length === 4);
  return nchw && all4d ? 'nchw' : 'nhwc';
}

function binary(opType: string, withActivation: boolean): OpConverter {
  return (t, op) => {
    const layout = sharedLayout(t, op);
    const y = t.g.op(opType, [t.operand(arg(op, 0), layout), t.operand(arg(op, 1), layout)]);
    finish(t, op, y, withActivation ? activationOption(op) : 'NONE', layout);
  };
}

function unary(build: (t: Translation, x: string) => string): OpConverter {
  return (t, op) => {
    const x = arg(op, 0);
    const layout = t.value(x).layout;
    t.define(result(op), build(t, t.operand(x, layout)), layout);
  };
}

const squaredDifference: OpConverter = (t, op) => {
  const layout = sharedLayout(t, op);
  const d = t.g.op('Sub', [t.operand(arg(op, 0), layout), t.operand(arg(op, 1), layout)]);
  t.define(result(op), t.g.op('Mul', [d, d]), layout);
};

/**
 * PReLU with a slope per channel, on an NCHW tensor, as a*x + (1-a)*relu(x): two 1x1 depthwise convolutions and a
 * Relu. ONNX Runtime's blocked-NCHW (NCHWc) kernels have no PRelu, so a PRelu node costs a reorder out of and back
 * into that layout around it, 69 times in the landmark model; convolutions, Relu and Add stay inside it.
 */
const prelu: OpConverter = (t, op) => {
  const g = t.g;
  const x = arg(op, 0);
  const layout = t.value(x).layout;
  const slope = constFloats(t, op, 1, 'slope');
  const channels = t.tensor(x).shape[3] ?? 0;
  if (layout !== 'nchw' || slope.data.length !== channels || slope.shape.some((d, i) => d !== 1 && i !== slope.shape.length - 1)) {
    t.define(result(op), g.op('PRelu', [t.operand(x, layout), t.operand(arg(op, 1), layout)]), layout);
    return;
  }
  const scale = (hint: string, values: Float32Array, input: string): string =>
    g.op('Conv', [input, g.float(hint, values, [channels, 1, 1, 1])], { kernel_shape: { ints: [1, 1] }, group: { i: channels } });
  const negative = scale('slope', slope.data, t.nchw(x));
  const positive = scale('one_minus_slope', slope.data.map((a) => 1 - a), g.op('Relu', [t.nchw(x)]));
  t.define(result(op), g.op('Add', [negative, positive]), 'nchw');
};

const pad: OpConverter = (t, op) => {
  const x = arg(op, 0);
  const layout = t.value(x).layout;
  const p = constInts(t, op, 1, 'paddings');
  const rank = p.length / 2;
  // paddings is [rank, 2] in TFLite's axis order; permute its rows when the tensor is held NCHW.
  const axes = layout === 'nchw' ? [0, 3, 1, 2] : Array.from({ length: rank }, (_, i) => i);
  const pads = [...axes.map((a) => p[2 * a] ?? 0), ...axes.map((a) => p[2 * a + 1] ?? 0)];
  const g = t.g;
  if (layout === 'nchw' && p.every((v, i) => v === 0 || i === 6 || i === 7)) {
    // Zero channels appended to a residual branch (MobileNet-style): a 1x1 convolution with 0/1 weights computes
    // the same values exactly (for finite inputs) and, unlike Pad, runs inside ONNX Runtime's NCHWc layout (see prelu).
    const [before = 0, after = 0] = [p[6], p[7]];
    const channels = t.tensor(x).shape[3] ?? 0;
    const out = before + channels + after;
    const weights = new Float32Array(out * channels);
    for (let c = 0; c < channels; c++) weights[(before + c) * channels + c] = 1;
    const y = g.op('Conv', [t.nchw(x), g.float('embed', weights, [out, channels, 1, 1])], { kernel_shape: { ints: [1, 1] } });
    t.define(result(op), y, 'nchw');
    return;
  }
  t.define(result(op), g.op('Pad', [t.operand(x, layout), g.int64('pads', pads)], { mode: { s: 'constant' } }), layout);
};

/** The output's static shape as a Reshape target, with the batch copied from the input when it is dynamic. */
const reshape: OpConverter = (t, op) => {
  const out = result(op);
  const dims = [...t.tensor(out).shape];
  if (t.dynamicBatch) {
    if (dims[0] !== 1) throw new Error(`RESHAPE to [${dims.join(', ')}] moves the batch axis, so the batch cannot be dynamic`);
    dims[0] = 0;
  }
  t.define(out, t.g.op('Reshape', [t.nhwc(arg(op, 0)), t.g.int64('shape', dims)]), 'nhwc');
};

const transpose: OpConverter = (t, op) => {
  const x = arg(op, 0);
  const perm = constInts(t, op, 1, 'perm');
  const v = t.value(x);
  // Transposing the NCHW form directly: NHWC axis a lives at NCHW axis NCHW_TO_NHWC[a].
  const composed = v.layout === 'nchw' ? perm.map((a) => NCHW_TO_NHWC[a] ?? a) : perm;
  t.define(result(op), t.g.op('Transpose', [v.name], { perm: { ints: composed } }), 'nhwc');
};

function reduce(opType: 'ReduceMean' | 'ReduceSum'): OpConverter {
  return (t, op) => {
    const g = t.g;
    const x = t.nhwc(arg(op, 0));
    const rank = t.tensor(arg(op, 0)).shape.length;
    const axes = constInts(t, op, 1, 'axes').map((a) => (a < 0 ? a + rank : a));
    const keepdims = { i: keepDims(op) ? 1 : 0 };
    // Opset 13 moved ReduceSum's axes to an input; ReduceMean keeps the attribute until opset 18.
    const y = opType === 'ReduceSum' ? g.op(opType, [x, g.int64('axes', axes)], { keepdims }) : g.op(opType, [x], { axes: { ints: axes }, keepdims });
    t.define(result(op), y, 'nhwc');
  };
}

const concatenation: OpConverter = (t, op) => {
  const g = t.g;
  const o = concatOptions(op);
  const rank = t.tensor(result(op)).shape.length;
  const layout = sharedLayout(t, op);
  const axis = o.axis < 0 ? o.axis + rank : o.axis;
  const onnxAxis = layout === 'nchw' ? ([0, 2, 3, 1][axis] ?? axis) : axis;
  const activation = op.inputs.find((i) => !t.isConstant(i));
  if (activation === undefined) throw new Error('CONCATENATION of constants only is not supported');
  const parts = op.inputs.map((i) => {
    const x = t.operand(i, layout);
    if (!t.isConstant(i) || !t.dynamicBatch || axis === 0) return x;
    // A constant (a learned token) has batch 1: repeat it to the run-time batch, which Concat requires.
    const like = t.operand(activation, layout);
    const batch = g.op('Slice', [g.op('Shape', [like]), g.int64('start', [0]), g.int64('end', [1])]);
    const shape = g.op('Concat', [batch, g.int64('rest', Array<number>(rank - 1).fill(1))], { axis: { i: 0 } });
    return g.op('Expand', [x, shape]);
  });
  finish(t, op, g.op('Concat', parts, { axis: { i: onnxAxis } }), o.activation, layout);
};

const stridedSlice: OpConverter = (t, op) => {
  const g = t.g;
  const o = stridedSliceOptions(op);
  if (o.ellipsis !== 0 || o.newAxis !== 0 || o.offset) throw new Error('STRIDED_SLICE with ellipsis, new-axis or offset masks is not supported');
  const x = arg(op, 0);
  const shape = t.tensor(x).shape;
  const begin = constInts(t, op, 1, 'begin');
  const end = constInts(t, op, 2, 'end');
  const strides = constInts(t, op, 3, 'strides');
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const shrink: number[] = [];
  begin.forEach((b0, i) => {
    const bit = 1 << i;
    const size = shape[i] ?? 0;
    const step = strides[i] ?? 1;
    if (step !== 1) throw new Error(`STRIDED_SLICE with stride ${step} is not supported`);
    const b = o.begin & bit ? 0 : b0 < 0 ? b0 + size : b0;
    let e = o.shrink & bit ? b + 1 : o.end & bit ? size : (end[i] ?? size);
    if (e < 0) e += size;
    if (o.shrink & bit) shrink.push(i);
    starts.push(BigInt(b));
    // A slice to the end of an axis stays "to the end", so it keeps the whole batch when the batch is dynamic.
    ends.push(e >= size && !(o.shrink & bit) ? INT64_MAX : BigInt(e));
  });
  const axes = begin.map((_, i) => i);
  let y = g.op('Slice', [t.nhwc(x), g.int64('starts', starts), g.int64('ends', ends), g.int64('axes', axes)]);
  if (shrink.length > 0) y = g.op('Squeeze', [y, g.int64('axes', shrink)]);
  t.define(result(op), y, 'nhwc');
};

/** float16 weights are widened when read (convert.ts), so their DEQUANTIZE is a constant, not a run-time op. */
const dequantize: OpConverter = (t, op) => {
  const value = t.constant(arg(op, 0));
  if (!value) throw new Error(`DEQUANTIZE of the activation '${t.tensor(arg(op, 0)).name}' is not supported (only of float16 weights)`);
  t.setConstant(result(op), value);
};

export const OP_TABLE: Readonly<Record<string, OpConverter>> = {
  DEQUANTIZE: dequantize,
  CONV_2D: convolution(false),
  DEPTHWISE_CONV_2D: convolution(true),
  MAX_POOL_2D: maxPool,
  ADD: binary('Add', true),
  SUB: binary('Sub', true),
  MUL: binary('Mul', true),
  DIV: binary('Div', true),
  SQUARED_DIFFERENCE: squaredDifference,
  PRELU: prelu,
  LOGISTIC: unary((t, x) => t.g.op('Sigmoid', [x])),
  NEG: unary((t, x) => t.g.op('Neg', [x])),
  SQRT: unary((t, x) => t.g.op('Sqrt', [x])),
  RSQRT: unary((t, x) => t.g.op('Reciprocal', [t.g.op('Sqrt', [x])])),
  PAD: pad,
  RESHAPE: reshape,
  TRANSPOSE: transpose,
  MEAN: reduce('ReduceMean'),
  SUM: reduce('ReduceSum'),
  CONCATENATION: concatenation,
  STRIDED_SLICE: stridedSlice,
};
