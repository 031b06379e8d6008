/**
 * Reads a .tflite file (TensorFlow Lite FlatBuffer, identifier TFL3) into plain objects: tensors with their
 * constant data, operators with their decoded options. Field slots follow tensorflow/lite/schema/schema.fbs; only
 * the fields the converter uses are read, and only the first subgraph (MediaPipe's models have one).
 */
import { flatRoot, type FlatTable } from './flatbuffer';

/** schema.fbs `TensorType`, by value. */
const TENSOR_TYPES = ['float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8', 'float64'] as const;
export type TfliteType = (typeof TENSOR_TYPES)[number];

/** schema.fbs `BuiltinOperator` values of the ops this converter knows (others are reported by number). */
const BUILTIN_OPS: Record<number, string> = {
  0: 'ADD',
  1: 'AVERAGE_POOL_2D',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  6: 'DEQUANTIZE',
  9: 'FULLY_CONNECTED',
  14: 'LOGISTIC',
  17: 'MAX_POOL_2D',
  18: 'MUL',
  19: 'RELU',
  21: 'RELU6',
  22: 'RESHAPE',
  25: 'SOFTMAX',
  28: 'TANH',
  32: 'CUSTOM',
  34: 'PAD',
  39: 'TRANSPOSE',
  40: 'MEAN',
  41: 'SUB',
  42: 'DIV',
  45: 'STRIDED_SLICE',
  54: 'PRELU',
  59: 'NEG',
  60: 'PADV2',
  74: 'SUM',
  75: 'SQRT',
  76: 'RSQRT',
  92: 'SQUARE',
  99: 'SQUARED_DIFFERENCE',
  126: 'BATCH_MATMUL',
  150: 'GELU',
};

export interface TfliteTensor {
  index: number;
  name: string;
  type: TfliteType;
  shape: number[];
  /** The constant's raw little-endian bytes (a view into the file); undefined for activations and inputs. */
  data: Uint8Array | undefined;
}

export interface TfliteOperator {
  /** BuiltinOperator name (`CONV_2D`), `CUSTOM:<code>`, or `BUILTIN_<n>` for a code this reader does not name. */
  op: string;
  /** Tensor indices; -1 marks an optional input that is absent. */
  inputs: number[];
  outputs: number[];
  /** The op's builtin options table (its type follows from `op`). */
  options: FlatTable | undefined;
}

