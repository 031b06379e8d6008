/**
 * Active-learning simulation (issue 6): replays labelling on data with known labels and compares strategies on the
 * same videos: every k-th frame (the paper's support set), random frames, and the studio's ranker (suggest.ts).
 *
 * Data: with `--clips FILE`, pseudo-videos from a set rated per clip such as ../shared/data/kerc-dev/labels.csv
 * (evaluation only): the clips shuffled per seed and played 8-12 clips after one another, 1/25 s between frames,
 * so valence and arousal change along each video; every clip is in exactly one video. With `--afew-va DIR` an
 * AFEW-VA-format folder, each clip a video of its own. At least one of the two is required.
 *
 * Per seed and strategy: start with no labels, then rounds; each round every video gets the frames that bring it
 * to the round's share of labels (1.5% ... 25%, at least one per video), chosen from what the studio knows before
 * the round; the labels are revealed, every video re-propagated (the product's wiring, labelPropagation.ts:
 * own labels in place, other videos' labels weakly) and the CCC pooled over every still-unlabelled frame.
 * The head is the built-in prior head; with `--retrain-every R` a head is trained on all labels so far
 * (trainPairHead from the prior) before every R-th round, and every-k gets a head trained on its own labels.
 * Every k-th frame is scored where it lands (k = 40 ... 4; k = 20 is the paper's ~5%).
 * On pseudo-videos an oracle that reads the hidden clip boundaries (one label per clip, biggest clip first) is
 * run as a bound: with one rating per clip, no ranker that only looks at the frames can do much better.
 *
 * Prints JSON lines: a curve per strategy (labels, CCC V/A, mean and sd over seeds), then the labels each strategy
 * needs to reach the CCC of every-20th-frame, per axis, whether ours needs at most half as many, and (pseudo-videos)
 * the share the oracle needs, which bounds what any ranker can show on that data.
 * Usage: npm run bench -- active-learning [--clips FILE] [--afew-va DIR] [--seeds N] [--retrain-every R]
 */
import os from 'node:os';
import { descriptors as packDescriptors } from '../src-main/core/affect/fewshot';
import { encodeImages, readLabelledImages, type LabelledImage } from '../src-main/core/affect/labelledImages';
import type { LinearPairHead } from '../src-main/core/affect/pairHead';
import { priorHead } from '../src-main/core/affect/priorHead';
import { descriptorLayout } from '../src-main/core/affect/descriptorLayout';

/** The replay's figures so far were measured on version 1 descriptors (without the action embedding). */
const LAYOUT = descriptorLayout(1);
import { seededRandom } from '../src-main/core/affect/random';
import { trainPairHead, type LabelledFrame, MIN_TRAINING_LABELS } from '../src-main/core/affect/trainHead';
import { clipVideos, pseudoVideos, type PseudoVideo } from '../src-main/core/affect/pseudoVideos';
import {
  everyKth,
  LabellingReplay,
  labelsToReach,
  randomStrategy,
  replayStrategy,
  suggestStrategy,
  type Score,
  type Strategy,
} from '../src-main/core/active/simulate';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SEEDS = Number(arg('--seeds') ?? 5);
const RETRAIN_EVERY = Number(arg('--retrain-every') ?? 0);
const AFEW_VA = arg('--afew-va');
const CLIPS = arg('--clips');
if (CLIPS === undefined && AFEW_VA === undefined) {
  process.stderr.write(
    'usage: npm run bench -- active-learning [--clips FILE] [--afew-va DIR] [--seeds N] [--retrain-every R]\n' +
      '  at least one dataset: --clips a CSV rated per clip (e.g. ../shared/data/kerc-dev/labels.csv), --afew-va an AFEW-VA folder\n',
  );
  process.exit(2);
}
const FRAME_SEC = 1 / 25;
const SCHEDULE = [0.015, 0.03, 0.045, 0.06, 0.08, 0.1, 0.125, 0.15, 0.2, 0.25];
const EVERY_K = [40, 30, 25, 20, 15, 12, 10, 8, 6, 5, 4];
const REFERENCE_K = 20;

