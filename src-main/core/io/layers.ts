/**
 * The frame table split into layers, one per annotator plus a "model" layer, each a value (or none) for every
 * frame of the video: the shape tools with one tier or track per rater (NOVA, ELAN) need.
 */
import type { VideoRecord } from '../store/videoStore';
import type { FrameRow, VideoTable } from './frameTable';

/** The model layer holds the predictions on frames no annotator labelled (as in the csv export). */
export const MODEL_LAYER = 'model';

export interface LayerFrame {
  timeSec: number;
  valence: number | null;
  arousal: number | null;
  /** 1 for a person's label; for a prediction 1 - sd (clipped to [0, 1]): an sd of half the scale or more gives 0. */
  confidence: { valence: number; arousal: number };
}

export interface AffectLayer {
  name: string;
  /** `<video stem>.<layer>`, safe as a file name on every platform. */
  fileStem: string;
  /** One per video frame, in order. */
  frames: LayerFrame[];
  /** Median gap between frames: how long the last frame lasts. */
  frameStepSec: number;
}

export function layersOf({ video, person, rows }: VideoTable): AffectLayer[] {
  const times = [...new Map(rows.map((row) => [row.frameIndex, row.timeSec])).entries()].sort((a, b) => a[0] - b[0]);
  const names = [...new Set(rows.map((row) => row.annotator ?? (row.source === 'predicted' ? MODEL_LAYER : null)))].filter(
    (name): name is string => name !== null,
  );
  const step = medianGap(times.map(([, t]) => t));
  return names.map((name) => {
    const mine = new Map<number, FrameRow>();
    for (const row of rows) if ((row.annotator ?? (row.source === 'predicted' ? MODEL_LAYER : null)) === name) mine.set(row.frameIndex, row);
    return {
      name,
      fileStem: `${personStem(video, person.personId)}.${safeName(name)}`,
      frameStepSec: step,
      frames: times.map(([frameIndex, timeSec]) => {
        const row = mine.get(frameIndex);
        return {
          timeSec,
          valence: row?.valence ?? null,
          arousal: row?.arousal ?? null,
          confidence: { valence: confidence(row?.valenceSd ?? null), arousal: confidence(row?.arousalSd ?? null) },
        };
      }),
    };
  });
}

/** The video's stem for person 1 (so single-person exports keep their names), `<stem>.p<N>` for the others. */
export function personStem(video: VideoRecord, personId: number): string {
  return personId === 1 ? videoStem(video) : `${videoStem(video)}.p${personId}`;
}

/** `<id>-<display name>`: the id keeps two videos of the same name apart. */
export function videoStem(video: VideoRecord): string {
  return `${video.id}-${safeName(stripExtension(video.displayName))}`;
}

function stripExtension(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}

function safeName(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '_').replace(/^_+|_+$/g, '') || 'unnamed';
}

function confidence(sd: number | null): number {
  return sd === null ? 1 : Math.min(1, Math.max(0, 1 - sd));
}

function medianGap(times: readonly number[]): number {
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number)).sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? 0.04;
}
