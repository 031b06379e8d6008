/**
 * Facial-action traces in Chromium at 1366x768: a real video (a woman crossfading neutral <-> smiling every 4 s,
 * imported and analysed by the real pipeline) with facial actions stored as a version 2 analysis stores them
 * (test/support/faceActionsOnVideo.ts: the smile follows the crossfade), drawn as lanes in the timeline canvas
 * under the V/A lanes, which stay on screen; the lanes are chosen in the window and the choice is the project's;
 * a video analysed before facial actions says so in its lane; and the person lanes, now in the canvas, pick a
 * person when clicked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../support/apiCall';
import { endedJob } from '../support/apiJobs';
import { addFaceActions } from '../support/faceActionsOnVideo';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';
import { addSecondPerson } from '../support/twoPersons';
import { PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import type { VideoId } from '../../src-main/core/ids';

const FPS = 24000 / 1001;
/** The smiling photo's weight in the clip's crossfade at a frame (testMedia.ts: 0.5 - 0.5 cos(2 pi t / 4)). */
const smiling = (frame: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * frame) / FPS / 4);

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let project: string;
let smileVideo: number;
let oldVideo: number;

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `traces-${name}.png`) });
const openVideo = async (videoId: number) => {
  await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
  await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
};

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-traces-')), 'study');
  await call('projects.create', { dir: project, name: 'Facial actions' });
  const { jobId } = await call<{ jobId: string }>('videos.import', { project, paths: [testVideo('WolfgangLanger_Pexels.mp4'), testVideo('single_face.mp4')] });
  await endedJob(call, project, jobId);
  for (const job of await call<{ jobId: string }[]>('jobs.list', { project })) await endedJob(call, project, job.jobId, 300_000);
  const videos = await call<{ id: number; displayName: string }[]>('videos.list', { project });
  smileVideo = videos.find((v) => v.displayName.startsWith('WolfgangLanger'))?.id as number;
  oldVideo = videos.find((v) => v.displayName.startsWith('single_face'))?.id as number;
  addFaceActions(path.join(project, PROJECT_DB_FILE), smileVideo as VideoId, (frame) => ({
    mouthSmileLeft: 0.05 + 0.85 * smiling(frame),
    mouthSmileRight: 0.05 + 0.8 * smiling(frame),
    jawOpen: 0.05 + 0.25 * smiling(frame),
    browInnerUp: 0.1 + 0.1 * Math.sin(frame / 30),
    browDownLeft: 0.15 * (1 - smiling(frame)),
    browDownRight: 0.15 * (1 - smiling(frame)),
    // A blink of four frames every 3 s.
    eyeBlinkLeft: frame % 72 < 4 ? 0.9 : 0.05,
    eyeBlinkRight: frame % 72 < 4 ? 0.85 : 0.05,
    cheekPuff: 0.2,
  }));
}, 420_000);

afterAll(() => studio?.close());

describe('facial-action lanes in Chromium', () => {
  it('draws the five default traces under the V/A lanes, all on screen at 1366x768', async () => {
    await openVideo(smileVideo);
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.getAttribute('data-action-lanes')).toBe('5');
    const box = await timeline.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(768);
    expect(await page.getByTestId('frame-canvas').isVisible()).toBe(true);
    await shot('1-default-lanes');
    expect(studio.problems).toEqual([]);
  });

  it('chooses the lanes in the window, as a project setting', async () => {
    await page.getByTestId('trace-chooser').locator('summary').click();
    await page.getByRole('checkbox', { name: 'Eye blink' }).uncheck();
    await expect.poll(async () => (await call<{ chosen: { id: string }[] }>('actions.choice', { project })).chosen.map((t) => t.id)).toEqual(['smile', 'browRaise', 'browLower', 'jawOpen']);
    await page.getByRole('checkbox', { name: 'cheekPuff' }).check();
    await expect.poll(async () => (await call<{ chosen: { id: string }[] }>('actions.choice', { project })).chosen.map((t) => t.id)).toEqual(['smile', 'browRaise', 'browLower', 'jawOpen', 'cheekPuff']);
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-action-lanes')).toBe('5');
    await shot('2-chooser-open');
    await page.getByTestId('trace-chooser').locator('summary').click();
    // Zoomed in, the lanes follow the timeline's zoom with the V/A lanes.
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    await shot('3-zoomed');
    expect(studio.problems).toEqual([]);
  });

  it('says a video analysed before facial actions has none, and picks a person by their lane in the canvas', async () => {
    addSecondPerson(path.join(project, PROJECT_DB_FILE), oldVideo as VideoId, { from: 20, to: 60 });
    await openVideo(oldVideo);
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.getAttribute('data-actions-unavailable')).toBe('no facial actions: analyse again');
    await expect.poll(() => timeline.getAttribute('data-person-lanes')).toBe('2');
    await shot('4-analyse-again-two-persons');
    const box = await timeline.boundingBox();
    if (!box) throw new Error('no timeline');
    // The person lanes sit under the thumbnails (30 px) and the ruler (20 px), 14 px each: person 2's is the second.
    await page.mouse.click(box.x + box.width / 2, box.y + 30 + 20 + 14 + 7);
    await expect.poll(() => page.getByTestId('person-picker').inputValue()).toBe('2');
    expect(studio.problems).toEqual([]);
  });
});
