/**
 * The held-back score (issue 13): how well the model predicts frames it has not seen, by blocked cross-validation
 * on one video's own labels. Leave-one-out was not that: a label's neighbours a frame away are near copies of it
 * (a live trace drawn over random mouse movement scored CCC 0.87), so each fold also leaves out every label within
 * `neighbourhoodSec` of a held-out one. Other videos' labels stay as weak anchors, as in the product.
 *
 * Folds are contiguous blocks of the labels in time order (at most 10, equal label counts): a random split of a
 * dense trace would put a held-out label within 2 s of nearly every other label, leaving almost no anchors; time
 * blocks lose only the block and its 2 s edges, and ask what a user wants to know, how good the predictions are
 * between labels. Ten folds keep the cost at ten incremental updates whatever the number of labels.
 *
 * Pure: loaded data in, numbers out. `heldBackInWorker` runs it in a worker thread: at 1,000 labels on a long
 * video it takes seconds, and the event loop must keep answering label saves meanwhile.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../errors';
import { ccc, rmse } from './metrics';
import { anchorOf, headFrames, otherVideoLabel, ownLabel, propagateLabels, type HeadFrames, type LabelAnchor } from './labelPropagation';
import type { LinearPairHead } from './pairHead';
import { DEFAULT_PROPAGATION, type PropagationSettings } from './propagate';

export const NEIGHBOURHOOD_SEC = 2;
export const MAX_FOLDS = 10;
/** Below this many labels a CCC is noise: no score. */
export const MIN_HELD_BACK_LABELS = 5;

export interface HeldBackScore {
  /** Labels of the video scored, each held out once. */
  labels: number;
  folds: number;
  neighbourhoodSec: number;
  cccValence: number;
  cccArousal: number;
  rmseValence: number;
  rmseArousal: number;
}

export interface HeldBackPredictions {
  folds: number;
  neighbourhoodSec: number;
  predicted: { valence: number[]; arousal: number[] };
  truth: { valence: number[]; arousal: number[] };
}

export interface HeldBackOptions {
  /** Default: min(MAX_FOLDS, labels). Labels-many folds with a 0 s neighbourhood is the old leave-one-out. */
  folds?: number;
  neighbourhoodSec?: number;
  settings?: PropagationSettings;
}

/**
 * Every own label (frame not null) predicted with its fold and that fold's neighbourhood left out. The
 * propagation is built once and each fold removes then restores its left-out anchors, so a fold costs two passes
 * per left-out label plus one smoothing, not a rebuild.
 */
export function heldBackPredictions(frames: HeadFrames, labels: readonly LabelAnchor[], options: HeldBackOptions = {}): HeldBackPredictions {
  const neighbourhoodSec = options.neighbourhoodSec ?? NEIGHBOURHOOD_SEC;
  const timeOf = (label: LabelAnchor) => frames.times[label.frame as number] as number;
  const own = labels.filter((l) => l.frame !== null).sort((a, b) => timeOf(a) - timeOf(b));
  const folds = Math.max(1, Math.min(options.folds ?? MAX_FOLDS, own.length));
  const propagation = propagateLabels(frames, labels, options.settings ?? DEFAULT_PROPAGATION);
  const out: HeldBackPredictions = { folds, neighbourhoodSec, predicted: { valence: [], arousal: [] }, truth: { valence: [], arousal: [] } };
  for (let k = 0; k < folds; k++) {
    const start = Math.floor((k * own.length) / folds);
    const end = Math.floor(((k + 1) * own.length) / folds);
    const heldOut = own.slice(start, end);
    if (heldOut.length === 0) continue;
    // The block is a run of the time-ordered labels, so "within the radius of a held-out label" is one interval.
    const from = timeOf(heldOut[0] as LabelAnchor) - neighbourhoodSec;
    const to = timeOf(heldOut[heldOut.length - 1] as LabelAnchor) + neighbourhoodSec;
    const leftOut = own.filter((l) => timeOf(l) >= from && timeOf(l) <= to);
    for (const label of leftOut) propagation.removeAnchor(label.id);
    const result = propagation.result();
    for (const label of heldOut) {
      out.predicted.valence.push(result.valence[label.frame as number] as number);
      out.predicted.arousal.push(result.arousal[label.frame as number] as number);
      out.truth.valence.push(label.valence);
      out.truth.arousal.push(label.arousal);
    }
    for (const label of leftOut) propagation.setAnchor(anchorOf(frames, label));
  }
  return out;
}

