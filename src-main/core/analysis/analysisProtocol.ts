/** Messages between the analyze job (main process) and the analysis process that runs ONNX Runtime. */
import type { ProviderAttempt } from '../inference/executionProviders';
import type { ModelRole } from '../inference/modelCard';
import type { CheckedModel, ModelInfo } from '../inference/modelRegistry';
import type { FaceActions } from '../vision/faceActions';
import type { Box } from '../vision/faceRoi';
import type { TrackerState } from '../vision/faceTracker';
import type { FaceAffect } from '../vision/facePipeline';

export interface AnalyzeRequest {
  type: 'analyze';
  modelsDir: string;
  /** The project's active encoder when it is not the shipped one (an absolute path). */
  encoderFile?: string;
  source: { kind: 'video'; file: string } | { kind: 'image_sequence'; files: string[] };
  /** Frames are decoded at this size; results are scaled back to the video's own pixels. */
  decode: { width: number; height: number };
  video: { width: number; height: number };
  fromFrame: number;
  frameCount: number;
  chunkSize: number;
  tracker: TrackerState;
}

export interface ProbeRequest {
  type: 'probe';
  modelsDir: string;
  encoderFile?: string;
}

/** The contract check of a model a lab brings, on every execution provider of the chain (ORT lives in this process). */
export interface CheckRequest {
  type: 'check';
  file: string;
  role: ModelRole;
}

export type AnalysisRequest = AnalyzeRequest | ProbeRequest | CheckRequest;

export interface ModelChecked extends CheckedModel {
  type: 'checked';
}

export interface ModelsReady {
  type: 'ready';
  /** With each model's job in the analysis (facePipeline.ts MODEL_PURPOSES). */
  models: (ModelInfo & { purpose: string })[];
  /** The card of the encoder, as JSON, for the project's `models` table. */
  encoderCard: string;
  failedProviders: ProviderAttempt[];
}

export interface StoredFace {
  trackId: number;
  /** Video pixels. */
  box: Box;
  /** The landmark model's face flag. */
  score: number;
  /** 468 (descriptor version 1) or 478 (version 2, with the irises) x (x, y, z), video pixels. */
  landmarks: Float32Array;
  /** Too far turned from the camera to read: no embedding and no expression. */
  turnedAway: boolean;
  embedding: Float32Array | null;
  expressionLogits: Float32Array | null;
  /** The encoder's own valence and arousal on [-1, 1], for an encoder whose card declares them; else null. */
  affect: FaceAffect | null;
  /** The identity descriptor, on the frames where its track was sampled. */
  identity: Float32Array | null;
  /** The blendshape model's facial-action scores and embedding (faceActions.ts); null for a face turned away. */
  actions: FaceActions | null;
}

export interface AnalysedChunk {
  type: 'chunk';
  /** Every frame of the chunk with its faces (none, one or several), by track id. */
  frames: { frameIndex: number; detectorRan: boolean; faces: StoredFace[] }[];
  /** First frame of the next chunk, and the tracker state to continue from there. */
  nextFrame: number;
  tracker: TrackerState;
}

export type AnalysisMessage = ModelsReady | ModelChecked | AnalysedChunk | { type: 'done' } | { type: 'error'; message: string };
