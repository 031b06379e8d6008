/**
 * Band calibrations survive the studio closing (migration 11): the factors a held-back score fitted calibrate the
 * person's bands again when the project is opened next, value for value, without scoring again; and they go when
 * their person does (a new analysis replaces a video's persons). A real project file and the real score worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import type { AnnotatorId, VideoId } from '../ids';
import { listBandCalibrations } from '../store/bandCalibrationStore';
import { FIRST_PERSON, listPersons, writeLinkedPersons } from '../store/personStore';
import { ProjectSession } from '../studio/projectSession';
import { videoHeldBackScore } from './models';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-band-calibrations-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const RATER = 1 as AnnotatorId;
const bands = (p: { valenceSd: Float32Array; arousalSd: Float32Array }) => ({ valence: Array.from(p.valenceSd), arousal: Array.from(p.arousalSd) });

describe('band calibrations', () => {
  it('calibrate the same bands after the project is opened again, until their person goes', { timeout: 120_000 }, async () => {
    const dir = path.join(root, 'study');
    const { videoIds } = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 3000, labelsPerVideo: 80, annotators: 1, analysedVideos: 2 });
    const videoId = videoIds[0] as VideoId;
    let session = ProjectSession.open(dir);
    try {
      // A project this size is checked for damage in the background, read-only meanwhile.
      expect(await session.checked).toEqual({ mode: 'read-write' });
      const uncalibrated = bands(session.predictor.predict(videoId, FIRST_PERSON, RATER));
      const { score, labels } = await videoHeldBackScore(session, videoId, FIRST_PERSON, RATER);
      expect(score?.calibration?.bins).toHaveLength(3);
      const calibrated = bands(session.predictor.predict(videoId, FIRST_PERSON, RATER));
      expect(calibrated).not.toEqual(uncalibrated);

      await session.close();
      session = ProjectSession.open(dir);
      await session.checked;
      const reopened = session.predictor.predict(videoId, FIRST_PERSON, RATER);
      expect(bands(reopened)).toEqual(calibrated);
      expect(reopened.bandsCalibrated).toEqual({ labels, fittedAt: listBandCalibrations(session.db)[0]?.fittedAt });
      // What they were fitted on and when is kept with them, and the head (the prior, of layout version 1) they fit.
      expect(listBandCalibrations(session.db)).toEqual([
        { videoId, personId: FIRST_PERSON, annotatorId: RATER, head: 'prior/1/263', bins: score?.calibration?.bins, samples: score?.calibration?.samples, labels, fittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ]);

      // An analysis finishing replaces the video's persons rows (here linked as before, so the faces stay the
      // same): the calibration goes with them, and the bands are the propagation's again.
      writeLinkedPersons(session.db, videoId, new Map([[1, FIRST_PERSON]]), listPersons(session.db, videoId));
      session.predictor.reset();
      expect(listBandCalibrations(session.db)).toEqual([]);
      expect(bands(session.predictor.predict(videoId, FIRST_PERSON, RATER))).toEqual(uncalibrated);
    } finally {
      await session.close();
    }
  });
});
