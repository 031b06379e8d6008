/**
 * Playback as the annotator sees it, end to end: the built studio in browser mode (the real server, the real
 * renderer in Debian's Chromium: the file in a <video> element when Chromium decodes it, else frames decoded by
 * ffmpeg in main and sent over the WebSocket; the sound prepared at import in an <audio> element), playing from
 * the first frame at 1x and at 2x. Sampled on every animation frame in the page: which frame the viewer shows and
 * where the audio element is. One JSON line per video and speed:
 * - `fps`: distinct frames shown per second of wall time (the video's rate x speed is the target);
 * - `longestStallMs`: the longest time the picture did not change;
 * - `avOffsetMs*`: audio position minus the shown frame's time (positive: sound ahead of the picture); a shown frame
 *   stays up until the next is due, so perfect sync reads about +half a frame;
 * - `audioClockDriftMs*`: the audio element's distance from the frame clock, as the player measures it each tick;
 * - `reseats`: how often the audio element was re-seated for drifting more than a frame;
 * - `picture`: the <video> element playing the file, or frames decoded in main (a codec the browser lacks).
 * Usage: npm run bench -- playback [video] [--seconds N]   (default: ffmpeg-made 640x360 and 1280x720 30 fps clips
 * with a tone; needs `npm run build`)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { openStudioInChromium } from '../test/support/studioInChromium';
import { makeVideoWithTone } from '../test/support/testMedia';

// The function given to page.evaluate runs in the page; the Node program has no DOM types, so these name the
// little of the page it uses.
interface PageElement {
  textContent: string | null;
  click(): void;
}
interface PageMedia extends PageElement {
  currentTime: number;
  paused: boolean;
  dataset: Record<string, string | undefined>;
  checkVisibility(): boolean;
}
declare const document: { querySelector(selector: string): unknown };
declare function requestAnimationFrame(callback: () => void): number;

const { values, positionals } = parseArgs({ allowPositionals: true, options: { seconds: { type: 'string', default: '8' } } });
const SECONDS = Number(values.seconds);

interface Sample {
  t: number;
  frame: number;
  audioSec: number | null;
  audioPaused: boolean;
  reseats: number;
  /** The audio's drift from the frame clock as the player measured it (data-drift-ms). */
  driftMs: number;
  /** Whether the picture was the <video> element (the browser decoding the file) or frames decoded in main. */
  videoPicture: boolean;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
};
const round = (x: number | null, digits = 1) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

/** Records what the page shows on every animation frame for `seconds`, from the moment playback starts. */
async function record(page: Page, seconds: number): Promise<Sample[]> {
  return page.evaluate(
    (durationMs) =>
      new Promise<Sample[]>((resolve) => {
        const samples: Sample[] = [];
        const readout = document.querySelector('[data-testid=frame-readout] strong') as PageElement | null;
        const audio = document.querySelector('[data-testid=sound]') as PageMedia | null;
        const play = document.querySelector('.transport-play') as PageElement | null;
        play?.click();
        const started = performance.now();
        const sample = () => {
          const t = performance.now();
          samples.push({
            t,
            frame: Number(readout?.textContent ?? NaN),
            audioSec: audio ? audio.currentTime : null,
            audioPaused: audio ? audio.paused : true,
            reseats: Number(audio?.dataset.reseats ?? 0),
            driftMs: Number(audio?.dataset.driftMs ?? NaN),
            videoPicture: (document.querySelector('[data-testid=frame-video]') as PageMedia | null)?.checkVisibility() ?? false,
          });
          if (t - started < durationMs) requestAnimationFrame(sample);
          else {
            play?.click();
            resolve(samples);
          }
        };
        requestAnimationFrame(sample);
      }),
    seconds * 1000,
  );
}

