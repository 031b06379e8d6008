/**
 * The default face pipeline of docs/DESIGN.md §5 on ONNX Runtime: BlazeFace finds faces, facemesh_v2 (MediaPipe Face
 * Landmarker V2) gives each 478 landmarks and a face flag, a face is taken up only if FaceMesh V1 confirms it too (V2's
 * flag does not tell cartoon lettering from a face; V1's does), every face in view is tracked from frame to
 * frame on its landmarks (faceTracker.ts), and every face facing the camera is read twice: the expression network
 * encodes an upright grey crop of it into the 256-d embedding plus 7 expression logits (a lab's encoder: the crop
 * its card declares, and its own valence and arousal if it has them), and the blendshape model
 * reads its landmarks into 52 facial-action scores and a 64-d action embedding (faceActions.ts). A face turned away
 * is kept on its track but not read. A few frames of each track also get an identity descriptor (faceres), which
 * links tracks into persons after the analysis. A frame where no candidate passes the face flag has no face:
 * nothing is carried over or interpolated.
 */
import path from 'node:path';
import { runBatched } from '../inference/batching';
import type { SessionFactory } from '../inference/executionProviders';
import { affectToUnit, predictsAffect } from '../inference/modelCard';
import { loadModel, type LoadedModel } from '../inference/modelRegistry';
import { decodeDetections, DETECTOR_SIZE, type Point } from './blazeface';
import {
  boxIou,
  landmarkBox,
  MESH_SIZE,
  meshToFrame,
  MESH_ROI_SCALE,
  roiFromDetection,
  roiFromLandmarks,
  type Box,
} from './faceRoi';
import { encoderPreprocessing, type EncoderPreprocessing } from './encoderInput';
import { cropRoi, letterboxRoi, letterboxToFrame, type CropSpec, type RgbImage, type Roi } from './imageOps';
import {
  afterCut,
  assignTracks,
  DEFAULT_TRACKER,
  detectionDue,
  identityDue,
  initialTrackerState,
  largeEnough,
  trackerAfter,
  type SeenFace,
  type Track,
  type TrackerOptions,
  type TrackerState,
} from './faceTracker';
import { blendshapeLabels, blendshapePoints, readFaceActions, type FaceActions } from './faceActions';
import { isTurnedAway } from './landmarkGeometry';
import { frameSignature, isCut } from './shotCut';

export interface FaceModels {
  detector: LoadedModel;
  landmarks: LoadedModel;
  encoder: LoadedModel;
  identity: LoadedModel;
  blendshapes: LoadedModel;
  /** FaceMesh V1, for its face flag only: the check a detected face must pass to be taken up. */
  presence: LoadedModel;
}

export const DEFAULT_MODEL_FILES = {
  detector: 'blazeface.onnx',
  landmarks: 'facemesh_v2.onnx',
  encoder: 'emotion.onnx',
  identity: 'faceres.onnx',
  blendshapes: 'blendshapes.onnx',
  presence: 'facemesh.onnx',
} as const;

/**
 * Each model's job in the analysis, as the model list names it (models.info). From the pipeline's slot, not the
 * card's role: FaceMesh V2 and V1 both have the role "landmarks", but V1 ships only for its face flag, the gate a
 * detected face must pass to be taken up (docs/notes/models.md).
 */
export const MODEL_PURPOSES: Readonly<Record<keyof FaceModels, string>> = {
  detector: 'face detection',
  landmarks: 'landmarks (478, with iris) and tracking',
  encoder: 'expression embedding and probabilities (the descriptor)',
  identity: 'identity, to link tracks into persons',
  blendshapes: 'facial actions (52 blendshapes)',
  presence: 'presence gate for new faces',
};

/** FaceMesh V1's input: a square RGB crop of this side (its card). */
const PRESENCE_SIZE = 192;

/** The landmark model's own threshold: below it the crop holds no face (its card: reject < 0.5). Enough to keep a face. */
export const FACE_FLAG_THRESHOLD = 0.5;
/**
 * Taking up a face the detector found needs the detector and FaceMesh V1's flag (the presence model) to be far surer
 * than keeping a tracked one does (hysteresis): cartoon lettering in the shared no-face clips reached detector 0.72
 * with V1 flag 0.84, and detector 0.51 with V1 flag 0.98, while the subjects of the shared videos score 0.84-0.97
 * and 1.0. facemesh_v2's own flag cannot make this call: on the shared no_face.mp4 it gives lettering 0.996-0.999 at
 * detector 0.62-0.76 (docs/notes/models.md). A tracked face needs only facemesh_v2's flag >= FACE_FLAG_THRESHOLD, so
 * a face turning away is followed as long as the landmark model still sees it.
 */
