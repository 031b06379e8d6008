/**
 * Facial-action traces in Chromium at 1366x768: a real video (a woman crossfading neutral <-> smiling every 4 s,
 * imported and analysed by the real pipeline, which reads its facial actions with the blendshape model: the smile
 * trace the API returns follows the crossfade), drawn as lanes in the timeline canvas
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
import { asAnalysedBeforeActions } from '../support/faceActionsOnVideo';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { testVideo } from '../support/testMedia';
import { addSecondPerson } from '../support/twoPersons';
import { PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import type { VideoId } from '../../src-main/core/ids';

const FPS = 24000 / 1001;
/** The smiling photo's weight in the clip's crossfade at a frame (testMedia.ts: 0.5 - 0.5 cos(2 pi t / 4)). */
const smiling = (frame: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * frame) / FPS / 4);

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0, aa = 0, bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * ((b[i] as number) - mb);
    aa += (x - ma) ** 2;
    bb += ((b[i] as number) - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

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
  // The smile video keeps the facial actions its analysis read; the other one is made an analysis from before them.
  asAnalysedBeforeActions(path.join(project, PROJECT_DB_FILE), oldVideo as VideoId);
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
    // The real blendshape model's smile follows the crossfade to the smiling photo.
    const result = await call<{ traces: { id: string; values: string }[] }>('actions.traces', { project, videoId: smileVideo, traces: ['smile'] });
    const bytes = Buffer.from(result.traces[0]?.values ?? '', 'base64');
    const smile = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    const frames = [...smile.keys()].filter((f) => Number.isFinite(smile[f]));
    expect(frames.length).toBeGreaterThan(smile.length * 0.9);
    expect(correlation(frames.map((f) => smile[f] as number), frames.map(smiling))).toBeGreaterThan(0.8);
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
