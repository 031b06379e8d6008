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
 * A trained pair head has seen every label, the held-out ones too, so scoring with it is optimistic (kerc-dev: CCC
 * 0.56/0.61 held back against 0.25/0.19 true on unseen clips). With a trained head each fold therefore gets its
 * own head, trained with the same function and options from the same labels minus the fold's left-out ones, and
 * the video is propagated afresh under it. The prior head never saw a label: it is used as it is.
 *
 * Pure: loaded data in, numbers out. `heldBackInWorker` runs it in a worker thread: at 1,000 labels on a long
 * video it takes seconds (tens with retraining), and the event loop must keep answering label saves meanwhile.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../errors';
import { bandCoverage, crossFittedCoverage, distanceToNearestLabel, fitBandCalibration, type BandCalibration, type BandCoverage, type BandSample } from './bandCalibration';
import { ccc, rmse } from './metrics';
import { anchorOf, otherVideoLabel, ownLabel, propagateLabels, type HeadFrames, type LabelAnchor } from './labelPropagation';
import { projectDescriptors, type LinearPairHead } from './pairHead';
import { DEFAULT_PROPAGATION, type Anchor, type PropagationSettings } from './propagate';
import { MIN_TRAINING_LABELS, trainPairHead, type LabelledFrame, type TrainOptions } from './trainHead';

export const NEIGHBOURHOOD_SEC = 2;
export const MAX_FOLDS = 10;
/** Below this many labels a CCC is noise: no score. */
export const MIN_HELD_BACK_LABELS = 5;

export interface HeldBackScore {
  /** Labels of the video scored, each held out once. */
  labels: number;
  folds: number;
  neighbourhoodSec: number;
  /** True when each fold's head was trained without the fold's left-out labels; false for the prior head. */
  retrainedPerFold: boolean;
  cccValence: number;
  cccArousal: number;
  rmseValence: number;
  rmseArousal: number;
  /**
   * Share of held-out labels inside the 90% band (±1.645 sd): as predicted, and with the band calibrated on the
   * other folds' residuals (bandCalibration.ts; null with too few of them).
   */
  band90: { coverage: BandCoverage; calibratedCoverage: BandCoverage | null };
  /** Band factors fitted on every held-out residual: what calibrates the video's bands. */
  calibration: BandCalibration | null;
}

export interface HeldBackPredictions {
  folds: number;
  neighbourhoodSec: number;
  retrainedPerFold: boolean;
  predicted: { valence: number[]; arousal: number[] };
  truth: { valence: number[]; arousal: number[] };
  /** Per held-out label: the prediction's sd and distance to the nearest label it had, and its fold. */
  bands: BandSample[];
  fold: number[];
}

export interface HeldBackOptions {
  /** Default: min(MAX_FOLDS, labels). Labels-many folds with a 0 s neighbourhood is the old leave-one-out. */
  folds?: number;
  neighbourhoodSec?: number;
  settings?: PropagationSettings;
  /** Given with a trained head: the video's frames and labels under a head that never saw `leftOut`. */
  retrain?: FoldRetrainer;
}

/** The frames and labels of the video under a head trained without the labels whose ids are in `leftOut`. */
export type FoldRetrainer = (leftOut: ReadonlySet<string>) => { frames: HeadFrames; labels: LabelAnchor[] };

/**
 * Every own label (frame not null) predicted with its fold and that fold's neighbourhood left out. With a fixed
 * head the propagation is built once and each fold removes then restores its left-out anchors (kept, not
 * recomputed), so a fold costs two passes per left-out label plus one smoothing, not a rebuild. With `retrain`
 * every fold is a rebuild under its own head.
 */