export const ACQUIRE_DETECTOR_SCORE = 0.6;
export const ACQUIRE_FLAG_THRESHOLD = 0.9;
/** Landmark boxes overlapping more than this are one face found twice. */
const DUPLICATE_IOU = 0.5;
/** Margin of the identity crop: the whole face with some hair and jaw line, which identity models are trained on. */
export const IDENTITY_ROI_SCALE = 1.3;

export async function loadFaceModels(dir: string, factory: SessionFactory, encoderFile?: string): Promise<FaceModels> {
  const loaded: LoadedModel[] = [];
  try {
    const detector = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.detector), { factory, role: 'detector' });
    loaded.push(detector);
    const landmarks = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.landmarks), { factory, role: 'landmarks' });
    loaded.push(landmarks);
    const encoder = await loadModel(encoderFile ?? path.join(dir, DEFAULT_MODEL_FILES.encoder), { factory, role: 'encoder' });
    loaded.push(encoder);
    const identity = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.identity), { factory, role: 'identity' });
    loaded.push(identity);
    const blendshapes = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.blendshapes), { factory, role: 'blendshapes' });
    loaded.push(blendshapes);
    const presence = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.presence), { factory, role: 'landmarks' });
    return { detector, landmarks, encoder, identity, blendshapes, presence };
  } catch (error) {
    await Promise.all(loaded.map((m) => m.session.release()));
    throw error;
  }
}

export async function releaseFaceModels(models: FaceModels): Promise<void> {
  await Promise.all(Object.values(models).map((m: LoadedModel) => m.session.release()));
}

/** A detector hit in frame pixels. */
export interface DetectedFace {
  score: number;
  box: Box;
  rightEye: Point;
  leftEye: Point;
}

/** A face the landmark model confirmed, in frame pixels. `score` is its face flag. */
export interface MeshFace {
  box: Box;
  score: number;
  landmarks: Float32Array;
}

/** A face in a still image: as the landmark model gave it, with its facial actions unless it is turned away. */
export interface StillFace extends MeshFace {
  turnedAway: boolean;
  actions: FaceActions | null;
}

export interface FaceDescriptor {
  embedding: Float32Array;
  /** Null for an encoder that has no expression head (the contract requires only the embedding). */
  expressionLogits: Float32Array | null;
  expressionProbs: Float32Array | null;
  /** The encoder's own valence and arousal mapped onto [-1, 1] (its card's affectRange); null when its card declares none. */
  affect: FaceAffect | null;
}

/** Valence and arousal on [-1, 1]. */
export interface FaceAffect {
  valence: number;
  arousal: number;
}

/** A face on a track. `turnedAway`: too far turned from the camera to read (no descriptor, no identity). */
export interface TrackedFace extends MeshFace {
  trackId: number;
  turnedAway: boolean;
}

export interface AnalysedFace extends TrackedFace {
  /** Null for a face turned away. */
  descriptor: FaceDescriptor | null;
  /** The identity descriptor, on the few frames of its track where it is sampled; null elsewhere. */
  identity: Float32Array | null;
  /** Facial actions (faceActions.ts); null for a face turned away. */
  actions: FaceActions | null;
}

export interface AnalysedFrame {
  frameIndex: number;
  detectorRan: boolean;
  faces: AnalysedFace[];
}

/** A frame tracked, its faces waiting to be encoded. */
export interface TrackedFrame {
  frameIndex: number;
  detectorRan: boolean;
  faces: TrackedFace[];
  /** Per face, the encoder's and the identity model's inputs, if it gets them; may still be in the making (Cropper.cropLater). */
  inputs: { encoder: (() => Float32Array) | null; identity: (() => Float32Array) | null }[];
}

