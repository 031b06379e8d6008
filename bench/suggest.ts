/**
 * Latency of next-frame suggestions (core/active/suggest.ts), which the workspace asks for after every saved label:
 * one batch of 8 for a video of F frames with L labels, with and without predictions. Descriptors are real: the
 * crops' of a labelled image set such as ../shared/data/kerc-dev/labels.csv (evaluation only), played in file
 * order and repeated to fill F frames at 25 fps; every 10th frame has no face. JSON lines on stdout: median and
 * max over repeats, in milliseconds.
 * Usage: npm run bench -- suggest DATASET
 */
import os from 'node:os';
import { descriptors as packDescriptors } from '../src-main/core/affect/fewshot';
import { encodeImages, readLabelledImages } from '../src-main/core/affect/labelledImages';
import { descriptorLayout } from '../src-main/core/affect/descriptorLayout';

/** Suggestions read the descriptors as given; the figures so far were measured on version 1. */
const LAYOUT = descriptorLayout(1);
const DESCRIPTOR_DIM = LAYOUT.dim;
import { seededRandom } from '../src-main/core/affect/random';
import { suggestFrames, type FrameSignals } from '../src-main/core/active/suggest';

const DATASET = process.argv[2] ?? '';
if (DATASET === '' || DATASET.startsWith('--')) {
  process.stderr.write('usage: npm run bench -- suggest DATASET\n  DATASET: a labelled image CSV whose crops give real descriptors, e.g. ../shared/data/kerc-dev/labels.csv\n');
  process.exit(2);
}
const CASES = [
  { frames: 2_000, labels: 10 },
  { frames: 30_000, labels: 10 },
  { frames: 30_000, labels: 100 },
  { frames: 30_000, labels: 1_000 },
  { frames: 100_000, labels: 300 },
];
const REPEATS = 7;
const COUNT = 8;

const round = (x: number) => Math.round(x * 10) / 10;

function signalsFor(pool: Float32Array, poolSize: number, frames: number, labels: number, withPredictions: boolean): FrameSignals {
  const random = seededRandom(frames + labels);
  const descriptors = Array.from({ length: frames }, (_, f) => (f % 10 === 9 ? null : pool.subarray((f % poolSize) * DESCRIPTOR_DIM, ((f % poolSize) + 1) * DESCRIPTOR_DIM)));
  const labelled = new Set<number>();
  while (labelled.size < labels) {
    const f = Math.floor(random() * frames);
    if (descriptors[f]) labelled.add(f);
  }
  const series = () => ({ valence: Float32Array.from({ length: frames }, () => random() * 0.4), arousal: Float32Array.from({ length: frames }, () => random() * 0.4) });
  return {
    frameCount: frames,
    ptsSec: Float64Array.from({ length: frames }, (_, f) => f / 25),
    hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)),
    labelled,
    descriptors,
    predictionSd: withPredictions ? series() : null,
    anchorSpread: withPredictions ? series() : null,
  };
}

async function main(): Promise<void> {
  const images = readLabelledImages(DATASET, [1, 9]);
  const encoded = await encodeImages(images);
  const pool = packDescriptors({ items: images, embeddings: encoded.embeddings, probabilities: encoded.probabilities, actions: encoded.actions }, LAYOUT);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.versions.node };
  for (const { frames, labels } of CASES) {
    for (const withPredictions of [false, true]) {
      const signals = signalsFor(pool, images.length, frames, labels, withPredictions);
      const ms: number[] = [];
      let suggested = 0;
      for (let r = 0; r < REPEATS; r++) {
        const t = performance.now();
        suggested = suggestFrames(signals, { count: COUNT }).length;
        ms.push(performance.now() - t);
      }
      ms.sort((a, b) => a - b);
      console.log(
        JSON.stringify({ bench: 'suggest', frames, labels, predictions: withPredictions, count: COUNT, suggested, medianMs: round(ms[Math.floor(ms.length / 2)] as number), maxMs: round(ms[ms.length - 1] as number), repeats: REPEATS, machine }),
      );
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
