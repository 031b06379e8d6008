/**
 * TFLite model -> ONNX ModelProto. Unlike the TFJS converter, which wraps every convolution in a Transpose pair and
 * leaves ONNX Runtime to cancel them, this one tracks the layout of each tensor: a 4-D activation is moved to NCHW
 * once (at the graph input), stays there through convolutions, pools, pads, PReLU and elementwise ops, and goes
 * back to TFLite's NHWC only where an op needs TFLite's own axes (a reshape, a reduction, an output). Together with
 * the PReLU and channel-pad rewrites in ops.ts this runs the landmark model in less than half the time of the naive
 * translation (docs/notes/models.md, "Face Landmarker V2").
 */
import type { onnx } from 'onnx-proto';
import { probeOutputs } from '../tfjs-to-onnx/shapes';
import { buildModel, encodeModel, OnnxGraph, valueInfo, type IoInfo, type TensorValue } from '../tfjs-to-onnx/onnx-graph';
import { OP_TABLE } from './ops';
import type { TfliteModel, TfliteOperator, TfliteTensor } from './tflite-model';
import { CONVERTER_VERSION } from './version';

export interface OutputSpec {
  /** The TFLite tensor's name. */
  tensor: string;
  /** The ONNX output's name. */
  name: string;
  /** Reshape to [N, rest]: the studio reads flat per-face vectors. */
  flatten?: boolean;
  /** Apply a sigmoid: for a head whose TFLite output is a logit that MediaPipe squashes outside the model. */
  sigmoid?: boolean;
}

export interface ConvertOptions {
  inputName: string;
  outputs: OutputSpec[];
  /** Make the batch dimension symbolic (`N`); checked by running batch 1 and 2. */
  dynamicBatch: boolean;
  /**
   * Translate op by op as the TFJS converter does (every spatial op between NHWC<->NCHW transposes, PRelu and Pad
   * as they are): the baseline `npm run bench -- landmarks-v2` measures the shipped translation against.
   */
  naive?: boolean;
  graphName: string;
  docString: string;
  metadata: Record<string, string>;
}

export interface ConvertResult {
  bytes: Uint8Array;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** ONNX op type -> count, for reports. */
  opCounts: Record<string, number>;
}

export type Layout = 'nhwc' | 'nchw';

/** A converted activation: its ONNX name, its TFLite (NHWC) shape, and how the ONNX tensor lays that out. */
export interface Value {
  name: string;
  shape: number[];
  layout: Layout;
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** The state op converters work on: tensor lookups, layout changes, constants. */
export class Translation {
  readonly g = new OnnxGraph();
  private readonly values = new Map<number, Value>();
  private readonly constants = new Map<number, TensorValue>();
  private readonly converted = new Map<string, string>();

  constructor(
    readonly model: TfliteModel,
    readonly dynamicBatch: boolean,
    readonly naive: boolean,
  ) {
    for (const t of model.tensors) {
      const value = t.data && decodeConstant(t);
      if (value) this.constants.set(t.index, value);
    }
  }

  tensor(index: number): TfliteTensor {
    const t = this.model.tensors[index];
    if (!t) throw new Error(`operator refers to a missing tensor ${index}`);
    return t;
  }

  constant(index: number): TensorValue | undefined {
    return this.constants.get(index);
  }

  setConstant(index: number, value: TensorValue): void {
    this.constants.set(index, value);
  }

  value(index: number): Value {
    const v = this.values.get(index);
    if (!v) throw new Error(`tensor '${this.tensor(index).name}' is used before an operator computes it`);
    return v;
  }

  isConstant(index: number): boolean {
    return this.constants.has(index);
  }

  define(index: number, name: string, layout: Layout): void {
    const back = this.naive && layout === 'nchw';
    const value = back ? this.g.op('Transpose', [name], { perm: { ints: NCHW_TO_NHWC } }) : name;
    this.values.set(index, { name: value, shape: this.tensor(index).shape, layout: back ? 'nhwc' : layout });
  }

