/**
 * The model card written beside each converted model (docs/DESIGN.md §4): what the file is, what it expects, what
 * it returns, where the weights come from and under which licence, and the SHA-256 that ties card and file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OPSET, type ElemTypeName } from './onnx-graph';

/**
 * The machine-readable input of an encoder card, which the studio feeds it by (src-main/core/inference/modelCard.ts
 * `EncoderInputSchema`); the free-text colour, normalisation and alignment say the same for people.
 */
export interface EncoderInputFields {
  channels: 1 | 3;
  colourOrder: 'RGB' | 'BGR';
  valueRange: '0..1' | '0..255';
  mean: number[];
  std: number[];
  cropScale: number;
}

export interface CardTensor {
  name: string;
  dtype: ElemTypeName;
  /** Fixed sizes as numbers; `N` is the dynamic batch. */
  shape: (number | string)[];
  description: string;
}

export interface ModelCard {
  schemaVersion: 1;
  name: string;
  version: string;
  /** `blendshapes`: facial-action scores and an embedding from landmarks (tools/tflite-to-onnx), not from pixels. */
  role: 'detector' | 'landmarks' | 'encoder' | 'identity' | 'blendshapes';
  task: string;
  file: string;
  sha256: string;
  sizeBytes: number;
  format: { type: 'onnx'; opset: number };
  /** D of the encoder contract: length of the `embedding` output. */
  embeddingDim?: number;
  inputs: CardTensor[];
  outputs: CardTensor[];
  preprocessing: {
    size: { width: number; height: number };
    /** `points`: [N, P, 2] landmark coordinates rather than an image. */
    layout: 'NHWC' | 'points';
    colour: string;
    normalisation: string;
    alignment: string;
  } & Partial<EncoderInputFields>;
  /** How to read the outputs: class order, units, decoding. */
  labelScale: Record<string, unknown>;
  trainingData: string;
  licence: { weights: string; holder: string; packaging: string; notes?: string };
  upstream: { project: string; url: string; paper?: string; notes?: string };
  source: { package: string; version: string; files: { path: string; sha256: string }[] };
  converter: { tool: string; version: string; options: Record<string, unknown> };
}

/** What a shipped model's spec writes by hand; the rest of its card comes from the conversion. */
export type CardText = Omit<ModelCard, 'schemaVersion' | 'file' | 'sha256' | 'sizeBytes' | 'format' | 'inputs' | 'outputs' | 'source' | 'converter'>;

/** The part of a shipped model's spec both converters share: its id, its card's words, its tensors' descriptions. */
export interface ShippedModelWords {
  id: string;
  card: CardText;
  /** Description of every input and output, by ONNX name. */
  descriptions: Record<string, string>;
}

interface ConvertedTensors {
  bytes: Uint8Array;
  inputs: { name: string; dtype: CardTensor['dtype']; shape: (number | string)[] }[];
  outputs: { name: string; dtype: CardTensor['dtype']; shape: (number | string)[] }[];
}

export function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * The card of a converted model, whichever converter made it: the spec's words, the file's digest and size, every
 * tensor with its description (a tensor the spec does not describe is an error, so no card ships a blank), and the
 * source and converter that say how to make the same bytes again.
 */
export function convertedModelCard(spec: ShippedModelWords, result: ConvertedTensors, source: ModelCard['source'], converter: ModelCard['converter']): ModelCard {
  const describe = (io: ConvertedTensors['inputs'][number]): CardTensor => {
    const description = spec.descriptions[io.name];
    if (description === undefined) throw new Error(`${spec.id}: no description for '${io.name}'`);
    return { name: io.name, dtype: io.dtype, shape: io.shape, description };
  };
  return {
    schemaVersion: 1,
    ...spec.card,
    file: `${spec.id}.onnx`,
    sha256: sha256(result.bytes),
    sizeBytes: result.bytes.byteLength,
    format: { type: 'onnx', opset: OPSET },
    inputs: result.inputs.map(describe),
    outputs: result.outputs.map(describe),
    source,
    converter,
  };
}

/** The card file's text: stable key order and a trailing newline, so a rebuild diffs cleanly. */
export function cardText(card: ModelCard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}

/** Writes each built model and its card into `dir`, saying what was written (both converters' build-models). */
export async function writeShippedModels<S extends ShippedModelWords>(dir: string, specs: readonly S[], build: (spec: S) => Promise<{ bytes: Uint8Array; card: ModelCard }>): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const spec of specs) {
    const { bytes, card } = await build(spec);
    fs.writeFileSync(path.join(dir, card.file), bytes);
    fs.writeFileSync(path.join(dir, `${spec.id}.card.json`), cardText(card));
    console.log(`${card.file}: ${bytes.byteLength} bytes, sha256 ${card.sha256}`);
  }
}
