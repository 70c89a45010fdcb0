import { describe, expect, it } from 'vitest';
import { taskSchema } from '../../../../src-main/config/schema.js';
import {
  augmentBatch, gaussianNoise, jitter, makeViews, roll, scaling, segmentPermutation, timeMask, timeShift,
  type AugmentationSpec,
} from '../../../../src-main/engine/contrastive/augmentations.js';
import { frequencyMask, maskBand, rfftBins } from '../../../../src-main/engine/contrastive/frequency-mask.js';
import { rfftPower } from '../../../../src-main/data/fft.js';
import { Rng } from '../../../../src-main/data/rng.js';

const L = 128;
const sine = (n: number, f: number): Float32Array => Float32Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * f * t) / n));
const std = (a: ArrayLike<number>): number => {
  const m = Array.from(a).reduce((s, v) => s + v, 0) / a.length;
  return Math.sqrt(Array.from(a).reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
};
const allOff = (): AugmentationSpec => {
  const a = taskSchema.parse({}).augmentations;
  for (const k of Object.keys(a) as (keyof AugmentationSpec)[]) a[k].enabled = false;
  return a;
};

describe('augmentations, one at a time', () => {
  it('Gaussian noise adds N(0, σ²): the difference has std σ; σ = 0 changes nothing', () => {
    const w = new Float32Array(20000);
    gaussianNoise(w, 0.05, new Rng(1));
    expect(std(w)).toBeCloseTo(0.05, 2);
    const x = sine(L, 3);
    const y = Float32Array.from(x);
    gaussianNoise(y, 0, new Rng(1));
    expect(y).toEqual(x);
  });

  it('jitter is relative to the window’s own std: a 10× louder window gets 10× the noise', () => {
    const quiet = sine(4096, 5);
    const loud = quiet.map((v) => 10 * v);
    const q = Float32Array.from(quiet);
    const l = Float32Array.from(loud);
    jitter(q, 0.1, new Rng(2));
    jitter(l, 0.1, new Rng(2));
    const dq = std(q.map((v, i) => v - quiet[i]));
    const dl = std(l.map((v, i) => v - loud[i]));
    expect(dq).toBeCloseTo(0.1 * std(quiet), 2);
    expect(dl / dq).toBeCloseTo(10, 3);
  });

  it('scaling multiplies the whole window by one s ∈ [low, high]', () => {
    const rng = new Rng(3);
    for (let k = 0; k < 50; k++) {
      const x = sine(L, 2);
      const y = Float32Array.from(x);
      const s = scaling(y, 0.8, 1.2, rng);
      expect(s).toBeGreaterThanOrEqual(0.8);
      expect(s).toBeLessThan(1.2);
      expect(y[32] / x[32]).toBeCloseTo(s, 5);
    }
    const y = sine(L, 2);
    expect(scaling(y, 2, 2, rng)).toBe(2);
  });

  it('time shift is a circular roll by at most ⌊max_fraction·L⌋, on every channel', () => {
    const C = 2;
    const x = Float32Array.from({ length: L * C }, (_, i) => i);
    const rng = new Rng(4);
    const seen = new Set<number>();
    for (let k = 0; k < 200; k++) {
      const y = Float32Array.from(x);
      const s = timeShift(y, L, C, 0.1, rng);
      seen.add(s);
      expect(Math.abs(s)).toBeLessThanOrEqual(Math.floor(0.1 * L));
      const t = 5;
      const src = (((t - s) % L) + L) % L;
      expect([y[t * C], y[t * C + 1]]).toEqual([x[src * C], x[src * C + 1]]);
    }
    expect(seen.size).toBeGreaterThan(10);
    const r = Float32Array.from([1, 2, 3, 4]);
    roll(r, 4, 1, 1);
    expect(Array.from(r)).toEqual([4, 1, 2, 3]);
  });

  it('time masking zeroes `count` stretches of round(fraction·L) samples, all channels, nothing else', () => {
    const C = 2;
    const x = new Float32Array(L * C).fill(1);
    const starts = timeMask(x, L, C, 1, 0.1, new Rng(5));
    expect(starts).toHaveLength(1);
    const zeros = Array.from(x).filter((v) => v === 0).length;
    expect(zeros).toBe(Math.round(0.1 * L) * C);
    for (let t = starts[0]; t < starts[0] + Math.round(0.1 * L); t++) expect(x[t * C] + x[t * C + 1]).toBe(0);
    const y = new Float32Array(L).fill(1);
    const s3 = timeMask(y, L, 1, 3, 0.05, new Rng(6));
    expect(s3).toHaveLength(3);
    expect(Array.from(y).filter((v) => v === 0).length).toBeGreaterThan(Math.round(0.05 * L)); // more than one mask's worth
  });

  it('segment permutation reorders whole pieces: same values, pieces intact, order from the Rng', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const y = Float32Array.from(x);
    const order = segmentPermutation(y, 12, 1, 3, new Rng(7));
    expect(Array.from(order).sort()).toEqual([0, 1, 2]);
    expect(Array.from(y)).toEqual(Array.from(order).flatMap((j) => [4 * j, 4 * j + 1, 4 * j + 2, 4 * j + 3]));
    let moved = false;
    for (let seed = 0; seed < 10 && !moved; seed++) {
      const z = Float32Array.from(x);
      segmentPermutation(z, 12, 1, 3, new Rng(seed));
      moved = z.some((v, i) => v !== x[i]);
    }
    expect(moved).toBe(true);
  });
});

