/**
 * Importing through the UI in Chromium: a bad path is refused without losing what was typed, real videos
 * import with a progress bar and end up listed as ready with thumbnails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioApi, type StudioApi } from '../../src-main/api/studioApi';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/browserServer';
import { rendererDir } from '../../src-main/server/rendererDir';
import { launchChromium } from '../support/chromium';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results', 'e2e');
const VIDEOS = path.join(__dirname, '..', '..', '..', 'shared', 'data', 'videos');

let api: StudioApi;
let server: BrowserServer;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-home-')) });
  server = await startBrowserServer({ api, rendererDir: rendererDir() });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('console', (message) => {
    if (message.type() === 'error') pageProblems.push(message.text());
  });
  page.on('pageerror', (error) => pageProblems.push(error.message));

  await page.goto(server.url);
  await page.getByLabel('Name').fill('Import study');
  await page.getByLabel('Location').fill(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-projects-')));
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByTestId('project-view').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await api?.close();
});

describe('importing videos in Chromium', () => {
  it('refuses a path that does not exist and keeps the typed list', async () => {
    const typed = `${path.join(VIDEOS, 'single_face.mp4')}\n/no/such/clip.mp4`;
    await page.getByLabel('Paths to import').fill(typed);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('/no/such/clip.mp4 does not exist');
    expect(await page.getByLabel('Paths to import').inputValue()).toBe(typed);
  });

  it('imports real videos, showing progress, and lists them as ready with thumbnails', async () => {
    const files = ['WolfgangLanger_Pexels.mp4', 'single_face.mp4'].map((name) => path.join(VIDEOS, name));
    await page.getByLabel('Paths to import').fill(files.join('\n'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByTestId('jobs').waitFor();
    const rows = page.locator('[data-testid=videos] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid=videos] .badge-ready').count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid=videos] .thumb-strip img').count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.first().textContent()).toContain('472');
    expect(await page.getByTestId('jobs').textContent()).toContain('done: 2 imported');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-videos.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(pageProblems).toEqual([]);
  });
});
