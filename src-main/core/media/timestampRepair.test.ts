import { describe, expect, it } from 'vitest';
import { repairTimestamps } from './timestampRepair';

describe('repairTimestamps', () => {
  it('keeps decoder timestamps that are already non-decreasing, equal ones included', () => {
    expect(repairTimestamps([0, 0.04, 0.04, 0.1], 0.04)).toEqual({ ptsSec: [0, 0.04, 0.04, 0.1], repaired: 0 });
  });

  it('interpolates missing timestamps between their known neighbours', () => {
    const { ptsSec, repaired } = repairTimestamps([0, null, null, 0.3, 0.4], 1);
    expect(ptsSec[1]).toBeCloseTo(0.1, 12);
    expect(ptsSec[2]).toBeCloseTo(0.2, 12);
    expect(repaired).toBe(2);
  });

  it('distrusts the fewest values: one backwards dip or one wild jump does not drag the frames after it', () => {
    const dip = repairTimestamps([0, 0.1, 0.2, -5, 0.4, 0.5], 1);
    expect(dip.ptsSec[3]).toBeCloseTo(0.3, 12);
    expect(dip.repaired).toBe(1);
    const jump = repairTimestamps([0, 0.1, 1000, 0.3, 0.4, 0.5], 1);
    expect(jump.ptsSec).toEqual([0, 0.1, expect.closeTo(0.2, 12), 0.3, 0.4, 0.5]);
    expect(jump.repaired).toBe(1);
  });

  it('extrapolates leading and trailing gaps by the typical spacing of the trusted frames', () => {
    const { ptsSec } = repairTimestamps([null, 1.0, 1.04, 1.08, null, null], 0.5);
    expect(ptsSec.map((t) => Number(t.toFixed(9)))).toEqual([0.96, 1.0, 1.04, 1.08, 1.12, 1.16]);
  });

  it('falls back to the nominal frame duration when the decoder gives no usable spacing', () => {
    expect(repairTimestamps([null, null, null], 0.5)).toEqual({ ptsSec: [0, 0.5, 1], repaired: 3 });
    expect(repairTimestamps([null, 2, null], 0.5).ptsSec).toEqual([1.5, 2, 2.5]);
  });

  it('always returns a non-decreasing clock, whatever the decoder reported', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const raw = Array.from({ length: 50 }, (_, i) => (random() < 0.2 ? null : random() < 0.1 ? random() * 10 - 5 : i / 25));
      const { ptsSec } = repairTimestamps(raw, 1 / 25);
      expect(ptsSec).toHaveLength(raw.length);
      expect(ptsSec).toEqual([...ptsSec].sort((a, b) => a - b));
    }
  });
});
