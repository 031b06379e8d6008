/**
 * A damaged project in Chromium: it opens (instead of failing later, mid-save), the project view and the
 * workspace both say it is read-only and why, their write controls are disabled with that reason as tooltip
 * (and come back when a `project.access` event says the project became writable), while the labels that are
 * still readable are shown. The video is made by the bundled ffmpeg; a labels page is overwritten with junk.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_JOB, checkImportPaths } from '../../src-main/core/ingest/importJob';
import { resolveFfmpegPaths } from '../../src-main/core/media/ffmpegPaths';
import { ensureAnnotator } from '../../src-main/core/store/annotatorStore';
import type { VideoId } from '../../src-main/core/ids';
import { appendLabels } from '../../src-main/core/store/labelStore';
import { createProject, PROJECT_DB_FILE } from '../../src-main/core/store/projectFolder';
import { READ_WRITE } from '../../src-main/core/store/projectAccess';
import { ProjectSession } from '../../src-main/core/studio/projectSession';
import { damagePages, leafPages } from '../support/syntheticProject';
import { clickGrid, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { FIRST_PERSON } from '../../src-main/core/store/personStore';

let studio: StudioInChromium;
let page: Page;
let project: string;
const FRAMES = 100;
const DISABLED_BECAUSE = /^Read-only: nothing can be saved because its database is damaged/;

/** Whether the control is disabled, and its tooltip. */
async function disabledWithTitle(locator: Locator): Promise<{ disabled: boolean; title: string | null }> {
  return { disabled: await locator.isDisabled(), title: await locator.getAttribute('title') };
}

beforeAll(async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-damaged-'));
  const videos = ['testsrc2', 'smptebars'].map((source, i) => {
    const video = path.join(root, `session-0${i + 1}.mp4`);
    execFileSync(resolveFfmpegPaths().ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', `${source}=size=320x240:rate=25`, '-frames:v', String(FRAMES), '-pix_fmt', 'yuv420p', video]);
    return video;
  });
  project = path.join(root, 'study');
  createProject(project, 'Damaged study');
  const session = ProjectSession.open(project);
  session.jobs.enqueue(IMPORT_JOB, { paths: checkImportPaths(videos) });
  await session.jobs.idle();
  const annotator = ensureAnnotator(session.db, 'Rater A', 'human');
  // Four passes over each video (edits are new rows), video 1 first: the labels span several pages, and the last
  // page holds only labels of video 2.
  for (const videoId of [1, 2] as VideoId[]) {
    appendLabels(session.db, Array.from({ length: 4 * FRAMES }, (_, i) => ({
      videoId, personId: FIRST_PERSON, frameIndex: i % FRAMES, annotatorId: annotator.id, valence: ((i % 17) - 8) / 10, arousal: ((i % 13) - 6) / 10, origin: 'manual' as const,
    })));
  }
  await session.close();
  const file = path.join(project, PROJECT_DB_FILE);
  damagePages(file, [leafPages(file, 'labels').at(-1) as number]);

  studio = await openStudioInChromium();
  page = studio.page;
}, 120_000);

afterAll(() => studio?.close());

describe('a damaged project in Chromium', () => {
  it('opens read-only with a banner naming the damage and the salvage command', async () => {
    await page.goto(studio.server.url);
    await page.getByTestId('start-screen').waitFor();
    await page.getByLabel('Project folder').fill(project);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByTestId('project-view').waitFor();
    const banner = page.getByTestId('read-only-banner');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/Read-only\s*Nothing can be saved in this project because its database is damaged/);
    expect(text).toContain(`affect-studio project salvage "${project}" <new-folder>`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'damaged-project.png') });
  });

  it('disables Import and Find faces in the project view, saying why', async () => {
    // With paths typed, only the project's access keeps Import disabled.
    await page.getByLabel('Paths to import').fill('/data/study/session-09.mp4');
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    expect(await disabledWithTitle(importButton)).toEqual({ disabled: true, title: expect.stringMatching(DISABLED_BECAUSE) });
    const findFaces = page.getByRole('button', { name: 'Find faces' });
    expect(await findFaces.count()).toBe(2);
    for (const button of await findFaces.all()) {
      expect(await disabledWithTitle(button)).toEqual({ disabled: true, title: expect.stringMatching(DISABLED_BECAUSE) });
    }
    await page.getByLabel('Paths to import').fill('');
  });

  it('keeps the banner in the workspace of a readable video, with the labelling controls and keys off', async () => {
    await page.getByRole('button', { name: 'session-01.mp4' }).click();
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    expect(await page.getByTestId('read-only-banner').isVisible()).toBe(true);
    const grid = page.getByTestId('affect-grid');
    expect(await grid.getAttribute('aria-disabled')).toBe('true');
    for (const control of [
      page.getByTestId('save-label'),
      page.getByRole('button', { name: 'Delete' }),
      page.locator('input[name=valence]'),
      page.locator('input[name=arousal]'),
      page.getByLabel('Live trace (L)'),
      page.getByLabel('New annotator name'),
      page.getByRole('button', { name: 'Add', exact: true }),
      page.getByTestId('train-head'),
    ]) {
      expect(await control.isDisabled(), String(control)).toBe(true);
    }
    expect(await page.getByRole('button', { name: 'Add', exact: true }).getAttribute('title')).toMatch(DISABLED_BECAUSE);
    expect(await page.getByTestId('train-head').getAttribute('title')).toMatch(DISABLED_BECAUSE);
    expect(await page.getByLabel('Label this frame').getAttribute('title')).toMatch(DISABLED_BECAUSE);
    // A click on the grid or a nudge key would move the draft (before any save): neither does.
    const draft = await grid.getAttribute('aria-valuetext');
    await clickGrid(page, 0.8, 0.8);
    await page.keyboard.press('ArrowUp');
    expect(await grid.getAttribute('aria-valuetext')).toBe(draft);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'damaged-project-workspace.png') });
  });

  it('says which part is damaged when the labels of a video cannot be read', async () => {
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: '2' })}`);
    await page.reload();
    await page.getByTestId('workspace').waitFor();
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Part of this project's database is damaged and cannot be read: copy what is readable/);
    expect(await page.getByTestId('read-only-banner').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'damaged-project-unreadable-video.png') });
  });

  it('turns the controls back on when a project.access event says the project became writable', async () => {
    // What the end of a large project's background check sends; this damaged project never would.
    studio.api.events.emit('project.access', { projectPath: project, access: READ_WRITE });
    await page.getByTestId('read-only-banner').waitFor({ state: 'detached' });
    expect(await page.getByTestId('affect-grid').getAttribute('aria-disabled')).toBe('false');
    // Save stays off until the grid holds a value to save; the sliders are on again.
    expect(await disabledWithTitle(page.locator('input[name=valence]'))).toEqual({ disabled: false, title: null });
    expect(await page.getByLabel('Label this frame').getAttribute('title')).toBeNull();
  });

  it('raised no console errors or CSP violations beyond the refused calls', () => {
    // A failed API call is shown in the page's banner; the client also logs it, which is not a bug on screen.
    expect(studio.problems.filter((problem) => !/damaged|Not saved/.test(problem))).toEqual([]);
  });
});
