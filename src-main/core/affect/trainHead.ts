/**
 * Trains a linear pair head (pairHead.ts) on the project's own labels with MT-CLAR's cumulative multi-task loss
 * (docs/DESIGN.md §2): on pairs of labelled frames,
 *   L = w_sim BCE(similarity, |dV| <= 0.2 and |dA| <= 0.2) + w_v (delta_v - dV)^2 + w_a (delta_a - dA)^2
 *       + lambda |W - W_start|^2
 * with fresh random task weights every step (shake-shake style: uniform draws scaled to sum to 3), so no task
 * dominates. Plain TypeScript with hand-written gradients and Adam: the model is linear, so this is exact, fast
 * (seconds for 1,000 labels) and runs in a worker thread without ONNX Runtime.
 *
 * Training starts from a given head (the prior) and the L2 term pulls towards it rather than towards zero, so
 * a handful of labels corrects the prior instead of replacing it. Inputs are standardised per feature inside
 * training; the exported head works on raw descriptors (the scale is folded into the weights). The delta weights
 * the loss arrives at are then replaced by a ridge fit towards the start head (`shrunkDelta`, issue 16): that
 * loss barely penalises them, and a head that overfits its support must fall back towards the prior.
 *
 * Held-out frames (not pairs: pairs sharing a frame would leak) give the early-stopping loss. When the labels
 * come from at least 4 groups (videos), whole groups are held out, because frames of one video are near
 * duplicates and would make the held-out loss optimistic.
 */
import { StudioError } from '../errors';
import type { LinearPairHead } from './pairHead';
import { seededRandom, shuffled } from './random';
import { shrunkRegression } from './ridge';

export const SIMILAR_WITHIN = 0.2;

export interface LabelledFrame {
  descriptor: Float32Array;
  valence: number;
  arousal: number;
  /** Video (or clip) the frame belongs to; used to hold out whole groups. */
  group: string;
}

export interface TrainOptions {
  /** The head training starts from and is regularised towards (the prior head). */
  start: LinearPairHead;
  /** Rank of the learned similarity metric. */
  rank?: number;
  maxSteps?: number;
  batchPairs?: number;
  learningRate?: number;
  /** Strength of the pull towards the start head, per standardised weight. */
  l2?: number;
  validationFraction?: number;
  evalEvery?: number;
  /** Evaluations without improvement before stopping. */
  patience?: number;
  seed?: number;
}

export interface TrainProgress {
  step: number;
  maxSteps: number;
  validationLoss: number;
}

export interface ValidationMetrics {
  trainFrames: number;
  validationFrames: number;
  validationPairs: number;
  loss: number;
  deltaRmseValence: number;
  deltaRmseArousal: number;
  similarityAccuracy: number;
  /** The same metrics for the start head, so the card shows what training gained. */
  startLoss: number;
}

export interface TrainResult {
  head: LinearPairHead;
  steps: number;
  bestStep: number;
  validation: ValidationMetrics;
}

export const MIN_TRAINING_LABELS = 6;

interface Params {
  wd: Float64Array; // [D, 2], standardised space
  wm: Float64Array; // [D, R]
  b: number;
}

