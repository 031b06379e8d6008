/**
 * Exports always hold current predictions (issue 13): through the API as the studio calls it, on an analysed
 * synthetic project (real SQLite, the real propagation engine and prior head), an export recomputes a run that is
 * missing or stale for the annotator it shows, and names the head, annotator, label count and labels revision.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { buildSyntheticProject } from '../../../test/support/syntheticProject';
import { decodePredictions } from '../../../src-renderer/api/predictionCodec';
import type { VideoPredictions } from '../contract';
import { createStudioApi, type StudioApi } from '../studioApi';
import { parseCsv } from '../../core/io/csv';
import { PROJECT_DB_FILE } from '../../core/store/projectFolder';

const FRAMES = 300;
let api: StudioApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'affect-current-runs-'));

/** An analysed 300-frame video, 5 labels by each of `annotators` raters, opened through the API. */
async function studio(annotators: number): Promise<{ call: ApiCall; project: string; videoId: number; raters: { id: number; name: string }[] }> {
  const project = path.join(tempDir(), 'study');
  const { videoIds } = buildSyntheticProject(project, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: 5, annotators, analysedVideos: 1 });
  api = createStudioApi({ mode: 'browser', configDir: tempDir() });
  const call = apiCaller(api);
  await call('projects.open', { dir: project });
  return { call, project, videoId: videoIds[0] as number, raters: await call('annotators.list', { project }) };
}

interface Row {
  frame: number;
  valence: string;
  source: string;
  annotator: string;
  modelVersion: string;
}

async function exportCsv(call: ApiCall, project: string, annotator?: string): Promise<Row[]> {
  const folder = tempDir();
  await call('exports.write', { project, format: 'csv', folder, name: 'labels.csv', ...(annotator ? { annotator } : {}) });
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(folder, 'labels.csv'), 'utf8'));
  const at = (fields: string[], name: string) => fields[header?.fields.indexOf(name) ?? -1] ?? '';
  return rows.map(({ fields }) => ({
    frame: Number(at(fields, 'frame')), valence: at(fields, 'valence'), source: at(fields, 'source'), annotator: at(fields, 'annotator'), modelVersion: at(fields, 'model_version'),
  }));
}

async function predicted(call: ApiCall, project: string, videoId: number, annotatorId: number) {
  return decodePredictions(await call<VideoPredictions>('predictions.get', { project, videoId, personId: 1, annotatorId }), null);
}

/** The annotator's labels on frames with a face (the synthetic analysis finds none on frames 9, 19, 29, ...). */
async function labelledFaces(call: ApiCall, project: string, videoId: number, annotatorId: number): Promise<number> {
  const labels = await call<{ frameIndex: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId });
  return labels.filter((label) => label.frameIndex % 10 !== 9).length;
}

function savedRuns(project: string): number {
  const db = new Database(path.join(project, PROJECT_DB_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM model_runs WHERE saved_at IS NOT NULL').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('exports hold current predictions', () => {
  it('an analysed video nobody opened exports predicted V/A, saying which model and labels made them', async () => {
    const { call, project, videoId, raters } = await studio(1);
    expect(savedRuns(project)).toBe(0);
    const rows = await exportCsv(call, project);
    const predictedRows = rows.filter((r) => r.source === 'predicted');
    // Every frame with a face (9 in 10) that is not labelled; every labelled one is an anchor.
    const anchors = await labelledFaces(call, project, videoId, raters[0]?.id as number);
    expect(predictedRows.length).toBe(FRAMES * 0.9 - anchors);
    expect(predictedRows.every((r) => r.valence !== '')).toBe(true);
    expect(new Set(predictedRows.map((r) => r.modelVersion.replace(/ \(revision \d+\)$/, '')))).toEqual(new Set([`circumplex prior 1 from ${anchors} labels of Rater 1`]));
    // The very predictions the studio shows (which it is sent to three decimals).
    const shown = await predicted(call, project, videoId, raters[0]?.id as number);
    for (const row of predictedRows) expect(Number(row.valence)).toBeCloseTo(shown.valence[row.frame] as number, 2);
  });

  it('a video opened early and labelled more since exports predictions from all its labels, not the saved run', async () => {
    const { call, project, videoId, raters } = await studio(1);
    const annotatorId = raters[0]?.id as number;
    await predicted(call, project, videoId, annotatorId);
    await call('labels.apply', { project, videoId, personId: 1, annotatorId, origin: 'manual', sets: [{ frameIndex: 11, valence: 0.9, arousal: 0.9 }] });
    // The run saved after that edit: 6 labels.
    await vi.waitFor(() => expect(savedRuns(project)).toBe(1), { timeout: 15_000, interval: 200 });
    const more = [101, 151, 201].map((frameIndex) => ({ frameIndex, valence: -0.8, arousal: 0.4 }));
    await call('labels.apply', { project, videoId, personId: 1, annotatorId, origin: 'manual', sets: more });
    // Exported at once, before the save that edit scheduled.
    const rows = await exportCsv(call, project);
    const predictedRows = rows.filter((r) => r.source === 'predicted');
    const labels = await labelledFaces(call, project, videoId, annotatorId);
    expect(labels).toBeGreaterThanOrEqual(8);
    expect(new Set(predictedRows.map((r) => r.modelVersion.replace(/ \(revision \d+\)$/, '')))).toEqual(new Set([`circumplex prior 1 from ${labels} labels of Rater 1`]));
    const shown = await predicted(call, project, videoId, annotatorId);
    expect(shown.anchors).toBe(labels);
    for (const row of predictedRows) expect(Number(row.valence)).toBeCloseTo(shown.valence[row.frame] as number, 2);
  });

  it("two annotators' exports never mix: each shows its own labels and the predictions made from them", async () => {
    const { call, project, videoId, raters } = await studio(2);
    const [one, two] = raters as [{ id: number; name: string }, { id: number; name: string }];
    // Far apart, so the two layers' predictions differ everywhere.
    await call('labels.apply', { project, videoId, personId: 1, annotatorId: one.id, origin: 'manual', sets: [{ frameIndex: 150, valence: 0.9, arousal: 0.9 }] });
    await call('labels.apply', { project, videoId, personId: 1, annotatorId: two.id, origin: 'manual', sets: [{ frameIndex: 150, valence: -0.9, arousal: -0.9 }] });
    for (const rater of [one, two]) {
      const rows = await exportCsv(call, project, rater.name);
      expect(new Set(rows.filter((r) => r.source === 'human').map((r) => r.annotator))).toEqual(new Set([rater.name]));
      const predictedRows = rows.filter((r) => r.source === 'predicted');
      expect(predictedRows.length).toBeGreaterThan(200);
      expect(predictedRows.every((r) => r.modelVersion.includes(` labels of ${rater.name} `))).toBe(true);
      const shown = await predicted(call, project, videoId, rater.id);
      for (const row of predictedRows) expect(Number(row.valence)).toBeCloseTo(shown.valence[row.frame] as number, 2);
    }
    // Both layers' runs are kept side by side.
    expect(savedRuns(project)).toBe(2);
  });
});
