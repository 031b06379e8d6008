import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionFactory } from '../inference/executionProviders';
import { loadModel } from '../inference/modelRegistry';
import { createProject } from '../store/projectFolder';
import { ProjectSession } from '../studio/projectSession';
import { ensureAnnotator } from '../store/annotatorStore';
import { activatePairHead } from '../store/modelStore';
import { storeTrainedHead, trainInWorker } from './headStore';
import { descriptorLayout } from './descriptorLayout';
import { priorHead } from './priorHead';
import { seededRandom } from './random';
import type { TrainProgress } from './trainHead';

/** Version 1 descriptors of the default encoder: 256-d embedding and 7 expression probabilities. */
const V1 = descriptorLayout(1);

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-headstore-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('project pair heads', () => {
  it('trains in a worker thread with progress, keeps every version and one active head for its rater', async () => {
    const r = seededRandom(3);
    const frames = Array.from({ length: 60 }, (_, i) => {
      const descriptor = Float32Array.from({ length: V1.dim }, () => r());
      return { descriptor, valence: (descriptor[0] as number) - 0.5, arousal: (descriptor[1] as number) - 0.5, group: `v${i % 2}` };
    });
    const progress: TrainProgress[] = [];
    const result = await trainInWorker(frames, { start: priorHead(V1), maxSteps: 300 }, (p) => progress.push(p));
    expect(progress.length).toBeGreaterThan(0);
    expect(result.head.delta).toBeInstanceOf(Float32Array);

    const dir = path.join(root, 'p');
    createProject(dir);
    const session = ProjectSession.open(dir);
    try {
      const ann = ensureAnnotator(session.db, 'ann', 'human');
      const first = storeTrainedHead(session.db, dir, result, V1, { labels: 60, annotators: [ann], videos: 2 });
      const second = storeTrainedHead(session.db, dir, result, V1, { labels: 60, annotators: [ann], videos: 2 });
      expect([first.version, second.version]).toEqual([1, 2]);
      expect(fs.existsSync(path.join(dir, 'models', 'pair-head-v2.onnx'))).toBe(true);
      const active = () => session.db.prepare(`SELECT m.version FROM active_heads AS a JOIN models AS m ON m.id = a.model_id`).all();
      expect(active()).toEqual([{ version: '2' }]);
      activatePairHead(session.db, first.modelId);
      expect(active()).toEqual([{ version: '1' }]);
      expect(JSON.parse(fs.readFileSync(first.cardFile, 'utf8')).validation.validationPairs).toBeGreaterThan(0);
      const model = await loadModel(second.file, { factory: new SessionFactory({ chain: ['cpu'] }), role: 'pair_head' });
      await model.session.release();
    } finally {
      await session.close();
    }
  });
});