export function heldBackPredictions(frames: HeadFrames, labels: readonly LabelAnchor[], options: HeldBackOptions = {}): HeldBackPredictions {
  const neighbourhoodSec = options.neighbourhoodSec ?? NEIGHBOURHOOD_SEC;
  const settings = options.settings ?? DEFAULT_PROPAGATION;
  const timeOf = (label: LabelAnchor) => frames.times[label.frame as number] as number;
  const own = labels.filter((l) => l.frame !== null).sort((a, b) => timeOf(a) - timeOf(b));
  const folds = Math.max(1, Math.min(options.folds ?? MAX_FOLDS, own.length));
  const retrain = options.retrain;
  const fixed = retrain ? null : fixedHeadFolds(frames, labels, settings);
  const out: HeldBackPredictions = {
    folds,
    neighbourhoodSec,
    retrainedPerFold: retrain !== undefined,
    predicted: { valence: [], arousal: [] },
    truth: { valence: [], arousal: [] },
    bands: [],
    fold: [],
  };
  for (let k = 0; k < folds; k++) {
    const start = Math.floor((k * own.length) / folds);
    const end = Math.floor(((k + 1) * own.length) / folds);
    const heldOut = own.slice(start, end);
    if (heldOut.length === 0) continue;
    // The block is a run of the time-ordered labels, so "within the radius of a held-out label" is one interval.
    const from = timeOf(heldOut[0] as LabelAnchor) - neighbourhoodSec;
    const to = timeOf(heldOut[heldOut.length - 1] as LabelAnchor) + neighbourhoodSec;
    const leftOut = new Set(own.filter((l) => timeOf(l) >= from && timeOf(l) <= to).map((l) => l.id));
    let result;
    if (fixed) {
      result = fixed.without(leftOut);
    } else {
      const fold = (retrain as FoldRetrainer)(leftOut);
      result = propagateLabels(fold.frames, fold.labels.filter((l) => !leftOut.has(l.id)), settings).result();
    }
    const distance = distanceToNearestLabel(frames.times, own.filter((l) => !leftOut.has(l.id)).map((l) => l.frame as number));
    for (const label of heldOut) {
      const f = label.frame as number;
      out.predicted.valence.push(result.valence[f] as number);
      out.predicted.arousal.push(result.arousal[f] as number);
      out.truth.valence.push(label.valence);
      out.truth.arousal.push(label.arousal);
      out.bands.push({
        residualValence: label.valence - (result.valence[f] as number),
        residualArousal: label.arousal - (result.arousal[f] as number),
        sdValence: result.valenceSd[f] as number,
        sdArousal: result.arousalSd[f] as number,
        distanceSec: distance[f] as number | null,
      });
      out.fold.push(k);
    }
  }
  return out;
}

/** Folds under one head: every label's anchor built once, a fold's left-out ones removed and then put back. */
function fixedHeadFolds(frames: HeadFrames, labels: readonly LabelAnchor[], settings: PropagationSettings) {
  const propagation = propagateLabels(frames, [], settings);
  const anchors = new Map<string, Anchor>();
  for (const label of labels) {
    if (label.frame === null && settings.crossVideo === 0) continue;
    const anchor = anchorOf(frames, label);
    anchors.set(label.id, anchor);
    propagation.setAnchor(anchor);
  }
  return {
    without(leftOut: ReadonlySet<string>) {
      for (const id of leftOut) propagation.removeAnchor(id);
      const result = propagation.result();
      for (const id of leftOut) {
        const anchor = anchors.get(id);
        if (anchor) propagation.setAnchor(anchor);
      }
      return result;
    },
  };
}

/** A labelled frame as both training and propagation see it: its anchor id, its frame in this video or null. */
export interface FoldLabel {
  id: string;
  /** Frame in the video scored, or null for another video's label (a weak anchor). */
  frame: number | null;
  descriptor: Float32Array;
  valence: number;
  arousal: number;
  /** Training's group (video or clip), for its held-out split. */
  group: string;
}

/** A video's frames for a head: descriptors packed [frames, the layout's dim], zeros where there is no face. */
export interface PackedFrames {
  times: Float64Array;
  hasFace: Uint8Array;
  descriptors: Float32Array;
}

export function packedHeadFrames(head: LinearPairHead, video: PackedFrames): HeadFrames {
  return { times: video.times, hasFace: video.hasFace, projected: projectDescriptors(head, video.descriptors) };
}

/** The labels as anchors of the video under `head`: own labels in place, other videos' weakly. */
export function foldAnchors(frames: HeadFrames, head: LinearPairHead, labels: readonly FoldLabel[]): LabelAnchor[] {
  return labels.map((l) => (l.frame === null ? otherVideoLabel(head, l.id, l.descriptor, l.valence, l.arousal) : ownLabel(frames, l.id, l.frame, l.valence, l.arousal)));
}

