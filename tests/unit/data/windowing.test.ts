import { describe, expect, it } from 'vitest';
import { evenlySpaced, extractWindows, windowStarts } from '../../../src-main/data/windowing.js';

describe('windowing', () => {
  it('places windows wholly inside [from, to) at the stride', () => {
    expect(windowStarts(0, 10, 4, 2)).toEqual([0, 2, 4, 6]);
    expect(windowStarts(3, 10, 4, 4)).toEqual([3]);
    expect(windowStarts(0, 3, 4, 1)).toEqual([]);
    expect(() => windowStarts(0, 10, 4, 0)).toThrow(/stride/);
  });

  it('caps evenly, keeping the first and last', () => {
    const xs = Array.from({ length: 11 }, (_, i) => i);
    expect(evenlySpaced(xs, 3)).toEqual([0, 5, 10]);
    expect(evenlySpaced(xs, null)).toEqual(xs);
    expect(evenlySpaced(xs, 50)).toEqual(xs);
    expect(evenlySpaced(xs, 1)).toEqual([5]);
  });

  it('lays windows out [n, length, channels] row-major', () => {
    const a = Float32Array.from([0, 1, 2, 3, 4, 5]);
    const b = Float32Array.from([10, 11, 12, 13, 14, 15]);
    const x = extractWindows([a, b], [1, 3], 2);
    // window 0: t=0 (1, 11), t=1 (2, 12); window 1: (3, 13), (4, 14)
    expect(Array.from(x)).toEqual([1, 11, 2, 12, 3, 13, 4, 14]);
    expect(Array.from(extractWindows([a], [2], 3))).toEqual([2, 3, 4]);
  });
});