function summarise(samples: Sample[], ptsSec: number[], sound: { offsetSec: number } | null) {
  // From the first change of picture: the start waits for the first frames and the sound by design.
  const firstMove = samples.findIndex((s, i) => i > 0 && s.frame !== samples[0]?.frame);
  const moving = samples.slice(Math.max(0, firstMove - 1));
  const changes: number[] = [];
  for (let i = 1; i < moving.length; i++) if (moving[i]?.frame !== moving[i - 1]?.frame) changes.push((moving[i] as Sample).t);
  let longestStallMs = 0;
  for (let i = 1; i < changes.length; i++) longestStallMs = Math.max(longestStallMs, (changes[i] as number) - (changes[i - 1] as number));
  const wallSec = ((moving.at(-1)?.t ?? 0) - (moving[0]?.t ?? 0)) / 1000;
  const first = ptsSec[0] ?? 0;
  const offsets: number[] = [];
  for (const s of moving) {
    const shownSec = (ptsSec[s.frame] ?? first) - first;
    if (sound && s.audioSec !== null && !s.audioPaused) offsets.push((s.audioSec + sound.offsetSec - shownSec) * 1000);
  }
  const absOffsets = offsets.map(Math.abs);
  return {
    shownFrames: changes.length,
    fps: round(changes.length / wallSec),
    longestStallMs: round(longestStallMs, 0),
    avOffsetMsMedian: round(quantile(offsets, 0.5)),
    avOffsetMsAbsP95: round(quantile(absOffsets, 0.95)),
    avSamples: offsets.length,
    audioClockDriftMsAbsMedian: round(quantile(moving.filter((s) => !s.audioPaused && Number.isFinite(s.driftMs)).map((s) => Math.abs(s.driftMs)), 0.5)),
    audioClockDriftMsAbsP95: round(quantile(moving.filter((s) => !s.audioPaused && Number.isFinite(s.driftMs)).map((s) => Math.abs(s.driftMs)), 0.95)),
    reseats: moving.at(-1)?.reseats ?? 0,
    picture: moving.some((s) => s.videoPicture) ? 'video element' : 'decoded frames',
  };
}

async function benchVideo(file: string): Promise<void> {
  const studio = await openStudioInChromium();
  try {
    const project = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-playback-')), 'project');
    await studio.call('projects.create', { dir: project, name: 'Playback bench' });
    const { jobId } = await studio.call<{ jobId: string }>('videos.import', { project, paths: [file], analyze: false });
    for (;;) {
      const job = (await studio.call<{ jobId: string; state: string; error?: string }[]>('jobs.list', { project })).find((j) => j.jobId === jobId);
      if (job?.state === 'done') break;
      if (job?.state === 'failed' || job?.state === 'cancelled') throw new Error(`import of ${file}: ${job.error ?? job.state}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const video = (await studio.call<{ id: number; width: number; height: number; avgFps: number | null }[]>('videos.list', { project }))[0];
    if (!video) throw new Error(`${file} did not import`);
    const { ptsSec } = await studio.call<{ ptsSec: number[] }>('videos.frameTimes', { project, videoId: video.id });
    const sound = await studio.call<{ kind: string; offsetSec: number }>('videos.sound', { project, videoId: video.id });
    const { page } = studio;
    await page.goto(`${studio.server.url}#${new URLSearchParams({ project, video: String(video.id) })}`);
    await page.locator('[data-testid=workspace][data-ready=true]').waitFor();
    // tsx names the functions it compiles with a helper the page does not have.
    await page.evaluate('globalThis.__name = (f) => f');
    for (const speed of [1, 2]) {
      await page.keyboard.press('Home');
      await page.locator('select[name=speed]').selectOption(String(speed));
      await page.locator('[data-testid=frame-readout] strong', { hasText: /^0$/ }).waitFor();
      const samples = await record(page, SECONDS);
      console.log(
        JSON.stringify({
          bench: 'playback',
          video: path.basename(file),
          size: `${video.width}x${video.height}`,
          speed,
          targetFps: round((video.avgFps ?? 0) * speed),
          seconds: SECONDS,
          ...summarise(samples, ptsSec, sound.kind === 'audio' ? sound : null),
          browser: 'Debian chromium, headless, no GPU',
          cores: os.cpus().length,
          loadAverage1m: round(os.loadavg()[0] ?? 0, 2),
        }),
      );
    }
    if (studio.problems.length > 0) console.error(`page errors: ${studio.problems.join(' | ')}`);
  } finally {
    await studio.close();
  }
}

async function main(): Promise<void> {
  const videos =
    positionals.length > 0
      ? positionals.map((p) => path.resolve(p))
      : (() => {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-playback-media-'));
          const seconds = Math.max(20, 2 * SECONDS * 2 + 4);
          return [
            makeVideoWithTone(path.join(dir, 'tone-640x360.mp4'), { seconds, width: 640, height: 360, toneAtSec: 1 }),
            makeVideoWithTone(path.join(dir, 'tone-1280x720.mp4'), { seconds, width: 1280, height: 720, toneAtSec: 1 }),
          ];
        })();
  for (const file of videos) await benchVideo(file);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
