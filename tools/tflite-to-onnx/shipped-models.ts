/**
 * The two models converted from MediaPipe's Face Landmarker V2 bundle (committed under source/, Apache-2.0): how
 * each is converted and what its model card says. `build-models.ts` writes them to models/; models.test.ts rebuilds
 * them and demands the same bytes. The bundle is committed rather than read from ../shared so that the rebuild
 * check runs in `npm test` on a fresh clone, as the TFJS models' check does from their pinned npm package.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertedModelCard, sha256, type ModelCard, type ShippedModelWords } from '../tfjs-to-onnx/model-card';
import { convertTflite, type ConvertOptions } from './convert';
import { readZip } from './task-bundle';
import { parseTflite } from './tflite-model';
import { CONVERTER_VERSION } from './version';

export const SOURCE_DIR = path.resolve(__dirname, 'source');
export const TASK_FILE = 'face_landmarker_v2_with_blendshapes.task';
/** Google's published SHA-256 of the bundle (face_landmarker/float16/1); a different file is refused. */
export const TASK_SHA256 = '64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff';

/**
 * The 146 of the 478 landmarks the blendshape model reads, in its input order: MediaPipe's kLandmarksSubsetIdxs
 * (mediapipe/tasks/cc/vision/face_landmarker/face_blendshapes_graph.cc). The last ten are the irises.
 */
export const BLENDSHAPE_LANDMARKS: readonly number[] = [
  0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109,
  127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234,
  246, 249, 251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317, 318, 321, 323, 324, 332, 334, 336,
  338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469,
  470, 471, 472, 473, 474, 475, 476, 477,
];

/** The 52 scores in output order (ARKit names, as MediaPipe's kBlendshapeNames lists them). */
export const BLENDSHAPE_NAMES: readonly string[] = [
  '_neutral', 'browDownLeft', 'browDownRight', 'browInnerUp', 'browOuterUpLeft', 'browOuterUpRight', 'cheekPuff', 'cheekSquintLeft', 'cheekSquintRight',
  'eyeBlinkLeft', 'eyeBlinkRight', 'eyeLookDownLeft', 'eyeLookDownRight', 'eyeLookInLeft', 'eyeLookInRight', 'eyeLookOutLeft', 'eyeLookOutRight',
  'eyeLookUpLeft', 'eyeLookUpRight', 'eyeSquintLeft', 'eyeSquintRight', 'eyeWideLeft', 'eyeWideRight', 'jawForward', 'jawLeft', 'jawOpen', 'jawRight',
  'mouthClose', 'mouthDimpleLeft', 'mouthDimpleRight', 'mouthFrownLeft', 'mouthFrownRight', 'mouthFunnel', 'mouthLeft', 'mouthLowerDownLeft',
  'mouthLowerDownRight', 'mouthPressLeft', 'mouthPressRight', 'mouthPucker', 'mouthRight', 'mouthRollLower', 'mouthRollUpper', 'mouthShrugLower',
  'mouthShrugUpper', 'mouthSmileLeft', 'mouthSmileRight', 'mouthStretchLeft', 'mouthStretchRight', 'mouthUpperUpLeft', 'mouthUpperUpRight', 'noseSneerLeft',
  'noseSneerRight',
];

export interface ShippedTfliteModel extends ShippedModelWords {
  /** The .tflite file inside the bundle. */
  innerFile: string;
  convert: Pick<ConvertOptions, 'inputName' | 'outputs' | 'dynamicBatch'>;
}

const LICENCE = {
  weights: 'Apache-2.0',
  holder: 'Google LLC (MediaPipe)',
  packaging: 'Apache-2.0 (the MediaPipe Face Landmarker task bundle, converted here from TFLite; licence text in tools/tflite-to-onnx/source/LICENSE)',
};

const UPSTREAM_URL = 'https://github.com/google-ai-edge/mediapipe';
const TRAINING_DATA = 'Not released with the bundle; what Google documents is in its MediaPipe Face Landmarker model card. No training image is distributed here.';

