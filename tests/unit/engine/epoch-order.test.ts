import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/data/rng.js';
import { epochOrder } from '../../../src-main/engine/train/epoch-order.js';

describe('epochOrder (datasets sampled in balance)', () => {
  it('one dataset: the plain permutation, as before', () => {
    const dataset = new Int32Array(50);
    expect(epochOrder(dataset, 50, new Rng(3))).toEqual(new Rng(3).permutation(50));
  });

  it('a 90 / 10 split of windows: every batch of 32 holds both datasets in equal shares, and the order stays n long', () => {
    const n = 1000;
    const dataset = Int32Array.from({ length: n }, (_, i) => (i < 900 ? 0 : 1));
    const order = epochOrder(dataset, n, new Rng(7));
    expect(order).toHaveLength(n);
    for (let b = 0; b + 32 <= n; b += 32) {
      const small = Array.from(order.subarray(b, b + 32)).filter((i) => dataset[i] === 1).length;
      expect(Math.abs(small - 16)).toBeLessThanOrEqual(1);
    }
    // The small dataset is walked through whole before any window repeats (5 full passes of 100).
    const smallSeen = Array.from(order).filter((i) => dataset[i] === 1);
    expect(new Set(smallSeen.slice(0, 100)).size).toBe(100);
    // The large one: 500 distinct windows, none twice.
    const largeSeen = Array.from(order).filter((i) => dataset[i] === 0);
    expect(new Set(largeSeen).size).toBe(largeSeen.length);
    expect(largeSeen.length).toBe(500);
  });
});
