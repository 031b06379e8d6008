/**
 * Predictions for the persons of a project's videos from its labels: the person's stored face descriptors, the
 * annotator's own active pair head (or the prior head until they train one: a head trained on anyone else's labels
 * is never used, which is what blind mode needs), and every label of the chosen annotator as an anchor
 * (labels of other persons and videos count too, weakly). One VideoPropagation per person is kept and updated
 * label by label, so an edit costs a few milliseconds, not a re-run. Predictions are derived data: they are saved as a model run for exports, and can
 * always be recomputed from the labels.
 *
 * Descriptors of different videos meet as anchors, so the project reads every video under one descriptor layout
 * (descriptorLayout.ts): the lowest version among its analyses. A trained head is used only on descriptors of the
 * layout it was trained under; otherwise the prior head of the project's layout predicts, and `head.note` says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getAnalysis, listDescriptorVersions, listFaceActions, listFrameDescriptors } from '../store/analysisStore';
import { deleteBandCalibration, listBandCalibrations, saveBandCalibration } from '../store/bandCalibrationStore';
import { activePairHead, encoderCard, type ModelId } from '../store/modelStore';
import { PRIOR_HEAD_FILE } from '../store/predictionStore';
import { StudioError } from '../errors';
import type { AnnotatorId, PersonId, VideoId } from '../ids';
import { currentLabels } from '../store/labelStore';
import type { Db } from '../store/projectDb';
import { listFrames, listVideos } from '../store/videoStore';
import { calibratedBands, type BandCalibration } from './bandCalibration';
import { buildDescriptor, DEFAULT_ENCODER, descriptorLayout, encoderParts, EXPRESSION_DIM, projectDescriptorVersion, type DescriptorLayout } from './descriptorLayout';
import type { HeldBackInput } from './heldBack';
import { anchorOf, headFrames, otherVideoLabel, ownLabel, packDescriptors, videoPropagation, type HeadFrames, type LabelAnchor } from './labelPropagation';
import { readLinearHead, type LinearPairHead } from './pairHead';
import { priorHead, priorName } from './priorHead';
import { headTrainingOptions } from './trainJob';
import type { Propagated, VideoPropagation } from './propagate';

/** The Model panel's note on a video analysed with another encoder than the one the project is read with. */
export const OTHER_ENCODER_NOTE =
  "this video was analysed with another encoder than the project's first analysed video, so it has no faces to predict on: analyse it again with that encoder (Encoders panel), or analyse every video again with this one";

export interface HeadInUse {
  /** models.id of the annotator's active trained head, or null for the built-in prior head. */
  modelId: number | null;
  name: string;
  version: string;
  /** Why the prior predicts although a head is trained (it reads another descriptor layout); null otherwise. */
  note: string | null;
}

export interface VideoPrediction extends Propagated {
  videoId: VideoId;
  personId: PersonId;
  hasFace: Uint8Array;
  anchorSpread: { valence: Float32Array; arousal: Float32Array };
  anchors: number;
  head: HeadInUse;
  /** The held-back score whose factors calibrate the bands: how many labels it had and when (ISO); null: uncalibrated. */
  bandsCalibrated: { labels: number; fittedAt: string } | null;
}

interface ActiveHead {
  head: LinearPairHead;
  info: HeadInUse;
  /** Tells cached propagations apart: the head and the layout it reads. */
  key: string;
  layout: DescriptorLayout;
}

/** Band factors of a held-back score, the head they were fitted under, and the score's label count and time. */
interface FittedBands {
  head: string;
  calibration: BandCalibration;
  labels: number;
  fittedAt: string;
}

interface VideoState {
  headKey: string;
  propagation: VideoPropagation;
  frames: HeadFrames;
  /** Anchor id -> the label value it was built from, to tell which anchors changed. */
  anchorValues: Map<string, string>;
}

export class ProjectPredictor {
  private readonly videos = new Map<string, VideoState>();
  /** Decoded head files by model id: every prediction asks for its annotator's head. */
  private readonly loadedHeads = new Map<number, LinearPairHead>();
  /**
   * Per `<video>/<person>`, kept until `reset` once read from a finished analysis (an analysis that starts or
   * finishes resets): every prediction reads every label's descriptor, so checking its analysis each time would
   * cost a query per label.
   */
  private readonly frameCache = new Map<string, { times: Float64Array; hasFace: Uint8Array; descriptors: (Float32Array | null)[]; finished: boolean; layoutKey: string; otherEncoder: boolean }>();

