/**
 * The op mapping table: one converter per TF op, each emitting ONNX opset-13 nodes that compute the TF output in
 * TF's own (NHWC) layout. Anything not in the table is refused by the converter with the op and node named.
 */
import { attrBool, attrFloat, attrInt, attrInts, attrString, attrStrings, attrType, type TfNode } from './tfjs-graph';
import { depthwiseToOihw, hwioToOihw, NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout';
import { ElemType, INT64_MAX, INT64_MIN, type Attr, type OnnxGraph } from './onnx-graph';
import type { TensorValue } from './weights';

export interface OpContext {
  node: TfNode;
  g: OnnxGraph;
  /** ONNX name of data input `i` (a constant becomes an initializer on first use). */
  input(i: number): string;
  /** The value of input `i` when it is a Const, else undefined. */
  constant(i: number): TensorValue | undefined;
  /** The ONNX name reserved for this node's (single) output. */
  output(): string;
  /**
   * Set when the graph input's batch was fixed in TF but is made dynamic in ONNX: Reshape targets that bake in
   * that batch size must copy the runtime batch instead.
   */
  fixedBatch: number | undefined;
}

export type OpConverter = (ctx: OpContext) => void;

function requireConst(ctx: OpContext, i: number, role: string): TensorValue {
  const value = ctx.constant(i);
  if (!value) throw new Error(`${ctx.node.op} '${ctx.node.name}': its ${role} (input ${i}) must be a constant`);
  return value;
}

function constInts(ctx: OpContext, i: number, role: string): number[] {
  const value = requireConst(ctx, i, role);
  if (!(value.data instanceof Int32Array)) throw new Error(`${ctx.node.op} '${ctx.node.name}': ${role} must be int32`);
  return Array.from(value.data);
}

function fail(ctx: OpContext, why: string): never {
  throw new Error(`${ctx.node.op} '${ctx.node.name}': ${why}`);
}

const unary =
  (opType: string, attrs: Record<string, Attr> = {}): OpConverter =>
  (ctx) => {
    ctx.g.op(opType, [ctx.input(0)], attrs, ctx.output());
  };

const binary =
  (opType: string): OpConverter =>
  (ctx) => {
    ctx.g.op(opType, [ctx.input(0), ctx.input(1)], {}, ctx.output());
  };

/** Applies a TF activation by name (lower case, as in `fused_ops`) to `x`; writes to `out` when given. */
function activation(ctx: OpContext, kind: string, x: string, out?: string, preluAlpha?: () => string): string {
  const g = ctx.g;
  switch (kind) {
    case 'relu':
      return g.op('Relu', [x], {}, out);
    case 'relu6':
      return g.op('Clip', [x, g.float('min', [0], []), g.float('max', [6], [])], {}, out);
    case 'elu':
      return g.op('Elu', [x], {}, out);
    case 'sigmoid':
      return g.op('Sigmoid', [x], {}, out);
    case 'leakyrelu':
      return g.op('LeakyRelu', [x], { alpha: { f: attrFloat(ctx.node, 'leakyrelu_alpha') ?? 0.2 } }, out);
    case 'prelu':
      if (!preluAlpha) return fail(ctx, 'Prelu epilogue without its alpha input');
      return g.op('PRelu', [x, preluAlpha()], {}, out);
    default:
      return fail(ctx, `unsupported fused activation '${kind}'`);
  }
}

/** TF padding -> ONNX pads/auto_pad for a spatial op in NCHW. */
function padding(ctx: OpContext): Record<string, Attr> {
  const mode = attrString(ctx.node, 'padding') ?? 'VALID';
  if (mode === 'SAME') return { auto_pad: { s: 'SAME_UPPER' } };
  if (mode === 'VALID') return { auto_pad: { s: 'VALID' } };
  if (mode === 'EXPLICIT') {
    const p = attrInts(ctx.node, 'explicit_paddings') ?? [];
    const [, , top = 0, bottom = 0, left = 0, right = 0] = p;
    return { pads: { ints: [top, left, bottom, right] } };
  }
  return fail(ctx, `unsupported padding '${mode}'`);
}

function spatial(ctx: OpContext, key: 'strides' | 'dilations' | 'ksize'): number[] {
  const v = attrInts(ctx.node, key) ?? [1, 1, 1, 1];
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) fail(ctx, `${key} [${v.join(', ')}] on batch or channels`);
  return [v[1] ?? 1, v[2] ?? 1];
}

