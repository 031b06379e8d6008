/**
 * The checks a model must pass before the studio uses it (docs/DESIGN.md §4): its inputs and outputs are the ones its
 * card declares (names, dtypes, shapes), it meets the contract of its role, and one inference on zeros returns
 * outputs of the promised shape with finite values. Each check returns problems in words, not booleans, so a
 * rejected model tells the lab exactly what to fix.
 */
import * as ort from './onnxRuntime';
import { encoderInputOf, encoderItemShape, type ModelCard, type ModelRole, type TensorSpec } from './modelCard';

type Dim = number | string;

interface IoSpec {
  name: string;
  dtype: string;
  shape: Dim[];
}

/** What each role must expose beyond what its card declares: the names the studio's code reads. */
const ROLE_OUTPUTS: Record<ModelRole, readonly string[]> = {
  detector: ['logits_stride16', 'regressors_stride16', 'logits_stride32', 'regressors_stride32'],
  landmarks: ['landmarks', 'face_flag'],
  encoder: ['embedding'],
  identity: ['embedding'],
  blendshapes: ['blendshapes', 'embedding'],
  pair_head: ['similarity', 'delta_valence', 'delta_arousal'],
};

const ROLE_NAMES: Record<ModelRole, string> = { detector: 'a detector', landmarks: 'a landmark model', encoder: 'an encoder', identity: 'an identity model', blendshapes: 'a blendshape model', pair_head: 'a pair head' };

const SMOKE_BATCH = 2;
/** An encoder's optional outputs that predict affect directly. */
export const AFFECT_OUTPUTS = ['valence', 'arousal'] as const;

function sessionIo(metadata: readonly ort.InferenceSession.ValueMetadata[]): IoSpec[] {
  return metadata.map((m) => (m.isTensor ? { name: m.name, dtype: m.type, shape: [...m.shape] } : { name: m.name, dtype: 'non-tensor', shape: [] }));
}

const showShape = (shape: readonly Dim[]) => `[${shape.join(', ')}]`;

/** A card's fixed size must be the model's size; a symbolic size in either one matches anything. */
function shapesAgree(model: readonly Dim[], card: readonly Dim[]): boolean {
  return model.length === card.length && model.every((d, i) => typeof d === 'string' || typeof card[i] === 'string' || d === card[i]);
}

export function checkCardMatchesModel(card: ModelCard, session: ort.InferenceSession): string[] {
  const problems: string[] = [];
  const compare = (kind: 'input' | 'output', declared: readonly TensorSpec[], actual: IoSpec[]) => {
    for (const spec of declared) {
      const found = actual.find((io) => io.name === spec.name);
      if (!found) {
        problems.push(`the card declares ${kind} "${spec.name}" but the model has no such ${kind} (it has ${actual.map((io) => `"${io.name}"`).join(', ')})`);
        continue;
      }
      if (found.dtype !== spec.dtype) problems.push(`${kind} "${spec.name}" is ${found.dtype} in the model but ${spec.dtype} on the card`);
      if (!shapesAgree(found.shape, spec.shape)) {
        problems.push(`${kind} "${spec.name}" has shape ${showShape(found.shape)} in the model but ${showShape(spec.shape)} on the card`);
      }
    }
  };
  compare('input', card.inputs, sessionIo(session.inputMetadata));
  compare('output', card.outputs, sessionIo(session.outputMetadata));
  const undeclared = session.inputNames.filter((name) => !card.inputs.some((spec) => spec.name === name));
  if (undeclared.length > 0) problems.push(`the model needs input ${undeclared.map((n) => `"${n}"`).join(', ')} that the card does not declare`);
  return problems;
}

