/**
 * The export and label-import dialogs in Chromium on a real project (a real video, labels saved through the API):
 * a CSV exported through the dialog exists and parses; a broken labels file is refused with every error listed
 * and nothing saved; a lab's 1-9 file imports once its scale is chosen; AFEW-VA clips import from their folder once
 * mapped to a video, every error listed before. Screenshots of both dialogs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src-main/core/io/csv';
import { checkEaf, parseXml } from '../support/eafChecker';
import type { ApiCall } from '../support/apiCall';
import { endedJob } from '../support/apiJobs';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { TEST_CLIPS, testVideo } from '../support/testMedia';

const CLIP = 'single_face.mp4';
const FRAMES = TEST_CLIPS[CLIP].frames;

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let project: string;
let work: string;
let videoId: number;

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `dialogs-${name}.png`) });
/** Every saved label of the video, every rater's. */
const labelCount = async () => (await call<unknown[]>('labels.list', { project, videoId, personId: 1 })).length;

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-dialogs-'));
  project = path.join(work, 'study');
  await call('projects.create', { dir: project, name: 'Dialog study' });
  const { jobId } = await call<{ jobId: string }>('videos.import', { project, paths: [testVideo(CLIP)], analyze: false });
  expect((await endedJob(call, project, jobId)).state).toBe('done');
  videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  const rater = await call<{ id: number }>('annotators.add', { project, name: 'Rater A' });
  await call('labels.apply', {
    project, videoId, personId: 1, annotatorId: rater.id, origin: 'manual',
    sets: [{ frameIndex: 0, valence: 0.5, arousal: -0.25 }, { frameIndex: 10, valence: -0.5, arousal: 0.75 }],
  });
  await page.goto(`${studio.server.url}#${new URLSearchParams({ project })}`);
  await page.getByTestId('project-view').waitFor();
}, 120_000);

afterAll(() => studio?.close());

