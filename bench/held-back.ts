/**
 * The held-back score at scale, through the real API: `affect-studio serve` (the built dist-main) over its
 * WebSocket, on a synthetic analysed 30,000-frame video (25 fps, a face on 9 frames in 10) with 1,000 labels.
 * Measures the time of a full held-back score (`predictions.heldOut`), and the round trip of what the workspace
 * does after every label, a label save then `predictions.get`, first with nothing else running, then WHILE the
 * score runs: the score runs in a worker thread, so the second must stay close to the first.
 * JSON lines on stdout. Needs `npm run build` first.
 * Usage: npm run bench -- held-back [--runs N] [--trained-runs N]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { API_VERSION } from '../src-main/api/contract';
import { buildSyntheticProject } from '../test/support/syntheticProject';
import { startServe } from './support/serveProcess';

const FRAMES = 30_000;
const LABELS = 1_000;
const IDLE_ROUNDTRIPS = 20;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '2' }, 'trained-runs': { type: 'string', default: '1' } } });
const RUNS = Number(values.runs);
const TRAINED_RUNS = Number(values['trained-runs']);

const round = (x: number) => Math.round(x);
function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** A client of the browser-mode API as the UI is one: the printed URL's cookie, then requests over /api. */
async function connect(url: string): Promise<(method: string, params: object) => Promise<unknown>> {
  const cookie = await new Promise<string>((resolve, reject) =>
    http.get(url, (res) => {
      res.resume();
      resolve((res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '');
    }).on('error', reject),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(url).port}/api`, { headers: { Cookie: cookie } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; ok: boolean; result?: unknown; error?: { message: string } };
    const waiting = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id as number);
    if (message.ok) waiting.resolve(message.result);
    else waiting.reject(new Error(message.error?.message));
  });
  let nextId = 1;
  return (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ v: API_VERSION, id, method, params }));
    });
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-held-back-'));
  const project = path.join(root, 'p');
  let t0 = performance.now();
  const { videoIds } = buildSyntheticProject(project, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: LABELS, annotators: 1, analysedVideos: 1 });
  const buildSec = (performance.now() - t0) / 1000;
  const videoId = videoIds[0] as number;

  const { child, url } = await startServe(path.join(root, 'home'));
  try {
    const call = await connect(url);
    await call('projects.open', { dir: project });
    const ids = { project, videoId, personId: 1, annotatorId: 1 };
    t0 = performance.now();
    await call('predictions.get', ids);
    const firstPredictionMs = performance.now() - t0;

    let edit = 0;
    /** What the workspace does after a label: save it, then fetch the video's predictions. */
    const roundtrip = async (): Promise<number> => {
      const frameIndex = ((edit++ * 7919) % (FRAMES / 10)) * 10; // frames 0, 10, 20...: always with a face
      const start = performance.now();
      await call('labels.apply', { ...ids, origin: 'manual', sets: [{ frameIndex, valence: ((edit % 20) - 10) / 10, arousal: 0.1 }] });
      await call('predictions.get', ids);
      return performance.now() - start;
    };

    const idle: number[] = [];
    for (let i = 0; i < IDLE_ROUNDTRIPS; i++) idle.push(await roundtrip());
    console.log(JSON.stringify({ bench: 'held-back', frames: FRAMES, labels: LABELS, buildProjectSec: Math.round(buildSec), firstPredictionMs: round(firstPredictionMs), idleRoundtrip: { n: idle.length, p50Ms: round(percentile(idle, 50)), p95Ms: round(percentile(idle, 95)) } }));

    const scoreRun = async (run: number, head: 'prior' | 'trained') => {
      let done = false;
      const start = performance.now();
      const scored = call('predictions.heldOut', ids).then((score) => {
        done = true;
        return { score, ms: performance.now() - start };
      });
      const during: number[] = [];
      while (!done) {
        const ms = await roundtrip();
        if (!done) during.push(ms);
      }
      const { score, ms } = await scored;
      console.log(
        JSON.stringify({
          bench: 'held-back',
          run,
          head,
          heldBackMs: round(ms),
          score,
          roundtripWhileScoring: { n: during.length, p50Ms: during.length ? round(percentile(during, 50)) : null, p95Ms: during.length ? round(percentile(during, 95)) : null },
          machine: { cpus: os.cpus().length, node: process.versions.node, loadAvg1m: Math.round(os.loadavg()[0] as number * 10) / 10 },
        }),
      );
    };
    for (let run = 0; run < RUNS; run++) await scoreRun(run, 'prior');
    if (TRAINED_RUNS > 0) {
      t0 = performance.now();
      const { jobId } = (await call('heads.train', { project, annotatorId: ids.annotatorId })) as { jobId: string };
      for (;;) {
        const job = ((await call('jobs.list', { project })) as { jobId: string; state: string; error?: string }[]).find((j) => j.jobId === jobId);
        if (job?.state === 'done') break;
        if (job && job.state !== 'queued' && job.state !== 'running') throw new Error(`training ended ${job.state}: ${job.error ?? ''}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      console.log(JSON.stringify({ bench: 'held-back', trainHeadSec: Math.round((performance.now() - t0) / 100) / 10 }));
      for (let run = 0; run < TRAINED_RUNS; run++) await scoreRun(run, 'trained');
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