describe('frequency-band masking (JS FFT; no wasm kernel)', () => {
  it('removes the band’s energy and keeps the rest (power of two and other lengths)', () => {
    for (const n of [128, 120]) {
      // tones at bins 5 and 20
      const x = Float32Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * 5 * t) / n) + 0.5 * Math.cos((2 * Math.PI * 20 * t) / n));
      const before = rfftPower(x);
      const y = Float32Array.from(x);
      maskBand(y, n, 1, 18, 5); // bins 18..22
      const after = rfftPower(y);
      for (let k = 18; k < 23; k++) expect(after[k]).toBeLessThan(1e-8 * before[20]);
      expect(after[5]).toBeCloseTo(before[5], 1);
      expect(before[20]).toBeGreaterThan(1);
    }
  });

  it('masks each channel of an interleaved window', () => {
    const C = 2;
    const x = new Float32Array(L * C);
    for (let t = 0; t < L; t++) {
      x[t * C] = Math.sin((2 * Math.PI * 10 * t) / L);
      x[t * C + 1] = Math.cos((2 * Math.PI * 10 * t) / L);
    }
    maskBand(x, L, C, 8, 5);
    expect(Math.max(...Array.from(x).map(Math.abs))).toBeLessThan(1e-5);
  });

  it('random bands: width ≤ max_fraction of the bins, DC untouched, deterministic by seed', () => {
    const x = Float32Array.from({ length: L }, (_, t) => 1 + Math.sin((2 * Math.PI * 7 * t) / L));
    const a = Float32Array.from(x);
    const b = Float32Array.from(x);
    frequencyMask(a, L, 1, 2, 0.2, new Rng(9));
    frequencyMask(b, L, 1, 2, 0.2, new Rng(9));
    expect(a).toEqual(b);
    const mean = Array.from(a).reduce((s, v) => s + v, 0) / L;
    expect(mean).toBeCloseTo(1, 5); // DC (bin 0) is never masked
    expect(rfftBins(L)).toBe(65);
  });
});

describe('augmentBatch / makeViews', () => {
  const n = 4;
  const C = 1;
  const x = new Float32Array(n * L);
  for (let i = 0; i < n; i++) x.set(sine(L, 3 + i), i * L);
  const spec = taskSchema.parse({}).augmentations;

  it('keep the shape, leave the input untouched, are deterministic by seed and differ by seed', () => {
    const copy = Float32Array.from(x);
    const v = makeViews(x, n, L, C, spec, new Rng(11));
    const w = makeViews(x, n, L, C, spec, new Rng(11));
    const u = makeViews(x, n, L, C, spec, new Rng(12));
    expect(x).toEqual(copy);
    expect(v.view1.length).toBe(n * L);
    expect(v.view2.length).toBe(n * L);
    expect(v.view1).toEqual(w.view1);
    expect(v.view2).toEqual(w.view2);
    expect(v.view1).not.toEqual(u.view1);
    expect(v.view1).not.toEqual(v.view2); // two independent views
  });

  it('all off is the identity; each op alone changes the windows', () => {
    const off = allOff();
    expect(augmentBatch(x, n, L, C, off, new Rng(1))).toEqual(x);
    for (const k of Object.keys(off) as (keyof AugmentationSpec)[]) {
      const one = allOff();
      one[k].enabled = true;
      const y = augmentBatch(x, n, L, C, one, new Rng(1));
      expect(y, k).not.toEqual(x);
    }
    expect(() => augmentBatch(x, n + 1, L, C, off, new Rng(1))).toThrow(/augmentBatch/);
  });
});