/**
 * Makes the model inputs out of a frame. The pipeline asks for a crop either when it needs it at once (the
 * detector's and the landmark model's, on the tracking path) or for later (the encoder's, batched at the end of a
 * chunk), which another thread may compute in the meantime. Every implementation gives the numbers of `cropRoi`.
 */
export interface Cropper {
  crop(image: RgbImage, spec: CropSpec): Float32Array;
  cropLater(image: RgbImage, spec: CropSpec): () => Float32Array;
  /** A crop that `crop` will probably be asked for soon: may be started now. */
  prefetch?(image: RgbImage, spec: CropSpec): void;
  /** Forget the prefetched crops of `image` that were not asked for. */
  discard?(image: RgbImage): void;
}

/** Everything in this thread, at once. */
export const localCropper: Cropper = {
  crop: cropRoi,
  cropLater: (image, spec) => {
    const out = cropRoi(image, spec);
    return () => out;
  },
};

export class FacePipeline {
  state: TrackerState = initialTrackerState();
  /** The encoder's input, as its card declares it. */
  readonly encoderInputSpec: EncoderPreprocessing;
  /** The landmarks the blendshape model reads, from its card (a card without them fails here, before any frame). */
  private readonly actionLandmarks: readonly number[];

  constructor(
    readonly models: FaceModels,
    readonly tracker: TrackerOptions = DEFAULT_TRACKER,
    readonly cropper: Cropper = localCropper,
  ) {
    this.encoderInputSpec = encoderPreprocessing(models.encoder.card);
    this.actionLandmarks = blendshapeLabels(models.blendshapes).inputLandmarks;
  }

  /** The detector's input: the whole frame letterboxed to 256 x 256, on [-1, 1]. */
  detectorCrop(image: RgbImage): CropSpec {
    return { roi: letterboxRoi(image), width: DETECTOR_SIZE, height: DETECTOR_SIZE, maxSamples: 2, post: { kind: 'affine', scale: 1 / 127.5, offset: -1 } };
  }

  async detectFaces(image: RgbImage): Promise<DetectedFace[]> {
    const input = this.cropper.crop(image, this.detectorCrop(image));
    const out = await runBatched(this.models.detector, [input], [DETECTOR_SIZE, DETECTOR_SIZE, 3]);
    const first = (name: string) => out[name]?.[0] ?? new Float32Array();
    const detections = decodeDetections({
      logits16: first('logits_stride16'),
      regressors16: first('regressors_stride16'),
      logits32: first('logits_stride32'),
      regressors32: first('regressors_stride32'),
    });
    const side = Math.max(image.width, image.height);
    return detections.map((d) => {
      const centre = letterboxToFrame(image, { x: d.cx, y: d.cy });
      const w = d.w * side;
      const h = d.h * side;
      return {
        score: d.score,
        box: { x: centre.x - w / 2, y: centre.y - h / 2, w, h },
        rightEye: letterboxToFrame(image, d.keypoints[0] as Point),
        leftEye: letterboxToFrame(image, d.keypoints[1] as Point),
      };
    });
  }

  /**
   * Landmarks for each crop, in one batch; null where the face flag says the crop holds no face. The crop is resized
   * bilinear, one sample per pixel, as facemesh_v2's card says: its 256 px crop of a face in a 640 px frame shrinks
   * less than 2x, and averaging 2 x 2 samples would make it the costliest step of tracking after the model itself
   * (docs/notes/models.md).
   */
  async landmarksFor(image: RgbImage, rois: readonly Roi[]): Promise<(MeshFace | null)[]> {
    if (rois.length === 0) return [];
    const crops = rois.map((roi) =>
      this.cropper.crop(image, { roi, width: MESH_SIZE, height: MESH_SIZE, maxSamples: 1, post: { kind: 'affine', scale: 1 / 255, offset: 0 } }),
    );
    const out = await runBatched(this.models.landmarks, crops, [MESH_SIZE, MESH_SIZE, 3]);
    return rois.map((roi, i) => {
      const score = out.face_flag?.[i]?.[0] ?? 0;
      if (score < FACE_FLAG_THRESHOLD) return null;
      const landmarks = meshToFrame(out.landmarks?.[i] ?? new Float32Array(), roi);
      return { box: landmarkBox(landmarks), score, landmarks };
    });
  }

