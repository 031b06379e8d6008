/**
 * Unpacks actions.traces' answer (the format is described at PersonActionTraces in src-main/api/contract.ts): each
 * trace's base64 little-endian float32 values become a Float32Array, NaN where the person has no face.
 */
import type { PersonActionTraces } from '../../src-main/api/contract';

export interface ActionLane {
  id: string;
  label: string;
  values: Float32Array;
}

export function decodeTraces(packed: PersonActionTraces): ActionLane[] {
  return packed.traces.map((trace) => {
    const text = atob(trace.values);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    if (bytes.length !== packed.frameCount * 4) throw new Error(`actions.traces sent ${bytes.length / 4} ${trace.id} values for ${packed.frameCount} frames`);
    return { id: trace.id, label: trace.label, values: new Float32Array(bytes.buffer) };
  });
}