  constructor(
    private readonly db: Db,
    private readonly projectDir: string,
  ) {}

  /** Bumped by every reset and calibration, so a cache of predictions above this one knows they changed. */
  generation = 0;

  /**
   * Band factors per `<video>/<person>/<annotator>` from their last held-back score (bandCalibration.ts), with the
   * head they were fitted under: kept in the project (bandCalibrationStore.ts) so they calibrate the bands again
   * after a restart, read once and again after every reset (an analysis finishing drops its video's rows).
   */
  private bandCalibrations: Map<string, FittedBands> | null = null;

  /**
   * The project's layout, read once and kept until `reset`: every prediction needs it, and only an analysis that
   * starts (its descriptor version and encoder) or finishes can change it (videos with an analysis are never removed).
   */
  private projectLayout: { layout: DescriptorLayout; encoderId: ModelId | null } | null = null;

  /**
   * Forget every cached video, the layout and the band factors read from the project: a new head was trained or
   * activated, an analysis started or finished, or persons changed. The one way to tell the predictor that what it
   * reads has changed.
   */
  reset(): void {
    this.videos.clear();
    this.frameCache.clear();
    this.bandCalibrations = null;
    this.projectLayout = null;
    this.generation++;
  }

  /**
   * Calibrates the video's bands with the factors of its held-back score (null: as the propagation gives them),
   * for the annotator's head in use. `persist` keeps them in the project (false while it is open read-only: they
   * then last until the next reset); `labels` is how many of the person's labels the score had.
   */
  calibrateBands(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId, calibration: BandCalibration | null, stored: { labels: number; persist: boolean }): void {
    const key = `${videoId}/${personId}/${annotatorId}`;
    const calibrations = this.calibrations();
    const head = this.activeHead(annotatorId).key;
    const fittedAt = new Date().toISOString();
    if (stored.persist) {
      if (calibration) saveBandCalibration(this.db, { videoId, personId, annotatorId, head, bins: calibration.bins, samples: calibration.samples, labels: stored.labels, fittedAt });
      else deleteBandCalibration(this.db, videoId, personId, annotatorId);
    }
    // Only a change of factors changes the predictions (and so the results clients hold diffs against).
    if (calibration) calibrations.set(key, { head, calibration, labels: stored.labels, fittedAt });
    else if (!calibrations.delete(key)) return;
    this.generation++;
  }

  private calibrations(): Map<string, FittedBands> {
    this.bandCalibrations ??= new Map(
      listBandCalibrations(this.db).map((row) => [
        `${row.videoId}/${row.personId}/${row.annotatorId}`,
        { head: row.head, calibration: { bins: row.bins, samples: row.samples }, labels: row.labels, fittedAt: row.fittedAt },
      ]),
    );
    return this.bandCalibrations;
  }

  predict(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): VideoPrediction {
    const head = this.activeHead(annotatorId);
    const state = this.videoState(videoId, personId, annotatorId, head);
    const seen = new Set<string>();
    for (const anchor of this.labelsFor(videoId, personId, annotatorId, head.layout)) {
      seen.add(anchor.id);
      if (state.anchorValues.get(anchor.id) === anchor.key) continue;
      state.propagation.setAnchor(anchorOf(state.frames, anchor.label(state.frames, head.head)));
      state.anchorValues.set(anchor.id, anchor.key);
    }
    for (const id of [...state.anchorValues.keys()]) {
      if (seen.has(id)) continue;
      state.propagation.removeAnchor(id);
      state.anchorValues.delete(id);
    }
    // Factors fitted under another head (or layout) say nothing about this one's bands.
    const fitted = this.calibrations().get(`${videoId}/${personId}/${annotatorId}`);
    const calibration = fitted?.head === head.key ? fitted.calibration : undefined;
    const bandsCalibrated = calibration && fitted ? { labels: fitted.labels, fittedAt: fitted.fittedAt } : null;
    const result = state.propagation.result();
    const frameData = this.frameData(videoId, personId, head.layout);
    // Anchor ids are "<video id>/<person id>:<frame>": the person's own labels are those with both ids.
    const own = `${videoId}/${personId}:`;
    const ownFrames = () => [...state.anchorValues.keys()].filter((id) => id.startsWith(own)).map((id) => Number(id.slice(own.length)));
    return {
      videoId,
      personId,
      ...(calibration ? calibratedBands(result, state.frames.times, ownFrames(), calibration) : result),
      hasFace: frameData.hasFace,
      anchorSpread: state.propagation.anchorSpread(),
      anchors: state.propagation.anchorCount,
      head: frameData.otherEncoder ? { ...head.info, note: OTHER_ENCODER_NOTE } : head.info,
      bandsCalibrated,
    };
  }

