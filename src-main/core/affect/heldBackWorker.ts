/** The worker-thread side of `heldBackInWorker`: computes the held-back score and posts it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { heldBackOfInput, type HeldBackInput } from './heldBack';

try {
  parentPort?.postMessage({ type: 'done', score: heldBackOfInput(workerData as HeldBackInput) });
} catch (error) {
  parentPort?.postMessage({ type: 'error', message: (error as Error).message });
}
