/**
 * Who counts as a rater, on hand-built project data: human raters by default, an imported layer only where it
 * overlaps, the model only away from the labels it was anchored on; and figures that equal agreement.ts on the
 * matrix those rules give, with intervals around them.
 */
import { describe, expect, it } from 'vitest';
import type { AnnotatorId, LabelId, PersonId, VideoId } from '../ids';
import type { Annotator } from '../store/annotatorStore';
import type { CurrentLabel } from '../store/labelStore';
import { agreementMeasures, blandAltman } from './agreement';
import { fuseLayer, projectAgreement, raterTraces, type FrameValues, type LabelledVideos } from './projectAgreement';

const FPS = 25;
const ANA = { id: 1 as AnnotatorId, name: 'Ana', kind: 'human' } as Annotator;
const BEN = { id: 2 as AnnotatorId, name: 'Ben', kind: 'human' } as Annotator;
const AFEW = { id: 3 as AnnotatorId, name: 'AFEW-VA', kind: 'import' } as Annotator;
const V1 = 1 as VideoId;
const V2 = 2 as VideoId;

let nextId = 1;
function label(videoId: VideoId, annotator: Annotator, frameIndex: number, valence: number, arousal: number): CurrentLabel {
  return { id: nextId++ as LabelId, videoId, personId: 1 as PersonId, annotatorId: annotator.id, frameIndex, valence, arousal, origin: 'manual', createdAt: 'now' };
}

const wave = (f: number) => 0.6 * Math.sin(f / 20);
const wobble = (f: number) => 0.4 * Math.cos(f / 33);

/** Video 1 (300 frames): Ana and Ben label every 10th frame, Ben with a small bias and noise. Video 2: AFEW-VA and Ana. */
function data(model?: FrameValues): LabelledVideos {
  const frames = 300;
  const times = Array.from({ length: frames }, (_, f) => f / FPS);
  const v1: CurrentLabel[] = [];
  for (let f = 0; f < frames; f += 10) {
    v1.push(label(V1, ANA, f, wave(f), wobble(f)));
    v1.push(label(V1, BEN, f, wave(f) + 0.05 + 0.05 * Math.sin(f), wobble(f) - 0.03 * Math.cos(f * 1.7)));
  }
  const v2 = [0, 20, 40, 60, 80].flatMap((f) => [label(V2, AFEW, f, wave(f) * 0.8, wobble(f)), label(V2, ANA, f, wave(f), wobble(f) + 0.1)]);
  return {
    videos: [
      { id: V1, displayName: 'one.mp4', frameTimesSec: times },
      { id: V2, displayName: 'two.mp4', frameTimesSec: times.slice(0, 100) },
    ],
    annotators: [ANA, BEN, AFEW],
    labels: new Map([
      [V1, v1],
      [V2, v2],
    ]),
    model: new Map(model ? [[V1, new Map([[ANA.id, new Map([[1 as PersonId, model]])]])]] : []),
  };
}

const column = (labels: readonly CurrentLabel[], who: Annotator, axis: 'valence' | 'arousal') =>
  labels.filter((l) => l.annotatorId === who.id).sort((a, b) => a.frameIndex - b.frameIndex).map((l) => l[axis]);

describe('the raters agreement compares', () => {
  it('are the human annotators by default: an imported layer is another data set', () => {
    const report = projectAgreement(data(), undefined, { replicates: 50 });
    expect(report.raters).toEqual(['Ana', 'Ben']);
    expect(report.videos.map((v) => v.raters)).toEqual([['Ana', 'Ben'], []]);
  });

  it('count an imported layer only on the video where it overlaps, so two raters who overlap fully get their ICC', () => {
    const labels = data().labels.get(V1) as CurrentLabel[];
    const report = projectAgreement(data(), [{ kind: 'annotator', name: 'Ana' }, { kind: 'annotator', name: 'Ben' }, { kind: 'annotator', name: 'AFEW-VA' }], { replicates: 50 });
    const [one, two] = report.videos;
    expect(one?.raters).toEqual(['Ana', 'Ben']);
    expect(one?.completeFrames).toBe(30);
    const matrix = column(labels, ANA, 'valence').map((v, i) => [v, column(labels, BEN, 'valence')[i] as number]);
    expect(one?.valence?.measures['ICC(A,1)'].value).toBeCloseTo(agreementMeasures(matrix).values['ICC(A,1)'], 12);
    expect(one?.valence?.measures['ICC(A,1)'].value).toBeGreaterThan(0.9);
    expect(two?.raters).toEqual(['Ana', 'AFEW-VA']);
    expect(two?.frames).toBe(5);
  });

  it('refuse an unknown name and a rater chosen twice, each in one line', () => {
    expect(() => projectAgreement(data(), [{ kind: 'annotator', name: 'Ana' }, { kind: 'annotator', name: 'Cy' }])).toThrow(/no annotator named "Cy"/);
    expect(() => projectAgreement(data(), [{ kind: 'annotator', name: 'Ana' }, { kind: 'annotator', name: 'Ana' }])).toThrow(/chosen twice/);
  });
});

