/**
 * The one wiring of "labels become anchors" (issue 13): a video's frames under a pair head, and labels (this
 * video's in place, other videos' weakly), give the anchors of a VideoPropagation. The product (ProjectPredictor),
 * the few-shot evaluation (fewshot.ts) and the labelling replay (active/simulate.ts) all build their anchors
 * here, so a benchmark measures the wiring that ships. Pure: it takes loaded data, never a database.
 */
import { StudioError } from '../errors';
import { projectDescriptors, type LinearPairHead } from './pairHead';
import { anchorOutputsFromProjections, DEFAULT_PROPAGATION, VideoPropagation, type Anchor, type ProjectedFrames, type PropagationSettings } from './propagate';

/** One video's frames as the propagation sees them under one head. */
export interface HeadFrames {
  /** Presentation time of each frame, seconds. */
  times: Float64Array;
  /** 1 where the frame has a face (and so a descriptor), 0 elsewhere. */
  hasFace: Uint8Array;
  /** The head's projection of every frame (zeros where there is no face). */
  projected: ProjectedFrames;
}

/** A label ready to become an anchor: its value and the head's projection of the frame it was given on. */
export interface LabelAnchor {
  id: string;
  valence: number;
  arousal: number;
  /** Its frame in the video being propagated, or null for a label of another video (a weak anchor). */
  frame: number | null;
  /** Row of the head's projection of the labelled frame: [delta V, delta A, metric...]. */
  projection: Float32Array;
}

/** Descriptors of `dim` values (one layout) packed row after row; a descriptor of another layout is refused. */
export function packDescriptors(descriptors: readonly (Float32Array | null)[], dim: number): Float32Array {
  const packed = new Float32Array(descriptors.length * dim);
  descriptors.forEach((d, f) => {
    if (!d) return;
    if (d.length !== dim) throw new StudioError(`A ${d.length}-value face descriptor cannot be read by a head of ${dim} values: they belong to different descriptor layouts.`);
    packed.set(d, f * dim);
  });
  return packed;
}

/** Frames of a video (descriptor per frame, null without a face) under `head`. */
export function headFrames(head: LinearPairHead, descriptors: readonly (Float32Array | null)[], times: Float64Array): HeadFrames {
  return { times, hasFace: Uint8Array.from(descriptors, (d) => (d ? 1 : 0)), projected: projectDescriptors(head, packDescriptors(descriptors, head.dim)) };
}

/** A label on frame `frame` of the video itself: its projection is that frame's row. */
export function ownLabel(frames: HeadFrames, id: string, frame: number, valence: number, arousal: number): LabelAnchor {
  const width = 2 + frames.projected.rank;
  return { id, frame, valence, arousal, projection: frames.projected.values.subarray(frame * width, (frame + 1) * width) };
}

/** A label of another video, from the descriptor of the frame it was given on. */
export function otherVideoLabel(head: LinearPairHead, id: string, descriptor: Float32Array, valence: number, arousal: number): LabelAnchor {
  return { id, frame: null, valence, arousal, projection: projectDescriptors(head, descriptor).values };
}

/** The anchor a label contributes to this video's propagation (the head's outputs against every frame). */
export function anchorOf(frames: HeadFrames, label: LabelAnchor): Anchor {
  return { id: label.id, frame: label.frame, valence: label.valence, arousal: label.arousal, outputs: anchorOutputsFromProjections(frames.projected, label.projection) };
}

/** An empty propagation over the video's frames; labels are added with `anchorOf`. */
export function videoPropagation(frames: HeadFrames, settings: PropagationSettings = DEFAULT_PROPAGATION): VideoPropagation {
  return new VideoPropagation({ times: frames.times, hasFace: frames.hasFace }, settings);
}

/**
 * A propagation holding every given label. With no weak anchors wanted (`crossVideo` 0) other videos' labels
 * are left out rather than added with weight zero.
 */
export function propagateLabels(frames: HeadFrames, labels: readonly LabelAnchor[], settings: PropagationSettings = DEFAULT_PROPAGATION): VideoPropagation {
  const propagation = videoPropagation(frames, settings);
  for (const label of labels) if (label.frame !== null || settings.crossVideo !== 0) propagation.setAnchor(anchorOf(frames, label));
  return propagation;
}
