/**
 * The facemesh -> iBUG 68-point mapping on real faces (the 16 FRL photos through the shipped facemesh_v2): derived
 * again here it is the committed table, and on every face its points sit where the 68-point scheme has them
 * relative to each other (jaw round the chin, brows above the eyes, eye and mouth corners in order, nose bridge
 * down to the tip, mouth below the nose).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { IBUG68_FROM_MESH, mapToIbug68 } from '../../src-main/core/vision/ibug68';
import { deriveMapping } from './derive';
import { frlPhotos, meshOnPhotos, type PhotoMesh } from './meshOnPhotos';

let meshes: PhotoMesh[];
beforeAll(async () => {
  meshes = await meshOnPhotos(frlPhotos());
}, 120_000);

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('iBUG 68 points from the face mesh', () => {
  it('is the mapping the derivation gives on the FRL photos', () => {
    expect(IBUG68_FROM_MESH).toHaveLength(68);
    expect(deriveMapping(meshes)).toEqual(IBUG68_FROM_MESH);
  });

  it('puts every point where the scheme has it relative to the others, on every face', () => {
    expect(meshes).toHaveLength(16);
    for (const mesh of meshes) {
      const p = mapToIbug68(mesh.landmarks);
      const x = (i: number) => p[2 * i] as number;
      const y = (i: number) => p[2 * i + 1] as number;
      const name = mesh.file;
      // The outer and inner eye corners are the mesh's own corners, in order across the face.
      expect([x(36), y(36), x(45), y(45)], name).toEqual([mesh.landmarks[3 * 33], mesh.landmarks[3 * 33 + 1], mesh.landmarks[3 * 263], mesh.landmarks[3 * 263 + 1]]);
      expect(x(36) < x(39) && x(39) < x(42) && x(42) < x(45), name).toBe(true);
      const faceHeight = y(8) - Math.min(y(19), y(24));
      // The jaw: from the image's left round the chin, the lowest point, to the right; its ends at eye height.
      for (const i of range(0, 8)) expect(y(i), `${name} jaw ${i}`).toBeLessThan(y(i + 1));
      for (const i of range(8, 16)) expect(y(i), `${name} jaw ${i}`).toBeGreaterThan(y(i + 1));
      for (const i of range(0, 8)) expect(x(i), `${name} jaw ${i}`).toBeLessThan(x(8));
      for (const i of range(9, 17)) expect(x(i), `${name} jaw ${i}`).toBeGreaterThan(x(8));
      for (const i of range(0, 68)) if (i !== 8) expect(y(i), `${name} point ${i} below the chin`).toBeLessThan(y(8));
      expect(Math.abs(y(0) - y(36)), name).toBeLessThan(0.15 * faceHeight);
      expect(Math.abs(y(16) - y(45)), name).toBeLessThan(0.15 * faceHeight);
      expect(x(0) < x(36) && x(45) < x(16), name).toBe(true);
      // Brows above their eyes, each drawn from the image's left to its right.
      expect(Math.max(...range(17, 22).map(y)), name).toBeLessThan(Math.min(...range(36, 42).map(y)));
      expect(Math.max(...range(22, 27).map(y)), name).toBeLessThan(Math.min(...range(42, 48).map(y)));
      for (const i of [...range(17, 21), ...range(22, 26)]) expect(x(i), `${name} brow ${i}`).toBeLessThan(x(i + 1));
      // Upper eyelids above lower ones.
      expect(Math.max(y(37), y(38)), name).toBeLessThan(Math.min(y(40), y(41)));
      expect(Math.max(y(43), y(44)), name).toBeLessThan(Math.min(y(46), y(47)));
      // The nose: the bridge goes down between the eyes to the tip; under it, left to right, below the tip.
      for (const i of [27, 28, 29]) expect(y(i), `${name} bridge ${i}`).toBeLessThan(y(i + 1));
      expect(x(39) < x(30) && x(30) < x(42), name).toBe(true);
      for (const i of range(31, 35)) expect(x(i), `${name} nostril ${i}`).toBeLessThan(x(i + 1));
      expect(y(30), name).toBeLessThan(y(33));
      // The mouth: corners out, the upper lip's top above the lips' meeting line above the lower lip's bottom,
      // all below the nose.
      expect(x(48) < x(51) && x(51) < x(54), name).toBe(true);
      expect(x(60) < x(62) && x(62) < x(64), name).toBe(true);
      expect(y(51) < y(62) && y(62) <= y(66) + 0.5 && y(66) < y(57), name).toBe(true);
      expect(y(33), name).toBeLessThan(y(51));
      expect(x(48) < x(60) && x(64) < x(54), name).toBe(true);
    }
  });
});
