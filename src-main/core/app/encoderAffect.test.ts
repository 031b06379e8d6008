/**
 * A lab's encoder with its own valence and arousal (issue 16: "used as a prior head"), end to end on real parts: the
 * test encoder (test/support/labEncoder.ts, outputs on [-10, 10], each a known linear function of the face crop)
 * imported and chosen in a real project, a real ffmpeg-made video analysed by the real pipeline in the analysis
 * process, then: the stored values are the hand computation from each face's crop mapped onto [-1, 1]; with one
 * label and no trained head, the predictions the API serves (core/app/predictions.ts) follow the encoder's own
 * difference from the labelled frame, and their saved run names that prior; an analysis killed with SIGKILL and resumed stores the same values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_AFFECT_BIAS, LAB_AFFECT_RANGE, labAffectWeight, writeLabEncoder } from '../../../test/support/labEncoder';
import { CHANGING_LIGHT, makeChangingLightVideo } from '../../../test/support/testMedia';
import { ANALYZE_CHUNK_FRAMES, ANALYZE_JOB } from '../analysis/analyzeJob';
import type { VideoId } from '../ids';
import { IMPORT_JOB } from '../ingest/importJob';
import { SessionFactory } from '../inference/executionProviders';
import { defaultModelsDir } from '../inference/modelRegistry';
import { decodeFrames } from '../media/frameDecode';
import { getAnalysis, listFrameDescriptors, listStoredFaces, type FrameDescriptor } from '../store/analysisStore';
import { FIRST_PERSON } from '../store/personStore';
import { createProject } from '../store/projectFolder';
import { listVideos } from '../store/videoStore';
import { ProjectSession } from '../studio/projectSession';
import { FacePipeline, loadFaceModels, releaseFaceModels } from '../vision/facePipeline';
import { addAnnotator } from './annotators';
import { importEncoder, listEncoders, useEncoder } from './encoders';
import { applyLabels } from './labels';
import { currentRun, NO_FACE, videoPredictions } from './predictions';
import { analyseUntilKilled } from '../../../test/support/killedAnalysis';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-encoder-affect-'));
const labFile = writeLabEncoder(path.join(work, 'lab'), { affect: true, name: 'lab-affect' });
/** A face whose brightness and colour swing slowly: what the lab encoder's valence and arousal read. */
const clip = makeChangingLightVideo(path.join(work, 'changing-light.mp4'));
const { width, height, frames } = CHANGING_LIGHT;
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A project whose active encoder is the lab's, with the clip imported (not analysed yet). */
async function labProject(name: string): Promise<{ session: ProjectSession; videoId: VideoId }> {
  const dir = path.join(work, name);
  createProject(dir);
  const session = ProjectSession.open(dir);
  const imported = await importEncoder(session, labFile);
  await useEncoder(session, imported.id as NonNullable<typeof imported.id>);
  session.jobs.enqueue(IMPORT_JOB, { paths: [clip] });
  await session.jobs.idle();
  return { session, videoId: (listVideos(session.db)[0] as { id: VideoId }).id };
}

function storedFaces(session: ProjectSession, videoId: VideoId): FrameDescriptor[] {
  const analysis = getAnalysis(session.db, videoId);
  if (!analysis?.finishedAt) throw new Error('the clip is not analysed');
  return listFrameDescriptors(session.db, videoId, FIRST_PERSON, analysis.encoderId);
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    const dx = xi - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  return sxy / Math.sqrt(sxx * syy);
}

/** The least-squares slope of y on x. */
function slope(x: readonly number[], y: readonly number[]): number {
  return (pearson(x, y) * sd(y)) / sd(x);
}

const sd = (v: readonly number[]) => {
  const m = v.reduce((s, a) => s + a, 0) / v.length;
  return Math.sqrt(v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length);
};

