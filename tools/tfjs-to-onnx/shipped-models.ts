/**
 * The four models the studio ships (docs/DESIGN.md §5, and the identity model that links face tracks into persons), converted from the pinned @vladmandic/human package: how
 * each is converted and what its model card says. `build-models.ts` writes them to models/; the tests rebuild
 * them and demand the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertTfjsModel, type ConvertOptions } from './convert';
import { convertedModelCard, sha256, type ModelCard, type ShippedModelWords } from './model-card';
import { loadTfjsModel } from './tfjs-graph';
import { CONVERTER_VERSION } from './version';

export const SOURCE_PACKAGE = '@vladmandic/human';
/** Bumping the package means re-running build-models and re-checking parity: the weights may change. */
export const SOURCE_VERSION = '3.3.6';
export const MODELS_DIR = path.resolve(__dirname, '../../models');

export const EXPRESSION_CLASSES = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

export interface ShippedModel extends ShippedModelWords {
  /** Path of model.json inside the source package; weight shards are found through its manifest. */
  sourceFile: string;
  convert: ConvertOptions;
}

const MEDIAPIPE_LICENCE = {
  weights: 'Apache-2.0',
  holder: 'Google LLC (MediaPipe)',
  packaging: 'MIT (@vladmandic/human, Vladimir Mandic: TFJS graph-model conversion)',
};

