/**
 * A video that ends before its stated duration, imported through the UI in Chromium: the video table shows where
 * the file ends, on that video's row only, and the import job's summary counts the warning.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDecodedFrames, makeTestVideo, makeTruncatedVideo, TRUNCATED_FPS } from '../support/testMedia';
import { createProjectThroughUi, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';

let studio: StudioInChromium;

beforeAll(async () => {
  studio = await openStudioInChromium();
  await studio.page.goto(studio.server.url);
  await createProjectThroughUi(studio.page, 'Damaged media', fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-projects-')));
});

afterAll(() => studio?.close());

describe('a video that ends early, in the video table', () => {
  it('imports and shows "the file ends at ... of 15.3 s" beside its status', async () => {
    const { page } = studio;
    const media = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-media-'));
    const truncated = makeTruncatedVideo(media, 'session-07-cut.mp4');
    const whole = makeTestVideo(path.join(media, 'session-08.mp4'), 4);
    await page.getByLabel('Paths to import').fill([truncated, whole].join('\n'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid=videos] .badge-ready').count(), { timeout: 60_000 }).toBe(2);

    const endsAt = (countDecodedFrames(truncated) / TRUNCATED_FPS).toFixed(1);
    const warnings = page.getByTestId('video-warning');
    await expect.poll(() => warnings.count()).toBe(1);
    expect(await warnings.textContent()).toBe(`the file ends at ${endsAt} s of 15.3 s: the rest does not decode (truncated or damaged?)`);
    expect(await page.locator(`[data-testid=videos] tr:has-text("session-07-cut.mp4") [data-testid=video-warning]`).count()).toBe(1);
    const importJob = page.locator('[data-testid=jobs] .job:has(.job-title:text-is("Importing videos")) .job-state');
    await expect.poll(() => importJob.allTextContents(), { timeout: 30_000 }).toEqual(['done: 2 imported, 1 with a warning']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'video-ends-early.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
