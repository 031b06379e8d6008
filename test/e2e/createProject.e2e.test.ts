/**
 * The first screen end to end: the real browser-mode server over the built UI, driven in a real Chromium.
 * Screenshots land in test-results/e2e/ so a person can look at what the user sees.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';

let studio: StudioInChromium;
let page: Page;
const projectsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-projects-'));

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
});

afterAll(() => studio?.close());

describe('first screen in Chromium', () => {
  it('shows the start screen with no projects and the offline promise', async () => {
    await page.goto(studio.server.url);
    await page.getByTestId('start-screen').waitFor();
    await expect(page.getByText('No projects yet.').isVisible()).resolves.toBe(true);
    await expect(page.getByText('works entirely offline').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'start-screen.png') });
  });

  it('creates a project through the form, and the folder and its database exist on disk', async () => {
    await page.getByLabel('Name').fill('Infant study, wave 2');
    await page.getByLabel('Location').fill(projectsRoot);
    const expected = path.join(projectsRoot, 'Infant study, wave 2');
    await expect(page.getByText(`The project folder will be ${expected}`).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Create project' }).click();

    await page.getByTestId('project-view').waitFor();
    expect(await page.getByTestId('project-path').textContent()).toBe(expected);
    expect(fs.existsSync(path.join(expected, 'project.sqlite'))).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-created.png') });
  });

  it('lists the new project under recent projects, also after a reload', async () => {
    await page.getByRole('button', { name: 'All projects' }).click();
    await page.reload();
    const recent = page.getByTestId('recent-projects');
    await recent.waitFor();
    expect(await recent.textContent()).toContain('Infant study, wave 2');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'start-screen-recent.png') });
  });

  it('shows a clear error when the chosen folder is not empty, and creates nothing', async () => {
    const occupied = path.join(projectsRoot, 'occupied');
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, 'raw-footage.txt'), 'keep');
    await page.getByLabel('Name').fill('occupied');
    await page.getByLabel('Location').fill(projectsRoot);
    await page.getByRole('button', { name: 'Create project' }).click();
    const error = page.getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toContain('is not empty');
    expect(fs.readdirSync(occupied)).toEqual(['raw-footage.txt']);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'create-error.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
