/**
 * Entry of the analysis process: a child of main that loads ONNX Runtime and runs the face pipeline over one
 * video, sending its results chunk by chunk. ORT lives in this one process (many worker_threads each loading ORT
 * crash, docs/notes/toolchain.md: its two worker threads, decode and crop helper, never load it) and its synchronous
 * runs block only this process's main thread, never the studio's. Exits when main disconnects, so a killed studio
 * never leaves it running.
 */
import { SessionFactory } from '../inference/executionProviders';
import { checkOnEveryProvider, modelInfo } from '../inference/modelRegistry';
import { FacePipeline, loadFaceModels, MODEL_PURPOSES, releaseFaceModels, type AnalysedFace, type AnalysedFrame, type FaceModels, type TrackedFrame } from '../vision/facePipeline';
import { DEFAULT_TRACKER } from '../vision/faceTracker';
import type { AnalysedChunk, AnalysisMessage, AnalysisRequest, AnalyzeRequest, StoredFace } from './analysisProtocol';
import { CropPool } from './cropPool';
import { createFrameRing, DecodeThread } from './frameRing';

/**
 * Frame slots shared with the decode thread: the frame being tracked, frames whose encoder input the crop helper
 * has not finished, and read-ahead, so ffmpeg keeps decoding while the models work (16 x 675 KB at 640 x 360).
 */
const RING_SLOTS = 16;

function send(message: AnalysisMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the analysis process was not started with an IPC channel'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

/** Decoded-size results -> the video's own pixels, which is what the studio stores and draws. */
function toStored(frame: AnalysedFrame, sx: number, sy: number): AnalysedChunk['frames'][number] {
  const scale = (face: AnalysedFace): StoredFace => {
    const landmarks = new Float32Array(face.landmarks.length);
    for (let i = 0; i < landmarks.length; i += 3) {
      landmarks[i] = (face.landmarks[i] as number) * sx;
      landmarks[i + 1] = (face.landmarks[i + 1] as number) * sy;
      landmarks[i + 2] = (face.landmarks[i + 2] as number) * sx;
    }
    return {
      trackId: face.trackId,
      box: { x: face.box.x * sx, y: face.box.y * sy, w: face.box.w * sx, h: face.box.h * sy },
      score: face.score,
      landmarks,
      turnedAway: face.turnedAway,
      embedding: face.descriptor?.embedding ?? null,
      expressionLogits: face.descriptor?.expressionLogits ?? null,
      affect: face.descriptor?.affect ?? null,
      identity: face.identity,
      actions: face.actions,
    };
  };
  return { frameIndex: frame.frameIndex, detectorRan: frame.detectorRan, faces: frame.faces.map(scale) };
}

/**
 * Three threads: the decode thread fills the frame ring, this one tracks each frame (ORT runs here only) and
 * shares its crops with the crop helper, which also makes the encoder inputs in the background; at the end of a
 * chunk the chunk's faces are encoded in one batch. The same frames, crops and batches as
 * FacePipeline.analyseFrames over the chunk, so the numbers are those of an in-process run.
 */
async function analyze(request: AnalyzeRequest, models: FaceModels): Promise<void> {
  const ring = createFrameRing(RING_SLOTS, request.decode);
  const decoder = DecodeThread.forRequest(request, ring);
  const cropper = new CropPool(ring);
  try {
    const pipeline = new FacePipeline(models, DEFAULT_TRACKER, cropper);
    pipeline.state = request.tracker;
    const sx = request.video.width / request.decode.width;
    const sy = request.video.height / request.decode.height;
    let pending: TrackedFrame[] = [];
    const flush = async () => {
      const analysed = await pipeline.encodeTracked(pending);
      const last = pending.at(-1)?.frameIndex ?? request.fromFrame - 1;
      pending = [];
      await send({ type: 'chunk', frames: analysed.map((f) => toStored(f, sx, sy)), nextFrame: last + 1, tracker: pipeline.state });
    };
    for await (const frame of decoder.frames()) {
      try {
        pending.push(await pipeline.track(frame, decoder.peek() ?? undefined));
      } finally {
        cropper.discard(frame.image);
        decoder.release(frame.slot);
      }
      // Chunks end on multiples of chunkSize whatever frame the run started at, so a resumed run batches exactly
      // as an uninterrupted one and produces the same numbers.
      if ((frame.frameIndex + 1) % request.chunkSize === 0) await flush();
    }
    if (pending.length > 0) await flush();
  } finally {
    // Not awaited: stopping the threads takes a while and nothing depends on it ('done' goes out at once, and the
    // process ends when main disconnects).
    void Promise.all([cropper.close(), decoder.close()]).catch(() => undefined);
  }
}

async function handle(request: AnalysisRequest): Promise<void> {
  if (request.type === 'check') {
    await send({ type: 'checked', ...(await checkOnEveryProvider(request.file, { role: request.role })) });
    await send({ type: 'done' });
    return;
  }
  const models = await loadFaceModels(request.modelsDir, new SessionFactory(), request.encoderFile);
  try {
    await send({
      type: 'ready',
      models: (Object.keys(MODEL_PURPOSES) as (keyof FaceModels)[]).map((slot) => ({ ...modelInfo(models[slot]), purpose: MODEL_PURPOSES[slot] })),
      encoderCard: JSON.stringify(models.encoder.card),
      failedProviders: models.encoder.failedProviders,
    });
    if (request.type === 'analyze') await analyze(request, models);
    await send({ type: 'done' });
  } finally {
    await releaseFaceModels(models);
  }
}

process.on('disconnect', () => process.exit(0));
process.once('message', (request: AnalysisRequest) => {
  handle(request).then(
    () => process.disconnect(),
    async (error: unknown) => {
      await send({ type: 'error', message: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      process.disconnect();
    },
  );
});
