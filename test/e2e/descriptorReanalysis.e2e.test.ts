/**
 * The project page offers "Analyse again for facial actions" for videos analysed under an older descriptor
 * contract, and the button queues their analysis through the API. The video was analysed here by the real
 * analysis; until every video's analysis reads facial actions, it is of version 1 and so offered again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testVideo } from '../support/testMedia';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';

let studio: StudioInChromium;
let page: Page;
const project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-reanalysis-')), 'study');

type Job = { jobId: string; kind: string; state: string };

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
  const { call } = studio;
  const finished = (jobId: string) =>
    vi.waitFor(async () => expect((await call<Job[]>('jobs.list', { project })).find((j) => j.jobId === jobId)?.state).toBe('done'), { timeout: 200_000, interval: 500 });
  await call('projects.create', { dir: project, name: 'Actions study' });
  await finished((await call<{ jobId: string }>('videos.import', { project, paths: [testVideo('single_face.mp4')] })).jobId);
  // The import analyses the video itself; wait for that analysis rather than queueing a second one.
  await vi.waitFor(async () => expect((await call<Job[]>('jobs.list', { project })).filter((j) => j.kind === 'analyze' && j.state === 'done').length).toBe(1), { timeout: 200_000, interval: 500 });
}, 300_000);

afterAll(() => studio?.close());

describe('the offer to analyse again for facial actions', () => {
  it('names the videos analysed under an older descriptor and queues their analysis', { timeout: 200_000 }, async () => {
    const status = await studio.call<{ olderVideos: { videoId: number; descriptorVersion: number }[] }>('analysis.descriptors', { project });
    await page.goto(studio.server.url);
    await page.locator('.recent-open').first().click();
    await page.getByTestId('project-view').waitFor();
    const offer = page.getByTestId('reanalysis-offer');
    if (status.olderVideos.length === 0) {
      // Analysis already reads facial actions (descriptor version 2): nothing to offer.
      expect(await offer.count()).toBe(0);
      return;
    }
    await offer.waitFor();
    await expect.poll(() => offer.textContent()).toContain('single_face.mp4');
    expect(await offer.textContent()).toContain('1 video was analysed before facial actions');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reanalysis-offer.png') });
    const analyses = async () => (await studio.call<Job[]>('jobs.list', { project })).filter((j) => j.kind === 'analyze').length;
    const before = await analyses();
    await page.getByTestId('reanalyse-for-actions').click();
    await expect.poll(analyses, { timeout: 20_000 }).toBe(before + 1);
    expect(studio.problems).toEqual([]);
  });
});