export function trainPairHead(frames: readonly LabelledFrame[], options: TrainOptions, onProgress?: (p: TrainProgress) => void): TrainResult {
  if (frames.length < MIN_TRAINING_LABELS) {
    throw new StudioError(`Training a pair head needs at least ${MIN_TRAINING_LABELS} labelled frames with a face; there are ${frames.length}.`);
  }
  const D = options.start.dim;
  for (const f of frames) {
    if (f.descriptor.length !== D) throw new StudioError(`A labelled frame has a ${f.descriptor.length}-d descriptor; the head reads ${D}.`);
  }
  const rank = Math.max(options.rank ?? 8, options.start.rank);
  const maxSteps = options.maxSteps ?? 2000;
  const batch = options.batchPairs ?? 128;
  const lr = options.learningRate ?? 0.01;
  const l2 = options.l2 ?? 1e-3;
  const evalEvery = options.evalEvery ?? 100;
  const patience = options.patience ?? 6;
  const random = seededRandom(options.seed ?? 1);

  const { train, validation } = splitFrames(frames, options.validationFraction ?? 0.2, random);
  const scale = featureScale(train, D);
  const standardise = (f: LabelledFrame) => Float64Array.from(f.descriptor, (v, k) => v / (scale[k] as number));
  const trainX = train.map(standardise);
  const valX = validation.map(standardise);

  const start = toStandardised(options.start, scale, rank, random);
  const params: Params = { wd: Float64Array.from(start.wd), wm: Float64Array.from(start.wm), b: start.b };
  const adam = new Adam(params.wd.length + params.wm.length + 1, lr);

  const valPairs = validationPairs(validation.length, train.length, 1500, random);
  const evaluate = (p: Params) => pairMetrics(p, D, rank, valPairs, valX, validation, trainX, train);

  let best = { params: cloneParams(params), loss: evaluate(params).loss, step: 0 };
  const startLoss = best.loss;
  let sinceBest = 0;
  let step = 0;
  const grad = new Float64Array(params.wd.length + params.wm.length + 1);
  const d = new Float64Array(D);
  const e = new Float64Array(rank);
  for (step = 1; step <= maxSteps; step++) {
    const w = taskWeights(random);
    grad.fill(0);
    for (let p = 0; p < batch; p++) {
      const i = Math.floor(random() * train.length);
      let j = Math.floor(random() * (train.length - 1));
      if (j >= i) j++;
      const xi = trainX[i] as Float64Array;
      const xj = trainX[j] as Float64Array;
      const fi = train[i] as LabelledFrame;
      const fj = train[j] as LabelledFrame;
      accumulatePairGradient(params, D, rank, xi, xj, fj.valence - fi.valence, fj.arousal - fi.arousal, w, d, e, grad, 1 / batch);
    }
    addPullTowards(grad, params, start, l2);
    // Linear decay to a tenth: big early steps to leave the prior, small late ones to settle (random task
    // weights make every step noisy).
    adam.step(params, grad, 1 - (0.9 * (step - 1)) / maxSteps);

    if (step % evalEvery === 0 || step === maxSteps) {
      const loss = evaluate(params).loss;
      onProgress?.({ step, maxSteps, validationLoss: loss });
      if (loss < best.loss - 1e-6) {
        best = { params: cloneParams(params), loss, step };
        sinceBest = 0;
      } else if (++sinceBest >= patience) {
        break;
      }
    }
  }
  // The delta weights are refitted by ridge towards the start head (ridge.ts): validated with a fit on the
  // training frames alone, shipped with a fit on all of them.
  const metrics = evaluate({ ...best.params, wd: standardisedDelta(shrunkDelta(train, options.start), scale) });
  const head = fromStandardised(best.params, scale, rank);
  head.delta = shrunkDelta(frames, options.start);
  return {
    head,
    steps: Math.min(step, maxSteps),
    bestStep: best.step,
    validation: {
      trainFrames: train.length,
      validationFrames: validation.length,
      validationPairs: valPairs.length,
      loss: metrics.loss,
      deltaRmseValence: metrics.rmseV,
      deltaRmseArousal: metrics.rmseA,
      similarityAccuracy: metrics.accuracy,
      startLoss,
    },
  };
}

/**
 * Delta weights [D, 2] by ridge regression of the labels on the descriptors, pulled towards a multiple of the
 * start head's (penalty and multiple by blocked cross-validation over the groups). MT-CLAR's delta loss alone
 * is nearly unpenalised least squares: on kerc-dev its head predicted unseen clips worse than the prior did, and
 * worse as the support grew.
 */
function shrunkDelta(frames: readonly LabelledFrame[], start: LinearPairHead): Float32Array {
  const D = start.dim;
  const x = new Float64Array(frames.length * D);
  frames.forEach((f, i) => x.set(f.descriptor, i * D));
  const startColumns = [0, 1].map((o) => Float64Array.from({ length: D }, (_, k) => start.delta[2 * k + o] as number));
  const fit = shrunkRegression(
    x,
    D,
    [Float64Array.from(frames, (f) => f.valence), Float64Array.from(frames, (f) => f.arousal)],
    frames.map((f) => f.group),
    startColumns,
  );
  const delta = new Float32Array(D * 2);
  for (let k = 0; k < D; k++) for (const o of [0, 1]) delta[2 * k + o] = (fit.weights[o] as Float64Array)[k] as number;
  return delta;
}

