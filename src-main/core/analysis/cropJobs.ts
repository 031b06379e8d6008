/**
 * Crops shared out between the analysis process's main thread (which runs ONNX Runtime) and a helper thread,
 * through shared memory: both threads run this module's code on the same job table, so it holds no ORT and no
 * Node handles. A job is one model input (a CropSpec) over a frame of the frame ring, cut into blocks of rows;
 * either thread claims a block with an atomic compare-and-swap, samples its rows into the job's shared output,
 * and counts it done. Each row depends only on the frame and the spec (imageOps.sampleRoiRows), so who computed
 * which rows never changes a number.
 *
 * Job slot j: Int32 fields at JOB_BASE + j * JOB_INTS of `ctl`, float parameters at j * JOB_FLOATS of `params`.
 * CLAIM packs an epoch (bumped by every new job in the slot) above the next unclaimed block, so a thread that
 * looked at the slot's previous job can never claim a block of the next one (its compare-and-swap fails).
 */
import { cropChannels, sampleRoiRows, type CropPost, type CropSpec } from '../vision/imageOps';

/** ctl[SEQ] is bumped (and notified) whenever a job is published: the helper sleeps on it. */
export const SEQ = 0;
/** Set by main to make the helper return. */
export const STOP = 1;
/** Set by the helper when it fails: main stops waiting for it. */
export const FAILED = 2;
export const JOB_BASE = 4;
export const JOB_INTS = 16;
export const JOB_FLOATS = 16;
/** Job slots: enough for a chunk's encoder inputs waiting in the background plus the crop main waits for. */
export const JOB_SLOTS = 48;

const CLAIM = 0;
export const DONE = 1;
const NBLOCKS = 2;
const ROWS_PER_BLOCK = 3;
const FRAME = 4;
const WIDTH = 5;
const HEIGHT = 6;
const MAX_SAMPLES = 7;
const POST = 8;
/** Generation of the slot's output buffer; a new buffer reaches the helper through its message port. */
export const BUF_GEN = 9;
/** 1: the job holds a reference on its frame (Cropper.cropLater), dropped by whoever finishes the last block. */
const BACKGROUND = 10;
/** Which jobs the helper takes first (JobPriority). */
const PRIORITY = 11;
/** A card-normalised crop's channel count (1 or 3) and its BGR and NCHW flags (bits 0 and 1). */
const CHANNELS = 12;
const PIXEL_FLAGS = 13;

const BLOCK_BITS = 12;
const BLOCK_MASK = (1 << BLOCK_BITS) - 1;
const EPOCH_MASK = (1 << 18) - 1;
/** Rows per block: small enough that two threads share a crop evenly, large enough to make claims cheap. */
const TARGET_ROWS = 8;

const POST_KINDS = ['rgb', 'affine', 'normalised'] as const;

/** Main is waiting for it; needed at the next frame; needed at the end of the chunk. */
export const JobPriority = { waited: 0, soon: 1, later: 2 } as const;
export const PRIORITIES = [JobPriority.waited, JobPriority.soon, JobPriority.later] as const;

export function createJobTable(): { ctl: SharedArrayBuffer; params: SharedArrayBuffer } {
  const ctl = new SharedArrayBuffer((JOB_BASE + JOB_SLOTS * JOB_INTS) * 4);
  const view = new Int32Array(ctl);
  // Every slot starts as a finished empty job: nothing to claim.
  for (let j = 0; j < JOB_SLOTS; j++) view[JOB_BASE + j * JOB_INTS + CLAIM] = BLOCK_MASK;
  return { ctl, params: new SharedArrayBuffer(JOB_SLOTS * JOB_FLOATS * 8) };
}

/** Frame pixels and reference counts of the frame ring, as seen from either thread. */
export interface SharedFrames {
  /** One packed RGB24 frame per slot. */
  frames: Uint8Array[];
  width: number;
  height: number;
  /** References held on each slot; 0 = free for the decoder, which waits on it. */
  refs: Int32Array;
}