export const SHIPPED_MODELS: readonly ShippedModel[] = [
  {
    id: 'blazeface',
    sourceFile: 'models/blazeface.json',
    convert: {
      dynamicBatch: true,
      inputNames: { input: 'image' },
      outputs: [
        { node: 'Identity', name: 'logits_stride16' },
        { node: 'Identity_2', name: 'regressors_stride16' },
        { node: 'Identity_1', name: 'logits_stride32' },
        { node: 'Identity_3', name: 'regressors_stride32' },
      ],
    },
    descriptions: {
      image: 'RGB image, letterboxed (padded) to square and resized to 256x256, values x/127.5 - 1',
      logits_stride16: 'face score logits of the 512 stride-16 anchors (16x16 grid, 2 anchors per cell); score = sigmoid(logit)',
      regressors_stride16: 'per stride-16 anchor: box centre offset (dx, dy), size (w, h), then 6 keypoints (x, y), in 256-px input units',
      logits_stride32: 'face score logits of the 384 stride-32 anchors (8x8 grid, 6 anchors per cell)',
      regressors_stride32: 'per stride-32 anchor: same 16 values as regressors_stride16',
    },
    card: {
      name: 'blazeface-back',
      version: '1.0.0',
      role: 'detector',
      task: 'face detection: scored boxes with 6 keypoints from 896 anchors (MediaPipe BlazeFace, back-camera / 256 px variant)',
      preprocessing: {
        size: { width: 256, height: 256 },
        layout: 'NHWC',
        colour: 'RGB',
        normalisation: 'x / 127.5 - 1 (range [-1, 1])',
        alignment: 'whole frame, padded to a square (letterbox) before resizing; no face alignment',
      },
      labelScale: {
        anchors: 'MediaPipe SSD anchors: stride 16 -> 16x16 cells x 2 anchors, then stride 32 -> 8x8 cells x 6 anchors; anchor centre ((col + 0.5) / grid, (row + 0.5) / grid), anchor size 1',
        decoding: 'centre = anchor + (dx, dy) / 256, size = (w, h) / 256, keypoint = anchor + (kx, ky) / 256, all in [0, 1] of the padded square',
        keypoints: ['right eye', 'left eye', 'nose tip', 'mouth centre', 'right ear tragion', 'left ear tragion'],
        score: 'sigmoid(logit) (MediaPipe clips logits to [-100, 100] first), then non-maximum suppression over overlapping boxes',
      },
      trainingData:
        'Not released. The BlazeFace paper (Bazarevsky et al. 2019, arXiv:1907.05047) describes ~66K annotated images for the front-camera model; the back-camera variant is documented only in aggregate in the MediaPipe model card.',
      licence: MEDIAPIPE_LICENCE,
      upstream: {
        project: 'google/mediapipe face_detection (BlazeFace)',
        url: 'https://github.com/google/mediapipe',
        paper: 'Bazarevsky et al., BlazeFace: Sub-millisecond Neural Face Detection on Mobile GPUs, arXiv:1907.05047',
      },
    },
  },
  {
    id: 'facemesh',
    sourceFile: 'models/facemesh.json',
    convert: {
      dynamicBatch: true,
      inputNames: { input_1: 'image' },
      outputs: [
        { node: 'Identity_2', name: 'landmarks' },
        { node: 'Identity_1', name: 'face_flag' },
        { node: 'Identity', name: 'contours' },
      ],
    },
    descriptions: {
      image: 'RGB face crop, 192x192, values x/255 (range [0, 1])',
      landmarks: '468 landmarks x (x, y, z), flattened: x, y in crop pixels (0..192), z relative depth on the same scale',
      face_flag: 'probability that the crop holds a face (sigmoid already applied); reject below 0.5',
      contours: '133 (x, y) points of the contour sub-model in crop pixels, flattened; not needed by the studio',
    },
    card: {
      name: 'facemesh',
      version: '1.0.0',
      role: 'landmarks',
      task: '468 3-D face landmarks and a face-presence score (MediaPipe FaceMesh)',
      preprocessing: {
        size: { width: 192, height: 192 },
        layout: 'NHWC',
        colour: 'RGB',
        normalisation: 'x / 255 (range [0, 1])',
        alignment:
          'square crop centred on the detector box, enlarged 1.4x (@vladmandic/human default; MediaPipe uses 1.5x), rotated so the eye line is horizontal, resized bilinear to 192x192; when tracking, the crop comes from the previous frame\'s landmarks',
      },
      labelScale: {
        landmarks: 'crop pixels (0..192); map back through the inverse of the crop transform; topology is the canonical MediaPipe 468-point face mesh',
        face_flag: 'probability in [0, 1]',
      },
      trainingData:
        'Not released. Per Kartynnik et al. 2019 (arXiv:1907.06724): ~30K in-the-wild mobile-camera photos, manually annotated and refined iteratively.',
      licence: MEDIAPIPE_LICENCE,
      upstream: {
        project: 'google/mediapipe face_mesh',
        url: 'https://github.com/google/mediapipe',
        paper: 'Kartynnik et al., Real-time Facial Surface Geometry from Monocular Video on Mobile GPUs, arXiv:1907.06724',
        notes: 'the source weights are stored as float16 in the package; they are widened to float32 here',
      },
    },
  },
  {
    id: 'emotion',
    sourceFile: 'models/emotion.json',
    convert: {
      dynamicBatch: true,
      inputNames: { input_1: 'image' },
      outputs: [{ node: 'Identity', name: 'expression_probs' }],
      extraOutputs: [{ node: 'global_average_pooling2d_1/Mean', name: 'expression_logits' }],
      embedding: { node: 'add_2/add', name: 'embedding' },
    },
    descriptions: {
      image: 'grayscale face crop, 64x64, values (gray - 0.5) * 2 (range [-1, 1])',
      expression_probs: `softmax over the 7 expressions, in this order: ${EXPRESSION_CLASSES.join(', ')}`,
      expression_logits: 'the pre-softmax scores (global average of the last convolution), same class order',
      embedding: 'global average pool of the penultimate 8x8x256 feature map (node add_2/add): the 256-d expression embedding',
    },
    card: {
      name: 'emotion-xception-fer2013',
      version: '1.0.0',
      role: 'encoder',
      task: '7-class facial expression recognition; its penultimate features serve as the expression embedding of the encoder contract',
      embeddingDim: 256,
      preprocessing: {
        size: { width: 64, height: 64 },
        layout: 'NHWC',
        colour: 'grayscale = 0.2989 R + 0.5870 G + 0.1140 B, computed on RGB scaled to [0, 1]',
        normalisation: '(gray - 0.5) * 2 (range [-1, 1])',
        alignment:
          'upright face crop (eye line horizontal) covering the face box, resized bilinear to 64x64; FER-2013 faces are roughly centred, frontal and fill most of the frame',
        channels: 1,
        colourOrder: 'RGB',
        valueRange: '0..1',
        mean: [0.5],
        std: [0.5],
        // The landmark box already spans forehead to chin, as FER-2013 faces fill their frame: a little context only.
        cropScale: 1.1,
      },
      labelScale: { classes: [...EXPRESSION_CLASSES], outputs: ['expression_probs', 'expression_logits'] },
      trainingData:
        'FER-2013 (ICML 2013 representation-learning challenge: 35,887 48x48 grayscale faces, 7 expressions), as documented by oarriaga/face_classification; research data, not redistributed here',
      licence: {
        weights: 'MIT',
        holder: 'Octavio Arriaga (oarriaga/face_classification)',
        packaging: 'MIT (@vladmandic/human, Vladimir Mandic: TFJS graph-model conversion)',
        notes: 'the FER-2013 images themselves carry their own (research) terms',
      },
      upstream: {
        project: 'oarriaga/face_classification',
        url: 'https://github.com/oarriaga/face_classification',
        paper: 'Arriaga, Valdenegro-Toro, Plöger, Real-time Convolutional Neural Networks for Emotion and Gender Classification, arXiv:1710.07557',
        notes:
          'called mini-Xception in @vladmandic/human and in DESIGN.md; the layer names and widths (block1_conv1 32 -> block3_sepconv2 256) match big_XCEPTION in src/models/cnn.py of the upstream repository',
      },
    },
  },
  {
    id: 'faceres',
    sourceFile: 'models/faceres.json',
    convert: {
      dynamicBatch: true,
      inputNames: { input_1: 'image' },
      outputs: [{ node: 'global_pooling/Mean', name: 'embedding' }],
    },
    descriptions: {
      image: 'RGB face crop, upright (eye line horizontal), 224x224, values 0..255',
      embedding: 'the 1024-d face descriptor (global average pool of the last feature map); compare two by cosine similarity',
    },
    card: {
      name: 'faceres-hse',
      version: '1.0.0',
      role: 'identity',
      task: 'face identity descriptor (who is who), used to link the face tracks of one person across cuts; the age and gender heads of the source model are left out',
      embeddingDim: 1024,
      preprocessing: {
        size: { width: 224, height: 224 },
        layout: 'NHWC',
        colour: 'RGB',
        normalisation: 'none: pixel values 0..255 (@vladmandic/human multiplies its 0..1 face crop by 255)',
        alignment: 'upright face crop (eye line horizontal) around the landmark box, resized to 224x224',
      },
      labelScale: { embedding: 'unnormalised 1024-d vector; identities compare by cosine similarity' },
      trainingData:
        'Not released with the weights. Per Savchenko 2019 (PeerJ Computer Science 5:e197): a MobileNet pre-trained for face identification on VGGFace2, then given age and gender outputs trained on IMDB-Wiki and Adience; research data, not redistributed here',
      licence: {
        weights: 'MIT',
        holder: 'Vladimir Mandic (@vladmandic/human ships these weights inside its MIT-licensed package)',
        packaging: 'MIT (@vladmandic/human, Vladimir Mandic: TFJS graph-model conversion)',
        notes: 'the upstream repository (HSE-asavchenko/HSE_FaceRec_tf) states its own terms, which are not in the npm package and could not be checked offline: check them before redistributing',
      },
      upstream: {
        project: 'HSE-asavchenko/HSE_FaceRec_tf (HSE FaceRes)',
        url: 'https://github.com/HSE-asavchenko/HSE_FaceRec_tf',
        paper: 'Savchenko, Efficient facial representations for age, gender and identity recognition in organizing photo albums using multi-output ConvNet, PeerJ Computer Science 5:e197 (2019)',
        notes: 'called faceres in @vladmandic/human (its face "description" model); the source weights are stored as float16 in the package and widened to float32 here',
      },
    },
  },
];

