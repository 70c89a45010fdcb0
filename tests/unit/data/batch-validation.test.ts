import { describe, expect, it } from 'vitest';
import { validateWindows } from '../../../src-main/data/batch-validation.js';

describe('validateWindows', () => {
  it('flags NaN, Inf, huge and flat windows, each under one reason', () => {
    const length = 4;
    const channels = 2;
    const windows = [
      [1, 2, 3, 4, 5, 6, 7, 8], // ok
      [1, NaN, 3, 4, 5, 6, 7, 8], // non_finite
      [1, 2, 3, Infinity, 5, 6, 7, 8], // non_finite
      [1, 2, 3, -1e6, 5, 6, 7, 8], // amplitude
      [NaN, 2e6, 3, 4, 5, 6, 7, 8], // non_finite wins over amplitude
      [7, 7, 7, 7, 7, 7, 7, 7], // flat
      [1, 0, 2, 0, 3, 0, 4, 0], // channel 1 dead → flat
      [-3, 1, 2, 9, 0, 4, 1, 1], // ok
    ];
    const x = Float32Array.from(windows.flat());
    const v = validateWindows(x, windows.length, length, channels, 1e4);
    expect(Array.from(v.valid)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(v.reasons).toEqual({ non_finite: 3, amplitude: 1, flat: 2 });
  });

  it('refuses a buffer that does not match its shape', () => {
    expect(() => validateWindows(new Float32Array(10), 2, 4, 1, 1)).toThrow(/expected n·length·channels = 2·4·1/);
  });
});
