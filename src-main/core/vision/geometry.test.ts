/** Unit tests of the pure parts of the face pipeline: anchors, decoding, NMS, crops, roll, tracking choices. */
import { describe, expect, it } from 'vitest';
import { ANCHORS16, ANCHORS32, decodeDetections, weightedNms, type Detection } from './blazeface';
import { isLandmarkSet, landmarkBox, meshToFrame, MESH_POINT_COUNT, MESH_SIZE, roiFromLandmarks, rollFromEyes, LEFT_EYE_CORNER, RIGHT_EYE_CORNER } from './faceRoi';
import { V2_LANDMARK_COUNT } from './faceActions';
import { cropToFrame, sampleRoi } from './imageOps';
import { GEOMETRY_DIM, isTurnedAway, normalisedGeometry, yawDegrees } from './landmarkGeometry';

describe('BlazeFace decoding', () => {
  it('has 896 anchors: 512 at stride 16, 384 at stride 32, centred in their cells', () => {
    expect(ANCHORS16.length / 2 + ANCHORS32.length / 2).toBe(896);
    expect([ANCHORS16[0], ANCHORS16[1], ANCHORS16[2], ANCHORS16[3]]).toEqual([0.5 / 16, 0.5 / 16, 0.5 / 16, 0.5 / 16]);
    expect([ANCHORS32.at(-2), ANCHORS32.at(-1)]).toEqual([7.5 / 8, 7.5 / 8]);
  });

  it('turns one confident anchor into a box and keypoints in 256-px units, and drops unsure ones', () => {
    const logits16 = new Float32Array(512).fill(-10);
    const regressors16 = new Float32Array(512 * 16);
    const i = 2 * (8 * 16 + 4); // row 8, column 4, first anchor: centre (4.5/16, 8.5/16)
    logits16[i] = 3;
    regressors16.set([25.6, -12.8, 64, 51.2, -10, 0, 10, 0], i * 16);
    const [d, ...rest] = decodeDetections({ logits16, regressors16, logits32: new Float32Array(384).fill(-10), regressors32: new Float32Array(384 * 16) });
    expect(rest).toEqual([]);
    expect(d?.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(d?.cx).toBeCloseTo(4.5 / 16 + 0.1, 6);
    expect(d?.cy).toBeCloseTo(8.5 / 16 - 0.05, 6);
    expect(d?.w).toBeCloseTo(0.25, 6);
    expect(d?.h).toBeCloseTo(0.2, 6);
    expect(d?.keypoints[0]?.x).toBeCloseTo(4.5 / 16 - 10 / 256, 6);
  });

  it('merges overlapping boxes into their score-weighted mean and keeps separate faces apart', () => {
    const box = (cx: number, score: number): Detection => ({ score, cx, cy: 0.5, w: 0.2, h: 0.2, keypoints: [{ x: cx, y: 0.5 }] });
    const kept = weightedNms([box(0.5, 0.9), box(0.52, 0.6), box(0.1, 0.7)], 0.3);
    expect(kept.map((d) => d.score)).toEqual([0.9, 0.7]);
    expect(kept[0]?.cx).toBeCloseTo((0.5 * 0.9 + 0.52 * 0.6) / 1.5, 6);
  });
});

describe('alignment and crops', () => {
  it('measures roll from the eyes (0 upright, positive when the left eye is lower)', () => {
    expect(rollFromEyes({ x: 0, y: 0 }, { x: 10, y: 0 })).toBe(0);
    expect(rollFromEyes({ x: 0, y: 0 }, { x: 10, y: 10 })).toBeCloseTo(Math.PI / 4, 9);
  });

  it('samples a rotated crop where cropToFrame says its pixels come from', () => {
    const width = 64;
    const height = 48;
    const data = new Uint8Array(width * height * 3);
    data[(20 * width + 40) * 3] = 255; // one red pixel at (40, 20)
    const roi = { cx: 32, cy: 24, size: 32, angle: Math.PI / 6 };
    const crop = sampleRoi({ data, width, height }, roi, 32, 32);
    let best = 0;
    crop.forEach((v, i) => {
      if (i % 3 === 0 && v > (crop[best] as number)) best = i;
    });
    const px = (best / 3) % 32;
    const py = Math.floor(best / 3 / 32);
    const back = cropToFrame(roi, 32, px + 0.5, py + 0.5);
    expect(Math.hypot(back.x - 40.5, back.y - 20.5)).toBeLessThan(1);
  });

  it('takes position, roll and scale out of the landmark geometry', () => {
    const raw = new Float32Array(V2_LANDMARK_COUNT * 3).map((_, i) => ((i * 7919) % MESH_SIZE) * 0.9);
    const a = meshToFrame(raw, { cx: 100, cy: 80, size: 120, angle: 0.3 });
    const b = meshToFrame(raw, { cx: 300, cy: 200, size: 60, angle: -0.5 });
    const ga = normalisedGeometry(a);
    const gb = normalisedGeometry(b);
    for (let i = 0; i < ga.length; i++) expect(ga[i]).toBeCloseTo(gb[i] as number, 3);
    expect(ga[3 * LEFT_EYE_CORNER]).toBeCloseTo(0.5, 5);
    expect(ga[3 * RIGHT_EYE_CORNER + 1]).toBeCloseTo(0, 5);
    // The crop from landmarks keeps the roll they were placed with.
    expect(roiFromLandmarks(b, 1.5).angle).toBeCloseTo(rollFromEyes({ x: b[3 * RIGHT_EYE_CORNER] as number, y: b[3 * RIGHT_EYE_CORNER + 1] as number }, { x: b[3 * LEFT_EYE_CORNER] as number, y: b[3 * LEFT_EYE_CORNER + 1] as number }), 9);
  });

  it('reads facemesh_v2\'s 478 points as V1\'s 468: the mesh points by the same index, the irises left out', () => {
    const v2 = meshToFrame(new Float32Array(V2_LANDMARK_COUNT * 3).map((_, i) => ((i * 7919) % MESH_SIZE) * 0.9), { cx: 200, cy: 150, size: 180, angle: 0.2 });
    expect(v2.length).toBe(V2_LANDMARK_COUNT * 3);
    const v1 = v2.slice(0, MESH_POINT_COUNT * 3);
    expect([isLandmarkSet(v1.length), isLandmarkSet(v2.length), isLandmarkSet(473 * 3)]).toEqual([true, true, false]);
    expect(normalisedGeometry(v2).length).toBe(GEOMETRY_DIM);
    expect(normalisedGeometry(v2)).toEqual(normalisedGeometry(v1));
    expect(yawDegrees(v2)).toBe(yawDegrees(v1));
    expect(isTurnedAway(v2)).toBe(isTurnedAway(v1));
    // Boxes and crops come from the mesh points alone, wherever the irises are.
    const far = Float32Array.from(v2).fill(10_000, MESH_POINT_COUNT * 3);
    expect(roiFromLandmarks(far, 1.5)).toEqual(roiFromLandmarks(v1, 1.5));
    expect(landmarkBox(far)).toEqual(landmarkBox(v1));
  });
});
