/** Export, import, agreement and blind mode through the API, as the UI calls them (exports and label imports are jobs). */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVideo, tempDir } from '../../../test/support/labelProject';
import { createProject } from '../../core/store/projectFolder';
import { ProjectSession } from '../../core/studio/projectSession';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { jobResultOf } from '../../../test/support/apiJobs';
import { createStudioApi, type StudioApi } from '../studioApi';

let api: StudioApi;
let project: string;
let call: ApiCall;

beforeAll(async () => {
  project = path.join(tempDir(), 'p');
  createProject(project);
  const session = ProjectSession.open(project);
  addVideo(session, 'clip.mp4', 20);
  await session.close();
  api = createStudioApi({ mode: 'browser', configDir: tempDir() });
  call = apiCaller(api);
});

afterAll(() => api.close());

describe('labels exchange and agreement over the API', () => {
  it('imports a CSV, reports agreement (NaN as null), fuses, and exports inside the chosen folder only', async () => {
    const csv = path.join(tempDir(), 'two.csv');
    const rows = Array.from({ length: 20 }, (_, i) => [`clip.mp4,${i},${(i / 20).toFixed(2)},0.1,Ana`, `clip.mp4,${i},${(i / 25).toFixed(2)},0.1,Ben`]).flat();
    fs.writeFileSync(csv, ['video,frame,valence,arousal,annotator', ...rows].join('\n'));
    expect(await jobResultOf(call, project, 'labels.import', { file: csv, format: 'csv' })).toEqual({ labels: 40, annotators: ['Ana', 'Ben'], videoIds: [1] });

    // Imported layers are compared when named (by default agreement compares the annotators who label here).
    const raters = [{ kind: 'annotator', name: 'Ana' }, { kind: 'annotator', name: 'Ben' }];
    expect((await call<{ raters: string[] }>('agreement.report', { project })).raters).toEqual([]);
    type Figures = { measures: Record<string, { value: number | null; low: number | null; high: number | null }> };
    const report = await call<{ raters: string[]; pooled: { valence: Figures; arousal: Figures } }>('agreement.report', { project, raters });
    expect(report.raters).toEqual(['Ana', 'Ben']);
    expect(report.pooled.valence.measures['ICC(C,1)']?.value).toBeGreaterThan(0.9);
    // Both raters gave a constant arousal: Pearson r is undefined and travels as null.
    expect(report.pooled.arousal.measures.r).toEqual({ value: null, low: null, high: null });
    await expect(call('agreement.report', { project, raters: [raters[0]] })).rejects.toThrow(/at least two raters/);

    const preview = await call<{ labels: unknown[]; weights: null }>('agreement.fusePreview', { project, method: 'mean', raters });
    expect(preview.labels).toHaveLength(20);
    expect(await call('agreement.fuse', { project, method: 'mean', raters })).toMatchObject({ annotator: { name: 'gold (mean)' }, labels: 20, weights: null });

    const folder = tempDir();
    const written = await jobResultOf<{ files: string[] }>(call, project, 'exports.write', { format: 'csv', folder, name: 'out.csv' });
    expect(written.files).toEqual([path.join(fs.realpathSync(folder), 'out.csv')]);
    await expect(call('exports.write', { project, format: 'csv', folder, name: 'out.csv' })).rejects.toThrow(/already exists/);
    await expect(call('exports.write', { project, format: 'csv', folder, name: '../out.csv', overwrite: true })).rejects.toThrow(/not a plain file name/);
    expect(await jobResultOf(call, project, 'exports.write', { format: 'elan', folder, name: 'elan' })).toMatchObject({ files: [expect.stringMatching(/1-clip\.eaf$/)] });

    // A file the studio did not write is never replaced, even with overwrite; its own earlier export is.
    const foreign = path.join(fs.realpathSync(folder), 'theirs.csv');
    fs.writeFileSync(foreign, 'not ours');
    await expect(call('exports.write', { project, format: 'csv', folder, name: 'theirs.csv', overwrite: true })).rejects.toThrow(
      `${foreign} was not written by Affect Studio, so it is not replaced, even with --force. Choose another name or move it.`,
    );
    expect(fs.readFileSync(foreign, 'utf8')).toBe('not ours');
    expect(await jobResultOf(call, project, 'exports.write', { format: 'csv', folder, name: 'out.csv', overwrite: true, annotator: 'Ben' })).toEqual(written);
    expect(fs.readFileSync(written.files[0] as string, 'utf8')).not.toContain('Ana');
  });

  it('sets blind mode and then lists only the viewer\'s labels', async () => {
    const [ana] = (await call('annotators.list', { project })) as { id: number }[];
    expect(await call('annotators.setView', { project, activeAnnotatorId: ana?.id, blind: true })).toEqual({ activeAnnotatorId: ana?.id, blind: true });
    expect(await call('annotators.view', { project })).toEqual({ activeAnnotatorId: ana?.id, blind: true });
    const seen = (await call('labels.list', { project, videoId: 1, personId: 1, viewer: ana?.id })) as { annotatorId: number }[];
    expect(new Set(seen.map((l) => l.annotatorId))).toEqual(new Set([ana?.id]));
    expect(((await call('labels.list', { project, videoId: 1, personId: 1 })) as unknown[]).length).toBe(60);
  });
});
