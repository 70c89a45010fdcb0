import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/data/rng.js';

describe('Rng', () => {
  it('same seed ⇒ same stream; saved state resumes it exactly (including the cached normal)', () => {
    const a = new Rng(11);
    const b = new Rng(11);
    expect(Array.from(a.normalArray(5))).toEqual(Array.from(b.normalArray(5)));
    a.normal(); // leaves a spare normal cached
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const next = Array.from(a.normalArray(4));
    const c = new Rng(0);
    c.setState(saved);
    expect(Array.from(c.normalArray(4))).toEqual(next);
    expect(() => c.setState({ a: -1, spare: null })).toThrow(/unsigned 32-bit/);
  });

  it('normal draws have mean ≈ 0 and variance ≈ 1; permutation is a permutation', () => {
    const x = new Rng(2).normalArray(20000);
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    const p = Array.from(new Rng(3).permutation(50)).sort((u, v) => u - v);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Rng.derive(1, 'val').next()).not.toBe(Rng.derive(1, 'train').next());
  });
});
