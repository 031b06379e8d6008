/**
 * Start-up of browser mode: from spawning `affect-studio serve` to the first screen rendered in Chromium
 * (start screen visible with the studio's version, i.e. after the first API round trip).
 * Usage: npm run bench -- startup [--runs N]
 * Prints one JSON line per run, then a summary line with medians.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from '../test/support/chromium';
import { startServe } from './support/serveProcess';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const serverReady: number[] = [];
  const firstScreen: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const { child, url } = await startServe(fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-')));
    const readyMs = performance.now() - start;
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(url);
    await page.locator('[data-testid=start-screen]').waitFor();
    await page.locator('.app-bar-meta').waitFor();
    const screenMs = performance.now() - start;
    await page.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    serverReady.push(readyMs);
    firstScreen.push(screenMs);
    console.log(JSON.stringify({ bench: 'startup', run, serverReadyMs: Math.round(readyMs), firstScreenMs: Math.round(screenMs) }));
  }
  await browser.close();
  console.log(
    JSON.stringify({
      bench: 'startup',
      summary: true,
      runs,
      medianServerReadyMs: Math.round(median(serverReady)),
      medianFirstScreenMs: Math.round(median(firstScreen)),
      machine: { cpus: os.cpus().length, node: process.versions.node },
    }),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
