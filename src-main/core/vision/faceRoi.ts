/**
 * Where to crop a face: a square region centred on the face, rotated so the eye line is horizontal (roll), scaled
 * to the face size, taken either from a detection (its eye keypoints and box) or from the previous frame's
 * landmarks (tracking). FaceMesh was trained on such crops, and the expression network on upright faces.
 */
import type { Point } from './blazeface';
import type { Roi } from './imageOps';
import { cropToFrame } from './imageOps';

/** Axis-aligned, frame pixels, top-left corner. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const MESH_SIZE = 192;
export const LANDMARK_COUNT = 468;
/** FaceMesh's outer eye corners (the subject's right eye is on the image's left). */
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

/** The square around the landmarks in the face's own upright frame, enlarged by `scale`. */
export function roiFromLandmarks(landmarks: Float32Array, scale: number): Roi {
  const angle = rollFromEyes(landmarkPoint(landmarks, RIGHT_EYE_CORNER), landmarkPoint(landmarks, LEFT_EYE_CORNER));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (let i = 0; i < landmarks.length; i += 3) {
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

/** FaceMesh output (crop pixels of a MESH_SIZE crop of `roi`) -> frame pixels; z keeps the same scale as x, y. */
export function meshToFrame(raw: Float32Array, roi: Roi): Float32Array {
  const out = new Float32Array(LANDMARK_COUNT * 3);
  const zScale = roi.size / MESH_SIZE;
  for (let i = 0; i < LANDMARK_COUNT; i++) {
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
  for (let i = 0; i < landmarks.length; i += 3) {
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
