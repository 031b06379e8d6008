/**
 * The project page offers "Analyse again for facial actions" for videos analysed under an older descriptor
 * contract, and the button queues their analysis through the API. The video is analysed here by the real
 * analysis (version 2, nothing to offer), then made an analysis from before facial actions (version 1), offered
 * again, and analysed again from the offer, after which the offer is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asAnalysedBeforeActions } from '../support/faceActionsOnVideo';
import { testVideo } from '../support/testMedia';
import { PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import type { VideoId } from '../../src-main/core/ids';
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
  it('names the videos analysed under an older descriptor, queues their analysis, and is gone once it ran', { timeout: 300_000 }, async () => {
    const descriptors = () => studio.call<{ olderVideos: { videoId: number; descriptorVersion: number }[] }>('analysis.descriptors', { project });
    const openProject = async () => {
      await page.goto(studio.server.url);
      await page.locator('.recent-open').first().click();
      await page.getByTestId('project-view').waitFor();
    };
    const offer = page.getByTestId('reanalysis-offer');
    // Analysis reads facial actions (descriptor version 2): nothing to offer.
    expect((await descriptors()).olderVideos).toEqual([]);
    await openProject();
    expect(await offer.count()).toBe(0);

    const [video] = await studio.call<{ id: number }[]>('videos.list', { project });
    asAnalysedBeforeActions(path.join(project, PROJECT_DB_FILE), video?.id as VideoId);
    expect((await descriptors()).olderVideos).toEqual([{ videoId: video?.id, descriptorVersion: 1 }]);
    await openProject();
    await offer.waitFor();
    await expect.poll(() => offer.textContent()).toContain('single_face.mp4');
    expect(await offer.textContent()).toContain('1 video was analysed before facial actions');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'reanalysis-offer.png') });
    const analyses = async () => (await studio.call<Job[]>('jobs.list', { project })).filter((j) => j.kind === 'analyze');
    const before = (await analyses()).length;
    await page.getByTestId('reanalyse-for-actions').click();
    await expect.poll(async () => (await analyses()).length, { timeout: 20_000 }).toBe(before + 1);
    await vi.waitFor(async () => expect((await analyses()).every((j) => j.state === 'done')).toBe(true), { timeout: 200_000, interval: 500 });
    expect((await descriptors()).olderVideos).toEqual([]);
    await openProject();
    expect(await offer.count()).toBe(0);
    expect(studio.problems).toEqual([]);
  });
});
