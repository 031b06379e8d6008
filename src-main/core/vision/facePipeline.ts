/**
 * The default face pipeline of docs/DESIGN.md §5 on ONNX Runtime: BlazeFace finds faces, FaceMesh confirms each (its
 * face flag) and gives 468 landmarks, the subject is tracked from frame to frame on its landmarks, and the
 * expression network encodes an upright grey crop of the subject into the 256-d embedding plus 7 expression
 * logits. A frame where no candidate passes the face flag has no face: nothing is carried over or interpolated.
 */
import path from 'node:path';
import { runBatched } from '../inference/batching';
import type { SessionFactory } from '../inference/executionProviders';
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
import { cropRoi, letterboxRoi, letterboxToFrame, type CropSpec, type RgbImage, type Roi } from './imageOps';
import {
  chooseSubject,
  DEFAULT_TRACKER,
  detectionDue,
  initialTrackerState,
  prominence,
  trackerAfter,
  type TrackerOptions,
  type TrackerState,
} from './subjectTracker';

export interface FaceModels {
  detector: LoadedModel;
  landmarks: LoadedModel;
  encoder: LoadedModel;
}

export const DEFAULT_MODEL_FILES = { detector: 'blazeface.onnx', landmarks: 'facemesh.onnx', encoder: 'emotion.onnx' } as const;

/** FaceMesh's own threshold: below it the crop holds no face (its card: reject < 0.5). Enough to keep a face. */
export const FACE_FLAG_THRESHOLD = 0.5;
/**
 * Taking up a face the detector found needs both models to be far surer than keeping a tracked one does
 * (hysteresis): cartoon lettering in the shared no-face clips reached detector 0.72 with flag 0.84, and detector
 * 0.51 with flag 0.98, while the subjects of the shared videos score 0.84-0.97 and 1.0. A tracked face needs
 * only FACE_FLAG_THRESHOLD, so a face turning away is followed as long as the landmark model still sees it.
 */
export const ACQUIRE_DETECTOR_SCORE = 0.6;
export const ACQUIRE_FLAG_THRESHOLD = 0.9;
/** Detections meshed per detector run: enough for the faces that could plausibly be the subject. */
const MAX_CANDIDATES = 4;
/** Landmark boxes overlapping more than this are one face found twice. */
const DUPLICATE_IOU = 0.5;
/**
 * Margin of the expression crop around the landmarks: FER-2013 faces fill the frame from brow to chin, and the
 * landmark box already spans forehead to chin, so only a little context is added.
 */
export const EXPRESSION_ROI_SCALE = 1.1;

export async function loadFaceModels(dir: string, factory: SessionFactory, encoderFile?: string): Promise<FaceModels> {
  const loaded: LoadedModel[] = [];
  try {
    const detector = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.detector), { factory, role: 'detector' });
    loaded.push(detector);
    const landmarks = await loadModel(path.join(dir, DEFAULT_MODEL_FILES.landmarks), { factory, role: 'landmarks' });
    loaded.push(landmarks);
    const encoder = await loadModel(encoderFile ?? path.join(dir, DEFAULT_MODEL_FILES.encoder), { factory, role: 'encoder' });
    return { detector, landmarks, encoder };
  } catch (error) {
    await Promise.all(loaded.map((m) => m.session.release()));
    throw error;
  }
}

