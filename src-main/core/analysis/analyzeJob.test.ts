/**
 * The analyze job end to end on the test clips (test/support/testMedia.ts, made from the FRL photos): real ffmpeg,
 * the real ONNX models in the analysis process, a real project file. The five short clips are imported and
 * analysed once (beforeAll); the tests read the result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoId } from '../ids';
import { IMPORT_JOB } from '../ingest/importJob';
import { createProject } from '../store/projectFolder';
import { ProjectSession } from '../studio/projectSession';
import { listVideos } from '../store/videoStore';
import { analysisStatus, faces } from '../app/analysis';
import { listFrameDescriptors, listTrackSightings, type FaceFrame } from '../store/analysisStore';
import type { ModelId } from '../store/modelStore';
import { ANALYZE_CHUNK_FRAMES, ANALYZE_JOB, type AnalyzeResult } from './analyzeJob';
import { TEST_CLIPS, testVideosDir } from '../../../test/support/testMedia';
import { FIRST_PERSON } from '../store/personStore';
import { analyseUntilKilled } from '../../../test/support/killedAnalysis';

const VIDEOS = testVideosDir();
const NAMES = ['single_face.mp4', 'no_face.mp4', 'face_noface.mov', 'noface_face.mov', 'short_hamilton_clip.mp4'];

function newProject(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-analyze-')), 'p');
  createProject(dir);
  return dir;
}

async function importAll(session: ProjectSession, names: string[]): Promise<Map<string, VideoId>> {
  session.jobs.enqueue(IMPORT_JOB, { paths: names.map((n) => path.join(VIDEOS, n)) });
  await session.jobs.idle();
  return new Map(listVideos(session.db).map((v) => [path.basename(v.path), v.id]));
}

/** Face/no-face runs, e.g. "T1x72 -x97": the shape of a result at a glance in a failure message. */
function runs(frames: FaceFrame[]): string {
  const out: string[] = [];
  let key = '';
  let n = 0;
  for (const f of frames) {
    const k = f.face ? `T${f.track}` : '-';
    if (k !== key && n > 0) out.push(`${key}x${n}`);
    n = k === key ? n + 1 : 1;
    key = k;
  }
  if (n > 0) out.push(`${key}x${n}`);
  return out.join(' ');
}

