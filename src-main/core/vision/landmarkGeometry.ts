/**
 * The landmark part of the per-frame descriptor (docs/DESIGN.md §5): the 468 FaceMesh points with position, roll and
 * size taken out, so two frames compare by facial shape (mouth open, brows raised) rather than by where the head
 * was. Origin at the midpoint of the outer eye corners, x along the eye line, unit = the distance between them.
 */
import { LANDMARK_COUNT, LEFT_EYE_CORNER, landmarkPoint, RIGHT_EYE_CORNER, rollFromEyes } from './faceRoi';

export const GEOMETRY_DIM = LANDMARK_COUNT * 3;

export function normalisedGeometry(landmarks: Float32Array): Float32Array {
  const right = landmarkPoint(landmarks, RIGHT_EYE_CORNER);
  const left = landmarkPoint(landmarks, LEFT_EYE_CORNER);
  const ox = (right.x + left.x) / 2;
  const oy = (right.y + left.y) / 2;
  const unit = Math.hypot(left.x - right.x, left.y - right.y) || 1;
  const angle = rollFromEyes(right, left);
  const cos = Math.cos(angle) / unit;
  const sin = Math.sin(angle) / unit;
  const out = new Float32Array(GEOMETRY_DIM);
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    const dx = (landmarks[3 * i] as number) - ox;
    const dy = (landmarks[3 * i + 1] as number) - oy;
    out[3 * i] = dx * cos + dy * sin;
    out[3 * i + 1] = -dx * sin + dy * cos;
    out[3 * i + 2] = (landmarks[3 * i + 2] as number) / unit;
  }
  return out;
}
