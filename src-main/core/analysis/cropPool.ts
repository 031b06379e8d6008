/**
 * A Cropper (vision/facePipeline.ts) for frames of the frame ring that shares each crop with the crop helper
 * thread: a crop needed at once is cut into blocks of rows that main and the helper take in turn (about halving
 * the time main spends on it); a crop ordered for later (the encoder's input) or ahead of need (the detector's
 * input of the next frame) is left to the helper while main goes on with ONNX Runtime. Crops of images outside
 * the ring are made in this thread.
 */
import path from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { cropRoi, type CropSpec, type RgbImage } from '../vision/imageOps';
import type { Cropper } from '../vision/facePipeline';
import {
  BUF_GEN,
  cancelJob,
  claimBlock,
  createJobTable,
  JOB_BASE,
  JOB_INTS,
  JOB_SLOTS,
  jobOutputLength,
  JobPriority,
  publishJob,
  raisePriority,
  runBlock,
  STOP,
  SEQ,
  waitJob,
  type SharedFrames,
} from './cropJobs';
import type { CropThreadData, OutputBuffer } from './cropThread';
import { sharedFrames, type FrameRing } from './frameRing';

const OWN_EXTENSION = path.extname(__filename);

export class CropPool implements Cropper {
  private readonly ctl: Int32Array;
  private readonly params: Float64Array;
  private readonly shared: SharedFrames;
  private readonly slotOf = new Map<ArrayBufferLike, number>();
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly outputs: (Float32Array | null)[] = new Array<Float32Array | null>(JOB_SLOTS).fill(null);
  private readonly free: number[] = Array.from({ length: JOB_SLOTS }, (_, j) => j);
  private readonly prefetched: { frame: number; spec: CropSpec; j: number }[] = [];

  constructor(ring: FrameRing) {
    const table = createJobTable();
    this.ctl = new Int32Array(table.ctl);
    this.params = new Float64Array(table.params);
    this.shared = sharedFrames(ring);
    this.shared.frames.forEach((frame, slot) => this.slotOf.set(frame.buffer, slot));
    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: CropThreadData = { ...table, frames: ring.frames, width: ring.width, height: ring.height, refs: ring.refs, outputs: channel.port2 };
    this.worker = new Worker(path.join(__dirname, `cropThread${OWN_EXTENSION}`), { workerData: data, transferList: [channel.port2] });
    // A failure sets FAILED in shared memory, which is what a waiting main sees; keep the process alive.
    this.worker.on('error', () => undefined);
  }

  crop(image: RgbImage, spec: CropSpec): Float32Array {
    const frame = this.frameOf(image);
    const ahead = this.prefetched.findIndex((p) => p.frame === frame && sameSpec(p.spec, spec));
    if (ahead >= 0) {
      const { j } = this.prefetched.splice(ahead, 1)[0] as { j: number };
      raisePriority(this.ctl, j);
      return this.finish(j, spec);
    }
    const j = this.start(image, spec, JobPriority.waited);
    return j === null ? cropRoi(image, spec) : this.finish(j, spec);
  }

  prefetch(image: RgbImage, spec: CropSpec): void {
    const frame = this.frameOf(image);
    if (frame === undefined || this.prefetched.some((p) => p.frame === frame && sameSpec(p.spec, spec))) return;
    const j = this.start(image, spec, JobPriority.soon);
    if (j !== null) this.prefetched.push({ frame, spec, j });
  }

  discard(image: RgbImage): void {
    const frame = this.frameOf(image);
    for (let i = this.prefetched.length - 1; i >= 0; i--) {
      const p = this.prefetched[i] as { frame: number; j: number };
      if (p.frame !== frame) continue;
      this.prefetched.splice(i, 1);
      cancelJob(this.ctl, this.shared.refs, p.j);
      this.free.push(p.j);
    }
  }

  cropLater(image: RgbImage, spec: CropSpec): () => Float32Array {
    const j = this.start(image, spec, JobPriority.later);
    if (j === null) {
      const out = cropRoi(image, spec);
      return () => out;
    }
    let taken: Float32Array | null = null;
    return () => (taken ??= this.finish(j, spec));
  }

  /** The ring slot holding `image`, if it is a whole ring frame. */
  private frameOf(image: RgbImage): number | undefined {
    const frame = this.slotOf.get(image.data.buffer);
    const whole = image.width === this.shared.width && image.height === this.shared.height && image.data.byteOffset === 0;
    return whole ? frame : undefined;
  }

  /** Publishes the job, or null when the image is not a ring frame or every job slot is busy. */
  private start(image: RgbImage, spec: CropSpec, priority: number): number | null {
    const frame = this.frameOf(image);
    if (frame === undefined) return null;
    const j = this.free.shift();
    if (j === undefined) return null;
    const length = jobOutputLength(spec);
    if ((this.outputs[j]?.length ?? -1) < length) {
      const buffer = new SharedArrayBuffer(length * 4);
      const gen = Atomics.load(this.ctl, JOB_BASE + j * JOB_INTS + BUF_GEN) + 1;
      this.outputs[j] = new Float32Array(buffer);
      // Queued on the helper's port before the job is published, so the helper finds it when it claims a block.
      this.port.postMessage({ slot: j, gen, buffer } satisfies OutputBuffer);
      Atomics.store(this.ctl, JOB_BASE + j * JOB_INTS + BUF_GEN, gen);
    }
    // A job main does not wait for holds its own reference on the frame, dropped by whoever finishes its last block.
    if (priority !== JobPriority.waited) Atomics.add(this.shared.refs, frame, 1);
    publishJob(this.ctl, this.params, j, frame, spec, priority);
    return j;
  }

  /** Takes the blocks nobody has started, waits for the rest, and returns a copy of the output. */
  private finish(j: number, spec: CropSpec): Float32Array {
    const out = this.outputs[j] as Float32Array;
    for (let block = claimBlock(this.ctl, j); block >= 0; block = claimBlock(this.ctl, j)) runBlock(this.ctl, this.params, this.shared, j, block, out);
    waitJob(this.ctl, j);
    const result = out.slice(0, jobOutputLength(spec));
    this.free.push(j);
    return result;
  }

  async close(): Promise<void> {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    this.port.close();
    await this.worker.terminate();
  }
}

function sameSpec(a: CropSpec, b: CropSpec): boolean {
  return (
    a.roi.cx === b.roi.cx &&
    a.roi.cy === b.roi.cy &&
    a.roi.size === b.roi.size &&
    a.roi.angle === b.roi.angle &&
    a.width === b.width &&
    a.height === b.height &&
    a.maxSamples === b.maxSamples &&
    a.post.kind === b.post.kind &&
    (a.post.kind !== 'affine' || (b.post.kind === 'affine' && a.post.scale === b.post.scale && a.post.offset === b.post.offset))
  );
}