describe("a lab encoder's own valence and arousal", () => {
  let session: ProjectSession;
  let videoId: VideoId;
  let faces: FrameDescriptor[];

  beforeAll(async () => {
    ({ session, videoId } = await labProject('analysed'));
    const job = session.jobs.enqueue(ANALYZE_JOB, { videoId });
    await session.jobs.idle();
    const record = session.jobs.get(job);
    if (record?.state !== 'done') throw new Error(`analysis ${record?.state}: ${record?.error}`);
    faces = storedFaces(session, videoId);
  }, 240_000);
  afterAll(() => session.close());

  it('are listed with the encoder, on the scale its card declares; the shipped encoder has none', async () => {
    const encoders = await listEncoders(session);
    expect(encoders.map((e) => [e.name, e.affectRange, e.active])).toEqual([
      ['emotion-xception-fer2013', null, false],
      ['lab-linear-rgb112', LAB_AFFECT_RANGE, true],
    ]);
  });

  it("are stored for every face, equal to the hand computation from the face's crop mapped from [-10, 10] onto [-1, 1]", async () => {
    expect(faces.length).toBe(frames);
    expect(faces.every((f) => f.affect !== null)).toBe(true);
    const byFrame = new Map(faces.map((f) => [f.frameIndex, f]));
    // The frame's one face: its landmarks in video pixels (the size it was analysed at).
    const landmarks = new Map(listStoredFaces(session.db, videoId, FIRST_PERSON, frames).map((f) => [f.frameIndex, f.landmarks as Buffer]));
    const models = await loadFaceModels(defaultModelsDir(), new SessionFactory({ chain: ['cpu'] }), labFile);
    let checked = 0;
    try {
      const pipeline = new FacePipeline(models);
      // The analysis's own decode (same size, same ffmpeg pipe), so each crop is made from the pixels it saw.
      for await (const { frameIndex, rgb } of decodeFrames(clip, { width, height })) {
        const face = byFrame.get(frameIndex);
        if (frameIndex % 3 !== 0 || !face) continue;
        const points = landmarks.get(frameIndex) as Buffer;
        const input = pipeline.encoderInput({ data: rgb, width, height }, new Float32Array(points.buffer.slice(points.byteOffset, points.byteOffset + points.byteLength)));
        for (const output of ['valence', 'arousal'] as const) {
          let raw = LAB_AFFECT_BIAS[output];
          for (let k = 0; k < input.length; k++) raw += (input[k] as number) * labAffectWeight(k, output);
          const [min, max] = LAB_AFFECT_RANGE;
          const expected = ((raw - min) / (max - min)) * 2 - 1;
          // ORT sums 37,632 float32 terms of |x w| <= 2.7 / 4096: its rounding stays far below 1e-5 on [-1, 1].
          expect(Math.abs((face.affect?.[output] as number) - expected), `${output} at frame ${frameIndex}`).toBeLessThan(1e-5);
          // Inside the range, so the values are mapped, not clamped.
          expect(Math.abs(expected)).toBeLessThan(1);
        }
        checked++;
      }
    } finally {
      await releaseFaceModels(models);
    }
    expect(checked).toBe(frames / 3);
    // They move with the light, so the predictions below have something to follow.
    expect(sd(faces.map((f) => f.affect?.valence as number))).toBeGreaterThan(0.05);
    expect(sd(faces.map((f) => f.affect?.arousal as number))).toBeGreaterThan(0.05);
  }, 120_000);

  it("move the untrained prior's predictions from one label by the encoder's own difference (what the API serves)", async () => {
    const rater = await addAnnotator(session, 'Rater A');
    const anchor = faces.find((f) => f.frameIndex === 60) as FrameDescriptor;
    const label = { valence: 0.1, arousal: -0.2 };
    await applyLabels(session, { videoId, personId: FIRST_PERSON, annotatorId: rater.id, origin: 'manual', sets: [{ frameIndex: 60, ...label }], deletes: [] });
    const packed = await videoPredictions(session, videoId, FIRST_PERSON, rater.id);
    expect(packed.changedFrames).toBeNull();
    // As the API sends them: little-endian int16 thousandths, NO_FACE where there is no face.
    const unpack = (base64: string) => Array.from(new Int16Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer), (v) => (v === NO_FACE ? Number.NaN : v / 1000));
    const predicted = { ...packed, valence: unpack(packed.valence), arousal: unpack(packed.arousal) };
    expect(predicted.head).toEqual({ modelId: null, name: "encoder's own valence/arousal prior", version: '1', note: null });
    expect(predicted.anchors).toBe(1);
    // The label itself, up to the smoother's near-exact label variance and the 1/1000 the API packs values in.
    expect(predicted.valence[60]).toBeCloseTo(label.valence, 2);
    expect(predicted.arousal[60]).toBeCloseTo(label.arousal, 2);
    // Each frame's candidate is label + (encoder at the frame - encoder at the label), clipped; the propagation
    // trusts it by the prior's similarity and smooths it along time (propagate.ts), so the predictions follow it
    // rather than equal it.
    const clamp = (x: number) => Math.max(-1, Math.min(1, x));
    for (const output of ['valence', 'arousal'] as const) {
      const expected = faces.map((f) => clamp(label[output] + (f.affect?.[output] as number) - (anchor.affect?.[output] as number)));
      const got = faces.map((f) => predicted[output][f.frameIndex] as number);
      expect(pearson(got, expected), output).toBeGreaterThan(0.95);
      // Most of the encoder's own difference, not a faint echo of it (measured: 0.87 for valence, 0.75 for arousal).
      expect(slope(expected, got), output).toBeGreaterThan(0.6);
    }
    // The saved run (what exports name as the source of a predicted row) says which prior made it.
    const run = await currentRun(session, videoId, FIRST_PERSON, rater.id);
    expect([run?.headName, run?.priorHead]).toEqual(["encoder's own valence/arousal prior", true]);
  });

  it('are kept by an analysis killed with SIGKILL and resumed: the same values as the uninterrupted run', { timeout: 240_000 }, async () => {
    const killed = await labProject('killed');
    const dir = killed.session.dir;
    await killed.session.close();
    await analyseUntilKilled(dir, killed.videoId, 2 * ANALYZE_CHUNK_FRAMES);
    const reopened = ProjectSession.open(dir);
    try {
      const interrupted = getAnalysis(reopened.db, killed.videoId);
      expect(interrupted?.finishedAt).toBeNull();
      expect(interrupted?.framesDone).toBeGreaterThanOrEqual(2 * ANALYZE_CHUNK_FRAMES);
      await reopened.jobs.idle();
      const affect = (list: FrameDescriptor[]) => list.map((f) => [f.frameIndex, f.affect?.valence, f.affect?.arousal]);
      expect(affect(storedFaces(reopened, killed.videoId))).toEqual(affect(faces));
    } finally {
      await reopened.close();
    }
  });
});
