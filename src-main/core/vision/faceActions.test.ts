/**
 * The shipped blendshape model, fed as analysis feeds it (facemesh_v2 landmarks of a real face), must read a smile:
 * on the Face Research Lab photos, each person's smiling photo scores higher on the smile actions than their
 * neutral one, and clearly so on average.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatched } from '../inference/batching';
import { SessionFactory } from '../inference/executionProviders';
import { defaultModelsDir, loadModel, type LoadedModel } from '../inference/modelRegistry';
import { decodeImage } from '../media/imageSequence';
import { ACTION_EMBEDDING_DIM, blendshapeLabels, blendshapePoints, FACE_ACTION_COUNT, readFaceActions, V2_LANDMARK_COUNT } from './faceActions';

const FRL = path.resolve(__dirname, '../../../test/fixtures/faces-frl');
const MESH = 256;

describe('facial actions from facemesh_v2 landmarks', () => {
  let mesh: LoadedModel;
  let blendshapes: LoadedModel;
  beforeAll(async () => {
    const factory = new SessionFactory({ chain: ['cpu'] });
    mesh = await loadModel(path.join(defaultModelsDir(), 'facemesh_v2.onnx'), { factory, role: 'landmarks' });
    blendshapes = await loadModel(path.join(defaultModelsDir(), 'blendshapes.onnx'), { factory, role: 'blendshapes' });
  });
  afterAll(async () => {
    await mesh.session.release();
    await blendshapes.session.release();
  });

  /** The photo (a centred portrait) as facemesh_v2's crop, and its 478 landmarks in crop pixels. */
  async function landmarksOf(file: string): Promise<Float32Array> {
    const rgb = await decodeImage(file, { width: MESH, height: MESH });
    const input = Float32Array.from(rgb, (v) => v / 255);
    const out = await runBatched(mesh, [input], [MESH, MESH, 3]);
    return out.landmarks?.[0] as Float32Array;
  }

  it('scores a smile higher on the smiling photo than on the same person neutral', async () => {
    const { names, inputLandmarks } = blendshapeLabels(blendshapes);
    const smile = [names.indexOf('mouthSmileLeft'), names.indexOf('mouthSmileRight')];
    expect(smile.every((i) => i >= 0)).toBe(true);
    const people = fs.readdirSync(path.join(FRL, 'smiling')).filter((f) => fs.existsSync(path.join(FRL, 'neutral', f)));
    expect(people.length).toBeGreaterThanOrEqual(6);
    const differences: number[] = [];
    for (const person of people) {
      const points = [];
      for (const expression of ['neutral', 'smiling']) {
        const landmarks = await landmarksOf(path.join(FRL, expression, person));
        expect(landmarks.length).toBe(V2_LANDMARK_COUNT * 3);
        points.push(blendshapePoints(landmarks, inputLandmarks));
      }
      const [neutral, smiling] = await readFaceActions(blendshapes, points, inputLandmarks);
      for (const a of [neutral, smiling]) {
        expect(a?.scores.length).toBe(FACE_ACTION_COUNT);
        expect(a?.embedding.length).toBe(ACTION_EMBEDDING_DIM);
        expect([...(a?.scores ?? [])].every((s) => s >= 0 && s <= 1)).toBe(true);
      }
      const smileOf = (a: typeof neutral) => smile.reduce((s, i) => s + (a?.scores[i] as number), 0);
      differences.push(smileOf(smiling) - smileOf(neutral));
    }
    // Every smile reads higher; some are closed-mouth and subtle, so the margin is asked of the mean only.
    expect(differences.every((d) => d > 0)).toBe(true);
    expect(differences.reduce((a, b) => a + b, 0) / differences.length).toBeGreaterThan(0.5);
  });

  it('refuses landmarks that are not facemesh_v2 with a message naming the count', () => {
    expect(() => blendshapePoints(new Float32Array(468 * 3), [0, 1])).toThrow(/478 landmarks of facemesh_v2, not 468/);
  });
});