/**
 * Not a strategy but a bound: it reads the hidden clip boundaries and labels the middle frame of the largest clip
 * without a label (then random frames). When labels are one per clip, no strategy that only looks can beat
 * "one label in every clip, biggest first" by much, so this shows what any ranker could gain here at most.
 */
function oracleClips(images: readonly LabelledImage[]): Strategy {
  return (context, count) => {
    const clipOf = (f: number) => (images[context.video.items[f] as number] as LabelledImage).clip;
    const frames = new Map<string, number[]>();
    context.video.items.forEach((_, f) => frames.set(clipOf(f), [...(frames.get(clipOf(f)) ?? []), f]));
    const open = [...frames.values()].filter((fs) => !fs.some((f) => context.labelled.has(f))).sort((a, b) => b.length - a.length);
    const picks = open.slice(0, count).map((fs) => fs[Math.floor(fs.length / 2)] as number);
    return picks.length >= count ? picks : [...picks, ...randomStrategy({ ...context, labelled: new Set([...context.labelled, ...picks]) }, count - picks.length)];
  };
}

const STRATEGIES: Record<string, Strategy> = { random: randomStrategy, ours: suggestStrategy };
const ORACLE = 'oracle-clips (bound, reads hidden clip ids)';

const round = (x: number) => Math.round(x * 1000) / 1000;
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sdOf = (xs: number[]) => Math.sqrt(meanOf(xs.map((x) => (x - meanOf(xs)) ** 2)));

function trainer(seed: number) {
  return (frames: LabelledFrame[]): LinearPairHead => (frames.length >= MIN_TRAINING_LABELS ? trainPairHead(frames, { start: priorHead(LAYOUT), seed, maxSteps: 600 }).head : priorHead(LAYOUT));
}

interface CurvePoint {
  labels: number;
  fraction: number;
  cccV: number;
  cccA: number;
  sdCccV: number;
  sdCccA: number;
}

/** Mean over seeds, point by point (the points of one curve are the same rounds, or the same k, in every seed). */
function average(runs: Score[][], totalFrames: number): CurvePoint[] {
  return (runs[0] ?? []).map((_, p) => {
    const at = runs.map((run) => run[p] as Score);
    const labels = meanOf(at.map((s) => s.labels));
    return {
      labels: round(labels),
      fraction: round(labels / totalFrames),
      cccV: round(meanOf(at.map((s) => s.cccV))),
      cccA: round(meanOf(at.map((s) => s.cccA))),
      sdCccV: round(sdOf(at.map((s) => s.cccV))),
      sdCccA: round(sdOf(at.map((s) => s.cccA))),
    };
  });
}