  /**
   * Every face in a still image (a photo): each detection confirmed by the landmark model, duplicates merged, and
   * the facial actions of those facing the camera.
   */
  async facesInStill(image: RgbImage): Promise<StillFace[]> {
    const detections = (await this.detectFaces(image)).filter((d) => d.score >= ACQUIRE_DETECTOR_SCORE);
    const rois = detections.map((d) => roiFromDetection(d.box, d.rightEye, d.leftEye));
    const meshed = await this.landmarksFor(image, rois);
    const present = await this.presence(image, rois.filter((_, i) => meshed[i] !== null));
    const faces = meshed.filter((f): f is MeshFace => f !== null).filter((_, k) => (present[k] as number) >= ACQUIRE_FLAG_THRESHOLD).sort((a, b) => b.score - a.score);
    const kept = faces.filter((face, i) => !faces.slice(0, i).some((better) => boxIou(better.box, face.box) > DUPLICATE_IOU));
    const turnedAway = kept.map((face) => isTurnedAway(face.landmarks));
    const actions = await this.readActions(kept.filter((_, i) => !turnedAway[i]).map((face) => face.landmarks));
    let nextActions = 0;
    return kept.map((face, i) => ({ ...face, turnedAway: turnedAway[i] as boolean, actions: turnedAway[i] ? null : (actions[nextActions++] as FaceActions) }));
  }

  /** FaceMesh V1's face flag for each crop, in one batch: whether a face the detector found may be taken up. */
  async presence(image: RgbImage, rois: readonly Roi[]): Promise<number[]> {
    if (rois.length === 0) return [];
    const crops = rois.map((roi) =>
      this.cropper.crop(image, { roi, width: PRESENCE_SIZE, height: PRESENCE_SIZE, maxSamples: 2, post: { kind: 'affine', scale: 1 / 255, offset: 0 } }),
    );
    const out = await runBatched(this.models.presence, crops, [PRESENCE_SIZE, PRESENCE_SIZE, 3]);
    return rois.map((_, i) => out.face_flag?.[i]?.[0] ?? 0);
  }

  /**
   * Facial actions of faces, in one batch, from their landmarks in frame pixels: the blendshape model reads the
   * points as MediaPipe feeds them, in image pixels with the face's in-plane roll kept (faceActions.ts).
   */
  async readActions(landmarks: readonly Float32Array[]): Promise<FaceActions[]> {
    return readFaceActions(this.models.blendshapes, landmarks.map((l) => blendshapePoints(l, this.actionLandmarks)), this.actionLandmarks);
  }

  /** The encoder's input for one face: an upright crop, as the encoder's card declares it. */
  encoderInput(image: RgbImage, landmarks: Float32Array): Float32Array {
    return this.cropper.crop(image, this.encoderCrop(landmarks));
  }

  private encoderCrop(landmarks: Float32Array): CropSpec {
    const { width, height, cropScale, post } = this.encoderInputSpec;
    return { roi: roiFromLandmarks(landmarks, cropScale), width, height, maxSamples: 4, post };
  }

  async encode(inputs: readonly Float32Array[]): Promise<FaceDescriptor[]> {
    if (inputs.length === 0) return [];
    const out = await runBatched(this.models.encoder, inputs, this.encoderInputSpec.itemShape);
    const card = this.models.encoder.card;
    const affect = predictsAffect(card);
    // [N] or [N, 1] alike: one value per face.
    const value = (name: 'valence' | 'arousal', i: number) => affectToUnit(out[name]?.[i]?.[0] ?? Number.NaN, card.affectRange);
    return inputs.map((_, i) => ({
      embedding: out.embedding?.[i] ?? new Float32Array(),
      expressionLogits: out.expression_logits?.[i] ?? null,
      expressionProbs: out.expression_probs?.[i] ?? null,
      affect: affect ? { valence: value('valence', i), arousal: value('arousal', i) } : null,
    }));
  }

  /** The identity model's input for one face. */
  identityInput(image: RgbImage, landmarks: Float32Array): Float32Array {
    return this.cropper.crop(image, this.identityCrop(landmarks));
  }

  /** Upright RGB 224 x 224, 0..255 (the identity model's card). */
  private identityCrop(landmarks: Float32Array): CropSpec {
    const size = this.models.identity.card.preprocessing?.size ?? { width: 224, height: 224 };
    return { roi: roiFromLandmarks(landmarks, IDENTITY_ROI_SCALE), width: size.width, height: size.height, maxSamples: 2, post: { kind: 'rgb' } };
  }

