/**
 * Two people in one video, in Chromium: both persons' boxes show by default with name and colour, clicking the
 * second person's face picks them, each person is labelled on the grid, and an export keeps the two apart.
 * The video is a real one, imported and analysed by the real pipeline (its face is person 1); the second
 * person's faces are written by the twoPersons test helper, as analysis will link them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../support/apiCall';
import { endedJob, jobResultOf } from '../support/apiJobs';
import { clickGrid, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { TEST_CLIPS, testVideo } from '../support/testMedia';
import { addSecondPerson, SECOND_PERSON_BOX } from '../support/twoPersons';
import { PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import { parseCsv } from '../../src-main/core/io/csv';
import type { VideoId } from '../../src-main/core/ids';

// The functions given to page.evaluate run in the page; the Node program has no DOM types, so these name the
// little of the page they use.
declare const document: { querySelector(selector: string): unknown };
declare function requestAnimationFrame(callback: () => void): number;

const VIDEO = testVideo('single_face.mp4');
const { width, height } = TEST_CLIPS['single_face.mp4'];

let studio: StudioInChromium;
let page: Page;
let call: ApiCall;
let project: string;
let videoId: number;

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `persons-${name}.png`), fullPage: true });
const labelsOf = (personId: number) => call<{ frameIndex: number; valence: number; personId: number }[]>('labels.list', { project, videoId, personId });

/** Clicks a point of the frame given in video pixels (the frame is drawn letterboxed in its canvas). */
async function clickVideoPoint(x: number, y: number): Promise<void> {
  const box = await page.getByTestId('frame-canvas').boundingBox();
  if (!box) throw new Error('no frame canvas');
  const k = Math.min(box.width / width, box.height / height);
  await page.mouse.click(box.x + (box.width - width * k) / 2 + x * k, box.y + (box.height - height * k) / 2 + y * k);
}

