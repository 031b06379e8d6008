/**
 * The predictor reads the project's descriptor layout (and each person's descriptors) once and keeps it until
 * something that can change it happens (projectPredictor.ts `layout`, `reset`): an analysis that starts or finishes, with the encoder it was chosen to
 * use, and a project opened again. Real clips, the real analysis process and a real project file: the layout is
 * changed behind the predictor's back (a video made a version-1 analysis, as an older studio left it), and
 * only the studio's own events may bring the change in.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asAnalysedBeforeActions } from '../../../test/support/faceActionsOnVideo';
import { LAB_DIM, writeLabEncoder } from '../../../test/support/labEncoder';
import { testVideo } from '../../../test/support/testMedia';
import { requestAnalysis } from '../app/analysis';
import { importEncoder, useEncoder } from '../app/encoders';
import { requestImport } from '../app/videos';
import type { AnnotatorId, VideoId } from '../ids';
import type { ModelId } from '../store/modelStore';
import { FIRST_PERSON } from '../store/personStore';
import { createProject, PROJECT_DB_FILE } from '../store/projectFolder';
import { listVideos } from '../store/videoStore';
import { ProjectSession } from '../studio/projectSession';
import { ACTION_EMBEDDING_DIM } from '../vision/faceActions';
import { OTHER_ENCODER_NOTE } from './projectPredictor';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-predictor-layout-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function importAnalysed(session: ProjectSession, clip: 'single_face.mp4' | 'face_noface.mov'): Promise<VideoId> {
  await requestImport(session, [testVideo(clip)]);
  await session.jobs.idle();
  const video = listVideos(session.db).find((v) => path.basename(v.path) === clip);
  if (!video) throw new Error(`${clip} was not imported`);
  return video.id;
}

const descriptorLength = (session: ProjectSession, videoId: VideoId) => session.predictor.descriptors(videoId, FIRST_PERSON).find((d) => d !== null)?.length;

describe('the layout the predictor keeps', () => {
  it('follows analyses that start and finish, the encoder they use, and reopening; nothing else re-reads it; a video of another encoder has no faces', { timeout: 400_000 }, async () => {
    const dir = path.join(root, 'study');
    createProject(dir);
    let session = ProjectSession.open(dir);
    try {
      const first = await importAnalysed(session, 'single_face.mp4');
      expect(session.predictor.layout()).toMatchObject({ version: 2, dim: 327 });
      expect(descriptorLength(session, first)).toBe(327);

      // Behind the predictor's back: the predictor keeps what it read.
      asAnalysedBeforeActions(path.join(dir, PROJECT_DB_FILE), first);
      expect(session.predictor.layout()).toMatchObject({ version: 2, dim: 327 });

      // Analysing another video re-reads it: the first one, version 1 now, takes the project down to version 1.
      await importAnalysed(session, 'face_noface.mov');
      expect(session.predictor.layout()).toMatchObject({ version: 1, dim: 263 });

      // The first video analysed again (version 2): the project is read as version 2 again.
      await requestAnalysis(session, first);
      await session.jobs.idle();
      expect(session.predictor.layout()).toMatchObject({ version: 2, dim: 327 });

      // A lab's encoder chosen changes nothing until an analysis uses it; the first video's analysis with it does.
      const lab = await importEncoder(session, writeLabEncoder(path.join(root, 'lab')));
      await useEncoder(session, lab.id as ModelId);
      expect(session.predictor.layout()).toMatchObject({ version: 2, dim: 327 });
      await requestAnalysis(session, first);
      await session.jobs.idle();
      const withLab = session.predictor.layout();
      expect(withLab).toMatchObject({ version: 2, dim: LAB_DIM + ACTION_EMBEDDING_DIM });
      // The video's descriptors, kept like the layout, were read again from the new analysis.
      expect(descriptorLength(session, first)).toBe(LAB_DIM + ACTION_EMBEDDING_DIM);

      await session.close();
      session = ProjectSession.open(dir);
      expect(session.predictor.layout()).toEqual(withLab);

      // The other video is still analysed with the shipped encoder, whose embeddings the lab encoder's layout cannot
      // compare: it has no faces to predict on and says why, and neither fails the project's predictions.
      const second = listVideos(session.db).find((v) => path.basename(v.path) === 'face_noface.mov')?.id as VideoId;
      expect(session.predictor.descriptors(second, FIRST_PERSON).every((d) => d === null)).toBe(true);
      expect(session.predictor.predict(second, FIRST_PERSON, 1 as AnnotatorId).head.note).toBe(OTHER_ENCODER_NOTE);
      expect(session.predictor.predict(first, FIRST_PERSON, 1 as AnnotatorId).head.note).toBeNull();
    } finally {
      await session.close();
    }
  });
});
