/**
 * The Encoders panel in Chromium: it lists the shipped encoder in use, refuses a lab's encoder with a broken card
 * showing the card's problem on one line, imports a good one (test/support/labEncoder.ts, with its own valence and
 * arousal on [-10, 10], which the panel says) after the contract check, and chooses it for the next analysis; a
 * video analysed with it is then predicted by the prior that reads its valence and arousal, as the Model panel says.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLabEncoder } from '../support/labEncoder';
import { createProjectThroughUi, openStudioInChromium, SCREENSHOTS, type StudioInChromium } from '../support/studioInChromium';
import { makeChangingLightVideo } from '../support/testMedia';

let studio: StudioInChromium;
let page: Page;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-e2e-encoders-'));

beforeAll(async () => {
  studio = await openStudioInChromium();
  page = studio.page;
  await page.goto(studio.server.url);
  await createProjectThroughUi(page, 'Encoder study', path.join(work, 'projects'));
});

afterAll(async () => {
  await studio?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('the Encoders panel', () => {
  const panel = () => page.getByTestId('encoders');
  const rows = () => panel().getByTestId('encoder');

  it('lists the shipped encoder, in use, with its input, embedding size and licence', async () => {
    await expect.poll(() => rows().count()).toBe(1);
    const text = await rows().first().textContent();
    expect(text).toContain('emotion-xception-fer2013');
    expect(text).toContain('grey 64x64 NHWC, 0..1, mean 0.5 sd 0.5, crop 1.1x');
    expect(text).toContain('256 values');
    expect(text).toContain('MIT');
    expect(await rows().first().getByTestId('encoder-active').textContent()).toBe('in use');
    expect(await rows().first().getByTestId('encoder-affect').count()).toBe(0);
  });

  it("refuses a broken card with the card's problem on one line, and adds nothing", async () => {
    const broken = writeLabEncoder(path.join(work, 'broken'), { card: (card) => ({ ...card, preprocessing: { ...(card.preprocessing as object), mean: [0.5] } }) });
    await panel().getByLabel("Import a lab's encoder").fill(broken);
    await panel().getByRole('button', { name: 'Import encoder' }).click();
    const error = panel().getByTestId('encoder-error');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toBe(`The model card ${broken.replace(/\.onnx$/, '.card.json')} is not valid: preprocessing.mean must give one value per channel (3), not 1.`);
    expect(await rows().count()).toBe(1);
    await panel().screenshot({ path: path.join(SCREENSHOTS, 'encoders-refused.png') });
  });

  it("imports a lab's encoder after the check, says it predicts valence and arousal, and uses it for the next analysis", async () => {
    await panel().getByLabel("Import a lab's encoder").fill(writeLabEncoder(path.join(work, 'lab'), { affect: true }));
    await panel().getByRole('button', { name: 'Import encoder' }).click();
    await expect.poll(() => rows().count(), { timeout: 30_000 }).toBe(2);
    const lab = rows().nth(1);
    expect(await lab.textContent()).toContain('RGB 112x112 NCHW, 0..1, mean 0.485/0.456/0.406 sd 0.229/0.224/0.225, crop 1.25x');
    expect(await lab.getByTestId('encoder-affect').textContent()).toBe('valence and arousal, scale -10 to 10; read by the untrained prior');
    await lab.getByRole('button', { name: 'Use lab-linear-rgb112 for the next analysis' }).click();
    await expect.poll(() => lab.getByTestId('encoder-active').count()).toBe(1);
    expect(await rows().first().getByTestId('encoder-active').count()).toBe(0);
    expect(await panel().getByRole('status').textContent()).toContain('The next analysis encodes faces with lab-linear-rgb112');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'encoders-panel.png'), fullPage: true });
    await panel().screenshot({ path: path.join(SCREENSHOTS, 'encoders-panel-close.png') });
  });

  it("predicts a video analysed with it from its own valence and arousal, and the Model panel says so", { timeout: 240_000 }, async () => {
    const project = path.join(work, 'projects', 'Encoder study');
    await studio.call('videos.import', { project, paths: [makeChangingLightVideo(path.join(work, 'changing-light.mp4'))] });
    // The import, then the face analysis it queues with the chosen encoder.
    await expect
      .poll(async () => {
        const jobs = await studio.call<{ kind: string; state: string }[]>('jobs.list', { project });
        return jobs.some((j) => j.kind === 'analyze') && jobs.every((j) => j.state === 'done');
      }, { timeout: 180_000, interval: 250 })
      .toBe(true);
    const videoId = (await studio.call<{ id: number }[]>('videos.list', { project }))[0]?.id as number;
    await studio.call('annotators.add', { project, name: 'Ana' });
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(videoId) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    await expect.poll(() => page.getByTestId('head-in-use').textContent()).toContain("encoder's own valence/arousal prior v1 (untrained)");
    // Once the panel has its execution provider too ("…" while it loads).
    await expect.poll(() => page.getByTestId('model-panel').textContent(), { timeout: 60_000 }).not.toContain('…');
    await page.getByTestId('model-panel').screenshot({ path: path.join(SCREENSHOTS, 'encoders-affect-prior.png') });
  });

  it('raised no console errors or CSP violations', () => {
    expect(studio.problems).toEqual([]);
  });
});
