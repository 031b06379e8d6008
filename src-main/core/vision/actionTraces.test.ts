/**
 * The trace definitions against the shipped blendshape card: every default trace names scores the model has, each
 * is the mean of its scores on the frames that have them and NaN elsewhere, and a wrong trace name is refused
 * with the names one may use.
 */
import { describe, expect, it } from 'vitest';
import { StudioError } from '../errors';
import { availableTraces, chosenTraces, computeTraces, DEFAULT_TRACES, shippedBlendshapeNames, traceDefinition } from './actionTraces';
import { FACE_ACTION_COUNT } from './faceActions';

const names = shippedBlendshapeNames();
const scoresWith = (values: Record<string, number>) => Float32Array.from(names, (name) => values[name] ?? 0);

describe('facial-action traces', () => {
  it('are made of scores the shipped blendshape model has', () => {
    expect(names).toHaveLength(FACE_ACTION_COUNT);
    for (const trace of DEFAULT_TRACES) for (const blendshape of trace.blendshapes) expect(names).toContain(blendshape);
    expect(chosenTraces(null).map((t) => t.id)).toEqual(['smile', 'browRaise', 'browLower', 'jawOpen', 'eyeBlink']);
    // A stored choice naming a score a rebuilt model no longer has keeps the rest.
    expect(chosenTraces(['cheekPuff', 'retiredScore', 'smile']).map((t) => t.id)).toEqual(['cheekPuff', 'smile']);
    // Every blendshape but the model's `_neutral` can be chosen on its own, and jawOpen is listed once.
    expect(availableTraces().map((t) => t.id).sort()).toEqual(['smile', 'browRaise', 'browLower', 'eyeBlink', ...names.filter((n) => !n.startsWith('_'))].sort());
  });

  it('averages their scores per frame, NaN where the frame has none', () => {
    const frames = [
      { frameIndex: 1, scores: scoresWith({ mouthSmileLeft: 0.8, mouthSmileRight: 0.4, browInnerUp: 0.3, browOuterUpLeft: 0.6, browOuterUpRight: 0, jawOpen: 0.25, cheekPuff: 0.7 }) },
      { frameIndex: 3, scores: scoresWith({ eyeBlinkLeft: 1, eyeBlinkRight: 0 }) },
      { frameIndex: 9, scores: scoresWith({ jawOpen: 1 }) }, // past the end: ignored
    ];
    const traces = computeTraces([...chosenTraces(null), traceDefinition('cheekPuff')], frames, 5);
    const byId = Object.fromEntries(traces.map((t) => [t.definition.id, Array.from(t.values)]));
    expect(byId.smile?.[1]).toBeCloseTo(0.6, 6);
    expect(byId.browRaise?.[1]).toBeCloseTo(0.3, 6);
    expect(byId.jawOpen?.[1]).toBeCloseTo(0.25, 6);
    expect(byId.cheekPuff?.[1]).toBeCloseTo(0.7, 6);
    expect(byId.eyeBlink?.[3]).toBeCloseTo(0.5, 6); // a wink is half a blink
    expect(byId.smile?.[3]).toBe(0);
    for (const values of Object.values(byId)) {
      expect(values).toHaveLength(5);
      for (const frame of [0, 2, 4]) expect(values[frame]).toBeNaN();
    }
  });

  it('refuses a name that is neither a trace nor a blendshape, saying what is', () => {
    expect(() => traceDefinition('grin')).toThrow(StudioError);
    expect(() => traceDefinition('grin')).toThrow(/"grin".*smile, browRaise, browLower, jawOpen, eyeBlink/);
    expect(() => traceDefinition('_neutral')).toThrow(StudioError);
  });
});
