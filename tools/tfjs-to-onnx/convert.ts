/**
 * TFJS graph model -> ONNX ModelProto. Walks the TF graph from the requested outputs (so unused nodes are
 * dropped), converts each node through the op table, then asks ONNX Runtime for the output types and shapes so
 * the written model states its full contract.
 */
import type { onnx } from 'onnx-proto';
import { OP_TABLE, type OpContext } from './ops';
import { buildModel, encodeModel, OnnxGraph, valueInfo, type IoInfo } from './onnx-graph';
import { probeOutputs } from './shapes';
import { attrType, parseRef, placeholderShape, type TfjsModel, type TfNode } from './tfjs-graph';
import { CONVERTER_VERSION } from './version';
import type { TensorValue } from './weights';

export interface NamedNode {
  /** A TF node name, or a unique '/'-separated suffix of one (`add_2/add`). */
  node: string;
  /** The ONNX tensor name; defaults to the TF node name. */
  name?: string;
}

export interface ConvertOptions {
  /** Graph inputs by TF Placeholder name -> ONNX name. Unlisted placeholders keep their TF name. */
  inputNames?: Record<string, string>;
  /** The graph outputs; default: every node nothing else consumes, in model.json order. */
  outputs?: NamedNode[];
  /** Inner nodes exposed as additional outputs. */
  extraOutputs?: NamedNode[];
  /** Appends a global-average-pool over H and W of this NHWC node as an output (named `embedding` by default). */
  embedding?: NamedNode;
  /** Make the batch dimension symbolic (`N`), also when TF fixed it. Checked by running batch 1 and 2. */
  dynamicBatch?: boolean;
  graphName?: string;
  docString?: string;
  /** Written to the model's metadata_props (e.g. the source package and file). */
  metadata?: Record<string, string>;
}

export interface ConvertResult {
  bytes: Uint8Array;
  inputs: IoInfo[];
  outputs: IoInfo[];
  /** ONNX op type -> count, for reports. */
  opCounts: Record<string, number>;
}

export class UnsupportedOpError extends Error {
  constructor(readonly ops: Map<string, string[]>) {
    const list = [...ops].map(([op, nodes]) => `${op} (e.g. node '${nodes[0] ?? '?'}')`).join(', ');
    super(`unsupported TF op${ops.size > 1 ? 's' : ''}: ${list}. Add a converter to OP_TABLE in tools/tfjs-to-onnx/ops.ts.`);
    this.name = 'UnsupportedOpError';
  }
}

export function resolveNode(model: TfjsModel, query: string): TfNode {
  const exact = model.nodes.get(query);
  if (exact) return exact;
  const matches = model.order.filter((name) => name.endsWith(`/${query}`));
  const [only] = matches;
  if (matches.length === 1 && only !== undefined) {
    const node = model.nodes.get(only);
    if (node) return node;
  }
  if (matches.length > 1) throw new Error(`node '${query}' is ambiguous: ${matches.join(', ')}`);
  throw new Error(`no node named '${query}' in the model`);
}

