/**
 * The model card written beside each converted model (docs/DESIGN.md §4): what the file is, what it expects, what
 * it returns, where the weights come from and under which licence, and the SHA-256 that ties card and file.
 */
import type { ElemTypeName } from './onnx-graph';

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