const standardisedDelta = (delta: Float32Array, scale: Float64Array) => Float64Array.from(delta, (v, idx) => v * (scale[idx >> 1] as number));

function splitFrames(frames: readonly LabelledFrame[], fraction: number, random: () => number) {
  const groups = [...new Set(frames.map((f) => f.group))];
  if (groups.length >= 4) {
    const held = new Set(shuffled(groups, random).slice(0, Math.max(1, Math.round(groups.length * fraction))));
    const validation = frames.filter((f) => held.has(f.group));
    const train = frames.filter((f) => !held.has(f.group));
    if (train.length >= 2 && validation.length >= 1) return { train, validation };
  }
  const order = shuffled(frames, random);
  const nVal = Math.max(1, Math.round(frames.length * fraction));
  return { validation: order.slice(0, nVal), train: order.slice(nVal) };
}

/** Per-feature standard deviation over the training frames; constant features keep scale 1 (their d is 0). */
function featureScale(train: readonly LabelledFrame[], D: number): Float64Array {
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  for (const f of train) for (let k = 0; k < D; k++) mean[k] = (mean[k] as number) + (f.descriptor[k] as number) / train.length;
  for (const f of train) for (let k = 0; k < D; k++) sq[k] = (sq[k] as number) + ((f.descriptor[k] as number) - (mean[k] as number)) ** 2 / train.length;
  return Float64Array.from(sq, (v) => (v > 1e-12 ? Math.sqrt(v) : 1));
}

function toStandardised(head: LinearPairHead, scale: Float64Array, rank: number, random: () => number): Params {
  const D = head.dim;
  const wd = Float64Array.from(head.delta, (v, idx) => v * (scale[idx >> 1] as number));
  const wm = new Float64Array(D * rank);
  for (let k = 0; k < D; k++) {
    for (let r = 0; r < rank; r++) {
      // Extra metric columns start tiny and random: zero would be a saddle point of |d W|^2.
      wm[k * rank + r] = r < head.rank ? (head.metric[k * head.rank + r] as number) * (scale[k] as number) : (random() - 0.5) * 1e-3;
    }
  }
  return { wd, wm, b: head.bias };
}

function fromStandardised(p: Params, scale: Float64Array, rank: number): LinearPairHead {
  const D = scale.length;
  return {
    dim: D,
    rank,
    delta: Float32Array.from(p.wd, (v, idx) => v / (scale[idx >> 1] as number)),
    metric: Float32Array.from(p.wm, (v, idx) => v / (scale[Math.floor(idx / rank)] as number)),
    bias: p.b,
  };
}

const cloneParams = (p: Params): Params => ({ wd: Float64Array.from(p.wd), wm: Float64Array.from(p.wm), b: p.b });

function taskWeights(random: () => number): [number, number, number] {
  const u0 = random();
  const u1 = random();
  const u2 = random();
  const sum = u0 + u1 + u2 || 1;
  return [(3 * u0) / sum, (3 * u1) / sum, (3 * u2) / sum];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** log(1 + e^x) without overflow. */
const softplus = (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x)));

function pairForward(p: Params, D: number, rank: number, xi: Float64Array, xj: Float64Array, d: Float64Array, e: Float64Array) {
  let dv = 0;
  let da = 0;
  e.fill(0);
  for (let k = 0; k < D; k++) {
    const dk = (xj[k] as number) - (xi[k] as number);
    d[k] = dk;
    if (dk === 0) continue;
    dv += dk * (p.wd[2 * k] as number);
    da += dk * (p.wd[2 * k + 1] as number);
    const row = k * rank;
    for (let r = 0; r < rank; r++) e[r] = (e[r] as number) + dk * (p.wm[row + r] as number);
  }
  let sq = 0;
  for (let r = 0; r < rank; r++) sq += (e[r] as number) ** 2;
  return { dv, da, logit: p.b - sq };
}

const isSimilar = (dV: number, dA: number) => Math.abs(dV) <= SIMILAR_WITHIN && Math.abs(dA) <= SIMILAR_WITHIN;

