/**
 * Importing through the UI in Chromium: a bad path is refused without losing what was typed, real videos
 * import with a progress bar and end up listed as ready with thumbnails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectThroughUi, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { TEST_CLIPS, testVideo } from '../support/testMedia';

let studio: StudioInChromium;
let page: Page;

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
  await page.goto(studio.server.url);
  await createProjectThroughUi(page, 'Import study', fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-projects-')));
});

afterAll(() => studio?.close());

describe('importing videos in Chromium', () => {
  it('refuses a path that does not exist and keeps the typed list', async () => {
    const typed = `${testVideo('single_face.mp4')}\n/no/such/clip.mp4`;
    await page.getByLabel('Paths to import').fill(typed);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('/no/such/clip.mp4 does not exist');
    expect(await page.getByLabel('Paths to import').inputValue()).toBe(typed);
  });

  it('imports real videos, showing progress, and lists them as ready with thumbnails', async () => {
    const files = (['WolfgangLanger_Pexels.mp4', 'single_face.mp4'] as const).map(testVideo);
    await page.getByLabel('Paths to import').fill(files.join('\n'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('jobs').waitFor();
    const rows = page.locator('[data-testid=videos] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid=videos] .badge-ready').count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid=videos] .thumb-strip img').count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.first().textContent()).toContain(String(TEST_CLIPS['WolfgangLanger_Pexels.mp4'].frames));
    expect(await page.getByTestId('jobs').textContent()).toContain('done: 2 imported');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-videos.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
