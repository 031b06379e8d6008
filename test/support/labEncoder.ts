/**
 * A lab's own encoder for tests, built here as an ONNX graph: RGB 112 x 112, NCHW, ImageNet mean/std on 0..1 (a
 * typical PyTorch export), with a fixed linear layer as its network, so what it returns for an input can be
 * computed by hand. Written with its model card, as a lab would hand it to the studio. With `affect`, it also
 * predicts valence and arousal on [-10, 10] (AFEW-VA's raw scale, its card's `affectRange`), each a fixed linear
 * function of the input too (labAffect), as an AffectNet-trained model gives them beside its embedding.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildModel, encodeModel, OnnxGraph, valueInfo, type IoInfo } from '../../src-main/core/onnx/graphBuilder';

export const LAB_SIZE = 112;
export const LAB_DIM = 8;
export const LAB_MEAN = [0.485, 0.456, 0.406];
export const LAB_STD = [0.229, 0.224, 0.225];
export const LAB_CROP_SCALE = 1.25;
const INPUTS = 3 * LAB_SIZE * LAB_SIZE;

/**
 * The linear layer: weight of input value k (NCHW order) for embedding dimension d. Exact in float32, varied
 * along k and between dimensions, with a bias per dimension so a face's smooth pixels do not cancel out.
 */
export function labWeight(k: number, d: number): number {
  return (((k * 7 + d * 13) % 11) - 3 - (d % 3)) / 1024;
}

/** The affect outputs' scale on the card (not the studio's [-1, 1], so a test sees the mapping). */
export const LAB_AFFECT_RANGE: [number, number] = [-10, 10];
/** Each output's bias, on the card's scale. */
export const LAB_AFFECT_BIAS = { valence: -2, arousal: -3 };

/**
 * The affect outputs' weight of input value k (NCHW order: a 112 x 112 plane per channel, R, G, B), exact in
 * float32: valence reads the crop's brightness (every value alike), arousal its colour (red minus blue). On a face
 * they stay well inside [-10, 10].
 */
export function labAffectWeight(k: number, output: 'valence' | 'arousal'): number {
  if (output === 'valence') return 1 / 8192;
  const channel = Math.floor(k / (LAB_SIZE * LAB_SIZE));
  return channel === 0 ? 1 / 2048 : channel === 2 ? -1 / 2048 : 0;
}

export interface LabEncoderOptions {
  /** Changes the card only, to make a broken one. */
  card?: (card: Record<string, unknown>) => Record<string, unknown>;
  name?: string;
  /** Adds `valence` [N] and `arousal` [N, 1] outputs (labAffectWeight) on LAB_AFFECT_RANGE. */
  affect?: boolean;
}

/** Writes `<name>.onnx` and `<name>.card.json` into `dir`; returns the ONNX file. */
export function writeLabEncoder(dir: string, options: LabEncoderOptions = {}): string {
  const g = new OnnxGraph();
  const weights = new Float32Array(INPUTS * LAB_DIM);
  for (let k = 0; k < INPUTS; k++) for (let d = 0; d < LAB_DIM; d++) weights[k * LAB_DIM + d] = labWeight(k, d);
  const flat = g.op('Reshape', ['image', g.int64('flat_shape', [0, -1])]);
  g.op('MatMul', [flat, g.float('weights', weights, [INPUTS, LAB_DIM])], {}, 'embedding');
  const outputs: IoInfo[] = [{ name: 'embedding', dtype: 'float32', shape: ['N', LAB_DIM] }];
  if (options.affect) {
    const affectWeights = new Float32Array(INPUTS * 2);
    for (let k = 0; k < INPUTS; k++) {
      affectWeights[2 * k] = labAffectWeight(k, 'valence');
      affectWeights[2 * k + 1] = labAffectWeight(k, 'arousal');
    }
    const both = g.op('Add', [g.op('MatMul', [flat, g.float('affect_weights', affectWeights, [INPUTS, 2])]), g.float('affect_bias', [LAB_AFFECT_BIAS.valence, LAB_AFFECT_BIAS.arousal])]);
    // Both shapes the contract allows: valence [N] (a scalar index), arousal [N, 1] (a 1-d one).
    g.op('Gather', [both, g.int64('valence_column', [0], [])], { axis: { i: 1 } }, 'valence');
    g.op('Gather', [both, g.int64('arousal_column', [1], [1])], { axis: { i: 1 } }, 'arousal');
    outputs.push({ name: 'valence', dtype: 'float32', shape: ['N'] }, { name: 'arousal', dtype: 'float32', shape: ['N', 1] });
  }
  const bytes = encodeModel(
    buildModel(
      g,
      [valueInfo({ name: 'image', dtype: 'float32', shape: ['N', 3, LAB_SIZE, LAB_SIZE] })],
      outputs.map((o) => valueInfo(o)),
      { graphName: 'lab_linear', producerName: 'affect-studio tests', producerVersion: '1', docString: 'a linear test encoder', metadata: {} },
    ),
  );
  const name = options.name ?? 'lab-linear';
  const file = path.join(dir, `${name}.onnx`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, bytes);
  const card: Record<string, unknown> = {
    name: 'lab-linear-rgb112',
    version: '0.3.0',
    role: 'encoder',
    file: `${name}.onnx`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    embeddingDim: LAB_DIM,
    preprocessing: {
      size: { width: LAB_SIZE, height: LAB_SIZE },
      channels: 3,
      colourOrder: 'RGB',
      layout: 'NCHW',
      valueRange: '0..1',
      mean: LAB_MEAN,
      std: LAB_STD,
      cropScale: LAB_CROP_SCALE,
    },
    licence: 'CC0-1.0 (a test model)',
    inputs: [{ name: 'image', dtype: 'float32', shape: ['N', 3, LAB_SIZE, LAB_SIZE] }],
    outputs,
    ...(options.affect ? { affectRange: LAB_AFFECT_RANGE } : {}),
  };
  fs.writeFileSync(path.join(dir, `${name}.card.json`), JSON.stringify(options.card ? options.card(card) : card, null, 2));
  return file;
}