export function checkRoleContract(card: ModelCard, session: ort.InferenceSession): string[] {
  const problems: string[] = [];
  const outputs = sessionIo(session.outputMetadata);
  const inputs = sessionIo(session.inputMetadata);
  for (const name of ROLE_OUTPUTS[card.role]) {
    const out = outputs.find((io) => io.name === name);
    if (!out) problems.push(`${ROLE_NAMES[card.role]} must have an output "${name}", and this model has none (it has ${outputs.map((io) => `"${io.name}"`).join(', ')})`);
    else if (out.dtype !== 'float32') problems.push(`output "${name}" must be float32, not ${out.dtype}`);
  }
  for (const input of inputs) if (input.dtype !== 'float32') problems.push(`input "${input.name}" must be float32, not ${input.dtype}`);

  if (card.role === 'encoder') {
    const dim = card.embeddingDim;
    if (dim === undefined) problems.push('an encoder card must state its embedding size D (embeddingDim)');
    if (inputs.length !== 1) problems.push(`an encoder takes one input (the face crops), not ${inputs.length}`);
    else if (inputs[0]?.shape.length !== 4) problems.push(`the encoder input must be a 4-D image batch, not ${showShape(inputs[0]?.shape ?? [])}`);
    else {
      const input = encoderInputOf(card);
      const expected = ['N', ...encoderItemShape(input)];
      if (!shapesAgree(inputs[0].shape, expected)) {
        problems.push(
          `the card's preprocessing (${input.layout}, ${input.channels} channel(s), ${input.size.width}x${input.size.height}) makes ${showShape(expected)} but the model's input "${inputs[0].name}" is ${showShape(inputs[0].shape)}`,
        );
      }
    }
    problems.push(...affectOutputProblems(outputs));
    // The studio reads the affect outputs its card declares (modelCard.ts predictsAffect): half a pair is a mistake.
    const affectDeclared = AFFECT_OUTPUTS.filter((name) => card.outputs.some((o) => o.name === name));
    if (affectDeclared.length === 1) {
      problems.push(`the card declares output "${affectDeclared[0]}" without "${AFFECT_OUTPUTS.find((n) => n !== affectDeclared[0])}": declare both or neither`);
    }
    const embedding = outputs.find((io) => io.name === 'embedding');
    if (embedding && embedding.shape.length !== 2) problems.push(`"embedding" must be [N, D], not ${showShape(embedding.shape)}`);
    const declared = embedding?.shape[1];
    if (dim !== undefined && typeof declared === 'number' && declared !== dim) {
      problems.push(`embedding size differs: the model's "embedding" has D = ${declared} but the card says D = ${dim}`);
    }
  }
  if (card.role === 'blendshapes') {
    if (inputs.length !== 1 || inputs[0]?.shape.length !== 3 || inputs[0]?.shape[2] !== 2) {
      problems.push(`a blendshape model takes one input of landmark points [N, K, 2], not ${inputs.map((io) => showShape(io.shape)).join(', ')}`);
    }
  }
  if (card.role === 'pair_head') {
    const dim = card.embeddingDim;
    if (dim === undefined) problems.push('a pair head card must state the embedding size D it reads (embeddingDim)');
    for (const name of ['emb_a', 'emb_b']) {
      const input = inputs.find((io) => io.name === name);
      if (!input) problems.push(`a pair head must have an input "${name}" [N, D]`);
      else if (input.shape.length !== 2 || (dim !== undefined && typeof input.shape[1] === 'number' && input.shape[1] !== dim)) {
        problems.push(`input "${name}" must be [N, ${dim ?? 'D'}], not ${showShape(input.shape)}`);
      }
    }
    for (const name of ROLE_OUTPUTS.pair_head) {
      const out = outputs.find((io) => io.name === name);
      if (out && out.shape.length !== 1) problems.push(`output "${name}" must be [N], not ${showShape(out.shape)}`);
    }
  }
  return problems;
}

/**
 * An encoder may also predict valence and arousal itself (a prior head): then both, one value per face ([N] or
 * [N, 1]), so the studio never reads half a prediction.
 */
