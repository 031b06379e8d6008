/**
 * Predictions for a project's videos from its labels: the stored face descriptors, the active pair head (or the
 * prior head before any training), and every label of the chosen annotator as an anchor (labels of other videos
 * count too, weakly). One VideoPropagation per video is kept and updated label by label, so an edit costs a few
 * milliseconds, not a re-run. Predictions are derived data: they are saved as a model run for exports, and can
 * always be recomputed from the labels.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getAnalysis, listFrameDescriptors, type ModelId } from '../store/analysisStore';
import { PRIOR_HEAD_FILE } from '../store/predictionStore';
import { StudioError } from '../errors';
import type { AnnotatorId, VideoId } from '../ids';
import { currentLabels } from '../store/labelStore';
import type { Db } from '../store/projectDb';
import { listFrames, listVideos } from '../store/videoStore';
import { DESCRIPTOR_DIM, EXPRESSION_DIM, frameDescriptor, projectDescriptors, readLinearHead, type LinearPairHead } from './pairHead';
import { priorHead } from './priorHead';
import { ccc, rmse } from './metrics';
import { anchorOutputsFromProjections, VideoPropagation, type Propagated, type ProjectedFrames } from './propagate';

export interface HeadInUse {
  /** models.id of the active trained head, or null for the built-in prior head. */
  modelId: number | null;
  name: string;
  version: string;
}

export interface VideoPrediction extends Propagated {
  videoId: VideoId;
  hasFace: Uint8Array;
  anchorSpread: { valence: Float32Array; arousal: Float32Array };
  anchors: number;
  head: HeadInUse;
  /**
   * How well the model predicts each of this video's labels when that label is held back; null below 3 labels or
   * when not asked for (it costs one smoothing pass per label, too much for every caller).
   */
  heldOut: HeldOutAgreement | null;
}

export interface HeldOutAgreement {
  labels: number;
  cccValence: number;
  cccArousal: number;
  rmseValence: number;
  rmseArousal: number;
}

/** Leave-one-out on a video's own labels costs two anchor updates and one smoothing each: capped for long videos. */
const MAX_HELD_OUT = 60;

interface VideoState {
  headKey: string;
  propagation: VideoPropagation;
  projected: ProjectedFrames;
  /** Anchor id -> the label value it was built from, to tell which anchors changed. */
  anchorValues: Map<string, string>;
}

export class ProjectPredictor {
  private readonly videos = new Map<string, VideoState>();
  private loadedHead: { modelId: number; head: LinearPairHead } | null = null;
  private readonly frameCache = new Map<VideoId, { times: Float64Array; hasFace: Uint8Array; descriptors: (Float32Array | null)[]; encoderId: ModelId | null }>();

  constructor(
    private readonly db: Db,
    private readonly projectDir: string,
  ) {}

  /** Bumped by every reset, so a cache of predictions above this one knows the head changed. */
  generation = 0;

  /** Forget every cached video (a new head was trained or activated). */
  reset(): void {
    this.videos.clear();
    this.generation++;
  }

  predict(videoId: VideoId, annotatorId: AnnotatorId, options: { heldOut?: boolean } = {}): VideoPrediction {
    const head = this.activeHead();
    const state = this.videoState(videoId, annotatorId, head);
    const anchors = this.anchorsFor(videoId, annotatorId, head.head, state.projected);
    const seen = new Set<string>();
    for (const anchor of anchors) {
      seen.add(anchor.id);
      if (state.anchorValues.get(anchor.id) === anchor.key) continue;
      state.propagation.setAnchor(anchor.build());
      state.anchorValues.set(anchor.id, anchor.key);
    }
    for (const id of [...state.anchorValues.keys()]) {
      if (seen.has(id)) continue;
      state.propagation.removeAnchor(id);
      state.anchorValues.delete(id);
    }
    return {
      videoId,
      ...state.propagation.result(),
      hasFace: this.frameData(videoId).hasFace,
      anchorSpread: state.propagation.anchorSpread(),
      anchors: state.propagation.anchorCount,
      head: head.info,
      heldOut: options.heldOut ? heldOutAgreement(state.propagation, anchors.filter((a) => a.own).slice(0, MAX_HELD_OUT)) : null,
    };
  }

  /** The descriptors of a video's frames (null where there is no face), for suggestions and training. */
  descriptors(videoId: VideoId): (Float32Array | null)[] {
    return this.frameData(videoId).descriptors;
  }

  /** Presentation time of each frame, seconds (cached with the descriptors). */
  frameTimes(videoId: VideoId): Float64Array {
    return this.frameData(videoId).times;
  }

  private activeHead(): { head: LinearPairHead; info: HeadInUse; key: string } {
    const row = this.db.prepare(`SELECT id, name, version, file FROM models WHERE kind = 'pair_head' AND active = 1`).get() as
      | { id: number; name: string; version: string; file: string }
      | undefined;
    if (!row || row.file === PRIOR_HEAD_FILE) return { head: priorHead(), info: { modelId: null, name: 'circumplex prior', version: '1' }, key: 'prior' };
    // Every prediction asks for the active head: read and decode its file once, not on every label edit.
    if (this.loadedHead?.modelId !== row.id) {
      this.loadedHead = { modelId: row.id, head: readLinearHead(fs.readFileSync(path.resolve(this.projectDir, row.file))) };
    }
    return { head: this.loadedHead.head, info: { modelId: row.id, name: row.name, version: row.version }, key: `model-${row.id}` };
  }

