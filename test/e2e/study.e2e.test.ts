/**
 * A whole study in the studio window (issue 15), in Chromium: an analysed video made with ffmpeg from an FRL
 * photo; blind mode on; two raters each label the same frames through the grid and Enter, each seeing only their
 * own layer and predictions from their own head (Ana trains one; Ben's stay on the untrained prior); the agreement
 * view shows for the two raters the ICCs `affect-studio agreement --json` prints (the real CLI, a child process);
 * a CSV exported through the export dialog is read back; a broken labels file is refused in the import dialog
 * with its errors listed and no label saved; the study report is written as a job, opened and screenshotted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intervalText } from '../../src-main/core/intervalText';
import { parseCsv } from '../../src-main/core/io/csv';
import type { ApiCall } from '../support/apiCall';
import { runToEnd } from '../support/processes';
import { clickGrid, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { TEST_CLIPS, testVideo } from '../support/testMedia';

const CLIP = 'single_face.mp4';
const FRAMES = TEST_CLIPS[CLIP].frames;
const BIN = path.join(__dirname, '..', '..', 'bin', 'affect-studio.js');
/** Frames both raters label: every 10th, reached with Home and Shift+→. */
const LABELLED = [0, 10, 20, 30, 40, 50, 60, 70];
/** Where each rater clicks the grid on those frames: Ben follows Ana with his own offsets. */
const ANA = LABELLED.map((_, i) => ({ valence: 0.7 * Math.sin(i / 1.5), arousal: 0.5 * Math.cos(i / 2) }));
const BEN = ANA.map((l, i) => ({ valence: l.valence + 0.1 + 0.1 * Math.sin(i * 2.1), arousal: l.arousal - 0.05 + 0.12 * Math.cos(i * 1.3) }));

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let work: string;
let project: string;
let videoId: number;
const ids = new Map<string, number>();

type Figure = { value: number | null; low: number | null; high: number | null };
/** A figure as the view and the report write it (the same function for both). */
const text = (figure: Figure) => intervalText(figure);
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `study-${name}.png`) });
const raters = () => page.getByTestId('raters');
const frameShown = async () => Number(/frame (\d+) \//.exec((await page.getByTestId('frame-readout').textContent()) ?? '')?.[1]);
/** Every rater's saved labels of the video (no viewer named: the API's own view, not a rater's). */
const allLabels = () => call<{ annotatorId: number; frameIndex: number }[]>('labels.list', { project, videoId, personId: 1 });
const labelsOf = (name: string) => call<{ frameIndex: number; valence: number; arousal: number }[]>('labels.list', { project, videoId, personId: 1, annotatorId: ids.get(name) });

/** Labels LABELLED as the current rater: to each frame with the keys, a click on the grid, then Enter saves it. */
async function labelFrames(name: string, values: readonly { valence: number; arousal: number }[]): Promise<void> {
  for (const [i, frame] of LABELLED.entries()) {
    await page.keyboard.press('Home');
    for (let k = 0; k < frame / 10; k++) await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(frameShown).toBe(frame);
    const value = values[i] as { valence: number; arousal: number };
    await clickGrid(page, value.valence, value.arousal);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labelsOf(name)).length).toBe(i + 1);
  }
}

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-study-'));
  project = path.join(work, 'study');
  await call('projects.create', { dir: project, name: 'Blind study' });
  await call('videos.import', { project, paths: [testVideo(CLIP)] });
  // The import, then the face analysis it queues: predictions need the faces.
  for (let i = 0; i < 2400; i++) {
    const jobs = await call<{ kind: string; state: string }[]>('jobs.list', { project });
    if (jobs.some((j) => j.kind === 'analyze') && jobs.every((j) => j.state === 'done')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  ids.set('Ana', (await call<{ id: number }>('annotators.add', { project, name: 'Ana' })).id);
}, 600_000);

afterAll(() => studio?.close());

