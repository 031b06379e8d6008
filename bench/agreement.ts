/**
 * What the agreement view waits for: `agreement.report` through the API dispatcher (zod-validated, as the window
 * calls it; in process, without the WebSocket hop) on a synthetic project of dense live traces, 3 annotators rating
 * every frame of each video, so every figure of every video and of the pool gets its 1,000-resample block
 * bootstrap. Then `report.write` of the study report on the same project (no video analysed: no held-back score).
 * JSON lines on stdout.
 * Usage: npm run bench -- agreement [--videos N] [--frames N] [--runs N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStudioApi } from '../src-main/api/studioApi';
import { apiCaller } from '../test/support/apiCall';
import { buildSyntheticProject } from '../test/support/syntheticProject';

const { values } = parseArgs({ options: { videos: { type: 'string', default: '5' }, frames: { type: 'string', default: '3000' }, runs: { type: 'string', default: '3' } } });
const VIDEOS = Number(values.videos);
const FRAMES = Number(values.frames);
const RUNS = Number(values.runs);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-agreement-'));
  const project = path.join(root, 'study');
  buildSyntheticProject(project, { videos: VIDEOS, framesPerVideo: FRAMES, labelsPerVideo: FRAMES, annotators: 3, analysedVideos: 0 });
  const api = createStudioApi({ mode: 'browser', configDir: path.join(root, 'home') });
  const call = apiCaller(api);
  try {
    await call('projects.open', { dir: project });
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const report = await call<{ pooled: { frames: number; blocks: number }; method: { replicates: number } }>('agreement.report', { project });
      const ms = performance.now() - started;
      console.log(JSON.stringify({ bench: 'agreement', step: 'agreement.report', run, videos: VIDEOS, framesPerVideo: FRAMES, raters: 3, pooledFrames: report.pooled.frames, blocks: report.pooled.blocks, replicates: report.method.replicates, ms: Math.round(ms) }));
    }
    const started = performance.now();
    await call('report.write', { project, folder: root, name: 'report.html', overwrite: false });
    const bytes = fs.statSync(path.join(root, 'report.html')).size;
    console.log(JSON.stringify({ bench: 'agreement', step: 'report.write', videos: VIDEOS, framesPerVideo: FRAMES, raters: 3, bytes, ms: Math.round(performance.now() - started) }));
  } finally {
    await api.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
