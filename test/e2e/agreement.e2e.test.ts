/**
 * The agreement view and the study report in Chromium: two raters label a real video through the API, the view
 * shows the ICC (with its interval) that `affect-studio agreement` computes for the same data, a fused gold layer is
 * previewed and then saved, and the study report written from the window is opened in Chromium, fetches nothing,
 * and is screenshotted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliInProcess } from '../support/cliInProcess';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';

const VIDEO = testVideo('WolfgangLanger_Pexels.mp4');

let studio: StudioInChromium;
let page: Page;
const project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-agreement-')), 'Agreement study');
type Figure = { value: number; low: number; high: number };
let cliReport: { raters: string[]; pooled: { frames: number; valence: { measures: Record<string, Figure> }; arousal: { measures: Record<string, Figure> } } };

const text = (figure: Figure) => `${figure.value.toFixed(3)} [${figure.low.toFixed(3)}, ${figure.high.toFixed(3)}]`;

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
  const { call } = studio;
  await call('projects.create', { dir: project, name: 'Agreement study' });
  await call('videos.import', { project, paths: [VIDEO] });
  // The import, then the face analysis it queues (the report shows the model's held-back score).
  await vi.waitFor(
    async () => {
      const jobs = await call<{ kind: string; state: string }[]>('jobs.list', { project });
      expect(jobs.some((j) => j.kind === 'analyze')).toBe(true);
      expect(jobs.every((j) => j.state === 'done')).toBe(true);
    },
    { timeout: 280_000, interval: 500 },
  );
  const videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  // Two raters of one face over its 19.7 s: Ben follows Ana with a small offset and his own wobble.
  const frames = Array.from({ length: 39 }, (_, i) => 5 + i * 12);
  const round = (v: number) => Math.round(Math.max(-1, Math.min(1, v)) * 100) / 100;
  const ana = frames.map((frameIndex, i) => ({ frameIndex, valence: round(0.6 * Math.sin(i / 4)), arousal: round(0.4 * Math.cos(i / 6)) }));
  const ben = ana.map((l, i) => ({ frameIndex: l.frameIndex, valence: round(l.valence + 0.08 + 0.1 * Math.sin(i * 2.1)), arousal: round(l.arousal - 0.05 + 0.12 * Math.cos(i * 1.3)) }));
  for (const [name, sets] of [['Ana', ana], ['Ben', ben]] as const) {
    const annotatorId = (await call<{ id: number }>('annotators.add', { project, name })).id;
    await call('labels.apply', { project, videoId, personId: 1, annotatorId, origin: 'manual', sets });
  }
  const cli = await cliInProcess(['agreement', project, '--json']);
  expect(cli.err).toBe('');
  cliReport = JSON.parse(cli.out);
}, 300_000);

afterAll(() => studio?.close());

describe('the agreement view', () => {
  it('shows, for the two raters, the ICCs and intervals the CLI computes for the same data', { timeout: 120_000 }, async () => {
    expect(cliReport.raters).toEqual(['Ana', 'Ben']);
    expect(cliReport.pooled.frames).toBe(39);
    await page.goto(studio.server.url);
    await page.locator('.recent-open').first().click();
    await page.getByTestId('project-view').waitFor();
    await page.getByTestId('open-agreement').click();
    const row = (measure: string) => page.locator(`[data-testid=agreement-measures] tr[data-measure="${measure}"] td`);
    await row('ICC(A,1)').first().waitFor();
    for (const measure of ['ICC(A,1)', 'ICC(C,1)', 'ICC(A,k)', 'alpha', 'CCC']) {
      expect(await row(measure).allTextContents()).toEqual([text(cliReport.pooled.valence.measures[measure] as Figure), text(cliReport.pooled.arousal.measures[measure] as Figure)]);
    }
    expect(await page.getByTestId('agreement-measures').textContent()).toContain('Ana, Ben · 39 frames rated by two or more, 39 by all');
    // One Bland-Altman plot per pair and axis, and both raters' traces per axis.
    expect(await page.locator('[data-testid=agreement-bland-altman] svg').count()).toBe(2);
    expect(await page.locator('[data-testid=agreement-traces] svg polyline').count()).toBe(4);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'agreement-view.png'), fullPage: true });
  });

  it('previews a fused gold layer as a dashed trace, saving nothing until asked', { timeout: 60_000 }, async () => {
    await page.getByTestId('fusion-preview').click();
    await expect.poll(() => page.getByTestId('fusion-summary').textContent()).toMatch(/Preview \(dashed\): 39 frames; weights valence Ana 0\.\d\d, Ben 0\.\d\d/);
    expect(await page.locator('[data-testid=agreement-traces] svg polyline[stroke-dasharray]').count()).toBe(2);
    expect((await studio.call<{ name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana', 'Ben']);
    await page.getByTestId('agreement-traces').screenshot({ path: path.join(SCREENSHOTS, 'agreement-fusion-preview.png') });
    await page.getByTestId('fusion-save').click();
    await expect.poll(() => page.getByTestId('agreement-traces').textContent()).toContain('Saved 39 labels as "gold (EWE)".');
    expect((await studio.call<{ name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana', 'Ben', 'gold (EWE)']);
  });

  it('writes the study report from the window; opened in Chromium it fetches nothing and shows the same ICC', { timeout: 180_000 }, async () => {
    const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-report-')));
    await page.getByLabel('Report folder').fill(folder);
    await page.getByTestId('report-write').click();
    const written = path.join(folder, 'study-report.html');
    await expect.poll(() => page.getByTestId('report-written').textContent(), { timeout: 150_000 }).toContain(written);
    await page.getByTestId('study-report').screenshot({ path: path.join(SCREENSHOTS, 'agreement-report-written.png') });

    const reportPage = await studio.browser.newPage({ viewport: { width: 1000, height: 800 } });
    const requests: string[] = [];
    reportPage.on('request', (request) => requests.push(request.url()));
    await reportPage.goto(`file://${written}`);
    expect(requests).toEqual([`file://${written}`]);
    const html = await reportPage.content();
    expect(html).toContain(text(cliReport.pooled.valence.measures['ICC(A,1)'] as Figure));
    expect(await reportPage.locator('h1').textContent()).toBe('Agreement study: study report');
    expect(await reportPage.locator('svg').count()).toBeGreaterThanOrEqual(4);
    expect(html).toMatch(/<td>WolfgangLanger_Pexels.mp4<\/td><td>Ana<\/td><td class="num">-?\d\.\d{3}<\/td>/);
    await reportPage.screenshot({ path: path.join(SCREENSHOTS, 'study-report.png'), fullPage: true });
    await reportPage.close();
  });

  it('counts the model anchored on Ana only away from her labels: against her, nothing to compare instead of a circular 1.000', { timeout: 120_000 }, async () => {
    await page.getByLabel('Ana', { exact: true }).check();
    await page.getByLabel("Ana's labels").check();
    await page.getByTestId('agreement-compute').click();
    const measures = page.getByTestId('agreement-measures');
    // Ana labelled every 12th frame (0.5 s apart): every frame is within 2 s of one of her labels.
    await expect.poll(() => measures.textContent(), { timeout: 90_000 }).toMatch(/model \(anchored on Ana\): \d+ frames near its anchors left out/);
    expect(await measures.textContent()).toContain('Nothing to compare');
    const cli = JSON.parse((await cliInProcess(['agreement', project, '--annotator', 'Ana', '--model', 'Ana', '--json'])).out);
    const leftOut = cli.leftOut[0].frames as number;
    expect(leftOut).toBeGreaterThan(400); // every frame with a face
    expect(await measures.textContent()).toContain(`model (anchored on Ana): ${leftOut} frames near its anchors left out`);
    expect(cli.pooled.valence).toBeNull();
    await measures.screenshot({ path: path.join(SCREENSHOTS, 'agreement-model-rater.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
