/**
 * Trained pair heads of a project: trained off the main thread, written as `<project>/models/pair-head-vN.onnx` with
 * its card (validation metrics included), and registered in the `models` table with the raters whose labels
 * trained it (modelStore.ts). Every version stays; each rater has at most one active head, trained on their labels.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../errors';
import type { Annotator } from '../store/annotatorStore';
import { addTrainedHead } from '../store/modelStore';
import type { Db } from '../store/projectDb';
import type { DescriptorLayout } from './descriptorLayout';
import { writePairHead, type WrittenHead } from './pairHead';
import type { LabelledFrame, TrainOptions, TrainProgress, TrainResult } from './trainHead';

/** `.ts` when running from source (tests, benchmarks: the worker needs tsx), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

export function trainInWorker(frames: readonly LabelledFrame[], options: TrainOptions, onProgress?: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, `trainWorker${OWN_EXTENSION}`), {
      workerData: { frames, options },
      execArgv: OWN_EXTENSION === '.ts' ? ['--import', 'tsx'] : [],
    });
    const abort = () => void worker.terminate().then(() => reject(new StudioError('Training was cancelled.')));
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: { type: 'progress'; progress: TrainProgress } | { type: 'done'; result: TrainResult } | { type: 'error'; message: string }) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else {
        signal?.removeEventListener('abort', abort);
        void worker.terminate();
        if (message.type === 'done') resolve(message.result);
        else reject(new StudioError(message.message));
      }
    });
    worker.on('error', (error) => reject(new StudioError(`The training worker failed: ${error.message}`)));
  });
}

export interface StoredHead extends WrittenHead {
  modelId: number;
  version: number;
}

/**
 * Writes the next version of the project's head (its card naming the layout it reads) and registers it with its
 * raters (one rater's becomes their active head).
 */
export function storeTrainedHead(db: Db, projectDir: string, result: TrainResult, layout: DescriptorLayout, training: { labels: number; annotators: readonly Annotator[]; videos: number }): StoredHead {
  const dir = path.join(projectDir, 'models');
  fs.mkdirSync(dir, { recursive: true });
  const versions = fs
    .readdirSync(dir)
    .map((name) => /^pair-head-v(\d+)\.onnx$/.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  const version = Math.max(0, ...versions) + 1;
  const name = 'project-pair-head';
  const written = writePairHead(dir, `pair-head-v${version}`, result.head, layout, {
    name,
    version: String(version),
    description: 'Pair head trained inside this project on its own labels with MT-CLAR\'s multi-task loss, starting from the circumplex prior head.',
    trainingData: `${training.labels} labelled frames of ${training.videos} video(s) in this project, annotators: ${training.annotators.map((a) => a.name).join(', ')}`,
    training: { steps: result.steps, bestStep: result.bestStep, loss: 'BCE(similar within 0.2 in V and A) + squared error of dV and dA, random task weights per step' },
    validation: result.validation,
  });
  const modelId = addTrainedHead(
    db,
    { name, version: String(version), sha256: written.sha256, card: written.card, file: path.relative(projectDir, written.file) },
    training.annotators.map((a) => a.id),
  );
  return { ...written, modelId, version };
}