function runDataset(dataset: string, images: LabelledImage[], desc: Float32Array, makeVideos: (random: () => number) => PseudoVideo[], withOracle: boolean): void {
  const t0 = performance.now();
  // The oracle only means something where a video is made of several clips.
  const strategies: Record<string, Strategy> = withOracle ? { ...STRATEGIES, [ORACLE]: oracleClips(images) } : STRATEGIES;
  const runs: Record<string, Score[][]> = { everyK: [], ...Object.fromEntries(Object.keys(strategies).map((name) => [name, []])) };
  let totalFrames = 0;
  let videoCount = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const videos = makeVideos(seededRandom(seed));
    totalFrames = videos.reduce((sum, v) => sum + v.items.length, 0);
    videoCount = videos.length;
    for (const [name, strategy] of Object.entries(strategies)) {
      const replay = new LabellingReplay(videos, images, desc, priorHead(LAYOUT));
      const retrain = RETRAIN_EVERY > 0 ? { every: RETRAIN_EVERY, train: trainer(seed) } : undefined;
      (runs[name] as Score[][]).push(replayStrategy(replay, strategy, { schedule: SCHEDULE, random: seededRandom(seed * 7919 + name.length), retrain }));
    }
    (runs.everyK as Score[][]).push(
      EVERY_K.map((k) => {
        const replay = new LabellingReplay(videos, images, desc, priorHead(LAYOUT));
        videos.forEach((video, v) => everyKth(video.items.length, k).forEach((f) => replay.reveal(v, f)));
        if (RETRAIN_EVERY > 0) replay.setHead(trainer(seed)(replay.trainingFrames()));
        return replay.score();
      }),
    );
  }
  const curves = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, average(r, totalFrames)]));
  const machine = { cpus: os.cpus().length, node: process.versions.node };
  console.log(JSON.stringify({ bench: 'active-learning', dataset, videos: videoCount, frames: totalFrames, seeds: SEEDS, head: RETRAIN_EVERY > 0 ? `prior, retrained every ${RETRAIN_EVERY} rounds` : 'prior', seconds: round((performance.now() - t0) / 1000), machine }));
  for (const [name, curve] of Object.entries(curves)) {
    const points = name === 'everyK' ? curve.map((p, i) => ({ k: EVERY_K[i], ...p })) : curve;
    console.log(JSON.stringify({ bench: 'active-learning', dataset, strategy: name === 'everyK' ? 'every-k-th' : name, curve: points }));
  }
  const reference = (curves.everyK as CurvePoint[])[EVERY_K.indexOf(REFERENCE_K)] as CurvePoint;
  const reach: Record<string, { valence: number | null; arousal: number | null }> = {};
  for (const [name, curve] of Object.entries(curves)) {
    const at = (axis: 'cccV' | 'cccA') => {
      const n = labelsToReach(curve.map((p) => ({ labels: p.labels, value: p[axis] })), reference[axis]);
      return n === null ? null : round(n);
    };
    reach[name === 'everyK' ? 'every-k-th' : name] = { valence: at('cccV'), arousal: at('cccA') };
  }
  const ratio = (axis: 'valence' | 'arousal', strategy = 'ours') => {
    const needed = reach[strategy]?.[axis];
    return needed === null || needed === undefined ? null : round(needed / reference.labels);
  };
  console.log(
    JSON.stringify({
      bench: 'active-learning',
      dataset,
      reference: { strategy: `every-${REFERENCE_K}th-frame`, labels: reference.labels, fraction: reference.fraction, cccV: reference.cccV, cccA: reference.cccA },
      labelsToReach: reach,
      oursOverReference: { valence: ratio('valence'), arousal: ratio('arousal') },
      goalAtMostHalf: { valence: (ratio('valence') ?? Infinity) <= 0.5, arousal: (ratio('arousal') ?? Infinity) <= 0.5 },
      // What the clip oracle needs: when even it needs more than half, no ranker can meet the goal on this data.
      ...(withOracle ? { boundOverReference: { valence: ratio('valence', ORACLE), arousal: ratio('arousal', ORACLE) } } : {}),
    }),
  );
}

async function load(file: string, range: [number, number]) {
  const images = readLabelledImages(file, range);
  const encoded = await encodeImages(images);
  return { images, desc: packDescriptors({ items: images, embeddings: encoded.embeddings, probabilities: encoded.probabilities, actions: encoded.actions }, LAYOUT), fromCache: encoded.fromCache };
}

async function main(): Promise<void> {
  if (CLIPS) {
    const { images, desc } = await load(CLIPS, [1, 9]);
    runDataset(CLIPS, images, desc, (random) => pseudoVideos(images, { minClips: 8, maxClips: 12, frameSec: FRAME_SEC, random }), true);
  }
  if (AFEW_VA) {
    const { images, desc } = await load(AFEW_VA, [-1, 1]);
    runDataset(AFEW_VA, images, desc, () => clipVideos(images, { frameSec: FRAME_SEC, minFrames: 20 }), false);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
