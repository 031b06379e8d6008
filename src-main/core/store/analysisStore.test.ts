/** Facial actions in the project file (migration 8): stored per face, read per person, gone with their faces. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import type { PersonId, VideoId } from '../ids';
import { getAnalysis, listFaceActions, startAnalysis, type AnalysisRecord } from './analysisStore';
import { openProjectDb } from './projectDb';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function project(faceActions: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'actions-'));
  dirs.push(dir);
  const { file, videoIds } = buildSyntheticProject(dir, { videos: 1, framesPerVideo: 40, labelsPerVideo: 0, annotators: 1, analysedVideos: 1, faceActions });
  return { db: openProjectDb(file, { create: false }), videoId: videoIds[0] as VideoId };
}

describe('facial actions in the analysis store', () => {
  it('reads back each frame\'s 52 scores and 64-d embedding for the person, under descriptor version 2', () => {
    const { db, videoId } = project(true);
    const actions = listFaceActions(db, videoId, 1 as PersonId);
    // The synthetic analysis has a face on 9 frames in 10.
    expect(actions.map((a) => a.frameIndex)).toEqual([...Array(40).keys()].filter((f) => f % 10 !== 9));
    expect(actions.every((a) => a.scores.length === 52 && a.embedding.length === 64)).toBe(true);
    expect(new Set(actions.map((a) => a.scores[0])).size).toBe(actions.length);
    expect(getAnalysis(db, videoId)?.descriptorVersion).toBe(2);
    expect(listFaceActions(db, videoId, 2 as PersonId)).toEqual([]);
    db.close();
  });

  it('has none for an analysis of version 1, and a fresh analysis drops the old faces\' actions', () => {
    const v1 = project(false);
    expect(listFaceActions(v1.db, v1.videoId, 1 as PersonId)).toEqual([]);
    expect(getAnalysis(v1.db, v1.videoId)?.descriptorVersion).toBe(1);
    v1.db.close();

    const { db, videoId } = project(true);
    const encoderId = (getAnalysis(db, videoId) as AnalysisRecord).encoderId;
    startAnalysis(db, videoId, { encoderId, descriptorVersion: 2, provider: 'cpu', settings: {}, frameCount: 40, previousPersons: [] });
    expect(db.prepare('SELECT count(*) AS n FROM face_actions').get()).toEqual({ n: 0 });
    db.close();
  });
});
