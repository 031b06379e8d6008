/**
 * The crop helper: a worker thread of the analysis process that takes blocks of crop jobs (cropJobs.ts) while the
 * main thread is busy in ONNX Runtime or working on the same crop. Jobs main waits for come first; the encoder
 * inputs ordered for later are done in between. No ORT here (one process, one thread for ORT: known crashes).
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { BUF_GEN, claimBlock, DONE, FAILED, JOB_BASE, JOB_INTS, JOB_SLOTS, PRIORITIES, priorityOf, runBlock, SEQ, STOP, type SharedFrames } from './cropJobs';

export interface CropThreadData {
  ctl: SharedArrayBuffer;
  params: SharedArrayBuffer;
  frames: SharedArrayBuffer[];
  width: number;
  height: number;
  refs: SharedArrayBuffer;
  /** New output buffers of job slots arrive here: { slot, gen, buffer }. */
  outputs: MessagePort;
}

export interface OutputBuffer {
  slot: number;
  gen: number;
  buffer: SharedArrayBuffer;
}

function main(data: CropThreadData): void {
  const ctl = new Int32Array(data.ctl);
  const params = new Float64Array(data.params);
  const shared: SharedFrames = { frames: data.frames.map((f) => new Uint8Array(f)), width: data.width, height: data.height, refs: new Int32Array(data.refs) };
  const outputs: (Float32Array | null)[] = new Array<Float32Array | null>(JOB_SLOTS).fill(null);
  const gens = new Int32Array(JOB_SLOTS).fill(-1);

  /** The job's output as of its current buffer generation (posted before the job was published). */
  const outputOf = (j: number): Float32Array => {
    const want = Atomics.load(ctl, JOB_BASE + j * JOB_INTS + BUF_GEN);
    while (gens[j] !== want) {
      const message = receiveMessageOnPort(data.outputs)?.message as OutputBuffer | undefined;
      if (!message) throw new Error(`the output buffer ${want} of crop job ${j} never arrived`);
      outputs[message.slot] = new Float32Array(message.buffer);
      gens[message.slot] = message.gen;
    }
    return outputs[j] as Float32Array;
  };

  /** One block of the most urgent job: one main waits for, then one needed soon, then the rest. False if none. */
  const workOnce = (): boolean => {
    for (const priority of PRIORITIES) {
      for (let j = 0; j < JOB_SLOTS; j++) {
        if (priorityOf(ctl, j) !== priority) continue;
        const block = claimBlock(ctl, j);
        if (block < 0) continue;
        runBlock(ctl, params, shared, j, block, outputOf(j));
        return true;
      }
    }
    return false;
  };

  while (Atomics.load(ctl, STOP) === 0) {
    const seq = Atomics.load(ctl, SEQ);
    if (!workOnce()) Atomics.wait(ctl, SEQ, seq);
  }
}

try {
  main(workerData as CropThreadData);
} catch (error) {
  // Main may be waiting for a block of ours: tell it to stop waiting, then let the error end the thread.
  const ctl = new Int32Array((workerData as CropThreadData).ctl);
  Atomics.store(ctl, FAILED, 1);
  for (let j = 0; j < JOB_SLOTS; j++) Atomics.notify(ctl, JOB_BASE + j * JOB_INTS + DONE);
  throw error;
}
parentPort?.close();
