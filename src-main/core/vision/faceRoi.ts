/**
 * Where to crop a face: a square region centred on the face, rotated so the eye line is horizontal (roll), scaled
 * to the face size, taken either from a detection (its eye keypoints and box) or from the previous frame's
 * landmarks (tracking). The landmark model was trained on such crops, and the expression network on upright faces.
 * Landmark sets come in two sizes: analyses of descriptor version 1 stored FaceMesh V1's 468 points, version 2
 * stores facemesh_v2's 478, whose first 468 are V1's mesh (same points, same order) followed by the 10 iris points;
 * everything here reads mesh points by their V1 index, so both sets read alike.
 */
import type { Point } from './blazeface';
import { V2_LANDMARK_COUNT } from './faceActions';
import type { Roi } from './imageOps';
import { cropToFrame } from './imageOps';

/** Axis-aligned, frame pixels, top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** facemesh_v2's input: a square RGB crop of this side (its card). */
export const MESH_SIZE = 256;
/** The canonical MediaPipe face mesh: all of FaceMesh V1's points, the first ones of facemesh_v2. */
export const MESH_POINT_COUNT = 468;
/** The landmark sets an analysis stores: V1's mesh (descriptor version 1) or facemesh_v2's mesh and irises. */
export const LANDMARK_COUNTS: readonly number[] = [MESH_POINT_COUNT, V2_LANDMARK_COUNT];

/** Whether `values` float32s are a whole landmark set (x, y, z per point) of either model. */
export function isLandmarkSet(values: number): boolean {
  return LANDMARK_COUNTS.some((n) => n * 3 === values);
}

/** The face mesh's outer eye corners (the subject's right eye is on the image's left). */
export const RIGHT_EYE_CORNER = 33;
export const LEFT_EYE_CORNER = 263;
/** MediaPipe's margin around the face for the landmark model, from a detection or from landmarks alike. */
export const MESH_ROI_SCALE = 1.5;

/** Roll: the angle of the line from the subject's right eye to the left eye (0 when upright). */
export function rollFromEyes(rightEye: Point, leftEye: Point): number {
  return Math.atan2(leftEye.y - rightEye.y, leftEye.x - rightEye.x);
}

/** A detection in frame pixels (box centre/size, keypoints 0 and 1 the eyes) -> the landmark model's crop. */
export function roiFromDetection(box: Box, rightEye: Point, leftEye: Point, scale = MESH_ROI_SCALE): Roi {
  return { cx: box.x + box.w / 2, cy: box.y + box.h / 2, size: Math.max(box.w, box.h) * scale, angle: rollFromEyes(rightEye, leftEye) };
}

export function landmarkPoint(landmarks: Float32Array, i: number): Point {
  return { x: landmarks[3 * i] as number, y: landmarks[3 * i + 1] as number };
}

/**
 * How many of `landmarks`' points outline the face: the mesh points only (facemesh_v2's irises lie inside the eyes),
 * so boxes and crops come out the same from a set of either model.
 */
function meshValues(landmarks: Float32Array): number {
  return Math.min(landmarks.length, MESH_POINT_COUNT * 3);
}

/** The square around the landmarks in the face's own upright frame, enlarged by `scale`. */
export function roiFromLandmarks(landmarks: Float32Array, scale: number): Roi {
  const angle = rollFromEyes(landmarkPoint(landmarks, RIGHT_EYE_CORNER), landmarkPoint(landmarks, LEFT_EYE_CORNER));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (let i = 0; i < meshValues(landmarks); i += 3) {
    const x = landmarks[i] as number;
    const y = landmarks[i + 1] as number;
    const u = x * cos + y * sin;
    const v = -x * sin + y * cos;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const u = (minU + maxU) / 2;
  const v = (minV + maxV) / 2;
  return { cx: u * cos - v * sin, cy: u * sin + v * cos, size: Math.max(maxU - minU, maxV - minV) * scale, angle };
}

/**
 * The landmark model's output (x, y, z per point, crop pixels of a MESH_SIZE crop of `roi`, as many points as it
 * gives) -> frame pixels; z keeps the same scale as x, y.
 */
export function meshToFrame(raw: Float32Array, roi: Roi): Float32Array {
  const points = Math.floor(raw.length / 3);
  const out = new Float32Array(points * 3);
  const zScale = roi.size / MESH_SIZE;
  for (let i = 0; i < points; i++) {
    const p = cropToFrame(roi, MESH_SIZE, raw[3 * i] as number, raw[3 * i + 1] as number);
    out[3 * i] = p.x;
    out[3 * i + 1] = p.y;
    out[3 * i + 2] = (raw[3 * i + 2] as number) * zScale;
  }
  return out;
}

export function landmarkBox(landmarks: Float32Array): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < meshValues(landmarks); i += 3) {
    minX = Math.min(minX, landmarks[i] as number);
    maxX = Math.max(maxX, landmarks[i] as number);
    minY = Math.min(minY, landmarks[i + 1] as number);
    maxY = Math.max(maxY, landmarks[i + 1] as number);
  }
  return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
}

export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}
