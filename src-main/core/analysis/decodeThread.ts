/**
 * The decode thread of the analysis process: drains ffmpeg (or decodes an image sequence) into the frame ring's
 * shared slots while the main thread is blocked in ONNX Runtime, so decoding overlaps inference on a second
 * core. It waits for a slot to be free (no references left) before filling it, which bounds the read-ahead to
 * the ring's size. No ORT here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeFrames } from '../media/frameDecode';
import { decodeImage } from '../media/imageSequence';
import type { AnalyzeRequest } from './analysisProtocol';

export interface DecodeThreadData {
  request: Pick<AnalyzeRequest, 'source' | 'decode' | 'fromFrame' | 'frameCount'>;
  frames: SharedArrayBuffer[];
  refs: SharedArrayBuffer;
}

export type DecodeThreadMessage = { type: 'frame'; frameIndex: number; slot: number } | { type: 'end' } | { type: 'error'; message: string };

async function* source(request: DecodeThreadData['request']): AsyncGenerator<{ frameIndex: number; rgb: Uint8Array }> {
  const { width, height } = request.decode;
  if (request.source.kind === 'video') {
    for await (const frame of decodeFrames(request.source.file, { width, height, fromFrame: request.fromFrame })) {
      if (frame.frameIndex >= request.frameCount) return;
      yield frame;
    }
    return;
  }
  for (let frameIndex = request.fromFrame; frameIndex < request.frameCount; frameIndex++) {
    yield { frameIndex, rgb: await decodeImage(request.source.files[frameIndex] as string, { width, height }) };
  }
}

/** Atomics.waitAsync (Node >= 16; typed only from lib ES2024, and this project targets ES2023). */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string } }).waitAsync;

async function run(data: DecodeThreadData): Promise<void> {
  const refs = new Int32Array(data.refs);
  const frames = data.frames.map((f) => new Uint8Array(f));
  const post = (message: DecodeThreadMessage) => parentPort?.postMessage(message);
  let slot = 0;
  try {
    for await (const frame of source(data.request)) {
      // Slots are filled in turn, so main receives frames in order; wait until this one is free again.
      for (let held = Atomics.load(refs, slot); held !== 0; held = Atomics.load(refs, slot)) {
        const wait = waitAsync(refs, slot, held);
        if (wait.async) await wait.value;
      }
      (frames[slot] as Uint8Array).set(frame.rgb);
      // Main's reference, dropped once it has tracked the frame.
      Atomics.store(refs, slot, 1);
      post({ type: 'frame', frameIndex: frame.frameIndex, slot });
      slot = (slot + 1) % frames.length;
    }
    post({ type: 'end' });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

// Stays alive (a listener on the port) until main terminates it, so that 'exit' always means a crash or the
// end of the run, never a race with the last messages.
parentPort?.on('message', () => undefined);
void run(workerData as DecodeThreadData);