function affectOutputProblems(outputs: readonly IoSpec[]): string[] {
  const found = AFFECT_OUTPUTS.map((name) => outputs.find((io) => io.name === name));
  if (found.every((io) => io === undefined)) return [];
  const problems: string[] = [];
  AFFECT_OUTPUTS.forEach((name, i) => {
    const io = found[i];
    if (!io) problems.push(`an encoder with a "${AFFECT_OUTPUTS[1 - i]}" output must also have "${name}"`);
    else if (io.dtype !== 'float32') problems.push(`output "${name}" must be float32, not ${io.dtype}`);
    else if (!(io.shape.length === 1 || (io.shape.length === 2 && (io.shape[1] === 1 || typeof io.shape[1] === 'string')))) {
      problems.push(`output "${name}" must be [N] or [N, 1], not ${showShape(io.shape)}`);
    }
  });
  return problems;
}

/** Input dims for one batch: the batch size first, symbolic spatial sizes from the card's crop size. */
export function concreteInputShape(card: ModelCard, shape: readonly Dim[], batch: number): number[] {
  const size = card.preprocessing?.size;
  const encoderItem = card.role === 'encoder' ? encoderItemShape(encoderInputOf(card)) : null;
  return shape.map((d, i) => {
    if (typeof d === 'number') return d;
    if (i === 0) return batch;
    if (encoderItem && shape.length === 4) return encoderItem[i - 1] as number;
    if (card.role === 'pair_head' && i === 1 && card.embeddingDim !== undefined) return card.embeddingDim;
    if (size && i === 1) return size.height;
    if (size && i === 2) return size.width;
    return 1;
  });
}

/** The batch size the model insists on, when its first input dimension is fixed (a PyTorch export without dynamic axes). */
export function fixedBatchOf(session: ort.InferenceSession): number | null {
  const first = sessionIo(session.inputMetadata)[0]?.shape[0];
  return typeof first === 'number' ? first : null;
}

/**
 * The smoke test's input: zeros, except for a blendshape model, which normalises its points by their spread: all
 * points at one place are no face, so it gets points on a circle (each point at its own angle).
 */
function smokeInput(card: ModelCard, dims: readonly number[]): Float32Array {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  if (card.role === 'blendshapes') {
    for (let i = 0; i < data.length / 2; i++) {
      data[2 * i] = 128 + 64 * Math.cos(i);
      data[2 * i + 1] = 128 + 64 * Math.sin(i);
    }
  }
  return data;
}

/** One inference on zeros: every role output comes back with the batch size, the promised width, finite values. */
export async function smokeTest(card: ModelCard, session: ort.InferenceSession): Promise<string[]> {
  const batch = fixedBatchOf(session) ?? SMOKE_BATCH;
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of sessionIo(session.inputMetadata)) {
    const dims = concreteInputShape(card, input.shape, batch);
    feeds[input.name] = new ort.Tensor('float32', smokeInput(card, dims), dims);
  }
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await session.run(feeds);
  } catch (error) {
    return [`a test inference on zeros failed: ${(error as Error).message.split('\n')[0]}`];
  }
  const problems: string[] = [];
  for (const name of [...ROLE_OUTPUTS[card.role], ...(card.role === 'encoder' ? AFFECT_OUTPUTS : [])]) {
    const tensor = results[name];
    if (!tensor) continue;
    if (tensor.dims[0] !== batch) problems.push(`a test inference on ${batch} items returned "${name}" with dims [${tensor.dims.join(', ')}]`);
    const data = tensor.data as Float32Array;
    if (!data.every(Number.isFinite)) problems.push(`a test inference on zeros returned non-finite values in "${name}"`);
    if (name === 'embedding' && card.embeddingDim !== undefined && tensor.dims[1] !== card.embeddingDim) {
      problems.push(`embedding size differs: a test inference returned D = ${tensor.dims[1]} but the card says D = ${card.embeddingDim}`);
    }
  }
  return problems;
}
