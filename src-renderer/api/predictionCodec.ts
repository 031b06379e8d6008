/**
 * Unpacks predictions.get's answer (the format is described at VideoPredictions in src-main/api/contract.ts) into
 * float arrays, NaN where a frame has no face. A diff (changedFrames) is laid over the previous result, which must
 * be the one whose resultId the request sent as `since`.
 */
import type { VideoPredictions } from '../../src-main/api/contract';

export interface Predictions {
  videoId: number;
  personId: number;
  revision: number;
  resultId: number;
  anchors: number;
  head: VideoPredictions['head'];
  bandsCalibrated: VideoPredictions['bandsCalibrated'];
  valence: Float32Array;
  arousal: Float32Array;
  valenceSd: Float32Array;
  arousalSd: Float32Array;
}

const NO_FACE = -32768;
const AXES = ['valence', 'arousal', 'valenceSd', 'arousalSd'] as const;

export function decodePredictions(packed: VideoPredictions, previous: Predictions | null): Predictions {
  const frames = packed.changedFrames === null ? null : new Uint32Array(bytes(packed.changedFrames).buffer);
  if (frames && (!previous || previous.valence.length !== packed.frameCount)) {
    throw new Error('predictions.get sent changes to predictions this view does not hold');
  }
  const decoded = { videoId: packed.videoId, personId: packed.personId, revision: packed.revision, resultId: packed.resultId, anchors: packed.anchors, head: packed.head, bandsCalibrated: packed.bandsCalibrated } as Predictions;
  for (const axis of AXES) {
    const values = new Int16Array(bytes(packed[axis]).buffer);
    const expected = frames ? frames.length : packed.frameCount;
    if (values.length !== expected) throw new Error(`predictions.get sent ${values.length} ${axis} values for ${expected} frames`);
    const out = frames ? Float32Array.from((previous as Predictions)[axis]) : new Float32Array(packed.frameCount);
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      out[frames ? (frames[i] as number) : i] = value === NO_FACE ? Number.NaN : value / 1000;
    }
    decoded[axis] = out;
  }
  return decoded;
}

/** A fresh, aligned buffer (typed-array views need their element size's alignment). */
function bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
