/**
 * `predictions.heldOut` through the API on a real project file: the score the core computes for the product's
 * labels and head, computed in a worker thread so the API keeps answering while it runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { heldBackOfInput } from '../../core/affect/heldBack';
import { ProjectPredictor } from '../../core/affect/projectPredictor';
import { openProjectDbReadOnly } from '../../core/store/projectDb';
import type { AnnotatorId, VideoId } from '../../core/ids';
import { createStudioApi, type StudioApi } from '../studioApi';
import { FIRST_PERSON } from '../../core/store/personStore';

let api: StudioApi;
let call: ApiCall;
let project: string;
let file: string;
let videoId: VideoId;

beforeAll(async () => {
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-held-back-')), 'p');
  // Two analysed videos, so the other video's labels take part as weak anchors, as in the product.
  const built = buildSyntheticProject(project, { videos: 2, framesPerVideo: 6000, labelsPerVideo: 80, annotators: 1, analysedVideos: 2 });
  file = built.file;
  videoId = built.videoIds[0] as VideoId;
  api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-held-back-config-')) });
  call = apiCaller(api);
  await call('projects.open', { dir: project });
}, 120_000);

afterAll(() => api.close());

describe('predictions.heldOut', () => {
  it('returns the blocked cross-validation score of the video\'s labels, computed while the API keeps answering', async () => {
    let answered = 0;
    let done = false;
    const score = call<Record<string, number> | null>('predictions.heldOut', { project, videoId, personId: 1, annotatorId: 1 }).finally(() => {
      done = true;
    });
    // Had the score run on the event loop, no other request could be answered before it resolved. Each request
    // waits for a timer first, as one arriving over a socket would: a chain of bare promises would never let the
    // worker's reply (an event) in.
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await call('videos.list', { project });
      if (!done) answered++;
    }
    expect(answered).toBeGreaterThan(0);

    // The same numbers as the core's score of the same labels, computed here on a second, read-only connection.
    const db = openProjectDbReadOnly(file);
    const expected = heldBackOfInput(new ProjectPredictor(db, project).heldBackInput(videoId, FIRST_PERSON, 1 as AnnotatorId));
    db.close();
    // The band factors stay in the main process (they calibrate the video's predictions); the rest crosses the API.
    expect(await score).toEqual({ ...expected, calibration: undefined });
    // 80 labels, less those that fell on the synthetic video's faceless frames (one in ten).
    expect(expected?.labels).toBeGreaterThan(60);
    expect(expected).toMatchObject({ folds: 10, neighbourhoodSec: 2, retrainedPerFold: false });
    // Beside the score, the share of held-back labels inside the 90% band, as predicted and calibrated.
    expect(expected?.band90.coverage.samples).toBe(expected?.labels);
    expect(expected?.band90.calibratedCoverage?.valence).toEqual(expect.any(Number));
    expect(expected?.calibration?.bins).toHaveLength(3);
  }, 120_000);

  it('calibrates the video\'s bands with the score\'s factors, by distance to the nearest label', () => {
    const db = openProjectDbReadOnly(file);
    const predictor = new ProjectPredictor(db, project);
    // The score above kept its factors in the project: set aside here, the bands are the propagation's.
    predictor.calibrateBands(videoId, FIRST_PERSON, 1 as AnnotatorId, null, { labels: 0, persist: false });
    const before = predictor.predict(videoId, FIRST_PERSON, 1 as AnnotatorId);
    const generation = predictor.generation;
    predictor.calibrateBands(videoId, FIRST_PERSON, 1 as AnnotatorId, { samples: 100, bins: [{ valence: 1, arousal: 1 }, { valence: 2, arousal: 3 }, { valence: 4, arousal: 5 }] }, { labels: 0, persist: false });
    const after = predictor.predict(videoId, FIRST_PERSON, 1 as AnnotatorId);
    db.close();
    expect(predictor.generation).toBeGreaterThan(generation);
    const ratios = new Set<string>();
    for (let f = 0; f < before.valenceSd.length; f++) {
      if (!((before.valenceSd[f] as number) > 1e-6)) continue;
      ratios.add(`${Math.round(((after.valenceSd[f] as number) / (before.valenceSd[f] as number)) * 10) / 10}/${Math.round(((after.arousalSd[f] as number) / (before.arousalSd[f] as number)) * 10) / 10}`);
    }
    // Synthetic labels every 75 frames (3 s at 25 fps): frames within 2 s of one keep their sd, the others double
    // (valence) and triple (arousal); none is beyond 10 s.
    expect([...ratios].sort()).toEqual(['1/1', '2/3']);
    expect([...after.valence]).toEqual([...before.valence]);
  });

  it('retrains the head per fold once the project has a trained head, and says so', async () => {
    const { jobId } = await call<{ jobId: string }>('heads.train', { project, annotatorId: 1 });
    await vi.waitFor(
      async () => expect((await call<{ jobId: string; state: string }[]>('jobs.list', { project })).find((j) => j.jobId === jobId)?.state).toBe('done'),
      { timeout: 200_000, interval: 500 },
    );
    const score = await call<Record<string, number | boolean> | null>('predictions.heldOut', { project, videoId, personId: 1, annotatorId: 1 });
    expect(score).toMatchObject({ folds: 10, neighbourhoodSec: 2, retrainedPerFold: true });
    const db = openProjectDbReadOnly(file);
    const expected = heldBackOfInput(new ProjectPredictor(db, project).heldBackInput(videoId, FIRST_PERSON, 1 as AnnotatorId));
    db.close();
    expect(score).toEqual({ ...expected, calibration: undefined });
  }, 400_000);

  it('is null below five labels, and names a missing video', async () => {
    expect(await call('predictions.heldOut', { project, videoId, personId: 1, annotatorId: 99 })).toBeNull();
    await expect(call('predictions.heldOut', { project, videoId: 999, personId: 1, annotatorId: 1 })).rejects.toThrow(/video/i);
  });
});