describe('analyze job on the test clips', () => {
  let dir: string;
  let session: ProjectSession;
  let ids: Map<string, VideoId>;
  const results = new Map<string, AnalyzeResult>();
  const frames = new Map<string, FaceFrame[]>();
  const progress: { kind: string; done: number; total: number }[] = [];

  beforeAll(async () => {
    dir = newProject();
    session = ProjectSession.open(dir, (update) => progress.push(update));
    ids = await importAll(session, NAMES);
    for (const name of NAMES) {
      const videoId = ids.get(name) as VideoId;
      const job = session.jobs.enqueue(ANALYZE_JOB, { videoId });
      await session.jobs.idle();
      const record = session.jobs.get(job);
      if (record?.state !== 'done') throw new Error(`${name}: ${record?.state} ${record?.error}`);
      results.set(name, record.result as AnalyzeResult);
      frames.set(name, (await faces(session, videoId)).frames);
    }
  }, 180_000);
  afterAll(() => session.close());

  const framesOf = (name: string) => frames.get(name) ?? [];

  it('analyses every frame of every video and reports its progress', async () => {
    for (const name of NAMES) {
      const video = listVideos(session.db).find((v) => path.basename(v.path) === name);
      expect(framesOf(name).length, name).toBe(video?.frameCount);
      expect(await analysisStatus(session, ids.get(name) as VideoId)).toMatchObject({ state: 'done', executionProvider: 'cpu', encoder: { name: 'emotion-xception-fer2013' } });
    }
    const analyzing = progress.filter((p) => p.kind === ANALYZE_JOB.name && p.total > 0);
    expect(analyzing.some((p) => p.done > 0 && p.done < p.total)).toBe(true);
  });

  it('single_face.mp4: a face on every frame, one track', () => {
    const f = framesOf('single_face.mp4');
    expect(f.filter((x) => !x.face).map((x) => x.frameIndex), runs(f)).toEqual([]);
    expect(new Set(f.map((x) => x.track))).toEqual(new Set([1]));
  });

  it('no_face.mp4: no face on any frame (face-like lettering is rejected)', () => {
    const f = framesOf('no_face.mp4');
    expect(f.filter((x) => x.face).map((x) => x.frameIndex), runs(f)).toEqual([]);
  });

  // face_noface.mov shows the face up to frame 71, 72 is black, then sky; noface_face.mov shows sky up to frame
  // 95 and the face from 96 to 167; its last frame (168) is black (as the clips are made).
  it.each([
    ['face_noface.mov', TEST_CLIPS['face_noface.mov'].faceFrames.last + 1, true],
    ['noface_face.mov', TEST_CLIPS['noface_face.mov'].faceFrames.first, false],
  ] as const)('%s: the face/no-face switch within 2 frames of frame %i', (name, switchAt, faceFirst) => {
    const f = framesOf(name);
    const withFace = f.filter((x) => x.face).map((x) => x.frameIndex);
    const first = withFace[0] ?? -1;
    const last = withFace.at(-1) ?? -1;
    expect(Math.abs((faceFirst ? last + 1 : first) - switchAt), runs(f)).toBeLessThanOrEqual(2);
    // One contiguous face segment: nothing guessed or flickering on the other side of the switch.
    expect(last - first + 1, runs(f)).toBe(withFace.length);
  });

  it('short_hamilton_clip.mp4: every face on its own track, no track across a cut, one person per face', () => {
    const videoId = ids.get('short_hamilton_clip.mp4') as VideoId;
    const sightings = listTrackSightings(session.db, videoId);
    const trackFrames = (track: number) => sightings.filter((s) => s.trackId === track).map((s) => s.frameIndex);
    const tracks = [...new Set(sightings.map((s) => s.trackId))];
    const shape = tracks.map((t) => `T${t}: ${trackFrames(t)[0]}-${trackFrames(t).at(-1)} (${trackFrames(t).length})`).join(', ');
    // Shots: a test pattern (0-41), a small face far off (42-83), the "singer" close up (84-215), then an
    // "audience" of four faces side by side, panning, the fourth coming fully into view during the pan.
    const { singer: shot, audienceFrom } = TEST_CLIPS['short_hamilton_clip.mp4'];
    const shots = [[42, 83], [shot.first, shot.last], [audienceFrom, TEST_CLIPS['short_hamilton_clip.mp4'].frames - 1]] as const;
    for (const t of tracks) {
      const frames = trackFrames(t);
      expect(shots.some(([a, b]) => (frames[0] as number) >= a && (frames.at(-1) as number) <= b), shape).toBe(true);
    }
    const singer = tracks.filter((t) => (trackFrames(t)[0] as number) >= shot.first && (trackFrames(t)[0] as number) <= shot.last);
    expect(singer.length, shape).toBe(1);
    expect(trackFrames(singer[0] as number).length, shape).toBeGreaterThan(0.9 * (shot.last - shot.first + 1));
    // Four people in the audience, each followed (no face hopping between tracks), and all four together at the end.
    const audience = tracks.filter((t) => (trackFrames(t)[0] as number) >= audienceFrom);
    expect(audience.length, shape).toBe(4);
    expect(sightings.filter((s) => s.frameIndex === TEST_CLIPS['short_hamilton_clip.mp4'].frames - 1).length, shape).toBe(4);
    // Six different people (six different FRL photos): six persons, one track each.
    expect(results.get('short_hamilton_clip.mp4')).toMatchObject({ tracks: 6, persons: 6 });
  });

  it('runs the detector on a fraction of the frames only while a face is tracked', () => {
    const single = results.get('single_face.mp4');
    expect(single?.detectorRuns).toBeLessThan(0.15 * (single?.frames ?? 0));
  });

  it('stores the per-frame descriptor: 256-d embedding, 7 logits, normalised landmark geometry', () => {
    const encoder = session.db.prepare(`SELECT id, active FROM models WHERE kind = 'encoder'`).all() as { id: number; active: number }[];
    expect(encoder).toEqual([{ id: expect.any(Number), active: 1 }]);
    const descriptors = listFrameDescriptors(session.db, ids.get('single_face.mp4') as VideoId, FIRST_PERSON, encoder[0]?.id as ModelId);
    expect(descriptors.length).toBe(72);
    const d = descriptors[0];
    expect([d?.embedding.length, d?.expressionLogits?.length, d?.geometry.length]).toEqual([256, 7, 1404]);
    expect(d?.embedding.every(Number.isFinite)).toBe(true);
    // Boxes are stored in the video's own pixels (single_face is 640x360 and decoded at that size).
    const box = framesOf('single_face.mp4')[0]?.box;
    expect(box && box.w > 100 && box.x + box.w <= 640).toBe(true);
  });

  it('resumes after the process running it is killed, with the same results as an uninterrupted run', { timeout: 120_000 }, async () => {
    const name = 'short_hamilton_clip.mp4';
    const killedDir = newProject();
    const setup = ProjectSession.open(killedDir);
    const videoId = (await importAll(setup, [name])).get(name) as VideoId;
    await setup.close();

    // Killed with SIGKILL once at least two chunks are committed and before the end.
    await analyseUntilKilled(killedDir, videoId, 2 * ANALYZE_CHUNK_FRAMES);

    const reopened = ProjectSession.open(killedDir);
    try {
      const interrupted = (await faces(reopened, videoId)).frames.length;
      expect(interrupted).toBeGreaterThanOrEqual(2 * ANALYZE_CHUNK_FRAMES);
      expect(interrupted).toBeLessThan(TEST_CLIPS[name].frames);
      expect(interrupted % ANALYZE_CHUNK_FRAMES).toBe(0);
      await reopened.jobs.idle();
      expect(reopened.jobs.list().map((j) => j.state)).toEqual(['done', 'done']);
      expect((await faces(reopened, videoId)).frames).toEqual(framesOf(name));
      const vectors = (s: ProjectSession, id: VideoId) =>
        (s.db.prepare('SELECT f.frame_index, e.vector FROM faces f JOIN embeddings e ON e.face_id = f.id WHERE f.video_id = ? ORDER BY f.frame_index').all(id) as { vector: Buffer }[]).map((r) => r.vector.toString('hex'));
      expect(vectors(reopened, videoId)).toEqual(vectors(session, ids.get(name) as VideoId));
      const actions = (s: ProjectSession, id: VideoId) =>
        (s.db.prepare('SELECT a.scores, a.embedding FROM faces f JOIN face_actions a ON a.face_id = f.id WHERE f.video_id = ? ORDER BY f.frame_index, f.track_id').all(id) as { scores: Buffer; embedding: Buffer }[]).map((r) => r.scores.toString('hex') + r.embedding.toString('hex'));
      expect(actions(reopened, videoId).length).toBeGreaterThan(0);
      expect(actions(reopened, videoId)).toEqual(actions(session, ids.get(name) as VideoId));
    } finally {
      await reopened.close();
    }
  });
});
