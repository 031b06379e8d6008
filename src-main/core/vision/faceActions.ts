/**
 * Facial actions from face landmarks: the MediaPipe Face Landmarker V2 blendshape model (models/blendshapes.card.json)
 * reads 146 of the 478 facemesh_v2 landmarks as (x, y) and returns 52 facial-action scores on [0, 1] (smile, brow
 * raise, jaw open, blink: what psychologists read as NOVA users read OpenFace action units) and the 64-d expression
 * embedding the descriptor of version 2 appends. Which landmarks it reads, and the scores' names, are the card's
 * (labelScale.inputLandmarks, labelScale.classes), so a rebuilt model brings its own. The model centres and scales
 * the points itself; they only need square pixels (video pixels are).
 */
import { z } from 'zod';
import { runBatched } from '../inference/batching';
import type { LoadedModel } from '../inference/modelRegistry';
import { StudioError } from '../errors';

export const FACE_ACTION_COUNT = 52;
export const ACTION_EMBEDDING_DIM = 64;
/** facemesh_v2: the 468 mesh points of V1, then 10 iris points. */
export const V2_LANDMARK_COUNT = 478;

export interface FaceActions {
  /** FACE_ACTION_COUNT scores on [0, 1], in the order of the card's names. */
  scores: Float32Array;
  embedding: Float32Array;
}

const BlendshapeLabels = z.object({
  classes: z.array(z.string().min(1)).length(FACE_ACTION_COUNT),
  inputLandmarks: z.array(z.number().int().min(0).max(V2_LANDMARK_COUNT - 1)).min(1),
});

/** The names of the scores and the landmarks the model reads, from its card. */
export function blendshapeLabels(model: Pick<LoadedModel, 'card' | 'file'>): { names: string[]; inputLandmarks: number[] } {
  const parsed = BlendshapeLabels.safeParse(model.card.labelScale);
  if (!parsed.success) {
    throw new StudioError(`The blendshape model card ${model.file} must list its ${FACE_ACTION_COUNT} score names and the landmarks it reads (labelScale.classes, labelScale.inputLandmarks).`);
  }
  return { names: parsed.data.classes, inputLandmarks: parsed.data.inputLandmarks };
}

/** The model's input for one face: (x, y) of the chosen landmarks of a 478 x (x, y, z) mesh. */
export function blendshapePoints(landmarks: Float32Array, inputLandmarks: readonly number[]): Float32Array {
  if (landmarks.length !== V2_LANDMARK_COUNT * 3) {
    throw new StudioError(`Facial actions need the ${V2_LANDMARK_COUNT} landmarks of facemesh_v2, not ${landmarks.length / 3}.`);
  }
  const out = new Float32Array(inputLandmarks.length * 2);
  inputLandmarks.forEach((k, i) => {
    out[2 * i] = landmarks[3 * k] as number;
    out[2 * i + 1] = landmarks[3 * k + 1] as number;
  });
  return out;
}

/** Scores and embedding for each face's points, in one batched run. */
export async function readFaceActions(model: LoadedModel, points: readonly Float32Array[], inputLandmarks: readonly number[]): Promise<FaceActions[]> {
  if (points.length === 0) return [];
  const out = await runBatched(model, points, [inputLandmarks.length, 2]);
  return points.map((_, i) => ({
    scores: out.blendshapes?.[i] ?? new Float32Array(FACE_ACTION_COUNT),
    embedding: out.embedding?.[i] ?? new Float32Array(ACTION_EMBEDDING_DIM),
  }));
}
