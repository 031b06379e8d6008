/**
 * What the annotator waits for after pressing Enter, on a 20-minute video (30,000 frames at 25 fps, analysed):
 * from sending labels.apply for one label to the client holding the new predictions (the apply, its data.changed
 * event, predictions.get since the result it holds, decoding), through the real server module over a real
 * WebSocket, with the renderer's own client (zod-validated) and decoder over a transport like the renderer's.
 * The renderer asks suggestions.list once the predictions are in: `withSuggestionsP95Ms` is until it has both.
 * Edits alternate between adding a label and undoing it, so the label count stays put. One JSON line per label
 * count (10, 100, 1,000), then one for the model run saved after the edits stop: from the edit to the run being
 * saved (2 s of that is the debounce), and the longest the event loop was held meanwhile.
 * Usage: npm run bench -- label-roundtrip [--repeats N] [--labels 10,100,1000]   (needs `npm run build` for the served UI folder)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import WebSocketClient from 'ws';
import type { VideoPredictions } from '../src-main/api/contract';
import { createStudioApi } from '../src-main/api/studioApi';
import { startBrowserServer } from '../src-main/server/browserServer';
import { rendererDir } from '../src-main/server/rendererDir';
import { createClient, type Transport } from '../src-renderer/api/client';
import { decodePredictions, type Predictions } from '../src-renderer/api/predictionCodec';
import { PROJECT_DB_FILE } from '../src-main/core/store/projectFolder';
import { buildSyntheticProject } from '../test/support/syntheticProject';

const FRAMES = 30_000;
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '40' }, labels: { type: 'string', default: '10,100,1000' } } });
const LEVELS = values.labels.split(',').map(Number);
const REPEATS = Number(values.repeats);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number;
const round = (x: number) => Math.round(x * 10) / 10;

function cookieOf(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      resolve((res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '');
    }).on('error', reject);
  });
}

/** The renderer's WebSocket transport, over the `ws` package (a Node WebSocket that carries the cookie), counting bytes. */
async function countingTransport(url: string, headers: Record<string, string>, count: (bytes: number) => void): Promise<Transport> {
  const socket = new WebSocketClient(url, { headers });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const pending = new Map<number, (response: unknown) => void>();
  const eventListeners: ((raw: unknown) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    count(data.length);
    const message = JSON.parse(data.toString()) as { id?: number; event?: string };
    if (typeof message.id === 'number' && pending.has(message.id)) {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    } else if (message.event !== undefined) for (const listener of eventListeners) listener(message);
  });
  return {
    request: (envelope) =>
      new Promise((resolve) => {
        const text = JSON.stringify(envelope);
        count(Buffer.byteLength(text));
        pending.set((envelope as { id: number }).id, resolve);
        socket.send(text);
      }),
    onEvent: (listener) => void eventListeners.push(listener),
    onDisconnect: () => undefined,
  };
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-label-roundtrip-'));
  const project = path.join(root, 'study');
  const { videoIds } = buildSyntheticProject(project, { videos: 1, framesPerVideo: FRAMES, labelsPerVideo: LEVELS[0] as number, annotators: 1, analysedVideos: 1 });
  const videoId = videoIds[0] as number;

  const api = createStudioApi({ mode: 'browser', configDir: path.join(root, 'config') });
  const server = await startBrowserServer({ api, rendererDir: rendererDir() });
  const cookie = await cookieOf(server.url);
  const origin = `http://127.0.0.1:${server.port}`;
  let bytes = 0;
  const client = createClient(await countingTransport(`ws://127.0.0.1:${server.port}/api`, { Cookie: cookie, Origin: origin }, (n) => (bytes += n)));

  // A large project opens read-only until its integrity check is done: label once it is writable.
  while ((await client.call('projects.open', { dir: project })).access.mode !== 'read-write') await new Promise((resolve) => setTimeout(resolve, 200));
  const annotatorId = (await client.call('annotators.list', { project }))[0]?.id as number;
  // The synthetic project follows one person per video: person 1.
  const target = { project, videoId, personId: 1, annotatorId };
  let revisionSeen = 0;
  const revisionWaiters: (() => void)[] = [];
  client.on('data.changed', (payload) => {
    if (payload.revision === undefined) return;
    revisionSeen = Math.max(revisionSeen, payload.revision);
    for (const wake of revisionWaiters.splice(0)) wake();
  });
  const eventFor = (revision: number) =>
    new Promise<void>((resolve) => {
      const check = () => (revisionSeen >= revision ? resolve() : revisionWaiters.push(check));
      check();
    });

  const labelled = new Set((await client.call('labels.list', { ...target, annotatorId })).map((l) => l.frameIndex));
  let held: Predictions | null = null;
  for (const labels of LEVELS) {
    // Top up to this many labels, evenly spread over frames with a face (one apply).
    const wanted = Array.from({ length: labels }, (_, i) => Math.floor(((i + 0.5) * FRAMES) / labels)).map((f) => (f % 10 === 9 ? f - 1 : f));
    const sets = wanted.filter((f) => !labelled.has(f)).slice(0, labels - labelled.size).map((frameIndex) => ({ frameIndex, valence: Math.sin(frameIndex) * 0.8, arousal: Math.cos(frameIndex) * 0.6 }));
    if (sets.length > 0) await client.call('labels.apply', { ...target, origin: 'manual', sets });
    for (const s of sets) labelled.add(s.frameIndex);
    held = decodePredictions(await client.call('predictions.get', target), null);
    await client.call('suggestions.list', { ...target, count: 8 });

    const roundtrip: number[] = [];
    const withSuggestions: number[] = [];
    const edits: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      // An edit, then its undo (the inverse edit), on a frame with a face and no label.
      const frameIndex = (Math.floor(((r * 7919) % 2999) * 10) + 3) % FRAMES;
      const edit = r % 2 === 0 ? { sets: [{ frameIndex, valence: 0.5, arousal: -0.25 }], deletes: [] } : { sets: [], deletes: [(Math.floor((((r - 1) * 7919) % 2999) * 10) + 3) % FRAMES] };
      bytes = 0;
      const t0 = performance.now();
      const applied = await client.call('labels.apply', { ...target, origin: 'manual', ...edit });
      await eventFor(applied.revision);
      const since: Predictions = held;
      const packed: VideoPredictions = await client.call('predictions.get', { ...target, since: since.resultId });
      held = decodePredictions(packed, since);
      roundtrip.push(performance.now() - t0);
      await client.call('suggestions.list', { ...target, count: 8 });
      withSuggestions.push(performance.now() - t0);
      edits.push(bytes);
    }
    const meanBytes = edits.reduce((a, b) => a + b, 0) / edits.length;
    console.log(
      JSON.stringify({
        bench: 'label-roundtrip', frames: FRAMES, labels, repeats: REPEATS,
        p50Ms: round(percentile(roundtrip, 0.5)), p95Ms: round(percentile(roundtrip, 0.95)),
        withSuggestionsP95Ms: round(percentile(withSuggestions, 0.95)), bytesPerEdit: Math.round(meanBytes),
      }),
    );
  }

  // The run save that follows the last edit (after its debounce): how long, and how long it held the event loop.
  const db = new Database(path.join(project, PROJECT_DB_FILE), { readonly: true });
  // A run replaces the one before it: wait for the one made from this edit's labels.
  const savedRevision = () => (db.prepare('SELECT coalesce(max(labels_revision), 0) AS r FROM model_runs WHERE saved_at IS NOT NULL').get() as { r: number }).r;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const { revision } = await client.call('labels.apply', { ...target, origin: 'manual', sets: [{ frameIndex: 4, valence: 0.1, arousal: 0.1 }] });
  const t0 = performance.now();
  delay.enable();
  while (savedRevision() < revision) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  delay.disable();
  console.log(JSON.stringify({ bench: 'label-roundtrip', phase: 'model-run-save', frames: FRAMES, sinceEditMs: Math.round(performance.now() - t0), maxEventLoopBlockMs: round(delay.max / 1e6) }));
  db.close();
  await server.close();
  await api.close();
  fs.rmSync(root, { recursive: true, force: true });
}

void main();