  /**
   * What the held-back score of a person needs, loaded (the score itself runs in a worker thread): the active
   * head and how it was trained (null for the prior), the video's frames with the person's descriptors packed into
   * one buffer the worker takes over, and the annotator's labels as the product's anchors and training see them.
   */
  heldBackInput(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId): HeldBackInput {
    const active = this.activeHead(annotatorId);
    const frames = this.frameData(videoId, personId, active.layout);
    return {
      head: active.head,
      training: active.info.modelId === null ? null : headTrainingOptions(active.layout),
      times: frames.times,
      hasFace: frames.hasFace,
      descriptors: packDescriptors(frames.descriptors, active.layout.dim),
      labels: this.labelsFor(videoId, personId, annotatorId, active.layout).map((l) => ({
        id: l.id,
        frame: l.frame,
        descriptor: l.descriptor,
        valence: l.valence,
        arousal: l.arousal,
        // Ids are "<video id>/<person>:<frame>"; training groups labels by video and person (trainJob's trainingFrames).
        group: l.id.slice(0, l.id.indexOf(':')),
      })),
    };
  }

  /** The descriptors of a person's frames under `layout` (null where they have no face), for suggestions and training. */
  descriptors(videoId: VideoId, personId: PersonId, layout = this.layout()): (Float32Array | null)[] {
    return this.frameData(videoId, personId, layout).descriptors;
  }

  /** Presentation time of each frame, seconds (cached with the descriptors). */
  frameTimes(videoId: VideoId, personId: PersonId): Float64Array {
    return this.frameData(videoId, personId, this.layout()).times;
  }

  /**
   * The layout every video of the project is read under: the lowest descriptor version among its analyses, with
   * the parts of the encoder the first analysis used (its card). Kept until `reset` (see projectLayout).
   */
  layout(): DescriptorLayout {
    return this.readLayout().layout;
  }

  /** The layout and the encoder whose embeddings it reads (null before any analysis). */
  private readLayout(): { layout: DescriptorLayout; encoderId: ModelId | null } {
    if (this.projectLayout) return this.projectLayout;
    const analysed = listDescriptorVersions(this.db);
    const first = analysed[0] && getAnalysis(this.db, analysed[0].videoId);
    const encoder = first ? encoderParts(encoderCard(this.db, first.encoderId)) : DEFAULT_ENCODER;
    this.projectLayout = { layout: descriptorLayout(projectDescriptorVersion(analysed.map((a) => a.descriptorVersion)), encoder), encoderId: first?.encoderId ?? null };
    return this.projectLayout;
  }

  /** The annotator's active head for the project's layout: a trained head of another layout is set aside for the prior. */
  private activeHead(annotatorId: AnnotatorId): ActiveHead {
    const layout = this.layout();
    const layoutKey = `${layout.version}/${layout.dim}`;
    const prior = (note: string | null): ActiveHead => ({ head: priorHead(layout), info: { modelId: null, name: priorName(layout), version: '1', note }, key: `prior/${layoutKey}`, layout });
    const row = activePairHead(this.db, annotatorId);
    if (!row || row.file === PRIOR_HEAD_FILE) return prior(null);
    // Every prediction asks for its annotator's head: read and decode a head's file once, not on every label edit.
    let head = this.loadedHeads.get(row.id);
    if (!head) {
      head = readLinearHead(fs.readFileSync(path.resolve(this.projectDir, row.file)));
      this.loadedHeads.set(row.id, head);
    }
    if (row.descriptorVersion !== layout.version || head.dim !== layout.dim) {
      return prior(`the trained head v${row.version} reads version ${row.descriptorVersion} descriptors and this project's videos are read as version ${layout.version}: train the head again to use it`);
    }
    return { head, info: { modelId: row.id, name: row.name, version: row.version, note: null }, key: `model-${row.id}/${layoutKey}`, layout };
  }

  private videoState(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId, head: ActiveHead): VideoState {
    const key = `${videoId}/${personId}/${annotatorId}`;
    const cached = this.videos.get(key);
    if (cached && cached.headKey === head.key) return cached;
    const data = this.frameData(videoId, personId, head.layout);
    const frames = headFrames(head.head, data.descriptors, data.times);
    const state: VideoState = { headKey: head.key, frames, propagation: videoPropagation(frames), anchorValues: new Map() };
    this.videos.set(key, state);
    return state;
  }