export function sourcePackageDir(): string {
  // The package's `exports` hide package.json, so walk up from its entry point instead.
  let dir = path.dirname(require.resolve(SOURCE_PACKAGE, { paths: [path.resolve(__dirname, '../..')] }));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${SOURCE_PACKAGE} package directory`);
    dir = parent;
  }
  return dir;
}

/** Converts one shipped model from the installed source package and writes nothing. */
export async function buildShippedModel(spec: ShippedModel): Promise<{ bytes: Uint8Array; card: ModelCard }> {
  const pkgDir = sourcePackageDir();
  const installed = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  if (installed !== SOURCE_VERSION) {
    throw new Error(`${SOURCE_PACKAGE} ${installed} is installed but the models are pinned to ${SOURCE_VERSION}; run npm ci, or re-pin deliberately`);
  }
  const modelJson = path.join(pkgDir, spec.sourceFile);
  const metadata = { source: `${SOURCE_PACKAGE}@${SOURCE_VERSION}/${spec.sourceFile}`, model_card: `${spec.id}.card.json` };
  const result = await convertTfjsModel(loadTfjsModel(modelJson), { ...spec.convert, graphName: spec.card.name, docString: spec.card.task, metadata });

  const shards = (JSON.parse(fs.readFileSync(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest.flatMap((g) => g.paths);
  const sourceFiles = [spec.sourceFile, ...shards.map((p) => path.posix.join(path.posix.dirname(spec.sourceFile), p))];
  const card = convertedModelCard(
    spec,
    result,
    {
      package: SOURCE_PACKAGE,
      version: SOURCE_VERSION,
      files: sourceFiles.map((p) => ({ path: p, sha256: sha256(fs.readFileSync(path.join(pkgDir, p))) })),
    },
    { tool: 'tools/tfjs-to-onnx', version: CONVERTER_VERSION, options: { ...spec.convert } },
  );
  return { bytes: result.bytes, card };
}