  /** The tensor in NCHW (4-D only), transposing once per tensor however many ops read it. */
  nchw(index: number): string {
    const v = this.value(index);
    if (v.layout === 'nchw') return v.name;
    if (v.shape.length !== 4) throw new Error(`tensor '${this.tensor(index).name}' [${v.shape.join(', ')}] is not 4-D, so it has no NCHW form`);
    return this.cached(`${v.name}>nchw`, () => this.g.op('Transpose', [v.name], { perm: { ints: NHWC_TO_NCHW } }));
  }

  /** The tensor in TFLite's own layout. */
  nhwc(index: number): string {
    const v = this.value(index);
    if (v.layout === 'nhwc') return v.name;
    return this.cached(`${v.name}>nhwc`, () => this.g.op('Transpose', [v.name], { perm: { ints: NCHW_TO_NHWC } }));
  }

  /** Input `index` of an elementwise op, in `layout`: an activation converted, or a constant laid out to broadcast. */
  operand(index: number, layout: Layout): string {
    const value = this.constants.get(index);
    if (!value) return layout === 'nchw' ? this.nchw(index) : this.nhwc(index);
    return this.cached(`const${index}>${layout}`, () => this.g.tensor('const', layout === 'nchw' ? broadcastNchw(value) : value));
  }

  private cached(key: string, make: () => string): string {
    let name = this.converted.get(key);
    if (name === undefined) {
      name = make();
      this.converted.set(key, name);
    }
    return name;
  }
}

/** Widens float16 weights to float32 (TFLite's DEQUANTIZE does the same at load time). */
function decodeConstant(t: TfliteTensor): TensorValue | undefined {
  const bytes = t.data;
  if (!bytes) return undefined;
  const copy = new Uint8Array(bytes);
  const count = t.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(copy.buffer);
  switch (t.type) {
    case 'float32':
      return { dtype: 'float32', shape: t.shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true)) };
    case 'float16':
      return { dtype: 'float32', shape: t.shape, data: Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(2 * i, true))) };
    case 'int32':
      return { dtype: 'int32', shape: t.shape, data: Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true)) };
    default:
      throw new Error(`constant '${t.name}' has type ${t.type}; only float32, float16 and int32 constants are supported`);
  }
}

/** IEEE 754 binary16 -> number (exact: every half is a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * A constant that broadcasts against an NHWC tensor, rewritten to broadcast the same way against its NCHW form:
 * right-aligned to rank 4, then its axes permuted like the activation's ([1, 1, C] -> [1, C, 1, 1]).
 */
export function broadcastNchw(value: TensorValue): TensorValue {
  if (value.shape.length === 0) return value;
  if (value.shape.length > 4) throw new Error(`a rank-${value.shape.length} constant cannot broadcast against a 4-D activation`);
  const [n = 1, h = 1, w = 1, c = 1] = [...Array<number>(4 - value.shape.length).fill(1), ...value.shape];
  const src = value.data;
  const dst = new (src.constructor as Float32ArrayConstructor)(src.length) as typeof src;
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) dst[((b * c + k) * h + y) * w + x] = src[((b * h + y) * w + x) * c + k] ?? 0;
  return { dtype: value.dtype, shape: [n, c, h, w], data: dst };
}

export class UnsupportedOpError extends Error {
  constructor(readonly ops: Map<string, string[]>) {
    const list = [...ops].map(([op, tensors]) => `${op} (e.g. producing '${tensors[0] ?? '?'}')`).join(', ');
    super(`unsupported TFLite op${ops.size > 1 ? 's' : ''}: ${list}. Add a converter to OP_TABLE in tools/tflite-to-onnx/ops.ts.`);
    this.name = 'UnsupportedOpError';
  }
}

