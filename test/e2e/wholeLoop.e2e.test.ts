/**
 * The whole loop of the studio in Chromium, through the UI only, on WolfgangLanger_Pexels.mp4: create a
 * project, import, analyse, label three frames on the grid, see predictions fill the timeline, open a
 * suggestion and label it, undo, redo, reload and find everything still there, then see a label saved elsewhere
 * show up with its predictions and suggestions. A screenshot per step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../support/apiCall';
import {
  clickGrid as clickGridOn,
  createProjectThroughUi,
  openStudioInChromium,
  SCREENSHOTS,
  type StudioInChromium,
} from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';
import type { VideoPredictions } from '../../src-main/api/contract';
import { decodePredictions } from '../../src-renderer/api/predictionCodec';

const VIDEO = testVideo('WolfgangLanger_Pexels.mp4');

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
const projectsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-loop-'));
const project = path.join(projectsRoot, 'Loop study');

type Label = { frameIndex: number; valence: number; arousal: number };
const ids = async () => {
  const videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  const annotatorId = (await call<{ id: number; kind: string }[]>('annotators.list', { project })).find((a) => a.kind === 'human')?.id as number;
  return { project, videoId, personId: 1, annotatorId };
};
const labels = async () => call<Label[]>('labels.list', { project, videoId: (await ids()).videoId, personId: 1 });
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `loop-${name}.png`) });
const readout = () => page.getByTestId('frame-readout').textContent();
const labelCount = async () => Number(/(\d+) labels/.exec((await page.locator('.undo-state').textContent()) ?? '')?.[1]);

const clickGrid = (valence: number, arousal: number) => clickGridOn(page, valence, arousal);

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
});

afterAll(() => studio?.close());

describe('the whole labelling loop in Chromium', () => {
  it('creates a project, imports the video and finds its faces', { timeout: 120_000 }, async () => {
    await page.goto(studio.server.url);
    await createProjectThroughUi(page, 'Loop study', projectsRoot);
    await page.getByLabel('Paths to import').fill(VIDEO);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByTestId('faces-status').first().textContent(), { timeout: 100_000, interval: 500 }).toMatch(/of 472 frames/);
    await shot('1-imported-and-analysed');
  });

  it('labels three frames on the grid and sees predictions fill the timeline', async () => {
    await page.locator('.video-open').first().click();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    // A click sets the value and Enter saves it (then goes on to a suggested frame: Home comes back).
    await clickGrid(-0.4, -0.2);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    for (let i = 0; i < 20; i++) await page.keyboard.press('Shift+ArrowRight');
    await clickGrid(-0.6, 0.5);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    for (let i = 0; i < 40; i++) await page.keyboard.press('Shift+ArrowRight');
    await clickGrid(0.8, 0.4);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labels()).map((l) => l.frameIndex)).toEqual([0, 200, 400]);
    await expect.poll(() => page.getByTestId('model-panel').textContent()).toContain('3 labels');
    const predictions = decodePredictions(await call<VideoPredictions>('predictions.get', await ids()), null);
    expect(predictions.anchors).toBe(3);
    expect(predictions.valence.filter((v) => !Number.isNaN(v)).length).toBeGreaterThan(400);
    await shot('2-predictions');
  });

  it('opens a suggestion and labels it', async () => {
    // Suggestions follow the edits once they pause: read them when they are up to date.
    await expect.poll(() => page.getByTestId('suggestions').getAttribute('aria-busy')).toBe('false');
    const first = page.locator('.suggestion').first();
    const frame = Number(/frame (\d+)/.exec((await first.locator('.suggestion-frame').textContent()) ?? '')?.[1]);
    expect(Number.isInteger(frame)).toBe(true);
    await first.click();
    await expect.poll(readout).toContain(`frame ${frame} /`);
    await clickGrid(0.2, 0.1);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labels()).map((l) => l.frameIndex)).toContain(frame);
    await expect.poll(labelCount).toBe(4);
    await shot('3-suggestion-labelled');
  });

  it('undoes and redoes that label', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels()).length).toBe(3);
    await shot('4-undone');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await labels()).length).toBe(4);
    await expect.poll(labelCount).toBe(4);
    await shot('5-redone');
  });

  it('accepts the prediction over a range of frames, and undoes that in one step', async () => {
    await page.keyboard.press('Home');
    await page.getByTestId('accept-range').getByRole('button', { name: 'Accept' }).click();
    await expect.poll(async () => (await labels()).length).toBe(28);
    const accepted = (await call<{ frameIndex: number; origin: string }[]>('labels.list', { project, videoId: (await ids()).videoId, personId: 1 })).filter(
      (l) => l.origin === 'accepted_prediction',
    );
    expect(accepted.map((l) => l.frameIndex)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    await shot('6-accepted-range');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await labels()).length).toBe(4);
  });

  it('finds everything still there after a reload', async () => {
    const before = await labels();
    await page.reload();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(labelCount).toBe(4);
    await expect.poll(() => page.getByTestId('model-panel').textContent()).toContain('4 labels');
    // The range to accept starts at the restored frame, not at a video whose length was not known yet.
    expect(await page.locator('input[name=accept-to]').inputValue()).toBe('24');
    expect(await labels()).toEqual(before);
    await shot('7-reloaded');
  });

  it('follows a label saved elsewhere: the count, the predictions and the suggestions update without a click', async () => {
    const suggested = async () => (await page.locator('.suggestion-frame').allTextContents()).map((text) => Number(/frame (\d+)/.exec(text)?.[1]));
    await expect.poll(() => page.getByTestId('suggestions').getAttribute('aria-busy')).toBe('false');
    const [frame] = await suggested();
    expect(Number.isInteger(frame)).toBe(true);
    // Another window (or the CLI through a second client) labels the first suggested frame.
    await call('labels.apply', { ...(await ids()), origin: 'manual', sets: [{ frameIndex: frame, valence: -0.5, arousal: 0.3 }] });
    await expect.poll(labelCount).toBe(5);
    await expect.poll(() => page.getByTestId('model-panel').textContent()).toContain('5 labels');
    await expect.poll(suggested).not.toContain(frame);
    await shot('8-labelled-elsewhere');
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