  private frameData(videoId: VideoId, personId: PersonId, layout: DescriptorLayout) {
    const cacheKey = `${videoId}/${personId}`;
    const layoutKey = `${layout.version}/${layout.dim}`;
    const cached = this.frameCache.get(cacheKey);
    // An analysis still running adds faces with every chunk: its descriptors are read again.
    if (cached && cached.finished && cached.layoutKey === layoutKey) return cached;
    const analysis = getAnalysis(this.db, videoId);
    const times = Float64Array.from(listFrames(this.db, videoId), (f) => f.ptsSec);
    const descriptors: (Float32Array | null)[] = Array.from({ length: times.length }, () => null);
    // Embeddings of two encoders live in different spaces, even of one size: a video analysed with another encoder
    // than the one the project is read with has no descriptor the head can compare (and `otherEncoder` says why).
    const layoutEncoder = this.readLayout().encoderId;
    const otherEncoder = Boolean(analysis && layoutEncoder !== null && analysis.encoderId !== layoutEncoder);
    if (analysis && !otherEncoder) {
      const actions = layout.actionDim > 0 ? new Map(listFaceActions(this.db, videoId, personId).map((a) => [a.frameIndex, a.embedding])) : null;
      // Best-scored first within a frame: a person with two faces on one frame (linked wrongly) is read by the best.
      for (const face of listFrameDescriptors(this.db, videoId, personId, analysis.encoderId)) {
        if (descriptors[face.frameIndex] || (layout.expressionDim > 0 && !face.expressionLogits) || (layout.affectDim > 0 && !face.affect)) continue;
        // A frame without actions under a layout that has them (a face the blendshape model did not read) has no descriptor.
        const frameActions = actions?.get(face.frameIndex) ?? null;
        if (actions && !frameActions) continue;
        const probabilities = face.expressionLogits && softmax(face.expressionLogits);
        descriptors[face.frameIndex] = buildDescriptor(layout, { embedding: face.embedding, probabilities, actions: frameActions, affect: face.affect });
      }
    }
    const data = {
      times,
      hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)),
      descriptors,
      finished: Boolean(analysis?.finishedAt),
      layoutKey,
      otherEncoder,
    };
    this.frameCache.set(cacheKey, data);
    return data;
  }

  /**
   * Every current label of the annotator on a frame where its person has a face: this person's in place (frame
   * set), other persons' and videos' weakly (frame null). `key` tells an edited label from an unchanged one.
   */
  private labelsFor(videoId: VideoId, personId: PersonId, annotatorId: AnnotatorId, layout: DescriptorLayout) {
    const labels: { id: string; key: string; frame: number | null; valence: number; arousal: number; descriptor: Float32Array; label: (frames: HeadFrames, head: LinearPairHead) => LabelAnchor }[] = [];
    // Once per person here: a video whose analysis is running is read again on every frameData call, not per label.
    const descriptorsOf = new Map<string, (Float32Array | null)[]>();
    for (const video of listVideos(this.db)) {
      for (const label of currentLabels(this.db, video.id, { annotatorId })) {
        const personKey = `${video.id}/${label.personId}`;
        let personDescriptors = descriptorsOf.get(personKey);
        if (!personDescriptors) {
          personDescriptors = this.frameData(video.id, label.personId, layout).descriptors;
          descriptorsOf.set(personKey, personDescriptors);
        }
        const descriptor = personDescriptors[label.frameIndex];
        if (!descriptor) continue;
        const id = `${video.id}/${label.personId}:${label.frameIndex}`;
        const own = video.id === videoId && label.personId === personId;
        labels.push({
          id,
          key: `${label.valence},${label.arousal}`,
          frame: own ? label.frameIndex : null,
          valence: label.valence,
          arousal: label.arousal,
          descriptor,
          label: (frames, head) =>
            own ? ownLabel(frames, id, label.frameIndex, label.valence, label.arousal) : otherVideoLabel(head, id, descriptor, label.valence, label.arousal),
        });
      }
    }
    return labels;
  }
}

function softmax(logits: Float32Array): Float32Array {
  if (logits.length !== EXPRESSION_DIM) throw new StudioError(`Expected ${EXPRESSION_DIM} expression logits, got ${logits.length}.`);
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((x) => x / sum);
}
