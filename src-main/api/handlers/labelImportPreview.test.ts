/**
 * The import dialog's calls on a real project: `labels.checkImport` shows a file's rows, the mapping it detected
 * and every error while saving nothing; the same file with the mapping and scale the user chose then imports.
 * And `dialog.showInFolder` shows only files an export wrote, and only where there is a file manager to show them in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller, type ApiCall } from '../../../test/support/apiCall';
import { jobResultOf } from '../../../test/support/apiJobs';
import { addVideo, tempDir } from '../../../test/support/labelProject';
import { createProject } from '../../core/store/projectFolder';
import { ProjectSession } from '../../core/studio/projectSession';
import type { LabelImportPreview } from '../contract';
import { createStudioApi, type StudioApi } from '../studioApi';

let api: StudioApi;
let call: ApiCall;
let project: string;
const shown: string[] = [];

beforeAll(async () => {
  project = path.join(tempDir(), 'p');
  createProject(project);
  const session = ProjectSession.open(project);
  addVideo(session, 'clip.mp4', 30);
  await session.close();
  api = createStudioApi({ mode: 'electron', configDir: tempDir(), showInFolder: (file) => shown.push(file) });
  call = apiCaller(api);
});
afterAll(() => api.close());

const labelCount = async () => (await call<unknown[]>('labels.list', { project, videoId: 1, personId: 1 })).length;

describe('labels.checkImport', () => {
  // A lab's own file: semicolons, decimal commas, its own column names, a 1-9 scale.
  const rows = Array.from({ length: 30 }, (_, i) => `R1;clip.mp4;${i};${(1 + (i % 9)).toFixed(1).replace('.', ',')};5`);
  const file = path.join(tempDir(), 'ratings.csv');
  fs.writeFileSync(file, ['Rater;Filename;Frame_Index;V;A', ...rows].join('\n'));

  it('shows the first rows and the detected mapping, and lists every error (here: values off the assumed scale), saving nothing', async () => {
    const preview = await call<LabelImportPreview>('labels.checkImport', { project, file });
    expect(preview).toMatchObject({
      separator: ';',
      decimalComma: true,
      header: ['Rater', 'Filename', 'Frame_Index', 'V', 'A'],
      rowCount: 30,
      columns: { annotator: 0, video: 1, frame: 2, valence: 3, arousal: 4 },
      observed: { valence: [1, 9], arousal: [5, 5] },
    });
    expect(preview.rows[0]).toEqual({ line: 2, fields: ['R1', 'clip.mp4', '0', '1,0', '5'] });
    expect(preview.rows).toHaveLength(8);
    // Every row is off [-1, 1] in arousal (5), and the 26 whose valence is not 1 in valence too: all 56 are listed, not the first 20.
    expect(preview.errorCount).toBe(56);
    expect(preview.errors).toHaveLength(56);
    expect(preview.errors[0]).toBe('line 2: arousal 5 is outside the range [-1, 1].');
    expect(preview.labels).toBe(0);
    expect(await labelCount()).toBe(0);
  });

  it('with the scale chosen the same file checks clean; a mapping the user changed is used as given', async () => {
    const clean = await call<LabelImportPreview>('labels.checkImport', { project, file, range: [1, 9] });
    expect(clean).toMatchObject({ errorCount: 0, labels: 30, annotators: ['R1'], videos: ['clip.mp4'] });
    // Valence and arousal swapped by hand: the mapping is the caller's, not the header's.
    const swapped = await call<LabelImportPreview>('labels.checkImport', {
      project, file, range: [1, 9], columns: { annotator: 0, video: 1, frame: 2, valence: 4, arousal: 3 },
    });
    expect(swapped.columns).toEqual({ annotator: 0, video: 1, frame: 2, valence: 4, arousal: 3 });
    expect(swapped.observed).toEqual({ valence: [5, 5], arousal: [1, 9] });
    // A mapping without a frame column is one problem for the whole file.
    const noFrame = await call<LabelImportPreview>('labels.checkImport', { project, file, columns: { annotator: 0, video: 1, valence: 3, arousal: 4 } });
    expect(noFrame.errors).toEqual(['ratings.csv, line 1: missing column(s): frame.']);
    expect(await labelCount()).toBe(0);

    expect(await jobResultOf(call, project, 'labels.import', { file, format: 'csv', range: [1, 9], columns: swapped.columns })).toEqual({
      labels: 30, annotators: ['R1'], videoIds: [1],
    });
    const labels = await call<{ frameIndex: number; valence: number; arousal: number }[]>('labels.list', { project, videoId: 1, personId: 1 });
    expect(labels[8]).toMatchObject({ frameIndex: 8, valence: 0, arousal: 1 });
  });

  it('says in one line when the file is missing', async () => {
    await expect(call('labels.checkImport', { project, file: path.join(tempDir(), 'nope.csv') })).rejects.toThrow(/nope\.csv does not exist\./);
  });
});

describe('dialog.showInFolder', () => {
  it('shows a file an export wrote, and refuses any other path', async () => {
    const folder = tempDir();
    const { files } = await jobResultOf<{ files: string[] }>(call, project, 'exports.write', { format: 'csv', folder, name: 'out.csv' });
    expect(await call('dialog.showInFolder', { path: files[0] })).toEqual({ shown: true });
    expect(shown).toEqual(files);
    const stranger = path.join(folder, 'notes.txt');
    fs.writeFileSync(stranger, 'mine');
    await expect(call('dialog.showInFolder', { path: stranger })).rejects.toThrow(/was not written by an Affect Studio export, so it is not shown/);
    expect(shown).toEqual(files);
  });

  it('is not shown in browser mode (the window shows the path instead)', async () => {
    const browserApi = createStudioApi({ mode: 'browser', configDir: tempDir() });
    try {
      expect(await apiCaller(browserApi)('dialog.showInFolder', { path: '/tmp/x.csv' })).toEqual({ shown: false });
    } finally {
      await browserApi.close();
    }
  });
});
