/**
 * The labelling workspace in Chromium on a real video: label frames on the affect grid, move through the
 * video by keyboard, undo and redo, record a live trace, reload and find everything still there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../support/apiCall';
import { clickGrid as clickGridOn, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';

const VIDEO = testVideo('WolfgangLanger_Pexels.mp4');

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let project: string;
let videoId: number;

type StoredLabel = { frameIndex: number; valence: number; arousal: number; origin: string };
const storedLabels = () => call<StoredLabel[]>('labels.list', { project, videoId, personId: 1 });
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `labelling-${name}.png`) });

const clickGrid = (valence: number, arousal: number) => clickGridOn(page, valence, arousal);

async function labelCount(): Promise<number> {
  const text = (await page.locator('.undo-state').textContent()) ?? '';
  return Number(/(\d+) labels/.exec(text)?.[1]);
}

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-label-')), 'study');
  await call('projects.create', { dir: project, name: 'Labelling study' });
  const { jobId } = await call<{ jobId: string }>('videos.import', { project, paths: [VIDEO] });
  for (let i = 0; i < 300; i++) {
    const jobs = await call<{ jobId: string; state: string }[]>('jobs.list', { project });
    if (jobs.find((job) => job.jobId === jobId)?.state === 'done') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
}, 120_000);

afterAll(() => studio?.close());

describe('labelling in Chromium', () => {
  it('opens the workspace straight from a link to the video, showing frame 0', async () => {
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(() => page.getByTestId('frame-readout').textContent()).toContain('frame 0 / 471');
    await shot('1-open');
  });

  it('labels three frames on the grid, stepping by keyboard between them', async () => {
    await clickGrid(0.6, 0.4);
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await clickGrid(-0.5, 0.7);
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('ArrowRight');
    await clickGrid(0, -0.6);
    // Keyboard nudge then Enter re-saves the same frame with the nudged value.
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('frame-readout').textContent()).toContain('frame 71 / 471');
    await expect.poll(async () => (await storedLabels())[2]?.valence).toBeCloseTo(0.1, 2);
    await expect.poll(labelCount).toBe(3);
    const labels = await storedLabels();
    expect(labels.map((l) => l.frameIndex)).toEqual([0, 20, 71]);
    expect(labels[0]?.valence).toBeCloseTo(0.6, 1);
    expect(labels[1]?.arousal).toBeCloseTo(0.7, 1);
    expect(labels[2]?.valence).toBeCloseTo(0.1, 1);
    await shot('2-three-labels');
  });

  it('undoes and redoes with the keyboard, saving each step at once', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels())[2]?.valence).toBeCloseTo(0, 1);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).length).toBe(2);
    await shot('3-undone');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await storedLabels())[2]?.valence).toBeCloseTo(0.1, 1);
    await expect.poll(labelCount).toBe(3);
    await shot('4-redone');
  });

  it('deletes the label on a frame and brings it back with undo', async () => {
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([20, 71]);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([0, 20, 71]);
  });

  it('records a live trace from the grid while the video plays', async () => {
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+ArrowLeft');
    for (let i = 0; i < 9; i++) await page.keyboard.press('Shift+ArrowLeft');
    const box = await page.getByTestId('affect-grid').boundingBox();
    if (!box) throw new Error('no grid');
    await page.keyboard.press('l');
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2);
    await page.keyboard.press('Space');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6, { steps: 20 });
    await expect.poll(async () => (await storedLabels()).filter((l) => l.origin === 'live').length, { timeout: 20_000 }).toBeGreaterThan(20);
    await page.keyboard.press('Space');
    await page.keyboard.press('l');
    await shot('5-live-trace');
  });

  it('finds everything still there after a reload', async () => {
    const before = await storedLabels();
    const shown = await labelCount();
    await page.reload();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(labelCount).toBe(shown);
    expect(await storedLabels()).toEqual(before);
    expect(before.length).toBe(shown);
    await shot('6-reloaded');
  });

  it('shows the keyboard shortcuts sheet with ?', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    expect(await page.getByTestId('shortcuts').textContent()).toContain('undo / redo');
    await shot('7-shortcuts');
    await page.keyboard.press('Escape');
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