export const SHIPPED_TFLITE_MODELS: readonly ShippedTfliteModel[] = [
  {
    id: 'facemesh_v2',
    innerFile: 'face_landmarks_detector.tflite',
    convert: {
      inputName: 'image',
      dynamicBatch: true,
      outputs: [
        { tensor: 'Identity', name: 'landmarks', flatten: true },
        { tensor: 'Identity_1', name: 'face_flag', flatten: true, sigmoid: true },
      ],
    },
    descriptions: {
      image: 'RGB face crop, 256x256, values x/255 (range [0, 1])',
      landmarks: '478 landmarks x (x, y, z), flattened: 468 mesh points then 10 iris points (468-472 one iris, 473-477 the other); x, y in crop pixels (0..256), z relative depth on the same scale',
      face_flag: 'probability that the crop holds a face (the sigmoid MediaPipe applies to this head outside the model is part of this graph); reject below 0.5',
    },
    card: {
      name: 'facemesh-v2',
      version: '1.0.0',
      role: 'landmarks',
      task: '478 3-D face landmarks with irises and a face-presence score (MediaPipe Face Landmarker V2 landmark model)',
      preprocessing: {
        size: { width: 256, height: 256 },
        layout: 'NHWC',
        colour: 'RGB',
        normalisation: 'x / 255 (range [0, 1])',
        alignment:
          'square crop centred on the detector box (or the previous frame\'s landmarks when tracking), enlarged 1.5x as MediaPipe does, rotated so the eye line is horizontal, resized bilinear to 256x256',
      },
      labelScale: {
        landmarks: 'crop pixels (0..256); map back through the inverse of the crop transform; points 0-467 follow the canonical MediaPipe face mesh, 468-477 are the two irises (centre then 4 rim points each)',
        face_flag: 'probability in [0, 1]',
        notExported:
          'the TFLite model has a third head (output Identity_2, [1,1], a sigmoid inside the model) that is not face presence (measured: it stays near 0 on well-framed faces) and whose meaning MediaPipe does not document; it is left out',
      },
      trainingData: TRAINING_DATA,
      licence: LICENCE,
      upstream: {
        project: 'google-ai-edge/mediapipe Face Landmarker (face_landmarker_v2_with_blendshapes.task, face_landmarks_detector.tflite)',
        url: UPSTREAM_URL,
        notes: 'the source weights are float16; they are widened to float32 here',
      },
    },
  },
  {
    id: 'blendshapes',
    innerFile: 'face_blendshapes.tflite',
    convert: {
      inputName: 'points',
      dynamicBatch: true,
      outputs: [
        { tensor: 'model_1/GhumMarkerPoserMlpMixerGeneral/reshape_7/Reshape', name: 'blendshapes' },
        { tensor: 'model_1/GhumMarkerPoserMlpMixerGeneral/tf.__operators__.getitem_1/strided_slice3', name: 'embedding', flatten: true },
      ],
    },
    descriptions: {
      points: '146 of the 478 facemesh_v2 landmarks (labelScale.inputLandmarks, in that order) as (x, y) pixel coordinates; the model centres and scales them itself',
      blendshapes: '52 facial-action scores in [0, 1] (sigmoid applied), in the order of labelScale.classes',
      embedding: 'the 64-d extra token the MLP-Mixer pools its 97 tokens into, just before the 52-way output layer: an expression embedding',
    },
    card: {
      name: 'blendshapes-v2',
      version: '1.0.0',
      role: 'blendshapes',
      task: '52 ARKit-style facial-action (blendshape) scores and a 64-d expression embedding from face landmarks (MediaPipe Face Landmarker V2 blendshape model, an MLP-Mixer)',
      embeddingDim: 64,
      preprocessing: {
        size: { width: 256, height: 256 },
        layout: 'points',
        colour: 'none: the input is landmark coordinates, not pixels',
        normalisation:
          'none outside the model: it subtracts the points\' mean and divides by their mean distance from it, so any uniform scale and translation of the coordinates gives the same output (size.width/height: the facemesh_v2 crop frame the points usually come in)',
        alignment:
          'x and y must share one unit (square pixels); MediaPipe feeds image-pixel coordinates, in which the face keeps its in-plane rotation, so crop coordinates of a rotated crop are not the same input',
      },
      labelScale: {
        classes: [...BLENDSHAPE_NAMES],
        inputLandmarks: [...BLENDSHAPE_LANDMARKS],
        blendshapes: 'scores in [0, 1]; Left/Right are the subject\'s own sides',
      },
      trainingData: TRAINING_DATA,
      licence: LICENCE,
      upstream: {
        project: 'google-ai-edge/mediapipe Face Landmarker (face_landmarker_v2_with_blendshapes.task, face_blendshapes.tflite)',
        url: UPSTREAM_URL,
        notes: 'the source weights are float16; they are widened to float32 here. The embedding output is added by this converter (an inner tensor of the model), not a MediaPipe output',
      },
    },
  },
];

/** The bundle's files, after checking it is the pinned one. */
export function readTask(file = path.join(SOURCE_DIR, TASK_FILE)): { bytes: Uint8Array; files: Map<string, Uint8Array> } {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const digest = sha256(bytes);
  if (digest !== TASK_SHA256) throw new Error(`${file} has SHA-256 ${digest}, not the pinned ${TASK_SHA256}: restore it, or re-pin deliberately`);
  return { bytes, files: readZip(bytes) };
}

/** Converts one model from the committed bundle and writes nothing. */
export async function buildShippedTfliteModel(spec: ShippedTfliteModel): Promise<{ bytes: Uint8Array; card: ModelCard }> {
  const task = readTask();
  const inner = task.files.get(spec.innerFile);
  if (!inner) throw new Error(`${TASK_FILE} has no ${spec.innerFile}`);
  const metadata = { source: `${TASK_FILE}/${spec.innerFile}`, model_card: `${spec.id}.card.json` };
  const result = await convertTflite(parseTflite(inner), { ...spec.convert, graphName: spec.card.name, docString: spec.card.task, metadata });

  const card = convertedModelCard(
    spec,
    result,
    {
      package: 'MediaPipe Face Landmarker task bundle (face_landmarker/float16/1)',
      version: '1',
      files: [
        { path: TASK_FILE, sha256: TASK_SHA256 },
        { path: `${TASK_FILE}/${spec.innerFile}`, sha256: sha256(inner) },
      ],
    },
    { tool: 'tools/tflite-to-onnx', version: CONVERTER_VERSION, options: { ...spec.convert } },
  );
  return { bytes: result.bytes, card };
}
