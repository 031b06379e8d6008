/**
 * Face tracks and persons: the analyze job (every face tracked, tracks linked into persons by the identity model)
 * on a video in a fresh project, reporting how many tracks analysis made and how many persons linking made of
 * them, each person's tracks, frames and first frame, the faces turned away, and the identity similarity of tracks
 * within and across persons (what LINK_MIN_COSINE separates). Counts to check by eye against the video itself
 * (docs/notes/persons.md says how). Then the same similarity on the FRL photos: each person's neutral vs smiling
 * photo (one person), and every pair of different people. JSON lines on stdout.
 * Usage: npm run bench -- persons [--frl DIR] [video ...]   (defaults: ../shared/data/videos/short_hamilton_clip.mp4,
 * the full FRL set in ../shared/data/faces-frl)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANALYZE_JOB } from '../src-main/core/analysis/analyzeJob';
import { cosine, LINK_MIN_COSINE, trackIdentity } from '../src-main/core/analysis/trackLinking';
import { IMPORT_JOB } from '../src-main/core/ingest/importJob';
import { jobResult } from '../src-main/core/jobs/jobRunner';
import { listTrackSightings } from '../src-main/core/store/analysisStore';
import { createProject } from '../src-main/core/store/projectFolder';
import { listVideos } from '../src-main/core/store/videoStore';
import { ProjectSession } from '../src-main/core/studio/projectSession';
import { SessionFactory } from '../src-main/core/inference/executionProviders';
import { defaultModelsDir } from '../src-main/core/inference/modelRegistry';
import { FacePipeline, loadFaceModels, releaseFaceModels } from '../src-main/core/vision/facePipeline';
import { loadFrlPhotos } from '../test/support/frlTriplets';

const DEFAULT = path.join(__dirname, '..', '..', 'shared', 'data', 'videos', 'short_hamilton_clip.mp4');
const args = process.argv.slice(2);
const frlFlag = args.indexOf('--frl');
const FRL = frlFlag >= 0 ? (args.splice(frlFlag, 2)[1] ?? '') : path.join(__dirname, '..', '..', 'shared', 'data', 'faces-frl');
const files = args.length > 0 ? args : [DEFAULT];
const round = (x: number) => Math.round(x * 1000) / 1000;

/** Frame ranges of a sorted list of frames, e.g. "84-215,220-230". */
function ranges(frames: number[]): string {
  const out: string[] = [];
  let start = frames[0];
  for (let i = 1; i <= frames.length; i++) {
    const prev = frames[i - 1] as number;
    if (frames[i] !== prev + 1) {
      out.push(start === prev ? `${prev}` : `${start}-${prev}`);
      start = frames[i];
    }
  }
  return out.join(',');
}

