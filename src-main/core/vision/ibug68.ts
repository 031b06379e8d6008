/**
 * The 68 landmarks of the iBUG 300-W scheme (AFEW-VA's landmark layout) from a FaceMesh: 0-16 the jaw from the
 * image's left round the chin, 17-26 the eyebrows, 27-35 the nose (bridge, then under it), 36-47 the eyes (from
 * each outer or inner corner, clockwise), 48-67 the lips (outer, then inner). Each point is two neighbouring mesh
 * vertices and a weight (p = (1 - t) * v[a] + t * v[b]): derived by tools/landmarks68/derive.ts, which places each
 * point where the scheme has it on the mesh's own contour of that feature (corners at its ends, the others evenly
 * along it), measured on the committed FRL photos, and draws both on them to look at. Only the 468 mesh vertices
 * are used, so a facemesh V1 (468) and a V2 (478) set map alike.
 */
import { StudioError } from '../errors';

export const IBUG68_FROM_MESH: readonly (readonly [number, number, number])[] = [
  [127, 127, 0], [234, 93, 0.24], [93, 132, 0.42], [132, 58, 0.5], [58, 172, 0.64], [136, 150, 0.08],
  [150, 149, 0.65], [176, 148, 0.47], [152, 377, 0.02], [377, 400, 0.58], [378, 379, 0.38], [379, 365, 0.95],
  [397, 288, 0.38], [288, 361, 0.52], [361, 323, 0.61], [323, 454, 0.78], [356, 356, 0], [70, 70, 0],
  [63, 105, 0.27], [105, 66, 0.31], [66, 107, 0.19], [107, 107, 0], [336, 336, 0], [336, 296, 0.79],
  [296, 334, 0.67], [334, 293, 0.71], [300, 300, 0], [168, 168, 0], [6, 197, 0.98], [5, 4, 0.11],
  [1, 1, 0], [98, 98, 0], [98, 97, 0.9], [97, 2, 0.98], [326, 327, 0.08], [327, 327, 0],
  [33, 33, 0], [160, 159, 0.54], [158, 157, 0.53], [133, 133, 0], [153, 154, 0.11], [144, 145, 0.23],
  [362, 362, 0], [384, 385, 0.45], [386, 387, 0.43], [263, 263, 0], [374, 373, 0.8], [381, 380, 0.93],
  [61, 61, 0], [40, 39, 0.35], [39, 37, 0.73], [37, 0, 0.97], [267, 269, 0.21], [269, 270, 0.6],
  [291, 291, 0], [321, 405, 0.2], [405, 314, 0.67], [314, 17, 0.97], [84, 181, 0.31], [181, 91, 0.8],
  [78, 78, 0], [80, 81, 0.97], [13, 312, 0.01], [311, 310, 0.03], [308, 308, 0], [318, 402, 0.98],
  [14, 87, 0.01], [178, 88, 0.06],
];

/** The 68 (x, y) points, flattened, from a mesh of 468 or 478 (x, y, z) landmarks. */
export function mapToIbug68(landmarks: Float32Array): Float32Array {
  if (landmarks.length !== 468 * 3 && landmarks.length !== 478 * 3) {
    throw new StudioError(`The 68-point landmarks need a face mesh of 468 or 478 points, not ${landmarks.length / 3}.`);
  }
  const out = new Float32Array(68 * 2);
  IBUG68_FROM_MESH.forEach(([a, b, t], i) => {
    out[2 * i] = (1 - t) * (landmarks[3 * a] as number) + t * (landmarks[3 * b] as number);
    out[2 * i + 1] = (1 - t) * (landmarks[3 * a + 1] as number) + t * (landmarks[3 * b + 1] as number);
  });
  return out;
}