export async function convertTfjsModel(model: TfjsModel, options: ConvertOptions = {}): Promise<ConvertResult> {
  const resolve = (o: NamedNode): { node: TfNode; name: string | undefined } => ({ node: resolveNode(model, o.node), name: o.name });
  const outputs = (options.outputs ?? sinks(model).map((node): NamedNode => ({ node }))).map(resolve);
  const extras = (options.extraOutputs ?? []).map(resolve);
  const embedding = options.embedding && { node: resolveNode(model, options.embedding.node), name: options.embedding.name ?? 'embedding' };

  const order = topologicalOrder(model, [...outputs, ...extras, ...(embedding ? [embedding] : [])].map((o) => o.node.name));
  checkSupported(model, order);

  // Claim every name the graph will expose before any generated name exists, so none can collide with them.
  const g = new OnnxGraph();
  const tensorNames = new Map<string, string>();
  for (const o of [...outputs, ...extras]) {
    if (o.node.op === 'Const' || o.node.op === 'Placeholder') throw new Error(`output '${o.node.name}' is a ${o.node.op}, not a computed node`);
    tensorNames.set(o.node.name, g.claim(o.name ?? o.node.name));
  }
  const embeddingName = embedding && g.claim(embedding.name);
  for (const name of order) {
    const node = model.nodes.get(name);
    if (!node || node.op === 'Const' || tensorNames.has(name)) continue;
    tensorNames.set(name, g.claim(node.op === 'Placeholder' ? (options.inputNames?.[name] ?? name) : name));
  }

  const inputs: IoInfo[] = [];
  let fixedBatch: number | undefined;
  const constants = new Map<string, TensorValue>();
  const emitted = new Map<string, string>();

  const tensorName = (ref: string): string => {
    const { node, index } = parseRef(ref);
    const name = tensorNames.get(node);
    if (name === undefined || index !== 0) throw new Error(`'${ref}' is not an output of a converted node`);
    return name;
  };

  for (const name of order) {
    const node = model.nodes.get(name);
    if (!node) throw new Error(`unreachable: node '${name}' vanished`);
    if (node.op === 'Const') {
      const value = model.weights.get(node.name);
      if (!value) throw new Error(`Const '${node.name}' has no value in the weight manifest`);
      constants.set(node.name, value);
      continue;
    }
    if (node.op === 'Placeholder') {
      const input = graphInput(node, tensorName(node.name), Boolean(options.dynamicBatch));
      if (options.dynamicBatch && input.fixedBatch !== undefined) fixedBatch = input.fixedBatch;
      inputs.push(input.info);
      continue;
    }
    g.scope = node.name;
    // Every supported op has one output; graph outputs got their chosen name, the rest keep their TF name.
    const out = tensorName(node.name);
    const ctx: OpContext = {
      node,
      g,
      fixedBatch,
      constant: (i) => constants.get(parseRef(node.inputs[i] ?? '').node),
      input: (i) => {
        const ref = node.inputs[i];
        if (ref === undefined) throw new Error(`${node.op} '${node.name}' has no input ${i}`);
        const value = constants.get(parseRef(ref).node);
        if (!value) return tensorName(ref);
        // A constant used as a run-time tensor becomes one shared initializer.
        let init = emitted.get(ref);
        if (init === undefined) {
          g.scope = parseRef(ref).node;
          init = g.tensor('value', value);
          g.scope = node.name;
          emitted.set(ref, init);
        }
        return init;
      },
      output: () => out,
    };
    const convert = OP_TABLE[node.op];
    if (!convert) throw new Error(`unreachable: ${node.op} passed checkSupported`);
    convert(ctx);
  }

  const outputNames = [...outputs, ...extras].map((o) => tensorName(o.node.name));
  if (embedding && embeddingName !== undefined) {
    g.scope = 'embedding';
    g.op('ReduceMean', [tensorName(embedding.node.name)], { axes: { ints: [1, 2] }, keepdims: { i: 0 } }, embeddingName);
    outputNames.push(embeddingName);
  }

  const meta = {
    graphName: options.graphName ?? 'converted',
    producerVersion: CONVERTER_VERSION,
    docString: options.docString ?? '',
    metadata: options.metadata ?? {},
  };
  // Outputs are declared by name only at first; ONNX Runtime accepts that and reports what they are.
  const draft = buildModel(g, inputs.map(valueInfo), outputNames.map((name) => ({ name })), meta);
  const probed = await probeOutputs(encodeModel(draft), inputs, inputs.some((i) => i.shape[0] === 'N'));
  const outputsInfo = outputNames.map((name) => {
    const info = probed.get(name);
    if (!info) throw new Error(`ONNX Runtime did not produce output '${name}'`);
    return info;
  });
  const final: onnx.IModelProto = buildModel(g, inputs.map(valueInfo), outputsInfo.map(valueInfo), meta);
  return { bytes: encodeModel(final), inputs, outputs: outputsInfo, opCounts: countOps(g) };
}

function graphInput(node: TfNode, name: string, dynamicBatch: boolean): { info: IoInfo; fixedBatch: number | undefined } {
  const shape = placeholderShape(node);
  const dtype = attrType(node, 'dtype');
  if (dtype !== 'DT_FLOAT' && dtype !== 'DT_INT32') throw new Error(`input '${node.name}' has dtype ${dtype ?? '?'}; only float32 and int32 inputs are supported`);
  const [batch, ...rest] = shape;
  if (rest.some((d) => d < 0)) throw new Error(`input '${node.name}' has unknown dimensions [${shape.join(', ')}] beyond the batch`);
  const dims: (number | string)[] = dynamicBatch || batch === -1 ? ['N', ...rest] : shape;
  return {
    info: { name, dtype: dtype === 'DT_FLOAT' ? 'float32' : 'int32', shape: dims },
    fixedBatch: batch !== undefined && batch > 0 ? batch : undefined,
  };
}

/** Nodes no other node reads, in model.json order: TFJS's own notion of the model outputs. */
function sinks(model: TfjsModel): string[] {
  const consumed = new Set<string>();
  for (const node of model.nodes.values()) for (const ref of node.inputs) consumed.add(parseRef(ref).node);
  return model.order.filter((name) => !consumed.has(name) && model.nodes.get(name)?.op !== 'Const');
}

function topologicalOrder(model: TfjsModel, roots: string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  // Iterative post-order DFS: these graphs are hundreds of nodes deep.
  for (const root of roots) {
    const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top) break;
      const node = model.nodes.get(top.name);
      if (!node) throw new Error(`graph references missing node '${top.name}'`);
      if (top.next === 0) {
        if (state.get(top.name) === 'done') {
          stack.pop();
          continue;
        }
        state.set(top.name, 'visiting');
      }
      const ref = node.inputs[top.next];
      if (ref !== undefined) {
        top.next++;
        const dep = parseRef(ref).node;
        if (state.get(dep) === 'visiting') throw new Error(`graph has a cycle through '${dep}' (control flow is not supported)`);
        if (state.get(dep) !== 'done') stack.push({ name: dep, next: 0 });
        continue;
      }
      state.set(top.name, 'done');
      order.push(top.name);
      stack.pop();
    }
  }
  return order;
}

function checkSupported(model: TfjsModel, order: string[]): void {
  const missing = new Map<string, string[]>();
  for (const name of order) {
    const op = model.nodes.get(name)?.op ?? '';
    if (op === 'Const' || op === 'Placeholder' || op in OP_TABLE) continue;
    missing.set(op, [...(missing.get(op) ?? []), name]);
  }
  if (missing.size > 0) throw new UnsupportedOpError(missing);
}

function countOps(g: OnnxGraph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of g.nodes) counts[n.opType ?? '?'] = (counts[n.opType ?? '?'] ?? 0) + 1;
  return counts;
}
