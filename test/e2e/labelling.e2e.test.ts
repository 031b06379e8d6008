/**
 * The labelling workspace in Chromium on a real, analysed video: the grid edits a draft that only Enter saves
 * (one label, one undo step), moving to a frame starts from that frame's own label or prediction, accepting a
 * prediction is its own deliberate step, undo history stays with its video, a second rater is added, renamed and
 * switched to, blind mode hides the other rater's layer; then delete, a live trace, a reload, the shortcuts sheet.
 * Screenshots at 1366x768 (the size the studio is opened at) and at 1920x1080.
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
const SECOND_VIDEO = testVideo('single_face.mp4');

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let project: string;
let videoId: number;
let ana: number;

type StoredLabel = { frameIndex: number; valence: number; arousal: number; origin: string; annotatorId: number };
const storedLabels = (annotatorId = ana, video = videoId) => call<StoredLabel[]>('labels.list', { project, videoId: video, personId: 1, annotatorId });
const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `labelling-${name}.png`) });
const clickGrid = (valence: number, arousal: number) => clickGridOn(page, valence, arousal);
const grid = () => page.getByTestId('affect-grid');
const draftKind = () => grid().getAttribute('data-draft');
const readout = () => page.getByTestId('frame-readout').textContent();
const undoState = async () => (await page.locator('.undo-state').textContent()) ?? '';
const frameShown = async () => Number(/frame (\d+) \//.exec((await readout()) ?? '')?.[1]);

async function labelCount(): Promise<number> {
  return Number(/(\d+) labels?\b/.exec(await undoState())?.[1]);
}

async function waitForJobs(count: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const jobs = await call<{ state: string }[]>('jobs.list', { project });
    if (jobs.length >= count && jobs.every((job) => job.state === 'done')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the import and analysis did not finish');
}

async function openVideo(name: string): Promise<void> {
  await page.getByRole('button', { name: '← Videos' }).click();
  await page.getByRole('button', { name, exact: true }).click();
  await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
}

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-label-')), 'study');
  await call('projects.create', { dir: project, name: 'Labelling study' });
  // The first video is analysed (its frames get predictions); the second only has to be labelable.
  await call('videos.import', { project, paths: [VIDEO] });
  await call('videos.import', { project, paths: [SECOND_VIDEO], analyze: false });
  await waitForJobs(3);
  videoId = (await call<{ id: number; displayName: string }[]>('videos.list', { project })).find((v) => v.displayName === 'WolfgangLanger_Pexels.mp4')?.id as number;
  ana = (await call<{ id: number }>('annotators.add', { project, name: 'Ana' })).id;
}, 300_000);

afterAll(() => studio?.close());

describe('labelling in Chromium', () => {
  it('opens the workspace straight from a link to the video, showing frame 0', async () => {
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(readout).toContain('frame 0 / 471');
    expect(await page.getByTestId('current-rater').textContent()).toContain('Labelling as Ana');
    await shot('1-open');
  });

  it('a click on the grid only sets the draft; Enter saves it, once, as one undo step', async () => {
    await clickGrid(0.6, 0.4);
    await expect.poll(draftKind).toBe('edited');
    expect(await grid().getAttribute('aria-valuetext')).toMatch(/valence 0\.6\d?, arousal 0\.[34]\d? \(not saved\)/);
    expect(await page.getByTestId('draft-state').textContent()).toContain('Not saved yet: Enter saves it');
    await shot('2-draft-not-saved');
    expect(await storedLabels()).toEqual([]);
    expect(await undoState()).toBe('0 labels · undo 0 · redo 0');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await storedLabels()).length).toBe(1);
    const [label] = await storedLabels();
    expect(label).toMatchObject({ frameIndex: 0, origin: 'manual' });
    expect(label?.valence).toBeCloseTo(0.6, 1);
    await expect.poll(undoState).toBe('1 label · undo 1 · redo 0');
    // Enter went on to the next suggested frame, where the draft is that frame's prediction, not the value saved.
    await expect.poll(frameShown).not.toBe(0);
    expect(await draftKind()).toBe('predicted');
  });

  it("moving to a frame starts from that frame's label or prediction, never the value of the frame before", async () => {
    await page.keyboard.press('Home');
    await expect.poll(draftKind).toBe('saved');
    await page.keyboard.press('ArrowRight');
    await expect.poll(readout).toContain('frame 1 /');
    await expect.poll(draftKind).toBe('predicted');
    const predicted = await grid().getAttribute('aria-valuetext');
    expect(predicted).toMatch(/\(predicted\)$/);
    await page.getByTestId('grid-prediction').waitFor();
    expect(await page.getByTestId('save-label').textContent()).toBe('Accept (Enter)');
    expect(await page.getByTestId('draft-state').textContent()).toContain('Enter accepts it as the label');
    await shot('3-prediction-draft');
    // An edit that is not saved is dropped on moving on: nothing is saved and the next frame is not given its value.
    await clickGrid(-0.8, -0.8);
    await expect.poll(draftKind).toBe('edited');
    await page.keyboard.press('ArrowRight');
    await expect.poll(readout).toContain('frame 2 /');
    await expect.poll(draftKind).toBe('predicted');
    expect(await grid().getAttribute('aria-valuetext')).not.toMatch(/valence -0\.8/);
    expect((await storedLabels()).map((l) => l.frameIndex)).toEqual([0]);
  });

  it('accepting a prediction is one deliberate Enter: it stays on the frame, and Enter again saves nothing more', async () => {
    await page.keyboard.press('ArrowLeft');
    await expect.poll(draftKind).toBe('predicted');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await storedLabels()).map((l) => [l.frameIndex, l.origin])).toEqual([
      [0, 'manual'],
      [1, 'accepted_prediction'],
    ]);
    await expect.poll(draftKind).toBe('saved');
    expect(await frameShown()).toBe(1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(undoState).toBe('2 labels · undo 2 · redo 0');
    expect(await storedLabels()).toHaveLength(2);
    expect(await frameShown()).toBe(1);
    expect(await page.getByTestId('save-label').isDisabled()).toBe(true);
  });

  it('undoes and redoes one saved label per step', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([0]);
    await expect.poll(draftKind).toBe('predicted');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).length).toBe(0);
    await expect.poll(undoState).toBe('0 labels · undo 0 · redo 2');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([0, 1]);
    await expect.poll(undoState).toBe('2 labels · undo 2 · redo 0');
  });

  it('keeps each video its own undo history: another video and back, undo still works', async () => {
    await openVideo('single_face.mp4');
    const second = (await call<{ id: number; displayName: string }[]>('videos.list', { project })).find((v) => v.displayName === 'single_face.mp4')?.id as number;
    // Not analysed: no prediction, so the draft starts empty and Enter has nothing to save.
    await expect.poll(draftKind).toBe('empty');
    expect(await undoState()).toBe('0 labels · undo 0 · redo 0');
    await page.keyboard.press('Enter');
    await clickGrid(-0.3, 0.5);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await storedLabels(ana, second)).length).toBe(1);
    await expect.poll(undoState).toBe('1 label · undo 1 · redo 0');
    await openVideo('WolfgangLanger_Pexels.mp4');
    await expect.poll(undoState).toBe('2 labels · undo 2 · redo 0');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([0]);
    // The other video's label was not touched by that undo.
    expect(await storedLabels(ana, second)).toHaveLength(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await storedLabels()).length).toBe(2);
  });

  it('adds a second rater, labels as them, shows who labelled the frame and when, and switches back', async () => {
    await page.keyboard.press('Home');
    await page.getByLabel('New annotator name').fill('Ben');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('current-rater').textContent()).toContain('Labelling as Ben');
    const raters = page.getByTestId('raters');
    expect(await raters.locator('[data-rater=Ben] input[type=radio]').isChecked()).toBe(true);
    expect(await raters.locator('[data-rater=Ana] .rater-count').textContent()).toBe('2 labels');
    expect(await raters.locator('[data-rater=Ben] .rater-count').textContent()).toBe('0 labels');
    // Ben starts from Ana's frame 0 with his own (empty) layer and history.
    await expect.poll(undoState).toBe('0 labels · undo 0 · redo 0');
    expect(await draftKind()).not.toBe('saved');
    await clickGrid(-0.2, 0.3);
    await page.keyboard.press('Enter');
    const ben = (await call<{ id: number; name: string }[]>('annotators.list', { project })).find((a) => a.name === 'Ben')?.id as number;
    await expect.poll(async () => (await storedLabels(ben)).map((l) => l.frameIndex)).toEqual([0]);
    expect((await storedLabels()).map((l) => l.frameIndex)).toEqual([0, 1]);
    await page.keyboard.press('Home');
    const whoLabelled = page.getByTestId('frame-labels').locator('li');
    await expect.poll(() => whoLabelled.allTextContents()).toHaveLength(2);
    const [own, other] = await whoLabelled.allTextContents();
    expect(own).toMatch(/^Ben V -0\.2\d?, A 0\.3\d? · set by hand · .*\d:\d\d/);
    expect(other).toMatch(/^Ana V 0\.6\d?, A 0\.[34]\d? · set by hand · .*\d:\d\d/);
    await shot('4-two-raters');
    await raters.locator('[data-rater=Ana] input[type=radio]').check();
    await expect.poll(() => page.getByTestId('current-rater').textContent()).toContain('Labelling as Ana');
    expect((await call<{ activeAnnotatorId: number }>('annotators.view', { project })).activeAnnotatorId).toBe(ana);
    // Ana's history came back with her layer.
    await expect.poll(undoState).toBe('2 labels · undo 2 · redo 0');
  });

  it('renames a rater in place', async () => {
    await page.getByRole('button', { name: 'Rename Ben' }).click();
    const input = page.getByLabel('New name for Ben');
    await input.fill('Ben Okafor');
    await input.press('Enter');
    await page.getByTestId('raters').locator('[data-rater="Ben Okafor"]').waitFor();
    expect((await call<{ name: string }[]>('annotators.list', { project })).map((a) => a.name)).toEqual(['Ana', 'Ben Okafor']);
  });

  it("blind mode, a project setting, shows each rater only their own labels", async () => {
    await page.getByTestId('raters').getByLabel('Blind mode').check();
    await expect.poll(async () => call('annotators.view', { project })).toEqual({ activeAnnotatorId: ana, blind: true });
    await expect.poll(() => page.getByTestId('frame-labels').locator('li').allTextContents()).toEqual([expect.stringMatching(/^Ana /)]);
    expect(await page.getByTestId('raters').locator('[data-rater="Ben Okafor"] .rater-count').textContent()).toBe('hidden (blind)');
    expect(await page.getByTestId('current-rater').textContent()).toContain('· blind');
    await shot('5-blind');
    await page.getByTestId('raters').getByLabel('Blind mode').uncheck();
    await expect.poll(async () => call('annotators.view', { project })).toEqual({ activeAnnotatorId: ana, blind: false });
    await expect.poll(() => page.getByTestId('frame-labels').locator('li').count()).toBe(2);
  });

  it('deletes the label on a frame and brings it back with undo', async () => {
    await page.keyboard.press('Home');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([1]);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await storedLabels()).map((l) => l.frameIndex)).toEqual([0, 1]);
  });

  it('records a live trace from the grid while the video plays', async () => {
    await page.keyboard.press('End');
    for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+ArrowLeft');
    const box = await grid().boundingBox();
    if (!box) throw new Error('no grid');
    await page.keyboard.press('l');
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.2);
    await page.keyboard.press('Space');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6, { steps: 20 });
    await expect.poll(async () => (await storedLabels()).filter((l) => l.origin === 'live').length, { timeout: 20_000 }).toBeGreaterThan(20);
    await page.keyboard.press('Space');
    await page.keyboard.press('l');
    await shot('6-live-trace');
  });

  it('finds everything still there after a reload', async () => {
    await expect.poll(async () => (await storedLabels()).length).toBe(await labelCount());
    const before = await storedLabels();
    await page.reload();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(labelCount).toBe(before.length);
    expect(await storedLabels()).toEqual(before);
  });

  it('fits the window at 1366x768 and at 1920x1080: both timeline lanes and the label controls on screen', async () => {
    for (const [width, height] of [
      [1366, 768],
      [1920, 1080],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      await expect.poll(draftKind).toBe('saved');
      for (const part of [page.locator('.timeline-canvas'), grid(), page.getByTestId('save-label'), page.getByTestId('raters')]) {
        const box = await part.boundingBox();
        expect(box && box.y >= 0 && box.y + box.height <= height, `${String(part)} at ${width}x${height}`).toBe(true);
      }
      await shot(`7-window-${width}x${height}`);
    }
    await page.setViewportSize({ width: 1366, height: 768 });
  });

  it('shows the keyboard shortcuts sheet with ?', async () => {
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    expect(await page.getByTestId('shortcuts').textContent()).toContain('undo / redo');
    await shot('8-shortcuts');
    await page.keyboard.press('Escape');
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
