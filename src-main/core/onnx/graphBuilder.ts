/**
 * A small append-only builder for an ONNX graph, written with onnx-proto. Shared by the TFJS converter (tools/) and
 * the studio's own models (the pair heads), which the runtime writes, so it lives in core and not in tools. Names are made unique here so op
 * converters never have to think about collisions, and every initializer is stored as little-endian raw_data so
 * the encoded bytes depend only on the values (the converter's output must be reproducible byte for byte).
 */
import { onnx } from 'onnx-proto';

export const OPSET = 13;
/** IR version 7 is the one that goes with opset 13. */
const IR_VERSION = 7;

export type Attr = { i: number } | { f: number } | { ints: number[] } | { floats: number[] } | { s: string };

export const ElemType = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElemTypeName = keyof typeof ElemType;

/** A constant tensor; its dtype decides the ONNX element type. */
export interface TensorValue {
  dtype: ElemTypeName;
  shape: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array;
}

/** int64 limits as ONNX Slice expects for "to the end" (clamped by the runtime). */
export const INT64_MAX = 2n ** 63n - 1n;
export const INT64_MIN = -(2n ** 63n);

export interface IoInfo {
  name: string;
  dtype: ElemTypeName;
  /** Numbers for fixed sizes, a string for a symbolic one (the batch `N`). */
  shape: (number | string)[];
}

export class OnnxGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly taken = new Set<string>();
  private counter = 0;
  /** Prefix for generated names: the TF node being converted, so the ONNX graph reads like the TF one. */
  scope = 'graph';

  /** Reserves a tensor name chosen by the caller (graph inputs/outputs, TF tensor names). */
  claim(name: string): string {
    if (this.taken.has(name)) throw new Error(`ONNX tensor name '${name}' is used twice`);
    this.taken.add(name);
    return name;
  }

  fresh(hint: string): string {
    let name = `${this.scope}/${hint}`;
    while (this.taken.has(name)) name = `${this.scope}/${hint}_${++this.counter}`;
    this.taken.add(name);
    return name;
  }

  /** Appends a node; `outputs` are names already claimed, or omitted for one fresh output. Returns the outputs. */
  add(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs?: string[]): string[] {
    const outs = outputs ?? [this.fresh(opType.toLowerCase())];
    this.nodes.push({
      name: this.fresh(`${opType}_node`),
      opType,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([name, value]) => toAttribute(name, value)),
    });
    return outs;
  }

  /** Like `add` with one output; returns it. */
  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const [out] = this.add(opType, inputs, attrs, output === undefined ? undefined : [output]);
    if (out === undefined) throw new Error('unreachable: a node without output');
    return out;
  }

  tensor(hint: string, value: TensorValue): string {
    const bytes = new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    return this.rawInitializer(hint, ElemType[value.dtype], value.shape, bytes);
  }

  float(hint: string, values: ArrayLike<number>, dims: number[] = [values.length]): string {
    const data = Float32Array.from(values);
    return this.rawInitializer(hint, ElemType.float32, dims, new Uint8Array(data.buffer));
  }

  int64(hint: string, values: readonly (number | bigint)[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    return this.rawInitializer(hint, ElemType.int64, dims, new Uint8Array(data.buffer));
  }

  private rawInitializer(hint: string, dataType: number, dims: number[], rawData: Uint8Array): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType, dims, rawData: Uint8Array.from(rawData) });
    return name;
  }
}

function toAttribute(name: string, value: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('i' in value) return { name, type: T.INT, i: value.i };
  if ('f' in value) return { name, type: T.FLOAT, f: value.f };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.STRING, s: Buffer.from(value.s, 'utf8') };
}

export function valueInfo(info: IoInfo): onnx.IValueInfoProto {
  return {
    name: info.name,
    type: {
      tensorType: {
        elemType: ElemType[info.dtype],
        shape: { dim: info.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface ModelMeta {
  graphName: string;
  /** Defaults to the converter's name, which most models here come from. */
  producerName?: string;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

export function buildModel(
  graph: OnnxGraph,
  inputs: onnx.IValueInfoProto[],
  outputs: onnx.IValueInfoProto[],
  meta: ModelMeta,
): onnx.IModelProto {
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: meta.producerName ?? 'affect-studio tfjs-to-onnx',
    producerVersion: meta.producerVersion,
    docString: meta.docString,
    metadataProps: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: meta.graphName,
      node: graph.nodes,
      initializer: graph.initializers,
      input: inputs,
      output: outputs,
    },
  };
}

export function encodeModel(model: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}
