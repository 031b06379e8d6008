/**
 * A labelled face-image dataset for `affect-studio evaluate`: a CSV (image, clip, frame, valence, arousal; image
 * paths relative to the CSV) or an AFEW-VA folder (one sub-folder per clip with its NNN.json), and the encoder's
 * outputs and the facial-action embedding (descriptor version 2) for every image, cached per dataset so repeated
 * evaluations skip decoding and inference.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StudioError } from '../errors';
import { runBatched } from '../inference/batching';
import { SessionFactory } from '../inference/executionProviders';
import { defaultModelsDir, loadModel } from '../inference/modelRegistry';
import { decodeImage } from '../media/imageSequence';
import { listImageFrames } from '../media/imageSequence';
import { parseTable } from '../io/csv';
import { decimalNumber, wholeNumber } from '../strictNumbers';
import { findAfewVaJson, readAfewVaClip } from '../io/afewVa';
import { writeFileAtomic } from '../paths/atomicWrite';
import { encoderPreprocessing } from '../vision/encoderInput';
import { cropRoi, type Roi } from '../vision/imageOps';
import { ACTION_EMBEDDING_DIM, blendshapeLabels, blendshapePoints, readFaceActions } from '../vision/faceActions';
import { DEFAULT_ENCODER } from './descriptorLayout';

const { embeddingDim: EMBEDDING_DIM, expressionDim: EXPRESSION_DIM } = DEFAULT_ENCODER;
/** Values cached per image: embedding, expression probabilities, action embedding. */
const PER_IMAGE = EMBEDDING_DIM + EXPRESSION_DIM + ACTION_EMBEDDING_DIM;

export interface LabelledImage {
  file: string;
  clip: string;
  frame: number;
  valence: number;
  arousal: number;
}

const REQUIRED = ['image', 'clip', 'frame', 'valence', 'arousal'] as const;

/**
 * `range` maps a CSV's scale [min, max] linearly onto [-1, 1] (default [-1, 1]); values outside it are an error.
 * AFEW-VA's scale is known ([-10, 10]), so a range given with an AFEW-VA folder is refused, not applied twice.
 */
export function readLabelledImages(datasetPath: string, range?: [number, number]): LabelledImage[] {
  if (!fs.existsSync(datasetPath)) throw new StudioError(`The dataset ${datasetPath} does not exist.`);
  const isFolder = fs.statSync(datasetPath).isDirectory();
  if (!isFolder && /\.json$/i.test(datasetPath)) {
    throw new StudioError(`${datasetPath} is a JSON file: give the AFEW-VA folder (its clip folders hold the images and NNN.json), or a CSV.`);
  }
  if (isFolder && range !== undefined) {
    throw new StudioError(`AFEW-VA labels are always on [-10, 10] and are converted to [-1, 1]; leave out the range (it applies to CSV datasets only).`);
  }
  const [min, max] = range ?? [-1, 1];
  if (!(max > min)) throw new StudioError(`The range ${min},${max} is empty: give MIN,MAX with MIN < MAX.`);
  const toUnit = (x: number, what: string) => {
    if (!Number.isFinite(x) || x < min || x > max) throw new StudioError(`${what} is ${x}, outside the range ${min} to ${max} (set it with --range MIN,MAX).`);
    return ((x - min) / (max - min)) * 2 - 1;
  };
  const images = isFolder ? readAfewVaFolder(datasetPath, toUnit) : readCsv(datasetPath, toUnit);
  if (images.length === 0) throw new StudioError(`The dataset ${datasetPath} has no labelled images.`);
  return images;
}

function readCsv(file: string, toUnit: (x: number, what: string) => number): LabelledImage[] {
  const { records, decimalComma } = parseTable(fs.readFileSync(file, 'utf8'));
  const header = records[0]?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length > 0) throw new StudioError(`${path.basename(file)} lacks the column(s) ${missing.join(', ')}; it needs ${REQUIRED.join(', ')}.`);
  const col = Object.fromEntries(REQUIRED.map((name) => [name, header.indexOf(name)])) as Record<(typeof REQUIRED)[number], number>;
  const dir = path.dirname(file);
  return records.slice(1).map(({ line, fields }) => {
    const get = (name: (typeof REQUIRED)[number]) => (fields[col[name]] ?? '').trim();
    const where = `Line ${line} of ${path.basename(file)}:`;
    const number = (name: 'valence' | 'arousal') => decimalNumber(get(name), `${where} ${name}`, { decimalComma });
    return {
      file: path.resolve(dir, get('image')),
      clip: get('clip'),
      frame: wholeNumber(get('frame'), `${where} frame`),
      valence: toUnit(number('valence'), `Line ${line}: valence`),
      arousal: toUnit(number('arousal'), `Line ${line}: arousal`),
    };
  });
}