/** Drops one reference on a frame slot, waking the decoder when the slot becomes free. */
export function releaseFrame(refs: Int32Array, slot: number): void {
  if (Atomics.sub(refs, slot, 1) === 1) Atomics.notify(refs, slot);
}

/** Main only: puts a job into a free slot (no thread is working on it) and wakes the helper. */
export function publishJob(ctl: Int32Array, params: Float64Array, j: number, frame: number, spec: CropSpec, priority: number): void {
  const at = JOB_BASE + j * JOB_INTS;
  const epoch = (((Atomics.load(ctl, at + CLAIM) >>> BLOCK_BITS) + 1) & EPOCH_MASK) << BLOCK_BITS;
  // First close the slot under the new epoch: a stale claim fails from here on, and nothing can be claimed
  // while the fields are being written.
  Atomics.store(ctl, at + CLAIM, epoch | BLOCK_MASK);
  const rows = Math.max(1, Math.min(spec.height, TARGET_ROWS, Math.ceil(spec.height / 2)));
  const blocks = Math.ceil(spec.height / rows);
  if (blocks >= BLOCK_MASK) throw new Error(`a crop of ${spec.height} rows is too tall to share out`);
  const p = j * JOB_FLOATS;
  params[p] = spec.roi.cx;
  params[p + 1] = spec.roi.cy;
  params[p + 2] = spec.roi.size;
  params[p + 3] = spec.roi.angle;
  params[p + 4] = spec.post.kind === 'affine' ? spec.post.scale : 1;
  params[p + 5] = spec.post.kind === 'affine' ? spec.post.offset : 0;
  const pixels = spec.post.kind === 'normalised' ? spec.post.pixels : null;
  if (pixels) {
    params[p + 6] = pixels.divisor;
    pixels.mean.forEach((m, c) => (params[p + 7 + c] = m));
    pixels.std.forEach((s, c) => (params[p + 10 + c] = s));
  }
  Atomics.store(ctl, at + CHANNELS, pixels?.channels ?? 3);
  Atomics.store(ctl, at + PIXEL_FLAGS, (pixels?.bgr ? 1 : 0) | (pixels?.planar ? 2 : 0));
  Atomics.store(ctl, at + NBLOCKS, blocks);
  Atomics.store(ctl, at + ROWS_PER_BLOCK, rows);
  Atomics.store(ctl, at + FRAME, frame);
  Atomics.store(ctl, at + WIDTH, spec.width);
  Atomics.store(ctl, at + HEIGHT, spec.height);
  Atomics.store(ctl, at + MAX_SAMPLES, spec.maxSamples);
  Atomics.store(ctl, at + POST, POST_KINDS.indexOf(spec.post.kind));
  Atomics.store(ctl, at + BACKGROUND, priority === JobPriority.waited ? 0 : 1);
  Atomics.store(ctl, at + PRIORITY, priority);
  Atomics.store(ctl, at + DONE, 0);
  // Open: blocks 0.. can be claimed.
  Atomics.store(ctl, at + CLAIM, epoch);
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ, 1);
}

/** Claims the next block of job j, or -1 when every block is taken (or the slot holds no job). */
export function claimBlock(ctl: Int32Array, j: number): number {
  const at = JOB_BASE + j * JOB_INTS;
  for (;;) {
    const word = Atomics.load(ctl, at + CLAIM);
    const block = word & BLOCK_MASK;
    if (block >= Atomics.load(ctl, at + NBLOCKS)) return -1;
    // Succeeds only if the slot still holds the job (epoch) read above, whose block count was just read.
    if (Atomics.compareExchange(ctl, at + CLAIM, word, word + 1) === word) return block;
  }
}

export function jobOutputLength(spec: Pick<CropSpec, 'width' | 'height' | 'post'>): number {
  return spec.width * spec.height * cropChannels(spec.post);
}