describe('export dialog', () => {
  it('lists every format the API exports, and writes a CSV, showing where it went', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('input[name=export-format]').evaluateAll((inputs) => inputs.map((i) => (i as unknown as { value: string }).value))).toEqual([
      'csv', 'json', 'afew-va', 'nova', 'elan', 'dataset',
    ]);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-out-'));
    await dialog.getByLabel('Into folder').fill(folder);
    await dialog.getByLabel('File name').fill('study.csv');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.locator('[data-testid=export-progress][data-state=done]').waitFor({ timeout: 30_000 });
    const written = path.join(fs.realpathSync(folder), 'study.csv');
    expect(await dialog.getByTestId('export-path').textContent()).toBe(written);
    // Browser mode has no file manager to open: the path is shown, and no "Show in folder" is offered.
    expect(await dialog.getByRole('button', { name: 'Show in folder' }).count()).toBe(0);
    await shot('1-export-done');

    const [header, ...rows] = parseCsv(fs.readFileSync(written, 'utf8')).map((r) => r.fields);
    expect(header?.slice(0, 9)).toEqual(['video_id', 'video', 'person_id', 'person', 'frame', 'time_s', 'valence', 'arousal', 'source']);
    expect(rows).toHaveLength(FRAMES);
    expect(rows[10]?.slice(6, 9)).toEqual(['-0.5', '0.75', 'human']);
    expect(Number(rows[10]?.[5])).toBeCloseTo(10 / 30, 5);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('writes an ELAN folder whose .eaf keeps the EAF 3.0 rules and links the real video', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByText('ELAN (.eaf)', { exact: true }).click();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-elan-'));
    await dialog.getByLabel('Into folder').fill(folder);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.locator('[data-testid=export-progress][data-state=done]').waitFor({ timeout: 30_000 });
    const eaf = path.join(fs.realpathSync(folder), 'Dialog-study-elan', `${videoId}-single_face.eaf`);
    expect(await dialog.getByTestId('export-path').textContent()).toBe(eaf);
    // Parsed in a page of its own, so the studio's page is left as it is.
    const reader = await studio.browser.newPage();
    const root = await parseXml(reader, fs.readFileSync(eaf, 'utf8'));
    await reader.close();
    expect(checkEaf(root)).toEqual([]);
    const media = root.children.find((c) => c.name === 'HEADER')?.children.find((c) => c.name === 'MEDIA_DESCRIPTOR');
    expect(media?.attributes.MEDIA_URL).toBe(`file://${testVideo(CLIP)}`);
    expect(fs.existsSync(path.resolve(path.dirname(eaf), media?.attributes.RELATIVE_MEDIA_URL as string))).toBe(true);
    expect(root.children.filter((c) => c.name === 'TIER').map((t) => [t.attributes.TIER_ID, t.children.length])).toEqual([
      ['Rater A valence', 2],
      ['Rater A arousal', 2],
    ]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('shows the dataset options only for a dataset export', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    expect(await dialog.getByLabel('Crop size (px)').count()).toBe(0);
    await dialog.getByText('Dataset', { exact: true }).click();
    await dialog.getByLabel('Crop size (px)').waitFor();
    expect(await dialog.getByLabel('Folder name').inputValue()).toBe('Dialog-study-dataset');
    // The dataset takes several raters' layers at once: every human rater is ticked to begin with.
    const raters = dialog.getByTestId('dataset-raters').locator('input[name=dataset-rater]');
    expect(await raters.evaluateAll((inputs) => inputs.map((i) => [(i as unknown as { value: string }).value, (i as unknown as { checked: boolean }).checked]))).toEqual([['Rater A', true]]);
    expect(await dialog.getByLabel('Raters').count()).toBe(0);
    await shot('2-export-dataset-options');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });
});

describe('label import dialog', () => {
  it('refuses a broken file, listing every error, and saves nothing', async () => {
    const broken = path.join(work, 'broken.csv');
    fs.writeFileSync(broken, [
      'video,frame,valence,arousal,annotator',
      `${CLIP},1,0.2,0.1,Rater B`,
      `${CLIP},${FRAMES + 5},0.2,0.1,Rater B`,
      'other.mp4,2,0.2,0.1,Rater B',
      `${CLIP},3,lots,0.1,Rater B`,
      `${CLIP},4,0.2,1.5,Rater B`,
      `${CLIP},1,0.3,0.1,Rater B`,
    ].join('\n'));
    const before = await labelCount();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    const dialog = page.getByTestId('label-import-dialog');
    await dialog.getByLabel(/Labels file/).fill(broken);
    await dialog.getByRole('button', { name: 'Check' }).click();
    const errors = dialog.getByTestId('label-errors');
    await errors.waitFor();
    expect(await errors.locator('li').allTextContents()).toEqual([
      `line 3: ${CLIP} has ${FRAMES} frames (0-${FRAMES - 1}); there is no frame ${FRAMES + 5}.`,
      'line 4: no video in this project matches "other.mp4".',
      'line 5: valence must be a decimal number such as 12, -0.25 or .5, not "lots".',
      'line 6: arousal 1.5 is outside the range [-1, 1].',
      `line 7: frame 1 of ${CLIP} (person 1) by Rater B is already on line 2.`,
    ]);
    expect(await errors.locator('.import-errors-head').textContent()).toContain('5 errors');
    // The header's names were recognised, and the file's first rows are shown under them.
    expect(await dialog.getByTestId('label-preview').locator('th .column-role').allTextContents()).toEqual(['Video name', 'Frame', 'Valence', 'Arousal', 'Rater']);
    expect(await dialog.getByTestId('label-preview').locator('tbody tr').count()).toBe(6);
    expect(await dialog.getByRole('button', { name: /^Import .*labels$/ }).isDisabled()).toBe(true);
    await shot('3-import-refused');
    expect(await labelCount()).toBe(before);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('imports a lab file on a 1-9 scale once the scale is chosen', async () => {
    const rated = path.join(work, 'ratings.csv');
    fs.writeFileSync(rated, ['Coder;Filename;Frame_Index;V;A', ...[2, 4, 6, 8].map((f) => `Rater C;${CLIP};${f};${f / 2 + 3};5`)].join('\n'));
    const before = await labelCount();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    const dialog = page.getByTestId('label-import-dialog');
    await dialog.getByLabel(/Labels file/).fill(rated);
    await dialog.getByRole('button', { name: 'Check' }).click();
    await dialog.getByTestId('label-errors').waitFor();
    // "Coder" is a rater column the header detection knows; choose the scale and the errors go.
    await dialog.getByLabel("Scale of the file's values").selectOption({ label: '1 to 9 (SAM, KERC)' });
    await dialog.getByTestId('label-ready').waitFor();
    expect(await dialog.getByTestId('label-ready').textContent()).toContain(`Ready: 4 labels by Rater C on ${CLIP}.`);
    await shot('4-import-ready');
    await dialog.getByRole('button', { name: 'Import 4 labels' }).click();
    await dialog.getByTestId('label-imported').waitFor({ timeout: 30_000 });
    expect(await labelCount()).toBe(before + 4);
    const c = (await call<{ id: number; name: string }[]>('annotators.list', { project })).find((a) => a.name === 'Rater C');
    const imported = await call<{ frameIndex: number; valence: number; arousal: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId: c?.id });
    expect(imported.map((l) => [l.frameIndex, l.valence, l.arousal])).toEqual([[2, -0.25, 0], [4, 0, 0], [6, 0.25, 0], [8, 0.5, 0]]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('imports AFEW-VA clips from their folder once each clip is mapped to its video, listing every error before', async () => {
    // AFEW-VA's own layout: <part>/<clip>/ with the clip's frames as NNNNN.png and NNN.json on [-10, 10].
    const root = path.join(work, 'AFEW-VA');
    const clip = (name: string, frames: Record<string, [number, number]>) => {
      const dir = path.join(root, '01', name);
      fs.mkdirSync(dir, { recursive: true });
      for (const key of Object.keys(frames)) fs.writeFileSync(path.join(dir, `${key}.png`), '');
      const landmarks = Array.from({ length: 68 }, (_, i) => [100 + i, 80 + i / 2]);
      const json = { actor: 'Actor', frames: Object.fromEntries(Object.entries(frames).map(([key, [valence, arousal]]) => [key, { arousal, landmarks, valence }])), video_id: name };
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(json));
    };
    clip('001', { '00000': [5, -10], '00001': [2.5, 0], '00003': [-7, 4] });
    clip('002', { '00000': [1, 1], '00999': [1, 1] });
    const before = await labelCount();
    await page.getByRole('button', { name: 'Import labels…' }).click();
    const dialog = page.getByTestId('label-import-dialog');
    await dialog.getByLabel(/AFEW-VA \(a dataset folder/).check();
    await dialog.getByLabel('AFEW-VA folder or clip JSON').fill(root);
    await dialog.getByRole('button', { name: 'Check' }).click();
    const errors = dialog.getByTestId('label-errors');
    await errors.waitFor();
    // Neither clip's name is a video of this project: nothing can be imported until they are mapped.
    expect(await errors.locator('li').allTextContents()).toEqual([expect.stringMatching(/^No clip is mapped to a video of this project/)]);
    expect(await dialog.getByTestId('afew-preview').locator('tbody tr').first().locator('td').allTextContents()).toEqual(['001', '00000', '—', '+5.0', '-10.0', '+0.50', '-1.00']);

    // Both clips onto the one video: each problem of each clip is listed, and the import stays disabled.
    await dialog.getByLabel('Video for clip 001').selectOption({ label: CLIP });
    await dialog.getByLabel('Video for clip 002').selectOption({ label: CLIP });
    await errors.locator('li', { hasText: 'clip 002' }).first().waitFor();
    expect(await errors.locator('li').allTextContents()).toEqual([`clip 002: ${CLIP} already takes clip 001's labels; map each clip to its own video.`]);
    expect(await dialog.getByRole('button', { name: /^Import .*labels$/ }).isDisabled()).toBe(true);
    await shot('5-afew-va-refused');
    expect(await labelCount()).toBe(before);

    await dialog.getByLabel('Video for clip 002').selectOption({ label: '— leave out —' });
    await dialog.getByTestId('label-ready').waitFor();
    expect(await dialog.getByTestId('label-ready').textContent()).toContain(`Ready: 3 labels by AFEW-VA on ${CLIP}.`);
    expect(await dialog.getByTestId('afew-preview').locator('tbody tr').nth(2).locator('td').allTextContents()).toEqual(['001', '00003', '3', '-7.0', '+4.0', '-0.70', '+0.40']);
    await shot('6-afew-va-ready');
    await dialog.getByRole('button', { name: 'Import 3 labels' }).click();
    await dialog.getByTestId('label-imported').waitFor({ timeout: 30_000 });
    const layer = (await call<{ id: number; name: string }[]>('annotators.list', { project })).find((a) => a.name === 'AFEW-VA');
    const imported = await call<{ frameIndex: number; valence: number; arousal: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId: layer?.id });
    expect(imported.map((l) => [l.frameIndex, l.valence, l.arousal])).toEqual([[0, 0.5, -1], [1, 0.25, 0], [3, -0.7, 0.4]]);
    expect(await labelCount()).toBe(before + 3);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
