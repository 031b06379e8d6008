/**
 * Entry of the analysis process: a child of main that loads ONNX Runtime and runs the face pipeline over one
 * video, sending its results chunk by chunk. ORT lives in this one process (many worker_threads each loading ORT
 * crash, notes/toolchain.md) and its synchronous runs block only this process's event loop, never main's.
 * Exits when main disconnects, so a killed studio never leaves it running.
 */
import { decodeFrames } from '../media/frameDecode';
import { decodeImage } from '../media/imageSequence';
import { SessionFactory } from '../inference/executionProviders';
import { modelInfo } from '../inference/modelRegistry';
import { FacePipeline, loadFaceModels, releaseFaceModels, type AnalysedFrame } from '../vision/facePipeline';
import type { RgbImage } from '../vision/imageOps';
import type { AnalysedChunk, AnalysisMessage, AnalysisRequest, AnalyzeRequest, StoredFace } from './analysisProtocol';
import { readAhead } from './readAhead';

/** Decoded frames waiting while the pipeline works: ffmpeg keeps decoding during inference, memory stays small. */
const READ_AHEAD_FRAMES = 8;

function send(message: AnalysisMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('the analysis process was not started with an IPC channel'));
    process.send(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

async function* frameSource(request: AnalyzeRequest): AsyncGenerator<{ frameIndex: number; image: RgbImage }> {
  const { width, height } = request.decode;
  if (request.source.kind === 'video') {
    for await (const frame of decodeFrames(request.source.file, { width, height, fromFrame: request.fromFrame })) {
      if (frame.frameIndex >= request.frameCount) return;
      yield { frameIndex: frame.frameIndex, image: { data: frame.rgb, width, height } };
    }
    return;
  }
  for (let frameIndex = request.fromFrame; frameIndex < request.frameCount; frameIndex++) {
    const data = await decodeImage(request.source.files[frameIndex] as string, { width, height });
    yield { frameIndex, image: { data, width, height } };
  }
}

/** Decoded-size results -> the video's own pixels, which is what the studio stores and draws. */
function toStored(frame: AnalysedFrame, sx: number, sy: number): AnalysedChunk['frames'][number] {
  const face = frame.face;
  if (!face) return { frameIndex: frame.frameIndex, detectorRan: frame.detectorRan, face: null };
  const landmarks = new Float32Array(face.landmarks.length);
  for (let i = 0; i < landmarks.length; i += 3) {
    landmarks[i] = (face.landmarks[i] as number) * sx;
    landmarks[i + 1] = (face.landmarks[i + 1] as number) * sy;
    landmarks[i + 2] = (face.landmarks[i + 2] as number) * sx;
  }
  const stored: StoredFace = {
    trackId: face.trackId,
    box: { x: face.box.x * sx, y: face.box.y * sy, w: face.box.w * sx, h: face.box.h * sy },
    score: face.score,
    landmarks,
    embedding: face.embedding,
    expressionLogits: face.expressionLogits,
  };
  return { frameIndex: frame.frameIndex, detectorRan: frame.detectorRan, face: stored };
}

async function analyze(request: AnalyzeRequest, pipeline: FacePipeline): Promise<void> {
  pipeline.state = request.tracker;
  const sx = request.video.width / request.decode.width;
  const sy = request.video.height / request.decode.height;
  let pending: { frameIndex: number; image: RgbImage }[] = [];
  const flush = async () => {
    const analysed = await pipeline.analyseFrames(pending);
    const last = pending.at(-1)?.frameIndex ?? request.fromFrame - 1;
    pending = [];
    await send({ type: 'chunk', frames: analysed.map((f) => toStored(f, sx, sy)), nextFrame: last + 1, tracker: pipeline.state });
  };
  for await (const frame of readAhead(frameSource(request), READ_AHEAD_FRAMES)) {
    pending.push(frame);
    // Chunks end on multiples of chunkSize whatever frame the run started at, so a resumed run batches exactly
    // as an uninterrupted one and produces the same numbers.
    if ((frame.frameIndex + 1) % request.chunkSize === 0) await flush();
  }
  if (pending.length > 0) await flush();
}

async function handle(request: AnalysisRequest): Promise<void> {
  const models = await loadFaceModels(request.modelsDir, new SessionFactory());
  try {
    await send({
      type: 'ready',
      models: [models.detector, models.landmarks, models.encoder].map(modelInfo),
      encoderCard: JSON.stringify(models.encoder.card),
      failedProviders: models.encoder.failedProviders,
    });
    if (request.type === 'analyze') await analyze(request, new FacePipeline(models));
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
