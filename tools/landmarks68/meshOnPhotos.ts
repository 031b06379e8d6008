/**
 * The 478 facemesh_v2 landmarks of each committed FRL photo (test/fixtures/faces-frl), as the studio's model gives
 * them on a square crop of the portrait around the face (the photos are laid out alike: the face fills about the
 * middle 0.55 of the width), resized to its 256x256 input; in photo pixels (384x384). The 68-point derivation
 * (derive.ts) and its test draw on these.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runBatched } from '../../src-main/core/inference/batching';
import { SessionFactory } from '../../src-main/core/inference/executionProviders';
import { defaultModelsDir, loadModel } from '../../src-main/core/inference/modelRegistry';
import { decodeRgb } from '../tfjs-to-onnx/testing';

export const FRL_DIR = path.resolve(__dirname, '../../test/fixtures/faces-frl');
const MESH = 256;
export const PHOTO = 384;
/** The crop the mesh sees, photo pixels: square, about 1.5x the face as MediaPipe crops it. */
export const FACE_CROP = { x: 48, y: 60, size: 288 } as const;

export interface PhotoMesh {
  file: string;
  /** 478 x (x, y, z), x and y in photo pixels. */
  landmarks: Float32Array;
}

export function frlPhotos(): string[] {
  return ['neutral', 'smiling'].flatMap((kind) => fs.readdirSync(path.join(FRL_DIR, kind)).sort().map((f) => path.join(FRL_DIR, kind, f)));
}

export async function meshOnPhotos(files: readonly string[]): Promise<PhotoMesh[]> {
  const model = await loadModel(path.join(defaultModelsDir(), 'facemesh_v2.onnx'), { factory: new SessionFactory({ chain: ['cpu'] }), role: 'landmarks' });
  try {
    const out: PhotoMesh[] = [];
    for (const file of files) {
      const { x, y, size } = FACE_CROP;
      const rgb = decodeRgb(file, MESH, MESH, `${size}:${size}:${x}:${y}`);
      const result = await runBatched(model, [Float32Array.from(rgb, (v) => v / 255)], [MESH, MESH, 3]);
      const scale = size / MESH;
      const landmarks = Float32Array.from(result.landmarks?.[0] as Float32Array, (v, i) => (i % 3 === 0 ? x + v * scale : i % 3 === 1 ? y + v * scale : v * scale));
      out.push({ file, landmarks });
    }
    return out;
  } finally {
    await model.session.release();
  }
}