describe('the model as a rater', () => {
  // The model anchored on Ana: a copy of Ana's labels at her frames (what anchoring does), something else between.
  const model: FrameValues = new Map(Array.from({ length: 300 }, (_, f) => [f, f % 10 === 0 ? { valence: wave(f), arousal: wobble(f) } : { valence: wave(f) * 0.5, arousal: 0 }]));

  it('is never compared with its own anchors: against Ana every frame is within 2 s of her labels, so nothing is compared', () => {
    const report = projectAgreement(data(model), [{ kind: 'annotator', name: 'Ana' }, { kind: 'model', anchoredOn: 'Ana' }], { replicates: 50 });
    expect(report.raters).toEqual(['Ana', 'model (anchored on Ana)']);
    expect(report.pooled.frames).toBe(0);
    expect(report.pooled.valence).toBeNull();
    expect(report.leftOut).toEqual([{ rater: 'model (anchored on Ana)', frames: 300 }]);
  });

  it('counts only frames farther than 2 s from every label of its annotator on the video', () => {
    const sparse = data(model);
    // Ana keeps only the labels of the first 4 s; Ben labels all along.
    const v1 = (sparse.labels.get(V1) as CurrentLabel[]).filter((l) => l.annotatorId !== ANA.id || l.frameIndex < 100);
    (sparse.labels as Map<VideoId, CurrentLabel[]>).set(V1, v1);
    const report = projectAgreement(sparse, [{ kind: 'annotator', name: 'Ben' }, { kind: 'model', anchoredOn: 'Ana' }], { replicates: 50 });
    // Ana's last label is frame 90 (3.6 s): frames up to 5.6 s (frame 140) are her neighbourhood.
    expect(report.leftOut[0]?.frames).toBe(141);
    const benFrames = column(v1, BEN, 'valence').length;
    expect(report.videos[0]?.frames).toBe(benFrames - 15); // Ben's frames 0..140 are left out
    const traces = raterTraces(sparse, V1, [{ kind: 'annotator', name: 'Ben' }, { kind: 'model', anchoredOn: 'Ana' }]);
    expect(Math.min(...(traces[1]?.timeSec ?? []))).toBeGreaterThan(5.6);
    expect(traces[1]?.frameIndex).toHaveLength(159);
  });
});

describe('the figures', () => {
  const report = projectAgreement(data(), undefined, { replicates: 200, seed: 3 });
  const pooled = report.pooled.valence;

  it('carry an interval around each value, and repeat with the seed', () => {
    expect(pooled).not.toBeNull();
    for (const figure of Object.values(pooled?.measures ?? {})) {
      expect(figure.low).toBeLessThanOrEqual(figure.value);
      expect(figure.high).toBeGreaterThanOrEqual(figure.value);
    }
    expect(projectAgreement(data(), undefined, { replicates: 200, seed: 3 })).toEqual(report);
    expect(report.method).toMatchObject({ confidence: 0.95, replicates: 200, seed: 3, blockSec: 2 });
    // 30 shared frames over 11.6 s: six 2 s blocks.
    expect(report.pooled.blocks).toBe(6);
  });

  it('give each pair its Bland-Altman data, equal to blandAltman() on the pair', () => {
    const labels = data().labels.get(V1) as CurrentLabel[];
    const pair = pooled?.pairs[0];
    expect(pair).toMatchObject({ a: 'Ana', b: 'Ben', n: 30 });
    const direct = blandAltman(column(labels, ANA, 'valence'), column(labels, BEN, 'valence'));
    expect(pair?.blandAltman.meanDifference).toBeCloseTo(direct.meanDifference, 12);
    expect(pair?.blandAltman.upper).toBeCloseTo(direct.upper, 12);
    expect(pair?.blandAltman.meanDifference).toBeLessThan(0); // Ben rates higher
    expect(pair?.blandAltman.points).toHaveLength(30);
  });
});

describe('fusion', () => {
  it('fuses the annotators over every frame one of them labelled, and refuses a model rater', () => {
    const fused = fuseLayer(data(), 'mean');
    // Ana and Ben on video 1's 30 frames, Ana alone on video 2's 5 (the imported layer is not a default rater).
    expect(fused.labels).toHaveLength(35);
    const benAt10 = wave(10) + 0.05 + 0.05 * Math.sin(10);
    expect(fused.labels.find((l) => l.videoId === V1 && l.frameIndex === 10)?.valence).toBeCloseTo((wave(10) + benAt10) / 2, 12);
    expect(() => fuseLayer(data(), 'ewe', [{ kind: 'annotator', name: 'Ana' }, { kind: 'model', anchoredOn: 'Ana' }])).toThrow(/is a model, not an annotator/);
  });
});
