/**
 * Main's side of the frame ring: shared frame slots that the decode thread fills in order and main (and the crop
 * helper) read in place, with a reference count per slot. Main receives each frame's slot as a message and drops
 * its reference once it has tracked the frame; a crop ordered for later holds another until it is done.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../errors';
import type { RgbImage } from '../vision/imageOps';
import type { AnalyzeRequest } from './analysisProtocol';
import { releaseFrame, type SharedFrames } from './cropJobs';
import type { DecodeThreadData, DecodeThreadMessage } from './decodeThread';

/** `.ts` when running from source (the thread needs tsx, which workers inherit through execArgv), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

export interface FrameRing {
  frames: SharedArrayBuffer[];
  refs: SharedArrayBuffer;
  width: number;
  height: number;
}

export function createFrameRing(slots: number, size: { width: number; height: number }): FrameRing {
  return {
    frames: Array.from({ length: slots }, () => new SharedArrayBuffer(size.width * size.height * 3)),
    refs: new SharedArrayBuffer(slots * 4),
    width: size.width,
    height: size.height,
  };
}

export function sharedFrames(ring: FrameRing): SharedFrames {
  return { frames: ring.frames.map((f) => new Uint8Array(f)), width: ring.width, height: ring.height, refs: new Int32Array(ring.refs) };
}

export interface RingFrame {
  frameIndex: number;
  slot: number;
  image: RgbImage;
}

/** Decodes the request's frames on a worker thread into `ring`. */
export class DecodeThread {
  private readonly worker: Worker;
  private readonly shared: SharedFrames;
  private readonly queue: DecodeThreadMessage[] = [];
  private wake: (() => void) | null = null;
  private exited = false;
  private closing = false;

  constructor(
    request: DecodeThreadData['request'],
    private readonly ring: FrameRing,
  ) {
    this.shared = sharedFrames(ring);
    const data: DecodeThreadData = { request, frames: ring.frames, refs: ring.refs };
    this.worker = new Worker(path.join(__dirname, `decodeThread${OWN_EXTENSION}`), { workerData: data });
    this.worker.on('message', (message: DecodeThreadMessage) => this.push(message));
    this.worker.on('error', (error) => this.push({ type: 'error', message: error.message }));
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closing) this.push({ type: 'error', message: `the decode thread stopped (code ${code}) before the last frame` });
    });
  }

  static forRequest(request: AnalyzeRequest, ring: FrameRing): DecodeThread {
    const { source, decode, fromFrame, frameCount } = request;
    return new DecodeThread({ source, decode, fromFrame, frameCount }, ring);
  }

  private push(message: DecodeThreadMessage): void {
    this.queue.push(message);
    this.wake?.();
    this.wake = null;
  }

  /** Frames in order; each must be released (`release(frame.slot)`) once the caller is done with it. */
  async *frames(): AsyncGenerator<RingFrame> {
    for (;;) {
      const message = this.queue.shift();
      if (!message) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (message.type === 'end') return;
      if (message.type === 'error') throw new StudioError(message.message);
      yield this.ringFrame(message);
    }
  }

  /** The frame after the last one yielded, if it has arrived already (it is yielded next all the same). */
  peek(): RingFrame | null {
    const message = this.queue[0];
    return message?.type === 'frame' ? this.ringFrame(message) : null;
  }

  private ringFrame(message: { frameIndex: number; slot: number }): RingFrame {
    const data = this.shared.frames[message.slot] as Uint8Array;
    return { frameIndex: message.frameIndex, slot: message.slot, image: { data, width: this.ring.width, height: this.ring.height } };
  }

  release(slot: number): void {
    releaseFrame(this.shared.refs, slot);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (!this.exited) await this.worker.terminate();
  }
}