/** AFEW-VA's own scale is [-10, 10]; its reader divides by 10, so `toUnit` here is the identity on [-1, 1]. */
function readAfewVaFolder(dir: string, toUnit: (x: number, what: string) => number): LabelledImage[] {
  const clips = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(dir, e.name));
  const folders = findAfewVaJson(dir) ? [dir] : clips.filter((c) => findAfewVaJson(c));
  if (folders.length === 0) throw new StudioError(`${dir} is neither a CSV nor an AFEW-VA folder (no clip folder holds a NNN.json).`);
  return folders.flatMap((folder) => {
    const clip = readAfewVaClip(findAfewVaJson(folder) as string, listImageFrames(folder));
    return clip.labels.map((label) => ({
      file: path.join(folder, label.imageFile),
      clip: path.basename(folder),
      frame: Number(path.parse(label.imageFile).name),
      valence: toUnit(label.valence, `${label.imageFile}: valence`),
      arousal: toUnit(label.arousal, `${label.imageFile}: arousal`),
    }));
  });
}

export interface EncodedImages {
  /** [N, 256], [N, 7] and [N, 64] (the blendshape model's action embedding), row-major, in dataset order. */
  embeddings: Float32Array;
  probabilities: Float32Array;
  actions: Float32Array;
  encoder: string;
  cacheFile: string;
  fromCache: boolean;
}

export function defaultEncoderFile(): string {
  return path.join(defaultModelsDir(), 'emotion.onnx');
}

/** facemesh_v2 reads the image's face square as its 256 x 256 face crop (kerc-dev's crops are exactly that). */
const MESH_SIZE = { width: 256, height: 256 };
/**
 * Goes into the cache key: bumped whenever the same images and models would encode to other values. 2: one
 * decode of the centred square for both models (1 decoded twice and stretched a non-square image).
 */
const ENCODING_VERSION = 2;

function actionModelFiles(): { mesh: string; blendshapes: string } {
  return { mesh: path.join(defaultModelsDir(), 'facemesh_v2.onnx'), blendshapes: path.join(defaultModelsDir(), 'blendshapes.onnx') };
}

export function encoderCacheDir(): string {
  return path.join(os.tmpdir(), 'affect-studio-eval-cache');
}

/**
 * Encodes every image (encoder in ONNX Runtime, batches of 32, its input normalised as the card says) and reads its
 * facial actions as analysis does: facemesh_v2 on the face at 256 x 256, the blendshape model on its landmarks.
 * The images are already face crops, as in the authors' protocol. Each is decoded once by ffmpeg, as the centred
 * square on its shorter side at the mesh's 256 px, and the encoder's input is resampled from that square as
 * analysis crops it from a frame (imageOps.ts). A square keeps the face's proportions, which both models read
 * (stretching a non-square crop widens or lengthens the face, and so its landmarks and expression); a face crop
 * centres its face, so the centred square holds it at the scale a square crop would, where padding would shrink it
 * inside black bars the models never see in analysis. The cost: a crop much longer than wide loses its ends.
 * The cache key is the SHA-256 of ENCODING_VERSION, the image list and every image file, plus the three models':
 * a changed image, model or encoding is never served from a stale cache.
 */
