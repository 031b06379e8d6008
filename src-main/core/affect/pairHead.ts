/**
 * The studio's pair heads (docs/DESIGN.md §4): `emb_a` [N, D], `emb_b` [N, D] -> `similarity` [N] (logit),
 * `delta_valence` [N], `delta_arousal` [N], b minus a.
 *
 * D is the descriptor layout's (descriptorLayout.ts): 263 for version 1, the encoder's 256-d embedding followed by its 7
 * expression probabilities, 327 for version 2, which appends the 64-d action embedding. The embedding alone mostly encodes identity (docs/notes/fewshot-baselines.md: in 82-88% of FRL triplets "A smiling" is
 * nearer "A neutral" than "B smiling"), the probabilities carry expression; a head fed both can weigh them.
 *
 * Both heads the studio writes are linear in the difference d = b - a:
 *   delta = d · W_delta           (W_delta [D, 2]: valence, arousal)
 *   similarity = bias - |d · W_metric|^2   (W_metric [D, R]: a learned low-rank metric)
 * Reading only d makes every head antisymmetric (delta(a, b) = -delta(b, a), delta(a, a) = 0) by construction,
 * and keeps the fused prediction "anchor label + delta" equal to a regression whose intercept comes from the
 * anchors (propagate.ts): the "ridge + kernel regression on residuals" that did best in the measured baselines.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { StudioError } from '../errors';
import { buildModel, encodeModel, OnnxGraph, OPSET, valueInfo } from '../onnx/graphBuilder';
import { writeFileAtomic } from '../paths/atomicWrite';
import { layoutCardFields, type DescriptorLayout } from './descriptorLayout';

export interface LinearPairHead {
  dim: number;
  rank: number;
  /** [dim, 2] row-major; column 0 valence, column 1 arousal. */
  delta: Float32Array;
  /** [dim, rank] row-major. */
  metric: Float32Array;
  /** The similarity logit of a pair with identical descriptors. */
  bias: number;
}

export interface PairOutputs {
  similarity: Float32Array;
  deltaValence: Float32Array;
  deltaArousal: Float32Array;
}

/**
 * The head's forward pass in TypeScript, for N pairs (`a`, `b` are [N, dim] row-major). Used by training, by
 * tests against ONNX Runtime, and by propagation when the active head is one the studio wrote itself.
 */
export function forwardPairs(head: LinearPairHead, a: Float32Array, b: Float32Array): PairOutputs {
  const { dim, rank } = head;
  if (a.length !== b.length || a.length % dim !== 0) {
    throw new StudioError(`Pair head inputs must both be [N, ${dim}]; got ${a.length} and ${b.length} values.`);
  }
  const n = a.length / dim;
  const out: PairOutputs = { similarity: new Float32Array(n), deltaValence: new Float32Array(n), deltaArousal: new Float32Array(n) };
  const d = new Float64Array(dim);
  const e = new Float64Array(rank);
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    for (let k = 0; k < dim; k++) d[k] = (b[base + k] as number) - (a[base + k] as number);
    let dv = 0;
    let da = 0;
    e.fill(0);
    for (let k = 0; k < dim; k++) {
      const dk = d[k] as number;
      if (dk === 0) continue;
      dv += dk * (head.delta[2 * k] as number);
      da += dk * (head.delta[2 * k + 1] as number);
      const row = k * rank;
      for (let r = 0; r < rank; r++) e[r] = (e[r] as number) + dk * (head.metric[row + r] as number);
    }
    let sq = 0;
    for (let r = 0; r < rank; r++) sq += (e[r] as number) ** 2;
    out.similarity[i] = head.bias - sq;
    out.deltaValence[i] = dv;
    out.deltaArousal[i] = da;
  }
  return out;
}

const PAIR_INPUTS = ['emb_a', 'emb_b'] as const;
const PAIR_OUTPUTS = ['similarity', 'delta_valence', 'delta_arousal'] as const;

/** The ONNX graph of a linear head: Sub, MatMul, Gather, Mul, ReduceSum, all opset 13. */
export function headToOnnx(head: LinearPairHead, meta: { name: string; version: string; docString: string }): Uint8Array {
  const g = new OnnxGraph();
  g.scope = 'pair_head';
  const [embA, embB] = PAIR_INPUTS.map((name) => g.claim(name)) as [string, string];
  const [simName, dvName, daName] = PAIR_OUTPUTS.map((name) => g.claim(name)) as [string, string, string];
  const d = g.op('Sub', [embB, embA]);
  const deltas = g.op('MatMul', [d, g.float('w_delta', head.delta, [head.dim, 2])]);
  g.op('Gather', [deltas, g.int64('valence_column', [0], [])], { axis: { i: 1 } }, dvName);
  g.op('Gather', [deltas, g.int64('arousal_column', [1], [])], { axis: { i: 1 } }, daName);
  const e = g.op('MatMul', [d, g.float('w_metric', head.metric, [head.dim, head.rank])]);
  const squared = g.op('ReduceSum', [g.op('Mul', [e, e]), g.int64('metric_axis', [1])], { keepdims: { i: 0 } });
  g.op('Sub', [g.float('bias', [head.bias], []), squared], {}, simName);
  const tensor = (name: string, shape: (number | string)[]) => valueInfo({ name, dtype: 'float32', shape });
  const model = buildModel(
    g,
    PAIR_INPUTS.map((name) => tensor(name, ['N', head.dim])),
    PAIR_OUTPUTS.map((name) => tensor(name, ['N'])),
    {
      graphName: meta.name,
      producerName: 'affect-studio',
      producerVersion: meta.version,
      docString: meta.docString,
      metadata: {},
    },
  );
  return encodeModel(model);
}