export interface TfliteModel {
  description: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

export function parseTflite(bytes: Uint8Array): TfliteModel {
  const model = flatRoot(bytes, 'TFL3');
  try {
    return readModel(model);
  } catch (e) {
    // An offset pointing past the end: the file was cut short or overwritten, not a converter limitation.
    if (e instanceof RangeError) throw new Error(`the .tflite file is damaged or truncated (${e.message}); take it again from its bundle`);
    throw e;
  }
}

function readModel(model: FlatTable): TfliteModel {
  const buffers = model.tables(4);
  const codes = model.tables(1).map((code) => {
    // The builtin code moved from a byte (slot 0) to an int (slot 3) at 127 ops; readers take the larger of the two.
    const builtin = Math.max(code.int8(0), code.int32(3));
    if (builtin === 32) return `CUSTOM:${code.string(1) ?? '?'}`;
    return BUILTIN_OPS[builtin] ?? `BUILTIN_${builtin}`;
  });
  const [graph, ...more] = model.tables(2);
  if (!graph) throw new Error('the .tflite file has no subgraph');
  if (more.length > 0) throw new Error(`the .tflite file has ${more.length + 1} subgraphs; only single-graph models (no control flow) are supported`);

  const tensors = graph.tables(0).map((t, index): TfliteTensor => {
    const type = TENSOR_TYPES[t.int8(1)];
    if (type === undefined) throw new Error(`tensor ${index} has an unknown type ${t.int8(1)}`);
    if (t.has(4) && t.table(4)?.has(2)) throw new Error(`tensor '${t.string(3) ?? index}' is quantised; only float (and float16 weight) models are supported`);
    const buffer = buffers[t.uint32(2)];
    if (buffer && buffer.uint64(1) !== 0n) throw new Error(`tensor '${t.string(3) ?? index}' stores its data outside the FlatBuffer (a > 2 GB model); not supported`);
    const data = buffer?.bytes(0);
    return { index, name: t.string(3) ?? `tensor_${index}`, type, shape: t.int32s(0), data: data && data.byteLength > 0 ? data : undefined };
  });
  const operators = graph.tables(3).map((o): TfliteOperator => {
    const op = codes[o.uint32(0)];
    if (op === undefined) throw new Error(`operator refers to a missing operator code ${o.uint32(0)}`);
    return { op, inputs: o.int32s(1), outputs: o.int32s(2), options: o.table(4) };
  });
  return { description: model.string(3) ?? '', tensors, operators, inputs: graph.int32s(1), outputs: graph.int32s(2) };
}

/** schema.fbs `ActivationFunctionType`. */
export type Activation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH' | 'SIGN_BIT';
const ACTIVATIONS: readonly Activation[] = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'];

function activation(table: FlatTable | undefined, slot: number): Activation {
  const value = ACTIVATIONS[table?.int8(slot) ?? 0];
  if (value === undefined) throw new Error(`unknown fused activation ${table?.int8(slot) ?? '?'}`);
  return value;
}

/** schema.fbs `Padding`: SAME = 0, VALID = 1. */
const padding = (table: FlatTable | undefined): 'SAME' | 'VALID' => ((table?.int8(0) ?? 0) === 0 ? 'SAME' : 'VALID');

export interface ConvOptions {
  padding: 'SAME' | 'VALID';
  stride: [number, number];
  dilation: [number, number];
  activation: Activation;
}

/** Conv2DOptions and DepthwiseConv2DOptions (the latter has depth_multiplier at slot 3, shifting the rest). */
export function convOptions(o: TfliteOperator): ConvOptions {
  const t = o.options;
  const depthwise = o.op === 'DEPTHWISE_CONV_2D' ? 1 : 0;
  return {
    padding: padding(t),
    stride: [t?.int32(2) ?? 1, t?.int32(1) ?? 1],
    dilation: [t?.int32(5 + depthwise, 1) ?? 1, t?.int32(4 + depthwise, 1) ?? 1],
    activation: activation(t, 3 + depthwise),
  };
}

export interface PoolOptions {
  padding: 'SAME' | 'VALID';
  stride: [number, number];
  kernel: [number, number];
  activation: Activation;
}

export function poolOptions(o: TfliteOperator): PoolOptions {
  const t = o.options;
  return {
    padding: padding(t),
    stride: [t?.int32(2) ?? 1, t?.int32(1) ?? 1],
    kernel: [t?.int32(4) ?? 1, t?.int32(3) ?? 1],
    activation: activation(t, 5),
  };
}

/** AddOptions, SubOptions, MulOptions and DivOptions keep the activation in slot 0. */
export const activationOption = (o: TfliteOperator): Activation => activation(o.options, 0);

/** ConcatenationOptions: axis, then the activation. */
export function concatOptions(o: TfliteOperator): { axis: number; activation: Activation } {
  return { axis: o.options?.int32(0) ?? 0, activation: activation(o.options, 1) };
}

/** ReducerOptions.keep_dims (slot 0). */
export const keepDims = (o: TfliteOperator): boolean => o.options?.bool(0) ?? false;

/** StridedSliceOptions masks. */
export function stridedSliceOptions(o: TfliteOperator): { begin: number; end: number; ellipsis: number; newAxis: number; shrink: number; offset: boolean } {
  const t = o.options;
  return { begin: t?.int32(0) ?? 0, end: t?.int32(1) ?? 0, ellipsis: t?.int32(2) ?? 0, newAxis: t?.int32(3) ?? 0, shrink: t?.int32(4) ?? 0, offset: t?.bool(5) ?? false };
}
