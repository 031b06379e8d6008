/**
 * The studio in browser mode, driven by Debian's Chromium at 1366x768: a fresh settings folder, the real server
 * over the built UI, and a page whose console errors (a CSP violation, a failed request, an uncaught exception)
 * are collected, since any of them is a bug on screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createStudioApi, type StudioApi } from '../../src-main/api/studioApi';
import { startBrowserServer, type BrowserServer } from '../../src-main/server/browserServer';
import { rendererDir } from '../../src-main/server/rendererDir';
import { apiCaller, type ApiCall } from './apiCall';
import { launchChromium } from './chromium';

export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results', 'e2e');

export interface StudioInChromium {
  api: StudioApi;
  call: ApiCall;
  server: BrowserServer;
  browser: Browser;
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

export async function openStudioInChromium(): Promise<StudioInChromium> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const api = createStudioApi({ mode: 'browser', configDir: fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-home-')) });
  const server = await startBrowserServer({ api, rendererDir: rendererDir() });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return {
    api,
    call: apiCaller(api),
    server,
    browser,
    page,
    problems,
    close: async () => {
      await browser.close();
      await server.close();
      await api.close();
    },
  };
}

/** Fills the start screen's "New project" form and waits for the project view. */
export async function createProjectThroughUi(page: Page, name: string, location: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Location').fill(location);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByTestId('project-view').waitFor();
}

/** Clicks the affect grid at a valence (x) and arousal (y) on [-1, 1]. */
export async function clickGrid(page: Page, valence: number, arousal: number): Promise<void> {
  const box = await page.getByTestId('affect-grid').boundingBox();
  if (!box) throw new Error('no affect grid');
  await page.mouse.click(box.x + ((valence + 1) / 2) * box.width, box.y + ((1 - arousal) / 2) * box.height);
}