function accumulatePairGradient(
  p: Params,
  D: number,
  rank: number,
  xi: Float64Array,
  xj: Float64Array,
  dV: number,
  dA: number,
  [wSim, wV, wA]: [number, number, number],
  d: Float64Array,
  e: Float64Array,
  grad: Float64Array,
  norm: number,
): void {
  const out = pairForward(p, D, rank, xi, xj, d, e);
  const gV = wV * 2 * (out.dv - dV) * norm;
  const gA = wA * 2 * (out.da - dA) * norm;
  const gLogit = wSim * (sigmoid(out.logit) - (isSimilar(dV, dA) ? 1 : 0)) * norm;
  const mOffset = p.wd.length;
  for (let k = 0; k < D; k++) {
    const dk = d[k] as number;
    if (dk === 0) continue;
    grad[2 * k] = (grad[2 * k] as number) + gV * dk;
    grad[2 * k + 1] = (grad[2 * k + 1] as number) + gA * dk;
    const row = mOffset + k * rank;
    const c = -2 * gLogit * dk;
    for (let r = 0; r < rank; r++) grad[row + r] = (grad[row + r] as number) + c * (e[r] as number);
  }
  grad[grad.length - 1] = (grad[grad.length - 1] as number) + gLogit;
}

function addPullTowards(grad: Float64Array, p: Params, start: Params, l2: number): void {
  for (let i = 0; i < p.wd.length; i++) grad[i] = (grad[i] as number) + 2 * l2 * ((p.wd[i] as number) - (start.wd[i] as number));
  const off = p.wd.length;
  for (let i = 0; i < p.wm.length; i++) grad[off + i] = (grad[off + i] as number) + 2 * l2 * ((p.wm[i] as number) - (start.wm[i] as number));
}

class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    size: number,
    private readonly lr: number,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(p: Params, grad: Float64Array, lrFactor: number): void {
    this.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const update = (i: number) => {
      const g = grad[i] as number;
      this.m[i] = b1 * (this.m[i] as number) + (1 - b1) * g;
      this.v[i] = b2 * (this.v[i] as number) + (1 - b2) * g * g;
      return (this.lr * lrFactor * ((this.m[i] as number) / c1)) / (Math.sqrt((this.v[i] as number) / c2) + 1e-8);
    };
    for (let i = 0; i < p.wd.length; i++) p.wd[i] = (p.wd[i] as number) - update(i);
    const off = p.wd.length;
    for (let i = 0; i < p.wm.length; i++) p.wm[i] = (p.wm[i] as number) - update(off + i);
    p.b -= update(grad.length - 1);
  }
}

/** Held-out pairs: each validation frame against training frames and other validation frames, at most `max`. */
function validationPairs(nVal: number, nTrain: number, max: number, random: () => number): [number, number][] {
  const all: [number, number][] = [];
  for (let i = 0; i < nVal; i++) {
    for (let j = 0; j < nTrain; j++) all.push([i, -1 - j]);
    for (let j = 0; j < nVal; j++) if (j !== i) all.push([i, j]);
  }
  return all.length <= max ? all : shuffled(all, random).slice(0, max);
}

function pairMetrics(
  p: Params,
  D: number,
  rank: number,
  pairs: readonly [number, number][],
  valX: Float64Array[],
  val: readonly LabelledFrame[],
  trainX: Float64Array[],
  train: readonly LabelledFrame[],
) {
  const d = new Float64Array(D);
  const e = new Float64Array(rank);
  let loss = 0;
  let sqV = 0;
  let sqA = 0;
  let correct = 0;
  for (const [i, j] of pairs) {
    const xi = valX[i] as Float64Array;
    const fi = val[i] as LabelledFrame;
    const xj = (j >= 0 ? valX[j] : trainX[-1 - j]) as Float64Array;
    const fj = (j >= 0 ? val[j] : train[-1 - j]) as LabelledFrame;
    const out = pairForward(p, D, rank, xi, xj, d, e);
    const dV = fj.valence - fi.valence;
    const dA = fj.arousal - fi.arousal;
    const similar = isSimilar(dV, dA);
    sqV += (out.dv - dV) ** 2;
    sqA += (out.da - dA) ** 2;
    if (out.logit > 0 === similar) correct++;
    loss += (similar ? softplus(-out.logit) : softplus(out.logit)) + (out.dv - dV) ** 2 + (out.da - dA) ** 2;
  }
  const n = Math.max(1, pairs.length);
  return { loss: loss / n, rmseV: Math.sqrt(sqV / n), rmseA: Math.sqrt(sqA / n), accuracy: correct / n };
}
