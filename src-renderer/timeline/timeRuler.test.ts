import { describe, expect, it } from 'vitest';
import { formatRulerTime } from './timeRuler';

describe('time ruler labels', () => {
  it('reads h:mm:ss from the first frame, hours included', () => {
    expect(formatRulerTime(0, 0)).toBe('0:00:00');
    expect(formatRulerTime(59, 0)).toBe('0:00:59');
    expect(formatRulerTime(61, 0)).toBe('0:01:01');
    expect(formatRulerTime(3723, 0)).toBe('1:02:03');
  });

  it('adds tenths only when ticks are under a second apart, without rounding a second up', () => {
    expect(formatRulerTime(1.5, 1)).toBe('0:00:01.5');
    expect(formatRulerTime(0.2, 1)).toBe('0:00:00.2');
    expect(formatRulerTime(3599.9, 1)).toBe('0:59:59.9');
    // 0.1 * 3 is 0.30000000000000004 in floating point: still 0.3.
    expect(formatRulerTime(0.1 * 3, 1)).toBe('0:00:00.3');
    expect(formatRulerTime(0.99999, 1)).toBe('0:00:01.0');
  });
});
