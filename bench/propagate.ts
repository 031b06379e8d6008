/**
 * Propagation latency on a synthetic 30,000-frame video (every other frame with a face, 100 labels): one label
 * added, moved, edited or removed (incremental update), against a full re-propagation from scratch. For a head the
 * studio wrote (linear), an anchor's outputs come from cached per-frame projections; for any other ONNX head they
 * take one ONNX Runtime batch of 30,000 pairs, measured here with the prior head. JSON lines on stdout.
 * Usage: npm run bench -- propagate
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from '../src-main/core/inference/onnxRuntime';
import { projectDescriptors, writePairHead } from '../src-main/core/affect/pairHead';
import { descriptorLayout } from '../src-main/core/affect/descriptorLayout';
import { anchorOutputsFromProjections, propagateVideo, VideoPropagation, type Anchor } from '../src-main/core/affect/propagate';
import { PRIOR_HEAD_CARD, priorHead } from '../src-main/core/affect/priorHead';
import { seededRandom } from '../src-main/core/affect/random';

/** The figures so far were measured on version 1 descriptors (the propagation cost grows with the head's rank, not its dim). */
const LAYOUT = descriptorLayout(1);
const DESCRIPTOR_DIM = LAYOUT.dim;
const FRAMES = 30_000;
const LABELS = 100;
const REPEATS = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const random = seededRandom(5);
  const descriptors = Float32Array.from({ length: FRAMES * DESCRIPTOR_DIM }, () => random());
  const head = priorHead(LAYOUT);
  const frames = { times: Float64Array.from({ length: FRAMES }, (_, i) => i / 30), hasFace: Uint8Array.from({ length: FRAMES }, (_, i) => (i % 2 === 0 ? 1 : 0)) };
  const t0 = performance.now();
  const proj = projectDescriptors(head, descriptors);
  const projectMs = performance.now() - t0;
  const width = 2 + proj.rank;
  const anchorAt = (id: string, frame: number): Anchor => ({
    id,
    frame,
    valence: random() * 2 - 1,
    arousal: random() * 2 - 1,
    outputs: anchorOutputsFromProjections(proj, proj.values.subarray(frame * width, (frame + 1) * width)),
  });
  const labelFrames = Array.from({ length: LABELS }, (_, i) => Math.floor(((i + 0.5) * FRAMES) / LABELS / 2) * 2);
  const live = new VideoPropagation(frames);
  for (const [i, f] of labelFrames.entries()) live.setAnchor(anchorAt(`l${i}`, f));
  live.result();

  const timings = { add: [] as number[], move: [] as number[], edit: [] as number[], remove: [] as number[], full: [] as number[] };
  for (let r = 0; r < REPEATS; r++) {
    const frame = 2 * Math.floor(random() * (FRAMES / 2));
    let t = performance.now();
    live.setAnchor(anchorAt('new', frame));
    live.result();
    timings.add.push(performance.now() - t);
    t = performance.now();
    live.setAnchor(anchorAt('new', (frame + 60) % FRAMES));
    live.result();
    timings.move.push(performance.now() - t);
    t = performance.now();
    live.setAnchor({ ...anchorAt('l3', labelFrames[3] as number) });
    live.result();
    timings.edit.push(performance.now() - t);
    t = performance.now();
    live.removeAnchor('new');
    live.result();
    timings.remove.push(performance.now() - t);
  }
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    propagateVideo(frames, labelFrames.map((f, i) => anchorAt(`l${i}`, f)));
    timings.full.push(performance.now() - t);
  }

  // Any ONNX head: one batch of FRAMES pairs through ORT for a new anchor.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affect-bench-prop-'));
  const written = writePairHead(dir, 'prior', head, LAYOUT, PRIOR_HEAD_CARD);
  const session = await ort.InferenceSession.create(written.file, { intraOpNumThreads: 1 });
  const anchorRows = new Float32Array(FRAMES * DESCRIPTOR_DIM);
  for (let i = 0; i < FRAMES; i++) anchorRows.set(descriptors.subarray(0, DESCRIPTOR_DIM), i * DESCRIPTOR_DIM);
  const ortMs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    await session.run({ emb_a: new ort.Tensor('float32', anchorRows, [FRAMES, DESCRIPTOR_DIM]), emb_b: new ort.Tensor('float32', descriptors, [FRAMES, DESCRIPTOR_DIM]) });
    ortMs.push(performance.now() - t);
  }
  await session.release();
  fs.rmSync(dir, { recursive: true, force: true });

  const machine = { cpus: os.cpus().length, node: process.versions.node };
  for (const [op, xs] of Object.entries(timings)) {
    console.log(JSON.stringify({ bench: 'propagate', frames: FRAMES, labels: LABELS, op: op === 'full' ? 'full re-propagation' : `incremental: label ${op}`, medianMs: round(median(xs)), maxMs: round(Math.max(...xs)), runs: xs.length, machine }));
  }
  console.log(JSON.stringify({ bench: 'propagate', frames: FRAMES, op: 'per-frame projections, once per video and head', ms: round(projectMs) }));
  console.log(JSON.stringify({ bench: 'propagate', frames: FRAMES, op: 'new anchor outputs via ONNX Runtime (any head, one batch)', medianMs: round(median(ortMs)) }));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
