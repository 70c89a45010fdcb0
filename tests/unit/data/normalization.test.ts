import { describe, expect, it } from 'vitest';
import { channelStats, NORM_EPS, normalizePerWindow, normalizeWithStats } from '../../../src-main/data/normalization.js';

describe('normalisation', () => {
  it('computes float64 population statistics over finite samples only', () => {
    const s = channelStats([Float32Array.from([1, 2, 3, 4, NaN]), Float32Array.from([5, 5, Infinity, 5, 5])]);
    expect(s.mean[0]).toBe(2.5);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect([s.min[0], s.max[0], s.count[0]]).toEqual([1, 4, 4]);
    expect([s.mean[1], s.std[1], s.count[1]]).toEqual([5, 0, 4]);
    const part = channelStats([Float32Array.from([1, 2, 100, 200])], 0, 2);
    expect(part.mean[0]).toBe(1.5);
  });

  it('standardises per window to mean 0, std 1, per channel', () => {
    // 2 windows × 4 samples × 2 channels, channel 1 = 10 × channel 0 + 3
    const x = new Float32Array(16);
    for (let i = 0; i < 8; i++) {
      x[2 * i] = (i * 7) % 5;
      x[2 * i + 1] = 10 * x[2 * i] + 3;
    }
    normalizePerWindow(x, 2, 4, 2, 'standardization');
    for (let w = 0; w < 2; w++) {
      for (let c = 0; c < 2; c++) {
        const v = [0, 1, 2, 3].map((t) => x[(w * 4 + t) * 2 + c]);
        const mean = v.reduce((a, b) => a + b) / 4;
        const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
        expect(mean).toBeCloseTo(0, 6);
        expect(std).toBeCloseTo(1, 5);
      }
    }
  });

  it('min-max maps to [0, 1]; none leaves values alone; constant windows stay finite', () => {
    const x = Float32Array.from([2, 4, 6, 10]);
    normalizePerWindow(x, 1, 4, 1, 'minmax');
    expect(Array.from(x)).toEqual([0, 0.25, 0.5, 1].map((v) => Math.fround(v * (8 / (8 + NORM_EPS)))));
    const y = Float32Array.from([2, 4]);
    normalizePerWindow(y, 1, 2, 1, 'none');
    expect(Array.from(y)).toEqual([2, 4]);
    const flat = Float32Array.from([3, 3, 3]);
    normalizePerWindow(flat, 1, 3, 1, 'standardization');
    expect(Array.from(flat)).toEqual([0, 0, 0]);
  });

  it('applies file statistics to every window', () => {
    const sig = Float32Array.from([0, 2, 4, 6]);
    const stats = channelStats([sig]);
    const x = Float32Array.from([4, 6]);
    normalizeWithStats(x, 1, 2, 1, stats, 'standardization');
    const std = Math.sqrt(5);
    expect(x[0]).toBeCloseTo((4 - 3) / std, 6);
    expect(x[1]).toBeCloseTo((6 - 3) / std, 6);
  });
});