function postOf(ctl: Int32Array, params: Float64Array, at: number, p: number): CropPost {
  const kind = POST_KINDS[Atomics.load(ctl, at + POST)] ?? 'rgb';
  if (kind === 'affine') return { kind, scale: params[p + 4] as number, offset: params[p + 5] as number };
  if (kind === 'rgb') return { kind };
  const channels = Atomics.load(ctl, at + CHANNELS) === 1 ? 1 : 3;
  const flags = Atomics.load(ctl, at + PIXEL_FLAGS);
  return {
    kind,
    pixels: {
      channels,
      bgr: (flags & 1) !== 0,
      planar: (flags & 2) !== 0,
      divisor: params[p + 6] as number,
      mean: Array.from(params.subarray(p + 7, p + 7 + channels)),
      std: Array.from(params.subarray(p + 10, p + 10 + channels)),
    },
  };
}

/** Samples block `block` (claimed by this thread) of job j into `out`, then counts it done. */
export function runBlock(ctl: Int32Array, params: Float64Array, shared: SharedFrames, j: number, block: number, out: Float32Array): void {
  const at = JOB_BASE + j * JOB_INTS;
  const p = j * JOB_FLOATS;
  const post = postOf(ctl, params, at, p);
  const height = Atomics.load(ctl, at + HEIGHT);
  const spec: CropSpec = {
    roi: { cx: params[p] as number, cy: params[p + 1] as number, size: params[p + 2] as number, angle: params[p + 3] as number },
    width: Atomics.load(ctl, at + WIDTH),
    height,
    maxSamples: Atomics.load(ctl, at + MAX_SAMPLES),
    post,
  };
  const frame = Atomics.load(ctl, at + FRAME);
  const rows = Atomics.load(ctl, at + ROWS_PER_BLOCK);
  const image = { data: shared.frames[frame] as Uint8Array, width: shared.width, height: shared.height };
  sampleRoiRows(image, spec, out, block * rows, Math.min(height, (block + 1) * rows));
  const blocks = Atomics.load(ctl, at + NBLOCKS);
  if (Atomics.add(ctl, at + DONE, 1) + 1 === blocks) {
    if (Atomics.load(ctl, at + BACKGROUND) === 1) releaseFrame(shared.refs, frame);
    Atomics.notify(ctl, at + DONE);
  }
}

/** Main only: blocks until every block of job j is done (the helper may still be finishing one). */
export function waitJob(ctl: Int32Array, j: number): void {
  const at = JOB_BASE + j * JOB_INTS;
  const blocks = Atomics.load(ctl, at + NBLOCKS);
  for (;;) {
    const done = Atomics.load(ctl, at + DONE);
    if (done >= blocks) return;
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error('the crop helper thread failed');
    Atomics.wait(ctl, at + DONE, done, 1000);
  }
}

export function priorityOf(ctl: Int32Array, j: number): number {
  return Atomics.load(ctl, JOB_BASE + j * JOB_INTS + PRIORITY);
}

/** Main only: raises a job main is about to wait for, so the helper turns to it first. */
export function raisePriority(ctl: Int32Array, j: number): void {
  Atomics.store(ctl, JOB_BASE + j * JOB_INTS + PRIORITY, JobPriority.waited);
}

/**
 * Main only: abandons a background job nobody will use (a prefetch that was not needed): takes every block not
 * started, waits for the ones the helper is working on, and drops the job's frame reference if its last block
 * will now never be finished.
 */
export function cancelJob(ctl: Int32Array, refs: Int32Array, j: number): void {
  const at = JOB_BASE + j * JOB_INTS;
  let taken = 0;
  while (claimBlock(ctl, j) >= 0) taken++;
  const started = Atomics.load(ctl, at + NBLOCKS) - taken;
  for (;;) {
    const done = Atomics.load(ctl, at + DONE);
    if (done >= started) break;
    if (Atomics.load(ctl, FAILED) !== 0) throw new Error('the crop helper thread failed');
    Atomics.wait(ctl, at + DONE, done, 1000);
  }
  if (taken > 0 && Atomics.load(ctl, at + BACKGROUND) === 1) releaseFrame(refs, Atomics.load(ctl, at + FRAME));
}