export async function encodeImages(images: readonly LabelledImage[], options: { encoderFile?: string; cacheDir?: string; onProgress?: (done: number, total: number) => void } = {}): Promise<EncodedImages> {
  const encoderFile = options.encoderFile ?? defaultEncoderFile();
  const actionModels = actionModelFiles();
  const hash = createHash('sha256').update(`encoding ${ENCODING_VERSION}`);
  for (const file of [encoderFile, actionModels.mesh, actionModels.blendshapes]) hash.update(fs.readFileSync(file));
  for (const image of images) {
    if (!fs.existsSync(image.file)) throw new StudioError(`The image ${image.file} does not exist.`);
    hash.update(image.file).update(fs.readFileSync(image.file));
  }
  const cacheFile = path.join(options.cacheDir ?? encoderCacheDir(), `${hash.digest('hex')}.f32`);
  const n = images.length;
  const per = PER_IMAGE;
  if (fs.existsSync(cacheFile) && fs.statSync(cacheFile).size === n * per * 4) {
    return { ...split(new Float32Array(fs.readFileSync(cacheFile).buffer.slice(0)), n), encoder: encoderFile, cacheFile, fromCache: true };
  }
  const factory = new SessionFactory({ chain: ['cpu'] });
  const model = await loadModel(encoderFile, { factory, role: 'encoder' });
  const mesh = await loadModel(actionModels.mesh, { factory, role: 'landmarks' });
  const blendshapes = await loadModel(actionModels.blendshapes, { factory, role: 'blendshapes' });
  const { inputLandmarks } = blendshapeLabels(blendshapes);
  const all = new Float32Array(n * per);
  try {
    const input = encoderPreprocessing(model.card);
    // The whole decoded square, as the encoder's crop of it (same sampling as analysis's crops from a frame).
    const square: Roi = { cx: MESH_SIZE.width / 2, cy: MESH_SIZE.height / 2, size: MESH_SIZE.width, angle: 0 };
    const encoderInput = (rgb: Uint8Array) => cropRoi({ data: rgb, ...MESH_SIZE }, { roi: square, width: input.width, height: input.height, maxSamples: 4, post: input.post });
    const batch = 32;
    for (let start = 0; start < n; start += batch) {
      const chunk = images.slice(start, start + batch);
      // Two ffmpeg processes at a time keep both cores busy while ORT waits.
      const inputs: Float32Array[] = [];
      const meshInputs: Float32Array[] = [];
      for (let i = 0; i < chunk.length; i += 2) {
        const decoded = await Promise.all(chunk.slice(i, i + 2).map((img) => decodeImage(img.file, MESH_SIZE, { centreSquare: true })));
        inputs.push(...decoded.map(encoderInput));
        meshInputs.push(...decoded.map((rgb) => Float32Array.from(rgb, (v) => v / 255)));
      }
      const out = await runBatched(model, inputs, input.itemShape);
      const landmarks = await runBatched(mesh, meshInputs, [MESH_SIZE.height, MESH_SIZE.width, 3]);
      const actions = await readFaceActions(blendshapes, chunk.map((_, i) => blendshapePoints(landmarks.landmarks?.[i] as Float32Array, inputLandmarks)), inputLandmarks);
      chunk.forEach((_, i) => {
        all.set(out.embedding?.[i] ?? new Float32Array(EMBEDDING_DIM), (start + i) * per);
        all.set(out.expression_probs?.[i] ?? new Float32Array(EXPRESSION_DIM), (start + i) * per + EMBEDDING_DIM);
        all.set((actions[i] as { embedding: Float32Array }).embedding, (start + i) * per + EMBEDDING_DIM + EXPRESSION_DIM);
      });
      options.onProgress?.(Math.min(n, start + batch), n);
    }
  } finally {
    await Promise.all([model, mesh, blendshapes].map((m) => m.session.release()));
  }
  writeFileAtomic(cacheFile, new Uint8Array(all.buffer));
  return { ...split(all, n), encoder: encoderFile, cacheFile, fromCache: false };
}

function split(all: Float32Array, n: number): { embeddings: Float32Array; probabilities: Float32Array; actions: Float32Array } {
  const per = PER_IMAGE;
  const embeddings = new Float32Array(n * EMBEDDING_DIM);
  const probabilities = new Float32Array(n * EXPRESSION_DIM);
  const actions = new Float32Array(n * ACTION_EMBEDDING_DIM);
  for (let i = 0; i < n; i++) {
    const row = i * per;
    embeddings.set(all.subarray(row, row + EMBEDDING_DIM), i * EMBEDDING_DIM);
    probabilities.set(all.subarray(row + EMBEDDING_DIM, row + EMBEDDING_DIM + EXPRESSION_DIM), i * EXPRESSION_DIM);
    actions.set(all.subarray(row + EMBEDDING_DIM + EXPRESSION_DIM, row + per), i * ACTION_EMBEDDING_DIM);
  }
  return { embeddings, probabilities, actions };
}
