/**
 * The Score button of the model panel in Chromium: a video labelled through the API (20 labels along its 19.7 s),
 * then the held-back score asked for in the UI, shown with its labels, folds, neighbourhood and head and the share of
 * held-back labels inside the 90% band, and gone again once a label changes (it scored labels no longer shown),
 * when the panel still says which score's factors calibrate the bands and when it was made.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';

const VIDEO = testVideo('WolfgangLanger_Pexels.mp4');

let studio: StudioInChromium;
let page: Page;
const project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-score-')), 'Score study');
let ids: { project: string; videoId: number; personId: number; annotatorId: number };

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
  const { call } = studio;
  const finished = (jobId: string) =>
    vi.waitFor(
      async () => expect((await call<{ jobId: string; state: string }[]>('jobs.list', { project })).find((j) => j.jobId === jobId)?.state).toBe('done'),
      { timeout: 200_000, interval: 500 },
    );
  await call('projects.create', { dir: project, name: 'Score study' });
  await finished((await call<{ jobId: string }>('videos.import', { project, paths: [VIDEO] })).jobId);
  const videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  await finished((await call<{ jobId: string }>('analysis.start', { project, videoId })).jobId);
  const annotatorId = (await call<{ id: number }>('annotators.add', { project, name: 'Ana' })).id;
  ids = { project, videoId, personId: 1, annotatorId };
  // Smooth waves of valence and arousal, one label every 23 frames.
  const labels = Array.from({ length: 20 }, (_, i) => ({ frameIndex: 11 + i * 23, valence: Math.round(60 * Math.sin((i * Math.PI) / 4)) / 100, arousal: Math.round(40 * Math.cos(i / 3)) / 100 }));
  await call('labels.apply', { ...ids, origin: 'manual', sets: labels });
}, 300_000);

afterAll(() => studio?.close());

describe('the held-back score in the model panel', () => {
  it('is scored on demand and shows CCC, RMSE, labels, folds and the neighbourhood', { timeout: 120_000 }, async () => {
    await page.goto(studio.server.url);
    await page.locator('.recent-open').first().click();
    await page.getByTestId('project-view').waitFor();
    await page.locator('.video-open').first().click();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    const heldBack = page.getByTestId('held-back');
    expect(await heldBack.textContent()).toContain('not scored');
    await page.getByTestId('score-held-back').click();
    await expect.poll(() => heldBack.textContent(), { timeout: 60_000 }).toMatch(/CCC V -?\d\.\d\d, A -?\d\.\d\d · RMSE \d\.\d\d \/ \d\.\d\d \(20 labels, 10 folds, labels within 2 s of a held-out one left out, prior head\)/);
    // Beside the score, the share of held-back labels inside the 90% band; 20 residuals are too few to calibrate
    // on 18 and score on the other 2.
    await expect.poll(() => page.getByTestId('band-coverage').textContent()).toMatch(/held \d+% V, \d+% A\s*· too few held-back labels to calibrate/);
    await page.getByTestId('model-panel').screenshot({ path: path.join(SCREENSHOTS, 'held-back-score-panel.png') });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'held-back-score.png') });
  });

  it('says the head was retrained per fold once the project has a trained head', { timeout: 300_000 }, async () => {
    const { jobId } = await studio.call<{ jobId: string }>('heads.train', { project: ids.project, annotatorId: ids.annotatorId });
    await vi.waitFor(
      async () => expect((await studio.call<{ jobId: string; state: string }[]>('jobs.list', { project })).find((j) => j.jobId === jobId)?.state).toBe('done'),
      { timeout: 200_000, interval: 500 },
    );
    await page.reload();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await page.getByTestId('score-held-back').click();
    const heldBack = page.getByTestId('held-back');
    await expect.poll(() => heldBack.textContent(), { timeout: 120_000 }).toMatch(/\(20 labels, 10 folds, labels within 2 s of a held-out one left out, head retrained per fold\)/);
    await page.getByTestId('model-panel').screenshot({ path: path.join(SCREENSHOTS, 'held-back-score-retrained-panel.png') });
  });

  it('drops the score when a label changes', async () => {
    await studio.call('labels.apply', { ...ids, origin: 'manual', sets: [{ frameIndex: 300, valence: 0.1, arousal: 0.1 }] });
    await expect.poll(() => page.getByTestId('held-back').textContent(), { timeout: 30_000 }).toContain('not scored');
  });

  it('says which score calibrates the bands, and when, once its numbers are gone', async () => {
    // The last score's factors still calibrate the bands (kept in the project, so also after a restart).
    await page.reload();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    expect(await page.getByTestId('held-back').textContent()).toContain('not scored');
    await expect.poll(() => page.getByTestId('band-calibration').textContent()).toMatch(/calibrated by the score of .*\d.* \(20 labels\)/);
    await page.getByTestId('model-panel').screenshot({ path: path.join(SCREENSHOTS, 'held-back-band-calibration-panel.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