/**
 * Retraining per fold: `training` are the options the head was trained with (the start head included), the
 * labels are all it was trained on. Too few labels left to train keeps the start head, which saw none of them.
 * Folds that leave out the same labels (a short clip) share their head.
 */
export function retrainPerFold(training: TrainOptions, video: PackedFrames, labels: readonly FoldLabel[]): FoldRetrainer {
  const heads = new Map<string, LinearPairHead>();
  return (leftOut) => {
    const key = [...leftOut].sort().join('\n');
    let head = heads.get(key);
    if (!head) {
      const frames: LabelledFrame[] = labels.filter((l) => !leftOut.has(l.id)).map((l) => ({ descriptor: l.descriptor, valence: l.valence, arousal: l.arousal, group: l.group }));
      head = frames.length >= MIN_TRAINING_LABELS ? trainPairHead(frames, training).head : training.start;
      heads.set(key, head);
    }
    const frames = packedHeadFrames(head, video);
    return { frames, labels: foldAnchors(frames, head, labels) };
  };
}

/** Several videos' held-out predictions as one set (folds add up): how an evaluation scores many clips at once. */
export function poolHeldBack(parts: readonly HeldBackPredictions[]): HeldBackPredictions {
  let foldOffset = 0;
  const fold: number[] = [];
  for (const p of parts) {
    fold.push(...p.fold.map((k) => k + foldOffset));
    foldOffset += p.folds;
  }
  return {
    bands: parts.flatMap((p) => p.bands),
    fold,
    folds: parts.reduce((sum, p) => sum + p.folds, 0),
    neighbourhoodSec: parts[0]?.neighbourhoodSec ?? NEIGHBOURHOOD_SEC,
    retrainedPerFold: parts.length > 0 && parts.every((p) => p.retrainedPerFold),
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
    retrainedPerFold: predictions.retrainedPerFold,
    cccValence: finite(ccc(predicted.valence, truth.valence)),
    cccArousal: finite(ccc(predicted.arousal, truth.arousal)),
    rmseValence: rmse(predicted.valence, truth.valence),
    rmseArousal: rmse(predicted.arousal, truth.arousal),
    band90: { coverage: bandCoverage(predictions.bands, null), calibratedCoverage: crossFittedCoverage(predictions.bands, predictions.fold) },
    calibration: fitBandCalibration(predictions.bands),
  };
}

/** The held-back score of one video's labels. */
export function heldBackScore(frames: HeadFrames, labels: readonly LabelAnchor[], options: HeldBackOptions = {}): HeldBackScore | null {
  return scoreHeldBack(heldBackPredictions(frames, labels, options));
}

/** A video and its annotator's labels as loaded from a project (ProjectPredictor.heldBackInput). */
export interface HeldBackInput extends PackedFrames {
  /** The active pair head. */
  head: LinearPairHead;
  /** How the active head was trained (each fold retrains so), or null for the prior head (used as it is). */
  training: TrainOptions | null;
  /** Every label of the annotator on a frame with a face: this video's (frame set) and other videos' (weak). */
  labels: FoldLabel[];
}

export function heldBackOfInput(input: HeldBackInput): HeldBackScore | null {
  if (input.labels.filter((l) => l.frame !== null).length < MIN_HELD_BACK_LABELS) return null;
  const frames = packedHeadFrames(input.head, input);
  const retrain = input.training ? retrainPerFold(input.training, input, input.labels) : undefined;
  return heldBackScore(frames, foldAnchors(frames, input.head, input.labels), { retrain });
}

/** `.ts` when running from source (tests, benchmarks: the worker needs tsx), `.js` when built. */
const OWN_EXTENSION = path.extname(__filename);

/** `heldBackOfInput` in a worker thread (pure TypeScript, no ONNX Runtime), so the caller's event loop stays free. */
export function heldBackInWorker(input: HeldBackInput): Promise<HeldBackScore | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, `heldBackWorker${OWN_EXTENSION}`), {
      workerData: input,
      // The descriptors (30 MB at 30,000 frames) move to the worker instead of being copied: the caller packed
      // them for this call alone.
      transferList: [input.descriptors.buffer as ArrayBuffer],
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
