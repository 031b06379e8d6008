/**
 * The application layer's seam (core/store/projectStores.ts): use cases reach data only through the per-aggregate
 * stores and await them, so another backend whose every call resolves later (a lab server's PostgreSQL) gives the
 * same answers. Here each SQLite store method is wrapped to resolve only on a later turn of the event loop and to
 * record that it was called; the use cases must give what they give over the plain stores, and must have asked the
 * stores for it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import type { AnnotatorId, VideoId } from '../ids';
import type { ProjectStores } from '../store/projectStores';
import { ProjectSession } from '../studio/projectSession';
import { agreementReport, fuseAnnotators } from './agreement';
import { analysisStatus, faces } from './analysis';
import { chooseAnnotator } from './annotators';
import { listHeads } from './models';
import type { ProjectContext } from './projectContext';
import { frameTimes, listVideos } from './videos';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-app-seam-'));
let session: ProjectSession;
let videoIds: VideoId[];
const called = new Set<string>();

/** The same stores, each method resolving on a later macrotask, as a remote database would. */
function deferredStores(stores: ProjectStores): ProjectStores {
  return Object.fromEntries(
    Object.entries(stores).map(([aggregate, store]) => [
      aggregate,
      Object.fromEntries(
        Object.entries(store as Record<string, (...args: unknown[]) => Promise<unknown>>).map(([method, call]) => [
          method,
          async (...args: unknown[]) => {
            called.add(`${aggregate}.${method}`);
            await new Promise((resolve) => setImmediate(resolve));
            return call(...args);
          },
        ]),
      ),
    ]),
  ) as unknown as ProjectStores;
}

function deferredProject(): ProjectContext {
  return { dir: session.dir, cacheDir: session.cacheDir, stores: deferredStores(session.stores), jobs: session.jobs, predictor: session.predictor, access: session.access, exportLedger: session.exportLedger };
}

beforeAll(() => {
  const dir = path.join(root, 'project');
  videoIds = buildSyntheticProject(dir, { videos: 2, framesPerVideo: 80, labelsPerVideo: 8, annotators: 2, analysedVideos: 1, embeddingDim: 8 }).videoIds;
  session = ProjectSession.open(dir);
});
afterAll(async () => {
  await session.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('use cases over a store that answers later', () => {
  it('give the same videos, frames, analysis, faces, heads and annotator as over SQLite, asked of the stores', async () => {
    const deferred = deferredProject();
    const [analysed, plain] = videoIds as [VideoId, VideoId];
    const same = async <T>(useCase: (project: ProjectContext) => Promise<T>) => expect(await useCase(deferred)).toEqual(await useCase(session));
    await same((p) => listVideos(p));
    await same((p) => frameTimes(p, analysed));
    await same((p) => analysisStatus(p, analysed));
    await same((p) => analysisStatus(p, plain));
    await same((p) => faces(p, analysed));
    await same((p) => listHeads(p));
    await same((p) => chooseAnnotator(p, 'Rater 2'));
    expect((await analysisStatus(deferred, analysed)).state).toBe('done');
    expect((await faces(deferred, analysed)).frames).toHaveLength(80);
    expect([...called].sort()).toEqual(
      expect.arrayContaining(['analysis.faceFrames', 'analysis.get', 'annotators.list', 'models.headVersions', 'videos.frames', 'videos.get', 'videos.list']),
    );
  });

  it('refuses a video the project does not have with one line, through the deferred store too', async () => {
    await expect(frameTimes(deferredProject(), 99 as VideoId)).rejects.toThrow(/^This project has no video 99\.$/);
  });

  it('reports agreement and saves a fused layer that the next report and the labels show', async () => {
    const deferred = deferredProject();
    const report = await agreementReport(deferred, {}, { replicates: 20 });
    expect(report).toEqual(await agreementReport(session, {}, { replicates: 20 }));
    expect(report.raters).toEqual(['Rater 1', 'Rater 2']);

    const fused = await fuseAnnotators(deferred, 'mean', {});
    expect(fused.annotator.name).toBe('gold (mean)');
    expect(called).toContain('annotators.replaceImportedLayer');
    const layers = await Promise.all(videoIds.map((id) => session.stores.annotators.layers(id)));
    const gold = layers.flat().filter((label) => label.annotatorId === fused.annotator.id);
    expect(gold).toHaveLength(fused.labels);
    expect(fused.labels).toBeGreaterThan(0);
    // Fused layers stay out of agreement unless named, so the default report does not change.
    expect((await agreementReport(deferred, {}, { replicates: 20 })).raters).toEqual(['Rater 1', 'Rater 2']);
    const named = await agreementReport(deferred, { raters: [{ kind: 'annotator', name: 'Rater 1' }, { kind: 'annotator', name: 'gold (mean)' }] }, { replicates: 20 });
    expect(named.pooled.frames).toBeGreaterThan(0);
    // Fusing again over one video replaces the layer there and keeps it elsewhere.
    const again = await fuseAnnotators(deferred, 'mean', { videoId: videoIds[0] });
    const after = await Promise.all(videoIds.map((id) => session.stores.annotators.layers(id)));
    expect(after[0]?.filter((label) => label.annotatorId === fused.annotator.id)).toHaveLength(again.labels);
    expect(after[1]?.filter((label) => label.annotatorId === fused.annotator.id)).toHaveLength(gold.filter((l) => l.videoId === videoIds[1]).length);
    expect((await chooseAnnotator(deferred, 'gold (mean)')).id).toBe(fused.annotator.id as AnnotatorId);
  });
});