/** Several videos' held-out predictions as one set (folds add up): how an evaluation scores many clips at once. */
export function poolHeldBack(parts: readonly HeldBackPredictions[]): HeldBackPredictions {
  return {
    folds: parts.reduce((sum, p) => sum + p.folds, 0),
    neighbourhoodSec: parts[0]?.neighbourhoodSec ?? NEIGHBOURHOOD_SEC,
    predicted: { valence: parts.flatMap((p) => p.predicted.valence), arousal: parts.flatMap((p) => p.predicted.arousal) },
    truth: { valence: parts.flatMap((p) => p.truth.valence), arousal: parts.flatMap((p) => p.truth.arousal) },
  };
}

/** CCC and RMSE per axis over held-out predictions (one video's, or several pooled); null below the minimum. */
export function scoreHeldBack(predictions: HeldBackPredictions): HeldBackScore | null {
  const { predicted, truth } = predictions;
  if (truth.valence.length < MIN_HELD_BACK_LABELS) return null;
  // Both series the same constant leaves CCC undefined (0/0): no agreement shown beyond chance.
  const finite = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    labels: truth.valence.length,
    folds: predictions.folds,
    neighbourhoodSec: predictions.neighbourhoodSec,
    cccValence: finite(ccc(predicted.valence, truth.valence)),
    cccArousal: finite(ccc(predicted.arousal, truth.arousal)),
    rmseValence: rmse(predicted.valence, truth.valence),
    rmseArousal: rmse(predicted.arousal, truth.arousal),
  };
}

/** The held-back score of one video's labels. */
export function heldBackScore(frames: HeadFrames, labels: readonly LabelAnchor[], options: HeldBackOptions = {}): HeldBackScore | null {
  return scoreHeldBack(heldBackPredictions(frames, labels, options));
}

/** A video and its annotator's labels as loaded from a project (ProjectPredictor.heldBackInput). */
export interface HeldBackInput {
  head: LinearPairHead;
  /** Presentation time of each frame, seconds. */
  times: Float64Array;
  /** Descriptor of each frame, null without a face. */
  descriptors: readonly (Float32Array | null)[];
  own: { id: string; frame: number; valence: number; arousal: number }[];
  /** Other videos' labels with the descriptor of their frame: weak anchors. */
  others: { id: string; descriptor: Float32Array; valence: number; arousal: number }[];
}

export function heldBackOfInput(input: HeldBackInput): HeldBackScore | null {
  if (input.own.length < MIN_HELD_BACK_LABELS) return null;
  const frames = headFrames(input.head, input.descriptors, input.times);
  const labels = [
    ...input.own.map((l) => ownLabel(frames, l.id, l.frame, l.valence, l.arousal)),
    ...input.others.map((l) => otherVideoLabel(input.head, l.id, l.descriptor, l.valence, l.arousal)),
  ];
  return heldBackScore(frames, labels);
}

/** `.ts` when running from source (tests, benchmarks: the worker needs tsx), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

/** `heldBackOfInput` in a worker thread (pure TypeScript, no ONNX Runtime), so the caller's event loop stays free. */
export function heldBackInWorker(input: HeldBackInput): Promise<HeldBackScore | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, `heldBackWorker${OWN_EXTENSION}`), {
      workerData: input,
      execArgv: OWN_EXTENSION === '.ts' ? ['--import', 'tsx'] : [],
    });
    worker.once('message', (message: { type: 'done'; score: HeldBackScore | null } | { type: 'error'; message: string }) => {
      void worker.terminate();
      if (message.type === 'done') resolve(message.score);
      else reject(new StudioError(message.message));
    });
    worker.once('error', (error) => reject(new StudioError(`The held-back score's worker failed: ${error.message}`)));
    // Settling twice is a no-op: after a reply this reject does nothing.
    worker.once('exit', (code) => reject(new StudioError(`The held-back score's worker stopped (exit code ${code}) before it answered.`)));
  });
}