  async identify(inputs: readonly Float32Array[]): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const { width, height } = this.models.identity.card.preprocessing?.size ?? { width: 224, height: 224 };
    const out = await runBatched(this.models.identity, inputs, [height, width, 3]);
    return inputs.map((_, i) => out.embedding?.[i] ?? new Float32Array());
  }

  /**
   * Frames in order (a chunk of a video): the faces are tracked through them one by one, then every face facing
   * the camera is encoded in batches. Continues from `this.state`, so consecutive chunks behave as one long run.
   */
  async analyseFrames(frames: readonly { frameIndex: number; image: RgbImage }[]): Promise<AnalysedFrame[]> {
    const tracked: TrackedFrame[] = [];
    for (const frame of frames) tracked.push(await this.track(frame));
    return this.encodeTracked(tracked);
  }

  /**
   * The first half of analyseFrames for one frame: tracks the faces into it and orders their encoder (and, where
   * sampled, identity) inputs. The frame's pixels may be reused once this returns, except by the cropper's pending
   * work. `next`, the frame after it if already decoded, lets the cropper start on the next detector input while
   * this frame's models run, when the tracker will most likely run the detector there (the numbers do not depend
   * on it).
   */
  async track({ frameIndex, image }: { frameIndex: number; image: RgbImage }, next?: { image: RgbImage }): Promise<TrackedFrame> {
    if (next && this.cropper.prefetch && this.detectorLikelyNext()) this.cropper.prefetch(next.image, this.detectorCrop(next.image));
    const signature = frameSignature(image);
    if (this.state.signature && isCut(this.state.signature, signature)) this.state = afterCut(this.state);
    const step = await this.trackFrame(image, frameIndex, signature);
    const inputs = step.faces.map((face, i) => ({
      encoder: face.turnedAway ? null : this.cropper.cropLater(image, this.encoderCrop(face.landmarks)),
      identity: step.sampleIdentity[i] ? this.cropper.cropLater(image, this.identityCrop(face.landmarks)) : null,
    }));
    return { frameIndex, detectorRan: step.detectorRan, faces: step.faces, inputs };
  }

  /**
   * The second half: encodes the faces of frames tracked in order and reads their facial actions, in batches (so a
   * chunk is one batch per model). A face gets actions exactly when it gets an encoder input: when it faces the camera.
   */
  async encodeTracked(tracked: readonly TrackedFrame[]): Promise<AnalysedFrame[]> {
    const encoderInputs: Float32Array[] = [];
    const identityInputs: Float32Array[] = [];
    const facingLandmarks: Float32Array[] = [];
    for (const t of tracked) {
      t.inputs.forEach((input, i) => {
        if (input.encoder) {
          encoderInputs.push(input.encoder());
          facingLandmarks.push((t.faces[i] as TrackedFace).landmarks);
        }
        if (input.identity) identityInputs.push(input.identity());
      });
    }
    const descriptors = await this.encode(encoderInputs);
    const actions = await this.readActions(facingLandmarks);
    const identities = await this.identify(identityInputs);
    let nextDescriptor = 0;
    let nextIdentity = 0;
    return tracked.map((t) => ({
      frameIndex: t.frameIndex,
      detectorRan: t.detectorRan,
      faces: t.faces.map((face, i) => {
        const facing = Boolean(t.inputs[i]?.encoder);
        const at = nextDescriptor;
        if (facing) nextDescriptor++;
        return {
          ...face,
          descriptor: facing ? (descriptors[at] as FaceDescriptor) : null,
          identity: t.inputs[i]?.identity ? (identities[nextIdentity++] as Float32Array) : null,
          actions: facing ? (actions[at] as FaceActions) : null,
        };
      }),
    }));
  }

  /**
   * Whether the frame after the one about to be tracked will run the detector, if this one goes as the last one
   * did: still no face, or the faces followed and the periodic re-detection due then.
   */
  private detectorLikelyNext(): boolean {
    const state = this.state;
    if (state.tracks.length === 0) return true;
    if (detectionDue(state, this.tracker)) return false;
    return detectionDue({ ...state, framesSinceDetection: state.framesSinceDetection + 1 }, this.tracker);
  }

  /**
   * Follows every track on its own crop; when a track is lost or the periodic look is due, the detector runs and its
   * candidates (and the tracks not yet tried on this frame) are meshed in one batch and put on tracks.
   */
  private async trackFrame(image: RgbImage, frameIndex: number, signature: number[]): Promise<{ detectorRan: boolean; faces: TrackedFace[]; sampleIdentity: boolean[] }> {
    const state = this.state;
    const seen: (SeenFace & { mesh: MeshFace })[] = [];
    const lostNow: Track[] = [];
    let untried = state.tracks;
    if (state.tracks.length > 0 && !detectionDue(state, this.tracker)) {
      const followed = await this.landmarksFor(image, state.tracks.map((t) => t.roi));
      state.tracks.forEach((track, i) => {
        const mesh = followed[i];
        if (mesh && largeEnough(mesh.box, image, this.tracker)) seen.push({ box: mesh.box, track, mesh });
        else lostNow.push(track);
      });
      if (lostNow.length === 0) return this.commit(frameIndex, false, seen, lostNow, signature);
      untried = [];
    }
    // A track lost, or due for a fresh look: the tracks not yet tried compete with the detector's candidates.
    const detections = (await this.detectFaces(image))
      .filter((d) => d.score >= ACQUIRE_DETECTOR_SCORE && largeEnough(d.box, image, this.tracker))
      .sort((a, b) => b.box.w * b.box.h - a.box.w * a.box.h)
      .slice(0, this.tracker.maxFaces);
    const rois = [...untried.map((t) => t.roi), ...detections.map((d) => roiFromDetection(d.box, d.rightEye, d.leftEye))];
    const meshed = await this.landmarksFor(image, rois);
    const candidates: { roi: Roi; mesh: MeshFace }[] = [];
    meshed.forEach((mesh, i) => {
      const track = untried[i];
      if (track) {
        if (mesh && largeEnough(mesh.box, image, this.tracker)) seen.push({ box: mesh.box, track, mesh });
        else lostNow.push(track);
      } else if (mesh && largeEnough(mesh.box, image, this.tracker)) {
        candidates.push({ roi: rois[i] as Roi, mesh });
      }
    });
    // The presence check runs only on new candidates, so only on frames where the detector ran and found one.
    const present = await this.presence(image, candidates.map((c) => c.roi));
    candidates.forEach(({ mesh }, k) => {
      if ((present[k] as number) >= ACQUIRE_FLAG_THRESHOLD) seen.push({ box: mesh.box, mesh });
    });
    return this.commit(frameIndex, true, seen, lostNow, signature);
  }

  private commit(frameIndex: number, detectorRan: boolean, seen: readonly (SeenFace & { mesh: MeshFace })[], lostNow: readonly Track[], signature: number[]) {
    const { assignments, nextTrackId } = assignTracks(seen, this.state, lostNow, frameIndex, this.tracker);
    const faces: TrackedFace[] = [];
    const sampleIdentity: boolean[] = [];
    const found: Track[] = [];
    seen.forEach(({ mesh }, i) => {
      const counts = assignments[i];
      if (!counts) return;
      const turnedAway = isTurnedAway(mesh.landmarks);
      const sample = identityDue(counts, !turnedAway, this.tracker);
      faces.push({ ...mesh, trackId: counts.trackId, turnedAway });
      sampleIdentity.push(sample);
      found.push({
        trackId: counts.trackId,
        framesFacing: counts.framesFacing + (turnedAway ? 0 : 1),
        identitySampled: counts.identitySampled + (sample ? 1 : 0),
        roi: roiFromLandmarks(mesh.landmarks, MESH_ROI_SCALE),
        box: mesh.box,
      });
    });
    this.state = trackerAfter(this.state, frameIndex, detectorRan, found, nextTrackId, signature, this.tracker);
    // Faces by track id, so the order stored does not depend on how they were found.
    const order = faces.map((f, i) => i).sort((a, b) => (faces[a] as TrackedFace).trackId - (faces[b] as TrackedFace).trackId);
    return { detectorRan, faces: order.map((i) => faces[i] as TrackedFace), sampleIdentity: order.map((i) => sampleIdentity[i] as boolean) };
  }
}