function requireNhwc(ctx: OpContext): void {
  const format = attrString(ctx.node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') fail(ctx, `data_format ${format} (only NHWC graphs are supported)`);
}

/** Runs `body` on the NCHW view of input 0 and returns the result transposed back to NHWC. */
function inNchw(ctx: OpContext, body: (nchw: string) => string, out?: string): string {
  const g = ctx.g;
  const nchw = g.op('Transpose', [ctx.input(0)], { perm: { ints: NHWC_TO_NCHW } });
  return g.op('Transpose', [body(nchw)], { perm: { ints: NCHW_TO_NHWC } }, out);
}

function convolution(depthwise: boolean, fused: boolean): OpConverter {
  return (ctx) => {
    requireNhwc(ctx);
    const g = ctx.g;
    const filter = requireConst(ctx, 1, 'filter');
    const weights = depthwise ? depthwiseToOihw(filter) : hwioToOihw(filter);
    const fusedOps = fused ? attrStrings(ctx.node, 'fused_ops').map((s) => s.toLowerCase()) : [];
    const [first, act, ...rest] = fusedOps;
    if (fused && first !== 'biasadd') fail(ctx, `fused ops [${fusedOps.join(', ')}] (only BiasAdd[, activation])`);
    if (rest.length > 0) fail(ctx, `fused ops [${fusedOps.join(', ')}] (more than one activation)`);
    const attrs: Record<string, Attr> = {
      strides: { ints: spatial(ctx, 'strides') },
      dilations: { ints: spatial(ctx, 'dilations') },
      ...padding(ctx),
    };
    if (depthwise) attrs.group = { i: filter.shape[2] ?? 1 };
    const convInputs = (x: string): string[] => [x, g.tensor('weights', weights), ...(first ? [ctx.input(2)] : [])];
    const y = inNchw(ctx, (x) => g.op('Conv', convInputs(x), attrs), act ? undefined : ctx.output());
    if (act) activation(ctx, act, y, ctx.output(), () => ctx.input(3));
  };
}

function pool(opType: 'MaxPool' | 'AveragePool'): OpConverter {
  return (ctx) => {
    requireNhwc(ctx);
    // TF's SAME average pool divides by the number of real pixels: ONNX's count_include_pad = 0 default agrees.
    const attrs = { kernel_shape: { ints: spatial(ctx, 'ksize') }, strides: { ints: spatial(ctx, 'strides') }, ...padding(ctx) };
    inNchw(ctx, (x) => ctx.g.op(opType, [x], attrs), ctx.output());
  };
}

function matmul(fused: boolean): OpConverter {
  return (ctx) => {
    const attrs = { transA: { i: attrBool(ctx.node, 'transpose_a') ? 1 : 0 }, transB: { i: attrBool(ctx.node, 'transpose_b') ? 1 : 0 } };
    const fusedOps = fused ? attrStrings(ctx.node, 'fused_ops').map((s) => s.toLowerCase()) : [];
    const [first, act, ...rest] = fusedOps;
    if (fused && (first !== 'biasadd' || rest.length > 0)) fail(ctx, `fused ops [${fusedOps.join(', ')}] (only BiasAdd[, activation])`);
    const inputs = [ctx.input(0), ctx.input(1), ...(first ? [ctx.input(2)] : [])];
    const y = ctx.g.op('Gemm', inputs, attrs, act ? undefined : ctx.output());
    if (act) activation(ctx, act, y, ctx.output(), () => ctx.input(3));
  };
}

function reduce(opType: string): OpConverter {
  return (ctx) => {
    const axes = constInts(ctx, 1, 'axes');
    const keepdims = { i: attrBool(ctx.node, 'keep_dims') ? 1 : 0 };
    // Opset 13 moved ReduceSum's axes to an input; the other reductions keep the attribute until opset 18.
    if (opType === 'ReduceSum') ctx.g.op(opType, [ctx.input(0), ctx.g.int64('axes', axes)], { keepdims }, ctx.output());
    else ctx.g.op(opType, [ctx.input(0)], { axes: { ints: axes }, keepdims }, ctx.output());
  };
}

function resize(kind: 'linear' | 'nearest'): OpConverter {
  return (ctx) => {
    requireNhwc(ctx);
    const g = ctx.g;
    const size = constInts(ctx, 1, 'size');
    const alignCorners = attrBool(ctx.node, 'align_corners');
    const halfPixel = attrBool(ctx.node, 'half_pixel_centers');
    const attrs: Record<string, Attr> = {
      mode: { s: kind },
      coordinate_transformation_mode: { s: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric' },
    };
    // TF picks floor(src) for plain nearest and round-half-up otherwise; with half_pixel the ONNX source
    // coordinate is TF's minus 0.5, so rounding half up there equals TF's floor.
    if (kind === 'nearest') attrs.nearest_mode = { s: alignCorners || halfPixel ? 'round_prefer_ceil' : 'floor' };
    inNchw(
      ctx,
      (x) => {
        // Resize needs the full output size; N and C are only known at run time when the batch is dynamic.
        const shape = g.op('Shape', [x]);
        const nc = g.op('Slice', [shape, g.int64('starts', [0]), g.int64('ends', [2])]);
        const sizes = g.op('Concat', [nc, g.int64('hw', size)], { axis: { i: 0 } });
        return g.op('Resize', [x, '', '', sizes], attrs);
      },
      ctx.output(),
    );
  };
}

const reshape: OpConverter = (ctx) => {
  const g = ctx.g;
  const target = ctx.constant(1);
  if (!target) {
    g.op('Reshape', [ctx.input(0), g.op('Cast', [ctx.input(1)], { to: { i: ElemType.int64 } })], {}, ctx.output());
    return;
  }
  const dims = constInts(ctx, 1, 'shape');
  // 0 = "copy this dimension from the input": the batch, whatever size it has at run time.
  if (ctx.fixedBatch !== undefined && dims[0] === ctx.fixedBatch) dims[0] = 0;
  g.op('Reshape', [ctx.input(0), g.int64('shape', dims)], {}, ctx.output());
};

const pad: OpConverter = (ctx) => {
  const g = ctx.g;
  const p = constInts(ctx, 1, 'paddings');
  const pads = [...p.filter((_, i) => i % 2 === 0), ...p.filter((_, i) => i % 2 === 1)];
  const inputs = [ctx.input(0), g.int64('pads', pads)];
  if (ctx.node.op === 'PadV2') inputs.push(ctx.input(2));
  let mode = 'constant';
  if (ctx.node.op === 'MirrorPad') {
    const m = attrString(ctx.node, 'mode');
    if (m !== 'REFLECT') fail(ctx, `MirrorPad mode ${m ?? '?'} (ONNX has only REFLECT)`);
    mode = 'reflect';
  }
  g.op('Pad', inputs, { mode: { s: mode } }, ctx.output());
};

const slice: OpConverter = (ctx) => {
  const g = ctx.g;
  const begin = constInts(ctx, 1, 'begin');
  const size = constInts(ctx, 2, 'size');
  const ends = begin.map((b, i) => (size[i] === -1 ? INT64_MAX : BigInt(b + (size[i] ?? 0))));
  const axes = begin.map((_, i) => i);
  g.op('Slice', [ctx.input(0), g.int64('starts', begin), g.int64('ends', ends), g.int64('axes', axes)], {}, ctx.output());
};

const stridedSlice: OpConverter = (ctx) => {
  const g = ctx.g;
  for (const mask of ['ellipsis_mask', 'new_axis_mask']) {
    if ((attrInt(ctx.node, mask) ?? 0) !== 0) fail(ctx, `${mask} is not supported`);
  }
  const begin = constInts(ctx, 1, 'begin');
  const end = constInts(ctx, 2, 'end');
  const strides = constInts(ctx, 3, 'strides');
  const beginMask = attrInt(ctx.node, 'begin_mask') ?? 0;
  const endMask = attrInt(ctx.node, 'end_mask') ?? 0;
  const shrinkMask = attrInt(ctx.node, 'shrink_axis_mask') ?? 0;
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const shrink: number[] = [];
  begin.forEach((b, i) => {
    const step = strides[i] ?? 1;
    const bit = 1 << i;
    if (shrinkMask & bit) {
      // One element; begin -1 must end at "the end", not at 0.
      starts.push(BigInt(b));
      ends.push(b === -1 ? INT64_MAX : BigInt(b + 1));
      shrink.push(i);
      return;
    }
    starts.push(beginMask & bit ? (step > 0 ? 0n : INT64_MAX) : BigInt(b));
    ends.push(endMask & bit ? (step > 0 ? INT64_MAX : INT64_MIN) : BigInt(end[i] ?? 0));
  });
  const axes = begin.map((_, i) => i);
  const steps = begin.map((_, i) => ((shrinkMask >> i) & 1 ? 1 : (strides[i] ?? 1)));
  const inputs = [ctx.input(0), g.int64('starts', starts), g.int64('ends', ends), g.int64('axes', axes), g.int64('steps', steps)];
  if (shrink.length === 0) {
    g.op('Slice', inputs, {}, ctx.output());
    return;
  }
  g.op('Squeeze', [g.op('Slice', inputs), g.int64('axes', shrink)], {}, ctx.output());
};

const TF_TO_ONNX_TYPE: Record<string, number> = {
  DT_FLOAT: ElemType.float32,
  DT_INT32: ElemType.int32,
  DT_INT64: ElemType.int64,
  DT_BOOL: ElemType.bool,
};

const cast: OpConverter = (ctx) => {
  const to = TF_TO_ONNX_TYPE[attrType(ctx.node, 'DstT') ?? ''];
  if (to === undefined) fail(ctx, `cast to ${attrType(ctx.node, 'DstT') ?? '?'}`);
  ctx.g.op('Cast', [ctx.input(0)], { to: { i: to } }, ctx.output());
};

const concat: OpConverter = (ctx) => {
  const n = ctx.node.inputs.length - 1;
  const [axis] = constInts(ctx, n, 'axis');
  const inputs = Array.from({ length: n }, (_, i) => ctx.input(i));
  ctx.g.op('Concat', inputs, { axis: { i: axis ?? 0 } }, ctx.output());
};

const pack: OpConverter = (ctx) => {
  const g = ctx.g;
  const axis = attrInt(ctx.node, 'axis') ?? 0;
  const axes = g.int64('axes', [axis]);
  const parts = ctx.node.inputs.map((_, i) => g.op('Unsqueeze', [ctx.input(i), axes]));
  g.op('Concat', parts, { axis: { i: axis } }, ctx.output());
};

export const OP_TABLE: Readonly<Record<string, OpConverter>> = {
  Identity: unary('Identity'),
  // Elementwise arithmetic: ONNX broadcasting is numpy's, like TF's.
  Add: binary('Add'),
  AddV2: binary('Add'),
  BiasAdd: (ctx) => {
    requireNhwc(ctx);
    binary('Add')(ctx);
  },
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Div: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  SquaredDifference: (ctx) => {
    const d = ctx.g.op('Sub', [ctx.input(0), ctx.input(1)]);
    ctx.g.op('Mul', [d, d], {}, ctx.output());
  },
  AddN: (ctx) => {
    ctx.g.op('Sum', ctx.node.inputs.map((_, i) => ctx.input(i)), {}, ctx.output());
  },
  // Elementwise functions.
  Relu: unary('Relu'),
  Relu6: (ctx) => {
    activation(ctx, 'relu6', ctx.input(0), ctx.output());
  },
  Elu: unary('Elu'),
  Selu: unary('Selu'),
  LeakyRelu: (ctx) => {
    ctx.g.op('LeakyRelu', [ctx.input(0)], { alpha: { f: attrFloat(ctx.node, 'alpha') ?? 0.2 } }, ctx.output());
  },
  Prelu: binary('PRelu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Softplus: unary('Softplus'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Rsqrt: (ctx) => {
    ctx.g.op('Reciprocal', [ctx.g.op('Sqrt', [ctx.input(0)])], {}, ctx.output());
  },
  Square: (ctx) => {
    ctx.g.op('Mul', [ctx.input(0), ctx.input(0)], {}, ctx.output());
  },
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Reciprocal: unary('Reciprocal'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Sign: unary('Sign'),
  // TF's Softmax is over the last axis; opset 13's Softmax normalises along one axis, not a flattened tail.
  Softmax: unary('Softmax', { axis: { i: -1 } }),
  LogSoftmax: unary('LogSoftmax', { axis: { i: -1 } }),
  Cast: cast,
  // Shape manipulation (TF's NHWC axes are kept, so no axis remapping is needed).
  Reshape: reshape,
  Squeeze: (ctx) => {
    const dims = attrInts(ctx.node, 'squeeze_dims') ?? [];
    const inputs = dims.length > 0 ? [ctx.input(0), ctx.g.int64('axes', dims)] : [ctx.input(0)];
    ctx.g.op('Squeeze', inputs, {}, ctx.output());
  },
  ExpandDims: (ctx) => {
    ctx.g.op('Unsqueeze', [ctx.input(0), ctx.g.int64('axes', constInts(ctx, 1, 'axis'))], {}, ctx.output());
  },
  Transpose: (ctx) => {
    ctx.g.op('Transpose', [ctx.input(0)], { perm: { ints: constInts(ctx, 1, 'perm') } }, ctx.output());
  },
  ConcatV2: concat,
  Pack: pack,
  Pad: pad,
  PadV2: pad,
  MirrorPad: pad,
  Slice: slice,
  StridedSlice: stridedSlice,
  Tile: (ctx) => {
    ctx.g.op('Tile', [ctx.input(0), ctx.g.int64('repeats', constInts(ctx, 1, 'multiples'))], {}, ctx.output());
  },
  // Reductions.
  Mean: reduce('ReduceMean'),
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  Prod: reduce('ReduceProd'),
  // Layout-sensitive ops, wrapped in NHWC <-> NCHW transposes.
  Conv2D: convolution(false, false),
  _FusedConv2D: convolution(false, true),
  DepthwiseConv2d: convolution(true, false),
  DepthwiseConv2dNative: convolution(true, false),
  FusedDepthwiseConv2dNative: convolution(true, true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  ResizeBilinear: resize('linear'),
  ResizeNearestNeighbor: resize('nearest'),
  MatMul: matmul(false),
  _FusedMatMul: matmul(true),
};
