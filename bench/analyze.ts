/**
 * Face analysis speed and quality: the analyze job (decode -> detect/track -> landmarks -> encode and facial
 * actions -> store) on each shared video in a fresh project (steady frames/s, after the analysis process has started
 * and loaded its models), next to the time the models alone need per frame on the same video (in all and per
 * model), measured in this run, and the load average when the job finished (the machine may be shared);
 * the detector-run fraction (what tracking saves); and the FRL expression-similarity triplet fraction.
 * Usage: npm run bench -- analyze [--frl DIR] [video ...]   (defaults: every file in ../shared/data/videos; the
 * full FRL set in ../shared/data/faces-frl, a folder holding neutral/NNN.jpg and smiling/NNN.jpg)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from '../src-main/core/inference/onnxRuntime';
import { ANALYZE_CHUNK_FRAMES, ANALYZE_JOB, ANALYZE_MAX_SIDE } from '../src-main/core/analysis/analyzeJob';
import { jobResult } from '../src-main/core/jobs/jobRunner';
import { SessionFactory } from '../src-main/core/inference/executionProviders';
import { defaultModelsDir } from '../src-main/core/inference/modelRegistry';
import { IMPORT_JOB } from '../src-main/core/ingest/importJob';
import { createProject } from '../src-main/core/store/projectFolder';
import { ProjectSession } from '../src-main/core/studio/projectSession';
import { listVideos } from '../src-main/core/store/videoStore';
import { decodeFrames } from '../src-main/core/media/frameDecode';
import { fitWithin } from '../src-main/core/media/frameSize';
import { FacePipeline, loadFaceModels, releaseFaceModels, type FaceModels } from '../src-main/core/vision/facePipeline';
import type { RgbImage } from '../src-main/core/vision/imageOps';
import { analyseFrl, tripletFraction } from '../test/support/frlTriplets';

const DATA = path.join(__dirname, '..', '..', 'shared', 'data', 'videos');
const args = process.argv.slice(2);
const frlFlag = args.indexOf('--frl');
const FRL = frlFlag >= 0 ? (args.splice(frlFlag, 2)[1] ?? '') : path.join(__dirname, '..', '..', 'shared', 'data', 'faces-frl');
const files = args.length > 0 ? args : fs.readdirSync(DATA).sort().map((name) => path.join(DATA, name));
const round = (x: number) => Math.round(x * 100) / 100;

/** Time spent in ORT runs: in all, and per model (by its role in FaceModels). */
interface InferenceClock {
  ms: number;
  byModel: Record<string, number>;
}

/** Adds the time of every ORT run of `models` (all of them) to `clock`: the models' own share of a pipeline run. */
function timeInference(models: FaceModels, clock: InferenceClock): void {
  for (const [name, model] of Object.entries(models)) {
    const session = model.session;
    const run = session.run.bind(session) as (feeds: ort.InferenceSession.FeedsType) => Promise<ort.InferenceSession.ReturnType>;
    Object.assign(session, {
      run: async (feeds: ort.InferenceSession.FeedsType) => {
        const start = performance.now();
        try {
          return await run(feeds);
        } finally {
          const ms = performance.now() - start;
          clock.ms += ms;
          clock.byModel[name] = (clock.byModel[name] ?? 0) + ms;
        }
      },
    });
  }
}

/**
 * The same pipeline in this process over frames decoded beforehand, with every inference timed: the time the
 * models alone need per frame, on this video's real crops and call pattern (detector rate, candidate batches).
 */
async function modelsAlone(file: string, size: string, models: FaceModels, clock: InferenceClock) {
  const [width, height] = size.split('x').map(Number) as [number, number];
  const decode = fitWithin(width, height, Math.min(width, ANALYZE_MAX_SIDE), Math.min(height, ANALYZE_MAX_SIDE));
  const frames: { frameIndex: number; image: RgbImage }[] = [];
  for await (const f of decodeFrames(file, decode)) frames.push({ frameIndex: f.frameIndex, image: { data: f.rgb, ...decode } });
  const pipeline = new FacePipeline(models);
  clock.ms = 0;
  clock.byModel = {};
  const start = performance.now();
  for (let i = 0; i < frames.length; i += ANALYZE_CHUNK_FRAMES) await pipeline.analyseFrames(frames.slice(i, i + ANALYZE_CHUNK_FRAMES));
  const perFrame = Object.fromEntries(Object.entries(clock.byModel).map(([name, ms]) => [name, round(ms / frames.length)]));
  return { modelsMsPerFrame: clock.ms / frames.length, modelMsPerFrame: perFrame, inProcessMsPerFrame: (performance.now() - start) / frames.length };
}