  private videoState(videoId: VideoId, annotatorId: AnnotatorId, head: { head: LinearPairHead; key: string }): VideoState {
    const key = `${videoId}/${annotatorId}`;
    const cached = this.videos.get(key);
    if (cached && cached.headKey === head.key) return cached;
    const frames = this.frameData(videoId);
    const packed = new Float32Array(frames.descriptors.length * DESCRIPTOR_DIM);
    frames.descriptors.forEach((d, f) => d && packed.set(d, f * DESCRIPTOR_DIM));
    const state: VideoState = {
      headKey: head.key,
      projected: projectDescriptors(head.head, packed),
      propagation: new VideoPropagation({ times: frames.times, hasFace: frames.hasFace }),
      anchorValues: new Map(),
    };
    this.videos.set(key, state);
    return state;
  }

  private frameData(videoId: VideoId) {
    const analysis = getAnalysis(this.db, videoId);
    const cached = this.frameCache.get(videoId);
    if (cached && cached.encoderId === (analysis?.encoderId ?? null) && analysis?.finishedAt) return cached;
    const times = Float64Array.from(listFrames(this.db, videoId), (f) => f.ptsSec);
    const descriptors: (Float32Array | null)[] = Array.from({ length: times.length }, () => null);
    if (analysis) {
      for (const face of listFrameDescriptors(this.db, videoId, analysis.encoderId)) {
        if (face.expressionLogits) descriptors[face.frameIndex] = frameDescriptor(face.embedding, softmax(face.expressionLogits));
      }
    }
    const data = {
      times,
      hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)),
      descriptors,
      encoderId: analysis?.encoderId ?? null,
    };
    this.frameCache.set(videoId, data);
    return data;
  }

  /** Every current label of the annotator on a frame with a face: this video's in place, other videos' weakly. */
  private anchorsFor(videoId: VideoId, annotatorId: AnnotatorId, head: LinearPairHead, projected: ProjectedFrames) {
    const anchors: { id: string; key: string; own: boolean; frame: number; valence: number; arousal: number; build: () => Parameters<VideoPropagation['setAnchor']>[0] }[] = [];
    const width = 2 + projected.rank;
    for (const video of listVideos(this.db)) {
      const labels = currentLabels(this.db, video.id, annotatorId);
      if (labels.length === 0) continue;
      const descriptors = this.frameData(video.id).descriptors;
      for (const label of labels) {
        const descriptor = descriptors[label.frameIndex];
        if (!descriptor) continue;
        const own = video.id === videoId;
        anchors.push({
          id: `${video.id}:${label.frameIndex}`,
          key: `${label.valence},${label.arousal}`,
          own,
          frame: label.frameIndex,
          valence: label.valence,
          arousal: label.arousal,
          build: () => ({
            id: `${video.id}:${label.frameIndex}`,
            frame: own ? label.frameIndex : null,
            valence: label.valence,
            arousal: label.arousal,
            outputs: anchorOutputsFromProjections(
              projected,
              own ? projected.values.subarray(label.frameIndex * width, (label.frameIndex + 1) * width) : projectDescriptors(head, descriptor).values,
            ),
          }),
        });
      }
    }
    return anchors;
  }
}

/**
 * Each label predicted from all the others: remove its anchor, read the prediction at its frame, put it back.
 * The propagation ends as it started; the agreement is the CCC and RMSE of those predictions with the labels.
 */
function heldOutAgreement(
  propagation: VideoPropagation,
  own: readonly { frame: number; valence: number; arousal: number; build: () => Parameters<VideoPropagation['setAnchor']>[0] }[],
): HeldOutAgreement | null {
  if (own.length < 3) return null;
  const predicted = { valence: [] as number[], arousal: [] as number[] };
  for (const anchor of own) {
    const built = anchor.build();
    propagation.removeAnchor(built.id);
    const result = propagation.result();
    predicted.valence.push(result.valence[anchor.frame] as number);
    predicted.arousal.push(result.arousal[anchor.frame] as number);
    propagation.setAnchor(built);
  }
  const truth = { valence: own.map((a) => a.valence), arousal: own.map((a) => a.arousal) };
  const safe = (x: number) => (Number.isFinite(x) ? x : 0);
  return {
    labels: own.length,
    cccValence: safe(ccc(predicted.valence, truth.valence)),
    cccArousal: safe(ccc(predicted.arousal, truth.arousal)),
    rmseValence: rmse(predicted.valence, truth.valence),
    rmseArousal: rmse(predicted.arousal, truth.arousal),
  };
}

function softmax(logits: Float32Array): Float32Array {
  if (logits.length !== EXPRESSION_DIM) throw new StudioError(`Expected ${EXPRESSION_DIM} expression logits, got ${logits.length}.`);
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}
