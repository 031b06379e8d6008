/**
 * Timeline fluidity in Chromium: redraw time and frame interval while zooming and panning a 100,000-frame
 * timeline with predictions, uncertainty bands, labels, suggestions and no-face spans (goal: median <= 16 ms).
 * Usage: npm run bench -- timeline [--frames N] [--steps N]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { launchChromium } from '../test/support/chromium';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '100000' }, steps: { type: 'string', default: '240' } } });

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const bundle = await build({ entryPoints: [path.join(__dirname, 'support', 'timelineHarness.ts')], bundle: true, write: false, format: 'iife' });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 300 } });
  await page.setContent('<!doctype html><body style="margin:0"></body>');
  await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
  const frames = Number(values.frames);
  const steps = Number(values.steps);
  // The function runs in the page, where the harness defined runTimelineBench on its window.
  const result = await page.evaluate(
    ([f, s]) =>
      (globalThis as unknown as { runTimelineBench: (frames: number, steps: number) => Promise<{ drawMs: number[]; frameIntervalMs: number[] }> })
        .runTimelineBench(f as number, s as number),
    [frames, steps],
  );
  await browser.close();
  console.log(
    JSON.stringify({
      bench: 'timeline',
      frames,
      redraws: result.drawMs.length,
      drawMsMedian: round(quantile(result.drawMs, 0.5)),
      drawMsP95: round(quantile(result.drawMs, 0.95)),
      frameIntervalMsMedian: round(quantile(result.frameIntervalMs, 0.5)),
      frameIntervalMsP95: round(quantile(result.frameIntervalMs, 0.95)),
      goalMedianMs: 16,
      browser: 'Debian chromium, headless, no GPU',
    }),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
