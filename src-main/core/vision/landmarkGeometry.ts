/**
 * The landmark part of the per-frame descriptor (docs/DESIGN.md §5): the 468 face-mesh points with position, roll and
 * size taken out, so two frames compare by facial shape (mouth open, brows raised) rather than by where the head
 * was. Origin at the midpoint of the outer eye corners, x along the eye line, unit = the distance between them.
 * Only the mesh points count: facemesh_v2's 10 iris points (after them) say where the eyes look, not the face's
 * shape, and leaving them out gives analyses of either landmark model the same geometry size.
 */
import { LEFT_EYE_CORNER, landmarkPoint, MESH_POINT_COUNT, RIGHT_EYE_CORNER, rollFromEyes } from './faceRoi';

/** The mesh's face-contour points at the two cheeks (the subject's right one on the image's left). */
const RIGHT_CHEEK = 234;
const LEFT_CHEEK = 454;
/**
 * Past this yaw the face is near profile (the far eye out of view): expression and identity would be read from
 * half a face. FaceMesh's depth is flatter than a real head, so its yaw reads low. Measured on the Hamilton clip
 * (docs/notes/persons.md): the singer frontal 0-6, turning to a clear three-quarter view (both eyes visible) up
 * to 32; the near-profile face in the audience 50-57 throughout. A seated person half turned to someone beside
 * them (about 45 degrees) stays well inside. facemesh_v2's depth reads the same there (docs/notes/models.md):
 * singer up to 31.5, the near-profile face 56.9.
 */
export const TURNED_AWAY_YAW_DEG = 45;

/** Yaw (degrees, 0 = facing the camera) from the 3-D landmarks: the cheek-to-cheek line's angle out of the image plane. */
export function yawDegrees(landmarks: Float32Array): number {
  const i = 3 * RIGHT_CHEEK;
  const j = 3 * LEFT_CHEEK;
  const dx = (landmarks[j] as number) - (landmarks[i] as number);
  const dy = (landmarks[j + 1] as number) - (landmarks[i + 1] as number);
  const dz = (landmarks[j + 2] as number) - (landmarks[i + 2] as number);
  return (Math.atan2(Math.abs(dz), Math.hypot(dx, dy)) * 180) / Math.PI;
}

export function isTurnedAway(landmarks: Float32Array): boolean {
  return yawDegrees(landmarks) > TURNED_AWAY_YAW_DEG;
}

export const GEOMETRY_DIM = MESH_POINT_COUNT * 3;

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
  for (let i = 0; i < MESH_POINT_COUNT; i++) {
    const dx = (landmarks[3 * i] as number) - ox;
    const dy = (landmarks[3 * i + 1] as number) - oy;
    out[3 * i] = dx * cos + dy * sin;
    out[3 * i + 1] = -dx * sin + dy * cos;
    out[3 * i + 2] = (landmarks[3 * i + 2] as number) / unit;
  }
  return out;
}