describe('a blind study in the window', () => {
  it('Ana labels in blind mode and trains a head on her labels: her predictions come from it', { timeout: 240_000 }, async () => {
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(() => page.getByTestId('current-rater').textContent()).toContain('Labelling as Ana');
    await raters().getByLabel('Blind mode').check();
    await expect.poll(() => call('annotators.view', { project })).toEqual({ activeAnnotatorId: ids.get('Ana'), blind: true });
    await expect.poll(() => page.getByTestId('head-in-use').textContent()).toContain('circumplex prior v1 (untrained)');
    await labelFrames('Ana', ANA);
    // Training is open in blind mode: the head is Ana's alone.
    await page.getByTestId('train-head').click();
    await expect.poll(() => page.getByTestId('head-in-use').textContent(), { timeout: 180_000 }).toContain('project-pair-head v1 (trained on your labels only)');
    await shot('1-ana-blind-own-head');
  });

  it('Ben, added in the window, sees none of Ana\'s labels and predictions from the prior, not from her head, and labels the same frames', { timeout: 240_000 }, async () => {
    await page.getByLabel('New annotator name').fill('Ben');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('current-rater').textContent()).toContain('Labelling as Ben');
    ids.set('Ben', (await call<{ id: number; name: string }[]>('annotators.list', { project })).find((a) => a.name === 'Ben')?.id as number);
    expect(await call('annotators.view', { project })).toEqual({ activeAnnotatorId: ids.get('Ben'), blind: true });
    expect(await raters().locator('[data-rater=Ana] .rater-count').textContent()).toBe('hidden (blind)');
    await page.keyboard.press('Home');
    // Frame 0 has Ana's label, and Ben is shown nothing of it; his predictions come from the prior.
    await expect.poll(() => page.getByTestId('frame-labels').locator('li').allTextContents()).toEqual(['Frame 0 has no label of yours.']);
    await expect.poll(() => page.getByTestId('head-in-use').textContent()).toContain('circumplex prior v1 (untrained)');
    await labelFrames('Ben', BEN);
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('frame-labels').locator('li').allTextContents()).toEqual([expect.stringMatching(/^Ben /)]);
    await shot('2-ben-blind');
    // Back to Ana: her own layer only, her own head again.
    await raters().locator('[data-rater=Ana] input[type=radio]').check();
    await expect.poll(() => page.getByTestId('current-rater').textContent()).toContain('Labelling as Ana');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('frame-labels').locator('li').allTextContents()).toEqual([expect.stringMatching(/^Ana /)]);
    await expect.poll(() => page.getByTestId('head-in-use').textContent()).toContain('project-pair-head v1');
    expect((await labelsOf('Ana')).map((l) => l.frameIndex)).toEqual(LABELLED);
    expect((await labelsOf('Ben')).map((l) => l.frameIndex)).toEqual(LABELLED);
  });

  it('the agreement view shows, for the two raters, the ICCs `affect-studio agreement --json` prints', { timeout: 180_000 }, async () => {
    const cli = await runToEnd(process.execPath, [BIN, 'agreement', project, '--json'], { env: { ...process.env, AFFECT_STUDIO_HOME: fs.mkdtempSync(path.join(work, 'home-')) } });
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    const printed = JSON.parse(cli.stdout) as { raters: string[]; pooled: { frames: number; valence: { measures: Record<string, Figure> }; arousal: { measures: Record<string, Figure> } } };
    expect(printed.raters).toEqual(['Ana', 'Ben']);
    expect(printed.pooled.frames).toBe(LABELLED.length);
    // Eight frames over 2.4 s are too few time blocks for bootstrap intervals, but every ICC has a value.
    for (const axis of ['valence', 'arousal'] as const) expect(printed.pooled[axis].measures['ICC(A,1)']?.value).toEqual(expect.any(Number));

    await page.getByRole('button', { name: '← Videos' }).click();
    await page.getByTestId('open-agreement').click();
    const row = (measure: string) => page.locator(`[data-testid=agreement-measures] tr[data-measure="${measure}"] td`);
    await row('ICC(A,1)').first().waitFor({ timeout: 120_000 });
    for (const measure of ['ICC(A,1)', 'ICC(C,1)', 'ICC(A,k)', 'ICC(C,k)']) {
      expect(await row(measure).allTextContents()).toEqual([text(printed.pooled.valence.measures[measure] as Figure), text(printed.pooled.arousal.measures[measure] as Figure)]);
    }
    expect(await page.getByTestId('agreement-measures').textContent()).toContain(`Ana, Ben · ${LABELLED.length} frames rated by two or more`);
    // The video's one person, chosen: the same figures (the video has no other person to pool with).
    await page.getByTestId('agreement-video').selectOption({ label: CLIP });
    await page.getByTestId('agreement-person').selectOption({ index: 0 });
    await page.getByTestId('agreement-compute').click();
    await expect.poll(() => page.getByTestId('agreement-measures').locator('h2').textContent()).toContain(CLIP);
    expect(await row('ICC(A,1)').allTextContents()).toEqual([text(printed.pooled.valence.measures['ICC(A,1)'] as Figure), text(printed.pooled.arousal.measures['ICC(A,1)'] as Figure)]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'study-3-agreement.png'), fullPage: true });
  });

  it('writes the study report as a job; opened in Chromium it shows the same ICC and each rater\'s head', { timeout: 240_000 }, async () => {
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(work, 'report-')));
    await page.getByLabel('Report folder').fill(folder);
    await page.getByTestId('report-write').click();
    // Scoring Ana's labels retrains her head per fold: seconds, long enough to see the job's progress and Cancel.
    const progress = page.getByTestId('report-progress');
    await progress.waitFor({ timeout: 20_000 });
    expect(await progress.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    await page.getByTestId('study-report').screenshot({ path: path.join(SCREENSHOTS, 'study-4-report-progress.png') });
    const written = path.join(folder, 'study-report.html');
    await expect.poll(() => page.getByTestId('report-written').textContent(), { timeout: 200_000 }).toContain(written);
    const jobs = await call<{ kind: string; state: string; result?: { path: string } }[]>('jobs.list', { project });
    expect(jobs.filter((j) => j.kind === 'report')).toEqual([expect.objectContaining({ state: 'done', result: { path: written } })]);

    const reportPage = await studio.browser.newPage({ viewport: { width: 1000, height: 800 } });
    await reportPage.goto(`file://${written}`);
    const html = await reportPage.content();
    const cli = JSON.parse((await runToEnd(process.execPath, [BIN, 'agreement', project, '--json'], { env: { ...process.env, AFFECT_STUDIO_HOME: fs.mkdtempSync(path.join(work, 'home-')) } })).stdout);
    expect(html).toContain(text(cli.pooled.valence.measures['ICC(A,1)'] as Figure));
    expect(await reportPage.locator('h1').textContent()).toBe('Blind study: study report');
    expect(html).toContain("Ana's through project-pair-head 1, trained on Ana's labels alone; any other annotator's through the prior pair head");
    await reportPage.screenshot({ path: path.join(SCREENSHOTS, 'study-5-report.png'), fullPage: true });
    await reportPage.close();
  });

  it('exports a CSV through the export dialog and reads back both raters\' labels', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: '← Blind study' }).click();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(work, 'out-')));
    await dialog.getByLabel('Into folder').fill(folder);
    await dialog.getByLabel('File name').fill('study.csv');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.locator('[data-testid=export-progress][data-state=done]').waitFor({ timeout: 30_000 });
    const written = path.join(folder, 'study.csv');
    expect(await dialog.getByTestId('export-path').textContent()).toBe(written);
    await shot('6-export');
    const [header, ...rows] = parseCsv(fs.readFileSync(written, 'utf8')).map((r) => r.fields);
    const column = (name: string) => (header ?? []).indexOf(name);
    for (const name of ['Ana', 'Ben']) {
      const saved = await labelsOf(name);
      const exported = rows.filter((r) => r[column('annotator')] === name && r[column('source')] === 'human');
      expect(exported.map((r) => [Number(r[column('frame')]), Number(r[column('valence')]), Number(r[column('arousal')])])).toEqual(saved.map((l) => [l.frameIndex, l.valence, l.arousal]));
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('refuses a broken labels file in the import dialog, listing its errors, and saves no label', { timeout: 60_000 }, async () => {
    const broken = path.join(work, 'broken.csv');
    fs.writeFileSync(broken, [
      'video,frame,valence,arousal,annotator',
      `${CLIP},1,0.2,0.1,Cy`,
      `${CLIP},${FRAMES + 3},0.2,0.1,Cy`,
      `${CLIP},3,high,0.1,Cy`,
      `${CLIP},4,0.2,-1.5,Cy`,
    ].join('\n'));
    const before = (await allLabels()).length;
    expect(before).toBe(2 * LABELLED.length);
    await page.getByRole('button', { name: 'Import labels…' }).click();
    const dialog = page.getByTestId('label-import-dialog');
    await dialog.getByLabel(/Labels file/).fill(broken);
    await dialog.getByRole('button', { name: 'Check' }).click();
    const errors = dialog.getByTestId('label-errors');
    await errors.waitFor();
    // Even as human raters, which agreement would count, a broken file adds nobody.
    await dialog.getByLabel("The file's raters are").selectOption('human');
    expect(await errors.locator('li').allTextContents()).toEqual([
      `line 3: ${CLIP} has ${FRAMES} frames (0-${FRAMES - 1}); there is no frame ${FRAMES + 3}.`,
      'line 4: valence must be a decimal number such as 12, -0.25 or .5, not "high".',
      'line 5: arousal -1.5 is outside the range [-1, 1].',
    ]);
    expect(await dialog.getByRole('button', { name: /^Import .*labels$/ }).isDisabled()).toBe(true);
    await shot('7-import-refused');
    expect((await allLabels()).length).toBe(before);
    expect((await call<{ name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana', 'Ben']);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