export async function convertTflite(model: TfliteModel, options: ConvertOptions): Promise<ConvertResult> {
  const outputIndices = options.outputs.map((o) => {
    const index = model.tensors.findIndex((x) => x.name === o.tensor);
    if (index < 0) throw new Error(`no tensor named '${o.tensor}' in the model`);
    return index;
  });
  const operators = needed(model, outputIndices);
  checkSupported(model, operators);
  const [inputIndex, ...moreInputs] = model.inputs;
  if (inputIndex === undefined || moreInputs.length > 0) throw new Error(`the model has ${model.inputs.length} inputs; one is supported`);
  const t = new Translation(model, options.dynamicBatch, options.naive ?? false);
  const g = t.g;

  const inputTensor = t.tensor(inputIndex);
  if (inputTensor.type !== 'float32') throw new Error(`input '${inputTensor.name}' is ${inputTensor.type}; only float32 inputs are supported`);
  if (options.dynamicBatch && inputTensor.shape[0] !== 1) throw new Error(`input '${inputTensor.name}' has batch ${inputTensor.shape[0] ?? '?'}, not 1: its batch cannot be made dynamic`);
  // Claim the public names first so no generated name can take them.
  g.claim(options.inputName);
  for (const o of options.outputs) g.claim(o.name);
  const input: IoInfo = { name: options.inputName, dtype: 'float32', shape: options.dynamicBatch ? ['N', ...inputTensor.shape.slice(1)] : inputTensor.shape };
  t.define(inputIndex, options.inputName, 'nhwc');

  for (const [k, op] of operators) {
    g.scope = `op${k}_${op.op.toLowerCase()}`;
    const convert = OP_TABLE[op.op];
    if (!convert) throw new Error(`unreachable: ${op.op} passed checkSupported`);
    convert(t, op);
  }

  g.scope = 'outputs';
  for (const [i, o] of options.outputs.entries()) {
    let x = t.nhwc(outputIndices[i] ?? -1);
    if (o.sigmoid) x = g.op('Sigmoid', [x]);
    if (o.flatten) g.op('Flatten', [x], { axis: { i: 1 } }, o.name);
    else g.op('Identity', [x], {}, o.name);
  }

  const meta = { graphName: options.graphName, producerName: 'affect-studio tflite-to-onnx', producerVersion: CONVERTER_VERSION, docString: options.docString, metadata: options.metadata };
  const outputNames = options.outputs.map((o) => o.name);
  // Outputs are declared by name only at first; ONNX Runtime accepts that and reports what they are.
  const draft = buildModel(g, [valueInfo(input)], outputNames.map((name) => ({ name })), meta);
  const probed = await probeOutputs(encodeModel(draft), [input], options.dynamicBatch);
  const outputs = outputNames.map((name) => {
    const info = probed.get(name);
    if (!info) throw new Error(`ONNX Runtime did not produce output '${name}'`);
    return info;
  });
  const final: onnx.IModelProto = buildModel(g, [valueInfo(input)], outputs.map(valueInfo), meta);
  return { bytes: encodeModel(final), inputs: [input], outputs, opCounts: countOps(g) };
}

/** The operators the requested outputs depend on, with their index, in model order: unused heads are dropped. */
function needed(model: TfliteModel, outputs: number[]): [number, TfliteOperator][] {
  const wanted = new Set(outputs);
  const keep: [number, TfliteOperator][] = [];
  for (let k = model.operators.length - 1; k >= 0; k--) {
    const op = model.operators[k];
    if (!op || !op.outputs.some((i) => wanted.has(i))) continue;
    keep.push([k, op]);
    for (const i of op.inputs) wanted.add(i);
  }
  return keep.reverse();
}

function checkSupported(model: TfliteModel, operators: [number, TfliteOperator][]): void {
  const missing = new Map<string, string[]>();
  for (const [, op] of operators) {
    if (op.op in OP_TABLE) continue;
    const produced = model.tensors[op.outputs[0] ?? -1]?.name ?? '?';
    missing.set(op.op, [...(missing.get(op.op) ?? []), produced]);
  }
  if (missing.size > 0) throw new UnsupportedOpError(missing);
}

function countOps(g: OnnxGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of g.nodes) counts[n.opType ?? '?'] = (counts[n.opType ?? '?'] ?? 0) + 1;
  return counts;
}
