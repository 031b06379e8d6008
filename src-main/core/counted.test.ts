import { describe, expect, it } from 'vitest';
import { counted } from './counted';

describe('counted', () => {
  it('puts the noun in the number the count needs', () => {
    expect(counted(1, 'label')).toBe('1 label');
    expect(counted(0, 'label')).toBe('0 labels');
    expect(counted(12_345, 'frame')).toBe(`${(12_345).toLocaleString()} frames`);
    expect(counted(1, 'person', 'people')).toBe('1 person');
    expect(counted(2, 'person', 'people')).toBe('2 people');
  });
});