/** Everything a pair head's card says beyond what `writePairHead` fills in. */
export interface PairHeadCardFields {
  name: string;
  version: string;
  description: string;
  trainingData: string;
  [extra: string]: unknown;
}

export interface WrittenHead {
  file: string;
  cardFile: string;
  sha256: string;
  card: Record<string, unknown>;
}

/**
 * Writes `<dir>/<baseName>.onnx` and its card `<baseName>.card.json` (models/README.md convention). The card names
 * the descriptor layout the head reads, so it is only ever applied to descriptors of that layout.
 */
export function writePairHead(dir: string, baseName: string, head: LinearPairHead, layout: DescriptorLayout, fields: PairHeadCardFields): WrittenHead {
  if (layout.dim !== head.dim) throw new StudioError(`A ${head.dim}-d pair head cannot be written for version ${layout.version} descriptors of ${layout.dim} values.`);
  const bytes = headToOnnx(head, { name: fields.name, version: fields.version, docString: fields.description });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = path.join(dir, `${baseName}.onnx`);
  const cardFile = path.join(dir, `${baseName}.card.json`);
  const card = {
    schemaVersion: 1,
    ...fields,
    role: 'pair_head',
    embeddingDim: head.dim,
    descriptor: layoutCardFields(layout),
    architecture: { kind: 'linear in d = emb_b - emb_a', metricRank: head.rank },
    labelScale: { valence: [-1, 1], arousal: [-1, 1], deltas: 'b minus a', similarity: 'logit; sigmoid > 0.5 means within 0.2 in both valence and arousal' },
    licence: { weights: 'produced by Affect Studio from the project owner\'s data; the project owner decides' },
    file: path.basename(file),
    sha256,
    sizeBytes: bytes.length,
    format: { type: 'onnx', opset: OPSET },
    inputs: PAIR_INPUTS.map((name) => ({ name, dtype: 'float32', shape: ['N', head.dim] })),
    outputs: PAIR_OUTPUTS.map((name) => ({ name, dtype: 'float32', shape: ['N'] })),
  };
  writeFileAtomic(file, bytes);
  writeFileAtomic(cardFile, JSON.stringify(card, null, 2) + '\n');
  return { file, cardFile, sha256, card };
}

/** Reads the weights of a head this module wrote back from its ONNX file, so a stored head needs no second format. */
export function readLinearHead(bytes: Uint8Array): LinearPairHead {
  const model = onnx.ModelProto.decode(bytes);
  const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const find = (suffix: string) => {
    const entry = [...inits.entries()].find(([name]) => name.endsWith(`/${suffix}`));
    if (!entry || !entry[1].rawData) throw new StudioError(`This ONNX file is not a pair head written by Affect Studio (no "${suffix}").`);
    const raw = entry[1].rawData;
    return { dims: (entry[1].dims ?? []).map(Number), data: new Float32Array(Uint8Array.from(raw).buffer) };
  };
  const delta = find('w_delta');
  const metric = find('w_metric');
  return { dim: delta.dims[0] as number, rank: metric.dims[1] as number, delta: delta.data, metric: metric.data, bias: find('bias').data[0] as number };
}

/**
 * x W for every descriptor ([N, dim] row-major): [N, 2 + rank], delta projection then metric projection. A linear
 * head's outputs for a pair are differences of these rows (propagate.ts `anchorOutputsFromProjections`).
 */
export function projectDescriptors(head: LinearPairHead, descriptors: Float32Array): { dim: number; rank: number; values: Float32Array; bias: number } {
  const { dim, rank } = head;
  const n = descriptors.length / dim;
  const width = 2 + rank;
  const values = new Float32Array(n * width);
  const acc = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let k = 0; k < dim; k++) {
      const x = descriptors[i * dim + k] as number;
      if (x === 0) continue;
      acc[0] = (acc[0] as number) + x * (head.delta[2 * k] as number);
      acc[1] = (acc[1] as number) + x * (head.delta[2 * k + 1] as number);
      for (let r = 0; r < rank; r++) acc[2 + r] = (acc[2 + r] as number) + x * (head.metric[k * rank + r] as number);
    }
    values.set(acc, i * width);
  }
  return { dim, rank, values, bias: head.bias };
}
