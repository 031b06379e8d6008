/**
 * Facial actions from a real analysis (issue 16): the analyze job on the WolfgangLanger stand-in (testMedia.ts: one
 * FRL face crossfading neutral -> smiling -> neutral every 4 s while it drifts), with the real ffmpeg, the real
 * models in the analysis process and a real project file. Every face facing the camera must get its 52 scores and
 * 64-d embedding under descriptor version 2, with facemesh_v2's 478 landmarks, and the smile the video shows must
 * be the smile the scores read.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testVideo, TEST_CLIPS } from '../../../test/support/testMedia';
import type { VideoId } from '../ids';
import { defaultModelsDir } from '../inference/modelRegistry';
import { IMPORT_JOB } from '../ingest/importJob';
import { getAnalysis, listFaceActions, type FrameActions } from '../store/analysisStore';
import { FIRST_PERSON } from '../store/personStore';
import { createProject } from '../store/projectFolder';
import { listVideos } from '../store/videoStore';
import { ProjectSession } from '../studio/projectSession';
import { ANALYZE_JOB } from './analyzeJob';

const CLIP = 'WolfgangLanger_Pexels.mp4';
const FPS = 24000 / 1001;
/** The clip's blend: the neutral photo at t = 0, 4, 8, ... s, the smiling one at t = 2, 6, 10, ... s. */
const PERIOD_SEC = 4;
/** Frames this close to a pure photo show it (the blend is within 2% of it). */
const WINDOW_SEC = 0.18;

const smileNames = ['mouthSmileLeft', 'mouthSmileRight'];

describe('facial actions stored by the analyze job', () => {
  let dir: string;
  let session: ProjectSession;
  let videoId: VideoId;
  let actions: FrameActions[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-actions-'));
    createProject(path.join(dir, 'p'));
    session = ProjectSession.open(path.join(dir, 'p'));
    session.jobs.enqueue(IMPORT_JOB, { paths: [testVideo(CLIP)] });
    await session.jobs.idle();
    videoId = (listVideos(session.db)[0] as { id: VideoId }).id;
    const job = session.jobs.enqueue(ANALYZE_JOB, { videoId });
    await session.jobs.idle();
    const record = session.jobs.get(job);
    if (record?.state !== 'done') throw new Error(`analysis: ${record?.state} ${record?.error}`);
    actions = listFaceActions(session.db, videoId, FIRST_PERSON);
  }, 240_000);
  afterAll(async () => {
    await session.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records descriptor version 2 and stores 478 landmarks and facial actions on every face facing the camera', () => {
    expect(getAnalysis(session.db, videoId)?.descriptorVersion).toBe(2);
    const faces = session.db
      .prepare(
        `SELECT f.frame_index AS frameIndex, f.turned_away AS turnedAway, length(f.landmarks) AS landmarkBytes, a.face_id IS NOT NULL AS hasActions
         FROM faces f LEFT JOIN face_actions a ON a.face_id = f.id WHERE f.video_id = ? ORDER BY f.frame_index`,
      )
      .all(videoId) as { frameIndex: number; turnedAway: number; landmarkBytes: number; hasActions: number }[];
    // One frontal face on every frame of the clip.
    expect(faces.length).toBe(TEST_CLIPS[CLIP].frames);
    expect(faces.filter((f) => f.turnedAway === 1 || f.hasActions !== 1).map((f) => f.frameIndex)).toEqual([]);
    expect(new Set(faces.map((f) => f.landmarkBytes))).toEqual(new Set([478 * 3 * 4]));
    expect(actions.map((a) => a.frameIndex)).toEqual(faces.map((f) => f.frameIndex));
    for (const a of actions) {
      expect(a.scores.every((s) => s >= 0 && s <= 1)).toBe(true);
      expect(a.embedding.every(Number.isFinite)).toBe(true);
    }
  });

  it('reads a higher smile on every smiling stretch of the clip than on any neutral one', () => {
    const card = JSON.parse(fs.readFileSync(path.join(defaultModelsDir(), 'blendshapes.card.json'), 'utf8')) as { labelScale: { classes: string[] } };
    const smile = smileNames.map((n) => card.labelScale.classes.indexOf(n));
    expect(smile.every((i) => i >= 0)).toBe(true);
    const smileAt = (a: FrameActions) => smile.reduce((s, i) => s + (a.scores[i] as number), 0) / smile.length;
    /** Mean smile score over the frames near t = phase + k * PERIOD_SEC, per k. */
    const stretches = (phaseSec: number): number[] => {
      const out: number[] = [];
      for (let centre = phaseSec; centre * FPS < TEST_CLIPS[CLIP].frames; centre += PERIOD_SEC) {
        const near = actions.filter((a) => Math.abs(a.frameIndex / FPS - centre) <= WINDOW_SEC);
        if (near.length > 0) out.push(near.reduce((s, a) => s + smileAt(a), 0) / near.length);
      }
      return out;
    };
    const neutral = stretches(0);
    const smiling = stretches(PERIOD_SEC / 2);
    expect([neutral.length, smiling.length]).toEqual([5, 5]);
    console.log(JSON.stringify({ smileNeutral: neutral, smileSmiling: smiling }));
    expect(Math.min(...smiling)).toBeGreaterThan(Math.max(...neutral) + 0.3);
  });
});