async function analyzeVideo(file: string) {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-analyze-')), 'p');
  createProject(dir);
  let firstChunkMs: number | null = null;
  let firstChunkDone = 0;
  const session = ProjectSession.open(dir, (update) => {
    if (update.kind === ANALYZE_JOB.name && update.done > 0 && firstChunkMs === null) {
      firstChunkMs = performance.now();
      firstChunkDone = update.done;
    }
  });
  session.jobs.enqueue(IMPORT_JOB, { paths: [file] });
  await session.jobs.idle();
  const video = listVideos(session.db)[0];
  if (!video || video.status !== 'ready') throw new Error(`import of ${file} failed`);
  const start = performance.now();
  const id = session.jobs.enqueue(ANALYZE_JOB, { videoId: video.id });
  await session.jobs.idle();
  const end = performance.now();
  const job = session.jobs.get(id);
  await session.close();
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  const result = jobResult(ANALYZE_JOB, job);
  if (job?.state !== 'done' || !result) throw new Error(`analysis of ${file} failed: ${job?.error}`);
  const steadyMs = firstChunkMs === null ? null : end - firstChunkMs;
  return {
    result,
    totalSec: (end - start) / 1000,
    steadyFps: steadyMs && steadyMs > 0 ? (video.frameCount - firstChunkDone) / (steadyMs / 1000) : null,
    size: `${video.width}x${video.height}`,
  };
}

async function main(): Promise<void> {
  const models = await loadFaceModels(defaultModelsDir(), new SessionFactory());
  const clock: InferenceClock = { ms: 0, byModel: {} };
  timeInference(models, clock);

  for (const file of files) {
    const { result, totalSec, steadyFps, size } = await analyzeVideo(file);
    const alone = await modelsAlone(file, size, models, clock);
    const jobMsPerFrame = steadyFps ? 1000 / steadyFps : (1000 * totalSec) / result.frames;
    console.log(
      JSON.stringify({
        bench: 'analyze',
        file: path.basename(file),
        size,
        frames: result.frames,
        facesFound: result.facesFound,
        detectorRuns: result.detectorRuns,
        detectorFraction: round(result.detectorRuns / result.frames),
        totalSec: round(totalSec),
        fps: round(result.frames / totalSec),
        steadyFps: steadyFps === null ? null : round(steadyFps),
        jobMsPerFrame: round(jobMsPerFrame),
        modelsMsPerFrame: round(alone.modelsMsPerFrame),
        modelMsPerFrame: alone.modelMsPerFrame,
        inProcessMsPerFrame: round(alone.inProcessMsPerFrame),
        jobToModelsRatio: round(jobMsPerFrame / alone.modelsMsPerFrame),
        provider: result.provider,
        loadAverage1m: round(os.loadavg()[0] ?? 0),
      }),
    );
  }

  const start = performance.now();
  const frl = await analyseFrl(new FacePipeline(models), FRL);
  const embedding = tripletFraction(frl, (d) => d.embedding);
  const probs = tripletFraction(frl, (d) => d.expressionProbs ?? new Float32Array(7));
  const logits = tripletFraction(frl, (d) => d.expressionLogits ?? new Float32Array(7));
  console.log(
    JSON.stringify({
      bench: 'analyze',
      frl: true,
      photos: frl.length,
      photosWithOneFace: frl.filter((r) => r.faces.length === 1).length,
      triplets: embedding.triplets,
      embeddingCosineFraction: Math.round(embedding.fraction * 1000) / 1000,
      expressionProbsCosineFraction: Math.round(probs.fraction * 1000) / 1000,
      expressionLogitsCosineFraction: Math.round(logits.fraction * 1000) / 1000,
      sec: round((performance.now() - start) / 1000),
      machine: { cpus: os.cpus().length, node: process.versions.node },
    }),
  );
  await releaseFaceModels(models);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
