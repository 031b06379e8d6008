/**
 * Reads a TFJS graph model (model.json + weight shards) into a form the converter can walk: nodes with decoded
 * attributes, and constants with their values.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeWeights, type TensorValue, type WeightSpec } from './weights';

/** A TF AttrValue as tfjs-converter serialises it to JSON (int64 as strings, bytes as base64). */
export interface TfAttr {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; type?: string[] };
  tensor?: unknown;
}

export interface TfNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  /** `versions` is ignored here but the TFJS runtime requires it. */
  modelTopology: { node: TfNodeJson[]; versions?: Record<string, unknown> };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface TfNode {
  name: string;
  op: string;
  /** Data inputs as `node` or `node:k`; control dependencies (`^node`) are dropped: ONNX has none. */
  inputs: string[];
  attr: Record<string, TfAttr>;
}

export interface TfjsModel {
  nodes: Map<string, TfNode>;
  /** Node order of model.json, for deterministic output. */
  order: string[];
  weights: Map<string, TensorValue>;
}

export function loadTfjsModel(modelJsonPath: string): TfjsModel {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  const dir = path.dirname(modelJsonPath);
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  return parseTfjsModel(json, Buffer.concat(shards));
}

export function parseTfjsModel(json: ModelJson, weightBytes: Uint8Array): TfjsModel {
  if (json.format !== undefined && json.format !== 'graph-model') {
    throw new Error(`not a TFJS graph model (format '${json.format}'); layers models must be converted to graph models first`);
  }
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const weights = decodeWeights(specs, weightBytes);
  const nodes = new Map<string, TfNode>();
  for (const n of json.modelTopology.node) {
    nodes.set(n.name, {
      name: n.name,
      op: n.op,
      inputs: (n.input ?? []).filter((i) => !i.startsWith('^')),
      attr: n.attr ?? {},
    });
  }
  return { nodes, order: json.modelTopology.node.map((n) => n.name), weights };
}

/** Splits `node:k` into the producing node and its output index. */
export function parseRef(ref: string): { node: string; index: number } {
  const m = /^(.*):(\d+)$/.exec(ref);
  return m?.[1] !== undefined && m[2] !== undefined ? { node: m[1], index: Number(m[2]) } : { node: ref, index: 0 };
}

export function attrString(node: TfNode, key: string): string | undefined {
  const s = node.attr[key]?.s;
  return s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8');
}

export function attrInts(node: TfNode, key: string): number[] | undefined {
  return node.attr[key]?.list?.i?.map(Number);
}

export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr[key]?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
}

export function attrInt(node: TfNode, key: string): number | undefined {
  const i = node.attr[key]?.i;
  return i === undefined ? undefined : Number(i);
}

export function attrFloat(node: TfNode, key: string): number | undefined {
  return node.attr[key]?.f;
}

export function attrBool(node: TfNode, key: string): boolean {
  return node.attr[key]?.b ?? false;
}

export function attrType(node: TfNode, key: string): string | undefined {
  return node.attr[key]?.type;
}

/** The shape of a Placeholder, unknown dimensions as -1. */
export function placeholderShape(node: TfNode): number[] {
  const dims = node.attr.shape?.shape?.dim;
  if (!dims) throw new Error(`input '${node.name}' has no static rank; give its shape explicitly`);
  return dims.map((d) => Number(d.size ?? -1));
}
