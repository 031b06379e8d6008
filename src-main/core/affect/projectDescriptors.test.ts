/**
 * A project reads all its videos under one descriptor layout (issue 16): with videos analysed under versions 1
 * and 2 it reads every one as version 1 (a version-2 video without its action part), with only version-2 videos it
 * reads version 2 (the action embedding appended, scaled); and a head trained under one layout is never applied
 * to descriptors of another: the prior predicts and says why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import type { AnnotatorId, VideoId } from '../ids';
import { listFaceActions } from '../store/analysisStore';
import { getAnnotator, type Annotator } from '../store/annotatorStore';
import { FIRST_PERSON } from '../store/personStore';
import { openProjectDb } from '../store/projectDb';
import { ACTION_EMBEDDING_SCALE, descriptorLayout, type DescriptorLayout } from './descriptorLayout';
import { storeTrainedHead } from './headStore';
import { priorHead } from './priorHead';
import { ProjectPredictor } from './projectPredictor';
import type { TrainResult } from './trainHead';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-descriptors-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const RATER = 1 as AnnotatorId;

function project(name: string, faceActionVideos: number[]) {
  const dir = path.join(root, name);
  const { file, videoIds } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 120, labelsPerVideo: 6, annotators: 1, analysedVideos: 2, faceActions: true, faceActionVideos });
  return { dir, db: openProjectDb(file, { create: false }), videoIds };
}

/** A head as training stores it, with weights that differ from the prior's so a prediction shows which one ran. */
function trainedHead(layout: DescriptorLayout): TrainResult {
  const head = priorHead(layout);
  head.delta.forEach((_, i) => (head.delta[i] = ((i * 7) % 11) / 100 - 0.05));
  const validation = { trainFrames: 6, validationFrames: 0, validationPairs: 0, loss: 0, deltaRmseValence: 0, deltaRmseArousal: 0, similarityAccuracy: 1, startLoss: 0 };
  return { head, steps: 1, bestStep: 1, validation };
}

describe('descriptor versions in a project', () => {
  it('reads a project with version 1 and version 2 videos as version 1, a version-2 video without its actions', () => {
    const { dir, db, videoIds } = project('mixed', [1]);
    try {
      const predictor = new ProjectPredictor(db, dir);
      expect(predictor.layout()).toMatchObject({ version: 1, dim: 263 });
      const [oldVideo, newVideo] = videoIds as [VideoId, VideoId];
      const asRead = predictor.descriptors(newVideo, FIRST_PERSON);
      const full = predictor.descriptors(newVideo, FIRST_PERSON, descriptorLayout(2));
      const frame = asRead.findIndex((d) => d !== null);
      expect(asRead[frame]?.length).toBe(263);
      expect(Array.from(asRead[frame] as Float32Array)).toEqual(Array.from((full[frame] as Float32Array).subarray(0, 263)));
      expect(predictor.descriptors(oldVideo, FIRST_PERSON).find((d) => d !== null)?.length).toBe(263);
      // Both videos predict under the prior of version 1, each with the other's labels as anchors too (6 labels a
      // video, fewer where a label's frame has no face): more than its own 6 means descriptors met across videos.
      for (const videoId of videoIds) {
        const prediction = predictor.predict(videoId, FIRST_PERSON, RATER);
        expect(prediction.head).toEqual({ modelId: null, name: 'circumplex prior', version: '1', note: null });
        expect(prediction.anchors).toBeGreaterThan(6);
        expect(Number.isFinite(prediction.valence[0])).toBe(true);
      }
    } finally {
      db.close();
    }
  });

  it('reads a project whose videos all have actions as version 2, the action embedding appended and scaled', () => {
    const { dir, db, videoIds } = project('all-v2', [0, 1]);
    try {
      const predictor = new ProjectPredictor(db, dir);
      expect(predictor.layout()).toMatchObject({ version: 2, dim: 327 });
      const videoId = videoIds[0] as VideoId;
      const actions = listFaceActions(db, videoId, FIRST_PERSON)[0];
      const descriptor = predictor.descriptors(videoId, FIRST_PERSON)[actions?.frameIndex as number] as Float32Array;
      expect(Array.from(descriptor.subarray(263))).toEqual(Array.from(actions?.embedding as Float32Array, (a) => Math.fround(ACTION_EMBEDDING_SCALE * a)));
    } finally {
      db.close();
    }
  });

  it('does not apply a head trained under version 1 to version 2 descriptors: the prior predicts and says so', () => {
    const { dir, db, videoIds } = project('head-layout', [0, 1]);
    try {
      const predictor = new ProjectPredictor(db, dir);
      const videoId = videoIds[0] as VideoId;
      const prior = predictor.predict(videoId, FIRST_PERSON, RATER);

      const v1Head = storeTrainedHead(db, dir, trainedHead(descriptorLayout(1)), descriptorLayout(1), { labels: 6, annotators: [getAnnotator(db, RATER) as Annotator], videos: 2 });
      expect(v1Head.card.descriptor).toMatchObject({ version: 1, dim: 263 });
      predictor.reset();
      const withV1Head = predictor.predict(videoId, FIRST_PERSON, RATER);
      expect(withV1Head.head.modelId).toBeNull();
      expect(withV1Head.head.note).toBe(
        "the trained head v1 reads version 1 descriptors and this project's videos are read as version 2: train the head again to use it",
      );
      expect(Array.from(withV1Head.valence)).toEqual(Array.from(prior.valence));

      const v2Head = storeTrainedHead(db, dir, trainedHead(descriptorLayout(2)), descriptorLayout(2), { labels: 6, annotators: [getAnnotator(db, RATER) as Annotator], videos: 2 });
      predictor.reset();
      const withV2Head = predictor.predict(videoId, FIRST_PERSON, RATER);
      expect(withV2Head.head).toMatchObject({ modelId: v2Head.modelId, note: null });
      expect(Array.from(withV2Head.valence)).not.toEqual(Array.from(prior.valence));
    } finally {
      db.close();
    }
  });
});