beforeAll(async () => {
  studio = await openStudioInChromium();
  ({ page, call } = studio);
  project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-persons-')), 'study');
  await call('projects.create', { dir: project, name: 'Two people' });
  const { jobId } = await call<{ jobId: string }>('videos.import', { project, paths: [VIDEO] });
  await endedJob(call, project, jobId);
  videoId = (await call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
  // The import queued the analysis: wait for every job to end.
  for (const job of await call<{ jobId: string }[]>('jobs.list', { project })) await endedJob(call, project, job.jobId, 180_000);
  addSecondPerson(path.join(project, PROJECT_DB_FILE), videoId as VideoId, { from: 0, to: TEST_CLIPS['single_face.mp4'].frames });
}, 240_000);

afterAll(() => studio?.close());

describe('two people in Chromium', () => {
  it('shows both persons with name and colour, and picks the second by clicking their face', async () => {
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(() => page.getByTestId('person-picker').locator('option').allTextContents()).toEqual(['1 · Person 1', '2 · Person 2']);
    expect(await page.getByRole('checkbox', { name: 'Face boxes' }).isChecked()).toBe(true);
    expect(await page.getByTestId('timeline').getAttribute('data-person-lanes')).toBe('2');
    await shot('1-two-persons');

    // A click sets the draft, Enter saves it.
    await clickGrid(page, 0.6, 0.3);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labelsOf(1)).map((l) => l.frameIndex)).toEqual([0]);
    // Enter goes on to a suggested frame; the second person is picked on frame 0.
    await page.keyboard.press('Home');

    await clickVideoPoint(SECOND_PERSON_BOX.x + SECOND_PERSON_BOX.w / 2, SECOND_PERSON_BOX.y + SECOND_PERSON_BOX.h / 2);
    await expect.poll(() => page.getByTestId('person-picker').inputValue()).toBe('2');
    // The second person has no label yet: the view shows theirs, not person 1's.
    await expect.poll(() => page.locator('.undo-state').textContent()).toContain('0 labels');
    await shot('2-second-person-picked');
  });

  it('labels the second person apart from the first, and an export keeps them apart', async () => {
    await clickGrid(page, -0.5, 0.4);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labelsOf(2)).length).toBe(1);
    await page.keyboard.press('Home');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await clickGrid(page, -0.2, -0.4);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await labelsOf(2)).map((l) => l.frameIndex)).toEqual([0, 10]);
    expect((await labelsOf(1)).map((l) => [l.frameIndex, l.personId])).toEqual([[0, 1]]);
    expect((await labelsOf(2))[0]?.valence).toBeCloseTo(-0.5, 1);

    await page.getByLabel('Name of person 2').fill('child');
    await page.getByLabel('Name of person 2').press('Enter');
    await expect.poll(() => page.getByTestId('person-picker').locator('option').allTextContents()).toEqual(['1 · Person 1', '2 · child']);
    await shot('3-labelled-and-named');

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-persons-out-'));
    await jobResultOf(call, project, 'exports.write', { format: 'csv', folder, name: 'both.csv' });
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(folder, 'both.csv'), 'utf8')).map((r) => r.fields);
    const at = (row: string[], name: string) => row[(header as string[]).indexOf(name)];
    const human = rows.filter((row) => at(row, 'source') === 'human').map((row) => [at(row, 'person_id'), at(row, 'person'), at(row, 'frame')]);
    expect(human).toEqual([['1', 'Person 1', '0'], ['2', 'child', '0'], ['2', 'child', '10']]);
    expect(studio.problems).toEqual([]);
  });

  it("crops the chosen person's face in a dataset export, not the other one's", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-persons-ds-'));
    await jobResultOf(call, project, 'exports.write', { format: 'dataset', folder, name: 'child', videoId, personId: 2, dataset: { cropSize: 64 } });
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(folder, 'child', 'labels.csv'), 'utf8')).map((r) => r.fields);
    const at = (row: string[], name: string) => row[(header as string[]).indexOf(name)] as string;
    expect(rows.map((row) => [at(row, 'person_id'), at(row, 'frame')])).toEqual([['2', '0'], ['2', '10']]);
    // Every crop is centred inside the second person's box, far from the first person's face on the left.
    for (const row of rows) {
      expect(Number(at(row, 'crop_cx'))).toBeGreaterThan(SECOND_PERSON_BOX.x);
      expect(Number(at(row, 'crop_cx'))).toBeLessThan(SECOND_PERSON_BOX.x + SECOND_PERSON_BOX.w);
      expect(fs.existsSync(path.join(folder, 'child', at(row, 'image')))).toBe(true);
    }
  });

  it("draws the persons' boxes over the playing <video> picture, frame by frame", async () => {
    // The persons panel's name field still has the keys: Home must go to the workspace.
    await page.evaluate(() => (document.querySelector(':focus') as { blur(): void } | null)?.blur());
    await page.keyboard.press('Home');
    await expect.poll(() => page.getByTestId('frame-readout').locator('strong').textContent()).toBe('0');
    // Sampled on every animation frame while it plays: the frame shown, whether the <video> element is the picture,
    // and whether the second person's box edge is drawn over it (their colour, #56b4e9, on the overlay).
    const sampling = page.evaluate(
      ({ box, size }) =>
        new Promise<{ frame: number; video: boolean; drawn: boolean }[]>((resolve) => {
          const play = document.querySelector('.transport-play') as unknown as { click(): void };
          const readout = document.querySelector('[data-testid=frame-readout] strong') as unknown as { textContent: string };
          const video = document.querySelector('[data-testid=frame-video]') as unknown as { checkVisibility(): boolean };
          const overlay = document.querySelector('[data-testid=frame-overlay]') as unknown as {
            width: number;
            height: number;
            getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
          };
          const samples: { frame: number; video: boolean; drawn: boolean }[] = [];
          play.click();
          const started = performance.now();
          const sample = () => {
            const k = Math.min(overlay.width / size.width, overlay.height / size.height);
            const x = Math.round((overlay.width - size.width * k) / 2 + (box.x + 3) * k);
            const y = Math.round((overlay.height - size.height * k) / 2 + box.y * k);
            const [r, g, b, a] = overlay.getContext('2d').getImageData(x, y, 1, 1).data;
            const drawn = (a as number) > 200 && Math.abs((r as number) - 0x56) < 30 && Math.abs((g as number) - 0xb4) < 30 && Math.abs((b as number) - 0xe9) < 30;
            samples.push({ frame: Number(readout.textContent), video: video.checkVisibility(), drawn });
            if (performance.now() - started < 1800) requestAnimationFrame(sample);
            else {
              play.click();
              resolve(samples);
            }
          };
          requestAnimationFrame(sample);
        }),
      { box: SECOND_PERSON_BOX, size: { width, height } },
    );
    await new Promise((resolve) => setTimeout(resolve, 900));
    await shot('3-boxes-during-playback');
    const samples = await sampling;
    const playing = samples.filter((s) => s.video);
    // Chromium decodes this H.264 clip itself, so the <video> element is the picture while it plays.
    expect(new Set(playing.map((s) => s.frame)).size).toBeGreaterThan(10);
    // Boxes come a chunk ahead: at most the first samples, before the first chunk arrives, go without them.
    expect(playing.filter((s) => s.drawn).length).toBeGreaterThanOrEqual(playing.length * 0.9);
    expect(new Set(playing.filter((s) => s.drawn).map((s) => s.frame)).size).toBeGreaterThan(10);
    expect(studio.problems).toEqual([]);
  });
});
