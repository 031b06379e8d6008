/**
 * What the open-time integrity check costs (core/store/integrityCheck.ts): a synthetic project of F frames built
 * through the real store functions (10,000-frame videos, a face with landmarks, a 256-d embedding and logits on
 * 9 frames in 10, 300 labels per video by each of 2 annotators), then, median of 5 runs with a warm page cache:
 * opening the database alone, quick_check alone, and ProjectSession.open with the check in line and in the
 * background (time until open returns, and until the check has settled). JSON lines on stdout.
 * Usage: npm run bench -- open-check [--frames N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSyntheticProject } from '../test/support/syntheticProject';
import { quickCheck } from '../src-main/core/store/integrityCheck';
import { openProjectDb } from '../src-main/core/store/projectDb';
import { ProjectSession, SYNC_CHECK_MAX_BYTES } from '../src-main/core/studio/projectSession';

const { values } = parseArgs({ options: { frames: { type: 'string', default: '100000' } } });
const frames = Number(values.frames);
const RUNS = 5;
const VIDEO_FRAMES = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number) => Math.round(x * 10) / 10;

async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-open-'));
  const dir = path.join(root, 'study');
  const videos = Math.max(1, Math.round(frames / VIDEO_FRAMES));
  const built = performance.now();
  const { file } = buildSyntheticProject(dir, {
    videos, framesPerVideo: Math.round(frames / videos), labelsPerVideo: 300, annotators: 2, analysedVideos: videos,
  });
  const buildMs = performance.now() - built;
  const bytes = fs.statSync(file).size;

  const openOnly: number[] = [];
  const checkOnly: number[] = [];
  const inline: number[] = [];
  const backgroundOpen: number[] = [];
  const backgroundSettled: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    openOnly.push(await timed(() => openProjectDb(file, { create: false }).close()));
    const db = openProjectDb(file, { create: false });
    checkOnly.push(await timed(() => quickCheck(db)));
    db.close();
    let session: ProjectSession | undefined;
    inline.push(await timed(() => (session = ProjectSession.open(dir, { syncCheckMaxBytes: Infinity }))));
    await session?.close();
    const start = performance.now();
    session = ProjectSession.open(dir, { syncCheckMaxBytes: 0 });
    backgroundOpen.push(performance.now() - start);
    await session.checked;
    backgroundSettled.push(performance.now() - start);
    await session.close();
  }
  const checkMs = median(checkOnly);
  process.stdout.write(
    JSON.stringify({
      bench: 'open-check',
      frames,
      videos,
      dbMB: round(bytes / 1e6),
      buildSec: round(buildMs / 1000),
      openWithoutCheckMs: round(median(openOnly)),
      quickCheckMs: round(checkMs),
      quickCheckMBps: round(bytes / 1e6 / (checkMs / 1000)),
      sessionOpenInlineCheckMs: round(median(inline)),
      sessionOpenBackgroundCheckMs: round(median(backgroundOpen)),
      backgroundCheckSettledMs: round(median(backgroundSettled)),
      syncCheckMaxMB: round(SYNC_CHECK_MAX_BYTES / 1e6),
      runs: RUNS,
    }) + '\n',
  );
  fs.rmSync(root, { recursive: true, force: true });
}

void main();