export async function releaseFaceModels(models: FaceModels): Promise<void> {
  await Promise.all([models.detector, models.landmarks, models.encoder].map((m) => m.session.release()));
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

export interface FaceDescriptor {
  embedding: Float32Array;
  /** Null for an encoder that has no expression head (the contract requires only the embedding). */
  expressionLogits: Float32Array | null;
  expressionProbs: Float32Array | null;
}

export interface AnalysedFrame {
  frameIndex: number;
  detectorRan: boolean;
  face: (MeshFace & FaceDescriptor & { trackId: number }) | null;
}

/** A frame tracked, its face (if any) waiting to be encoded. */
export interface TrackedFrame {
  frameIndex: number;
  detectorRan: boolean;
  face: (MeshFace & { trackId: number }) | null;
  /** The encoder's input for the face; may still be in the making (Cropper.cropLater). */
  encoderInput: (() => Float32Array) | null;
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

  constructor(
    readonly models: FaceModels,
    readonly tracker: TrackerOptions = DEFAULT_TRACKER,
    readonly cropper: Cropper = localCropper,
  ) {}

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

  /** Landmarks for each crop, in one batch; null where the face flag says the crop holds no face. */
  async landmarksFor(image: RgbImage, rois: readonly Roi[]): Promise<(MeshFace | null)[]> {
    if (rois.length === 0) return [];
    const crops = rois.map((roi) =>
      this.cropper.crop(image, { roi, width: MESH_SIZE, height: MESH_SIZE, maxSamples: 2, post: { kind: 'affine', scale: 1 / 255, offset: 0 } }),
    );
    const out = await runBatched(this.models.landmarks, crops, [MESH_SIZE, MESH_SIZE, 3]);
    return rois.map((roi, i) => {
      const score = out.face_flag?.[i]?.[0] ?? 0;
      if (score < FACE_FLAG_THRESHOLD) return null;
      const landmarks = meshToFrame(out.landmarks?.[i] ?? new Float32Array(), roi);
      return { box: landmarkBox(landmarks), score, landmarks };
    });
  }

  /** Every face in a still image (a photo): each detection confirmed by the landmark model, duplicates merged. */
  async facesInStill(image: RgbImage): Promise<MeshFace[]> {
    const detections = (await this.detectFaces(image)).filter((d) => d.score >= ACQUIRE_DETECTOR_SCORE);
    const meshed = await this.landmarksFor(image, detections.map((d) => roiFromDetection(d.box, d.rightEye, d.leftEye)));
    const faces = meshed.filter((f): f is MeshFace => f !== null && f.score >= ACQUIRE_FLAG_THRESHOLD).sort((a, b) => b.score - a.score);
    return faces.filter((face, i) => !faces.slice(0, i).some((better) => boxIou(better.box, face.box) > DUPLICATE_IOU));
  }

  /** The encoder's input for one face: upright, grey, 64 x 64 (the default encoder's card). */
  encoderInput(image: RgbImage, landmarks: Float32Array): Float32Array {
    return this.cropper.crop(image, this.encoderCrop(landmarks));
  }

  private encoderCrop(landmarks: Float32Array): CropSpec {
    const { width, height } = this.encoderSize();
    return { roi: roiFromLandmarks(landmarks, EXPRESSION_ROI_SCALE), width, height, maxSamples: 4, post: { kind: 'gray' } };
  }

  async encode(inputs: readonly Float32Array[]): Promise<FaceDescriptor[]> {
    if (inputs.length === 0) return [];
    const { width, height } = this.encoderSize();
    const out = await runBatched(this.models.encoder, inputs, [height, width, 1]);
    return inputs.map((_, i) => ({
      embedding: out.embedding?.[i] ?? new Float32Array(),
      expressionLogits: out.expression_logits?.[i] ?? null,
      expressionProbs: out.expression_probs?.[i] ?? null,
    }));
  }

  /**
   * Frames in order (a chunk of a video): the subject is tracked through them one by one, then every found face
   * is encoded in batches. Continues from `this.state`, so consecutive chunks behave as one long run.
   */
  async analyseFrames(frames: readonly { frameIndex: number; image: RgbImage }[]): Promise<AnalysedFrame[]> {
    const tracked: TrackedFrame[] = [];
    for (const frame of frames) tracked.push(await this.track(frame));
    return this.encodeTracked(tracked);
  }

  /**
   * The first half of analyseFrames for one frame: tracks the subject into it and orders its encoder input.
   * The frame's pixels may be reused once this returns, except by the cropper's pending work. `next`, the frame
   * after it if already decoded, lets the cropper start on the next detector input while this frame's models
   * run, when the tracker will most likely run the detector there (the numbers do not depend on it).
   */
  async track({ frameIndex, image }: { frameIndex: number; image: RgbImage }, next?: { image: RgbImage }): Promise<TrackedFrame> {
    if (next && this.cropper.prefetch && this.detectorLikelyNext()) this.cropper.prefetch(next.image, this.detectorCrop(next.image));
    const step = await this.trackFrame(image, frameIndex);
    const encoderInput = step.face ? this.cropper.cropLater(image, this.encoderCrop(step.face.landmarks)) : null;
    return { frameIndex, ...step, encoderInput };
  }

  /** The second half: encodes the faces of frames tracked in order, in batches (so a chunk is one batch). */
  async encodeTracked(tracked: readonly TrackedFrame[]): Promise<AnalysedFrame[]> {
    const inputs: Float32Array[] = [];
    for (const t of tracked) if (t.encoderInput) inputs.push(t.encoderInput());
    const descriptors = await this.encode(inputs);
    let next = 0;
    return tracked.map((t) => ({
      frameIndex: t.frameIndex,
      detectorRan: t.detectorRan,
      face: t.face ? { ...t.face, ...(descriptors[next++] as FaceDescriptor) } : null,
    }));
  }

  /**
   * Whether the frame after the one about to be tracked will run the detector, if this one goes as the last one
   * did: still no subject, or the subject followed and the periodic re-detection due then.
   */
  private detectorLikelyNext(): boolean {
    const state = this.state;
    if (state.subject === null) return true;
    if (detectionDue(state, this.tracker)) return false;
    return detectionDue({ ...state, framesSinceDetection: state.framesSinceDetection + 1 }, this.tracker);
  }

  private async trackFrame(image: RgbImage, frameIndex: number): Promise<{ detectorRan: boolean; face: (MeshFace & { trackId: number }) | null }> {
    const state = this.state;
    const subject = state.subject;
    const followOnly = subject !== null && !detectionDue(state, this.tracker);
    if (subject && followOnly) {
      const [followed] = await this.landmarksFor(image, [subject.roi]);
      if (followed) return this.commit(frameIndex, false, followed, subject.trackId);
    }
    // Lost, or due for a fresh look: the tracked crop (if any) competes with the detector's candidates.
    const detections = (await this.detectFaces(image))
      .filter((d) => d.score >= ACQUIRE_DETECTOR_SCORE)
      .sort((a, b) => prominence(b.box, image) - prominence(a.box, image))
      .slice(0, MAX_CANDIDATES);
    const rois = detections.map((d) => roiFromDetection(d.box, d.rightEye, d.leftEye));
    // The tracked crop competes only if it was not just tried and refused.
    if (subject && !followOnly) rois.unshift(subject.roi);
    const tracked = subject && !followOnly ? 1 : 0;
    const faces = (await this.landmarksFor(image, rois)).filter(
      (f, i): f is MeshFace => f !== null && (i < tracked || f.score >= ACQUIRE_FLAG_THRESHOLD),
    );
    const choice = chooseSubject(faces.map((f) => f.box), state, frameIndex, image, this.tracker);
    if (!choice) {
      this.state = trackerAfter(state, frameIndex, true, null);
      return { detectorRan: true, face: null };
    }
    return this.commit(frameIndex, true, faces[choice.index] as MeshFace, choice.trackId);
  }

  private commit(frameIndex: number, detectorRan: boolean, face: MeshFace, trackId: number) {
    this.state = trackerAfter(this.state, frameIndex, detectorRan, {
      trackId,
      box: face.box,
      nextRoi: roiFromLandmarks(face.landmarks, MESH_ROI_SCALE),
    });
    return { detectorRan, face: { ...face, trackId } };
  }

  private encoderSize(): { width: number; height: number } {
    return this.models.encoder.card.preprocessing?.size ?? { width: 64, height: 64 };
  }
}