async function main(): Promise<void> {
  for (const file of files) {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-persons-')), 'p');
    createProject(dir);
    const session = ProjectSession.open(dir);
    try {
      session.jobs.enqueue(IMPORT_JOB, { paths: [file] });
      await session.jobs.idle();
      const video = listVideos(session.db)[0];
      if (!video || video.status !== 'ready') throw new Error(`import of ${file} failed`);
      // The import queued an analysis; run one of our own to time it alone.
      const start = performance.now();
      const id = session.jobs.enqueue(ANALYZE_JOB, { videoId: video.id });
      await session.jobs.idle();
      const sec = (performance.now() - start) / 1000;
      const result = jobResult(ANALYZE_JOB, session.jobs.get(id));
      if (!result) throw new Error(`analysis of ${file} failed: ${session.jobs.get(id)?.error}`);

      const sightings = listTrackSightings(session.db, video.id);
      const personOf = new Map(
        (session.db.prepare('SELECT DISTINCT track_id AS trackId, person_id AS personId FROM faces WHERE video_id = ?').all(video.id) as { trackId: number; personId: number | null }[]).map((r) => [r.trackId, r.personId]),
      );
      const tracks = new Map<number, { frames: number[]; turnedAway: number; identities: Float32Array[]; size: number }>();
      for (const s of sightings) {
        const t = tracks.get(s.trackId) ?? { frames: [], turnedAway: 0, identities: [], size: 0 };
        t.frames.push(s.frameIndex);
        t.size += Math.max(s.box.w, s.box.h);
        if (s.turnedAway) t.turnedAway++;
        if (s.identity) t.identities.push(s.identity);
        tracks.set(s.trackId, t);
      }
      const persons = session.db.prepare('SELECT person_id AS personId, name, coded FROM persons WHERE video_id = ? ORDER BY person_id').all(video.id) as { personId: number; name: string; coded: number }[];
      const identities = [...tracks].map(([trackId, t]) => ({ trackId, identity: trackIdentity(t.identities) }));
      const within: number[] = [];
      const across: number[] = [];
      for (let i = 0; i < identities.length; i++) {
        for (let j = i + 1; j < identities.length; j++) {
          const a = identities[i];
          const b = identities[j];
          if (!a?.identity || !b?.identity) continue;
          const pa = personOf.get(a.trackId);
          (pa !== null && pa === personOf.get(b.trackId) ? within : across).push(cosine(a.identity, b.identity));
        }
      }
      console.log(
        JSON.stringify({
          bench: 'persons',
          file: path.basename(file),
          frames: result.frames,
          framesWithFace: result.facesFound,
          faceRows: sightings.length,
          tracks: result.tracks,
          persons: result.persons,
          unlinkedTracks: [...personOf.values()].filter((p) => p === null).length,
          linkMinCosine: LINK_MIN_COSINE,
          cosineWithinPersons: within.length > 0 ? [round(Math.min(...within)), round(Math.max(...within))] : null,
          cosineAcrossPersons: across.length > 0 ? [round(Math.min(...across)), round(Math.max(...across))] : null,
          analyseSec: round(sec),
        }),
      );
      for (const [trackId, t] of tracks) {
        console.log(
          JSON.stringify({
            bench: 'persons',
            file: path.basename(file),
            track: trackId,
            person: personOf.get(trackId) ?? null,
            frames: ranges(t.frames),
            turnedAway: t.turnedAway,
            identitySamples: t.identities.length,
            meanSizePx: Math.round(t.size / t.frames.length),
          }),
        );
      }
      for (const p of persons) console.log(JSON.stringify({ bench: 'persons', file: path.basename(file), person: p.personId, name: p.name, coded: p.coded === 1 }));
    } finally {
      await session.close();
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }
}

/** Identity similarity on the FRL photos: same person (neutral vs smiling) and different people. */
async function frlSimilarity(): Promise<void> {
  const models = await loadFaceModels(defaultModelsDir(), new SessionFactory({ chain: ['cpu'] }));
  try {
    const pipeline = new FacePipeline(models);
    const identities = new Map<string, Float32Array>();
    for (const expression of ['neutral', 'smiling'] as const) {
      for (const photo of loadFrlPhotos(FRL, expression)) {
        const [face] = await pipeline.facesInStill(photo.image);
        if (!face) continue;
        const [identity] = await pipeline.identify([pipeline.identityInput(photo.image, face.landmarks)]);
        const unit = identity && trackIdentity([identity]);
        if (unit) identities.set(`${expression}/${photo.id}`, unit);
      }
    }
    const ids = [...new Set([...identities.keys()].map((k) => k.split('/')[1] as string))].sort();
    const same: number[] = [];
    const different: number[] = [];
    for (const a of ids) {
      const na = identities.get(`neutral/${a}`);
      const sa = identities.get(`smiling/${a}`);
      if (na && sa) same.push(cosine(na, sa));
      for (const b of ids) {
        if (b <= a) continue;
        for (const x of [na, sa]) for (const y of [identities.get(`neutral/${b}`), identities.get(`smiling/${b}`)]) if (x && y) different.push(cosine(x, y));
      }
    }
    const share = (xs: number[], above: boolean) => round(xs.filter((x) => (x >= LINK_MIN_COSINE) === above).length / xs.length);
    const quantile = (xs: number[], q: number) => round([...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] as number);
    console.log(
      JSON.stringify({
        bench: 'persons',
        frl: true,
        people: ids.length,
        linkMinCosine: LINK_MIN_COSINE,
        samePerson: { pairs: same.length, min: quantile(same, 0), p05: quantile(same, 0.05), median: quantile(same, 0.5), linkedShare: share(same, true) },
        differentPeople: { pairs: different.length, median: quantile(different, 0.5), p99: quantile(different, 0.99), max: quantile(different, 1), wronglyLinkedShare: share(different, true) },
      }),
    );
  } finally {
    await releaseFaceModels(models);
  }
}

void main().then(frlSimilarity).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
