/**
 * The worker-thread side of `trainInWorker`: runs `trainPairHead` and posts progress, then the result. Training
 * is pure TypeScript (no ONNX Runtime here), so a worker thread is enough to keep main's event loop free.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { trainPairHead, type LabelledFrame, type TrainOptions } from './trainHead';

const { frames, options } = workerData as { frames: LabelledFrame[]; options: TrainOptions };
try {
  const result = trainPairHead(frames, options, (progress) => parentPort?.postMessage({ type: 'progress', progress }));
  parentPort?.postMessage({ type: 'done', result });
} catch (error) {
  parentPort?.postMessage({ type: 'error', message: (error as Error).message });
}
