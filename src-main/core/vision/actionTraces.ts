/**
 * Facial-action traces: what psychologists read along a video the way NOVA users read OpenFace action units. A
 * trace is one number on [0, 1] per frame made from the 52 blendshape scores (faceActions.ts): the default ones
 * combine the scores of a movement that has a left and a right side (or several parts) by their mean, so a
 * one-sided movement counts half; any single blendshape is a trace of its own under its name. NaN where the
 * person has no facial actions on the frame (no face, a face turned away, or an analysis without actions).
 */
import path from 'node:path';
import { StudioError } from '../errors';
import { defaultModelsDir } from '../inference/modelRegistry';
import { readModelCard } from '../inference/modelCard';
import { shownText } from '../shownText';
import { blendshapeLabels } from './faceActions';

export interface TraceDefinition {
  /** How it is named in settings, the API, the CLI and export columns. */
  id: string;
  /** How the window and the report name it. */
  label: string;
  /** The blendshapes whose mean the trace is. */
  blendshapes: readonly string[];
}

/** The defaults, in the order they are drawn; each is the mean of its blendshapes. */
export const DEFAULT_TRACES: readonly TraceDefinition[] = [
  { id: 'smile', label: 'Smile', blendshapes: ['mouthSmileLeft', 'mouthSmileRight'] },
  { id: 'browRaise', label: 'Brow raise', blendshapes: ['browInnerUp', 'browOuterUpLeft', 'browOuterUpRight'] },
  { id: 'browLower', label: 'Brow lower', blendshapes: ['browDownLeft', 'browDownRight'] },
  { id: 'jawOpen', label: 'Jaw open', blendshapes: ['jawOpen'] },
  { id: 'eyeBlink', label: 'Eye blink', blendshapes: ['eyeBlinkLeft', 'eyeBlinkRight'] },
];

export const DEFAULT_TRACE_IDS: readonly string[] = DEFAULT_TRACES.map((t) => t.id);

let shippedNames: readonly string[] | null = null;

/** The score names of the shipped blendshape model, in the order its scores are stored (its card's). */
export function shippedBlendshapeNames(): readonly string[] {
  if (!shippedNames) {
    const file = path.join(defaultModelsDir(), 'blendshapes.onnx');
    shippedNames = blendshapeLabels({ file, card: readModelCard(path.join(defaultModelsDir(), 'blendshapes.card.json')) }).names;
  }
  return shippedNames;
}

/** The trace of that id: a default one, or a single blendshape named as the model names it. */
export function traceDefinition(id: string, names: readonly string[] = shippedBlendshapeNames()): TraceDefinition {
  const known = DEFAULT_TRACES.find((t) => t.id === id);
  if (known) return known;
  if (names.includes(id) && !id.startsWith('_')) return { id, label: id, blendshapes: [id] };
  throw new StudioError(
    `There is no facial-action trace ${shownText(id)}: choose from ${DEFAULT_TRACE_IDS.join(', ')}, or a blendshape by its name (e.g. cheekPuff, mouthPucker).`,
  );
}

/** Every trace one may choose: the defaults, then each blendshape (the model's `_neutral` score is not an action). */
export function availableTraces(names: readonly string[] = shippedBlendshapeNames()): TraceDefinition[] {
  const single = names.filter((n) => !n.startsWith('_') && !DEFAULT_TRACE_IDS.includes(n)).map((n) => traceDefinition(n, names));
  return [...DEFAULT_TRACES, ...single];
}

/** A trace's values, one per frame of the video (NaN where there are no actions). */
export interface TraceSeries {
  definition: TraceDefinition;
  values: Float32Array;
}

/**
 * The traces over `frameCount` frames from the frames that have scores (`scores` in the order of `names`).
 * Scores past the video's end are ignored.
 */
export function computeTraces(
  definitions: readonly TraceDefinition[],
  frames: readonly { frameIndex: number; scores: Float32Array }[],
  frameCount: number,
  names: readonly string[] = shippedBlendshapeNames(),
): TraceSeries[] {
  return definitions.map((definition) => {
    const columns = definition.blendshapes.map((name) => {
      const column = names.indexOf(name);
      if (column < 0) throw new StudioError(`The blendshape model has no score named ${shownText(name)}, which the trace ${definition.id} needs.`);
      return column;
    });
    const values = new Float32Array(frameCount).fill(NaN);
    for (const frame of frames) {
      if (frame.frameIndex < 0 || frame.frameIndex >= frameCount) continue;
      let sum = 0;
      for (const column of columns) sum += frame.scores[column] as number;
      values[frame.frameIndex] = sum / columns.length;
    }
    return { definition, values };
  });
}

/**
 * The traces a project shows: its stored choice, or the defaults when it never chose. A stored id the blendshape
 * model no longer names (a rebuilt model) is passed over, so no export or view fails on an old setting.
 */
export function chosenTraces(choice: readonly string[] | null, names: readonly string[] = shippedBlendshapeNames()): TraceDefinition[] {
  const known = availableTraces(names);
  return (choice ?? DEFAULT_TRACE_IDS).flatMap((id) => known.filter((trace) => trace.id === id));
}

/** Whether an analysis made under this descriptor version stored facial actions (version 2 on). */
export function hasFacialActions(descriptorVersion: number | undefined): boolean {
  return descriptorVersion !== undefined && descriptorVersion >= 2;
}
