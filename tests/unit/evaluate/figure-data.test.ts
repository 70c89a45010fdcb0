/**
 * The evaluation figure's data: 2-D PCA (against points built on known principal axes),
 * the mean magnitude spectrum (a bin-centred sine lands on its frequency with its
 * amplitude), and the latent_pca tables' shape.
 */
import { describe, expect, it } from 'vitest';
import { evenRows, latentPcaTables, meanMagnitudeSpectrum, pca2 } from '../../../src-main/engine/evaluate/figure-data.js';
import type { Matrix } from '../../../src-main/engine/metrics/index.js';

/** A full 2³ factorial of scores (±3, ±2, ±1) on an orthonormal basis, shifted by a mean. */
function factorial(): { x: Matrix; basis: number[][]; mean: number[] } {
  const s = Math.SQRT1_2, t = 1 / Math.sqrt(3), u = 1 / Math.sqrt(6);
  const basis = [[t, t, t], [s, -s, 0], [u, u, -2 * u]];
  const mean = [5, -1, 2];
  const rows: number[][] = [];
  for (const a of [-3, 3]) for (const b of [-2, 2]) for (const c of [-1, 1]) {
    rows.push(mean.map((m, j) => m + a * basis[0][j] + b * basis[1][j] + c * basis[2][j]));
  }
  return { x: { data: Float64Array.from(rows.flat()), n: rows.length, d: 3 }, basis, mean };
}

describe('pca2', () => {
  it('finds the known principal axes, their variances and the projections', () => {
    const { x, basis, mean } = factorial();
    const p = pca2(x);
    // Each axis equals the built one up to sign; the sign convention makes the largest entry positive.
    expect(Math.abs(p.axes[0].reduce((acc, v, j) => acc + v * basis[0][j], 0))).toBeCloseTo(1, 9);
    expect(Math.abs(p.axes[1].reduce((acc, v, j) => acc + v * basis[1][j], 0))).toBeCloseTo(1, 9);
    for (const w of p.axes) {
      const k = w.reduce((best, v, i) => (Math.abs(v) > Math.abs(w[best]) + 1e-12 ? i : best), 0);
      expect(w[k]).toBeGreaterThan(0);
    }
    // Variances with divisor n − 1 = 7: 8·9/7 and 8·4/7; the trace adds 8·1/7.
    expect(p.variance[0]).toBeCloseTo(72 / 7, 9);
    expect(p.variance[1]).toBeCloseTo(32 / 7, 9);
    expect(p.totalVariance).toBeCloseTo(112 / 7, 9);
    p.mean.forEach((m, j) => expect(m).toBeCloseTo(mean[j], 12));
    // Projections: ±3 on pc1 and ±2 on pc2 for every point.
    for (let i = 0; i < x.n; i++) {
      expect(Math.abs(p.scores[2 * i])).toBeCloseTo(3, 9);
      expect(Math.abs(p.scores[2 * i + 1])).toBeCloseTo(2, 9);
    }
  });

  it('orders axes by variance even when the start vector favours the smaller one, and handles one column', () => {
    // Variance 1 along x, 100 along y.
    const rows = [[1, 10], [-1, -10], [1, -10], [-1, 10]];
    const p = pca2({ data: Float64Array.from(rows.flat()), n: 4, d: 2 });
    expect(Math.abs(p.axes[0][1])).toBeCloseTo(1, 9);
    expect(p.variance[0]).toBeGreaterThan(p.variance[1] * 50);
    const one = pca2({ data: Float64Array.from([1, 2, 3]), n: 3, d: 1 });
    expect(one.variance).toEqual([1, 0]);
    expect(Array.from(one.scores.filter((_, i) => i % 2 === 0))).toEqual([-1, 0, 1]);
  });
});

describe('figure tables', () => {
  it('latentPcaTables writes one row per window with class and domain, and the explained variance', () => {
    const { x } = factorial();
    const [latent, axes] = latentPcaTables(x, (i) => (i < 4 ? 'normal' : 'outer_race'), () => 'load_0HP');
    expect(latent.name).toBe('latent_pca');
    expect(latent.columns).toEqual(['pc1', 'pc2', 'class', 'domain']);
    expect(latent.rows).toHaveLength(8);
    expect(latent.rows[7].slice(2)).toEqual(['outer_race', 'load_0HP']);
    expect(axes.rows.map((r) => r[2])).toEqual([72 / 112, 32 / 112].map((v) => Number(v.toPrecision(6))));
  });

  it('meanMagnitudeSpectrum puts a bin-centred sine at its frequency in Hz with its amplitude', () => {
    const L = 256, fs = 12000, k = 20, A = 0.7;
    const row = (phase: number) => Array.from({ length: L }, (_, t) => 3 + A * Math.sin((2 * Math.PI * k * t) / L + phase));
    const s = meanMagnitudeSpectrum({ data: Float64Array.from([...row(0), ...row(1.1)]), n: 2, d: L }, fs);
    expect(s.hz).toHaveLength(L / 2 + 1);
    const peak = s.magnitude.reduce((best, v, i) => (v > s.magnitude[best] ? i : best), 0);
    expect(s.hz[peak]).toBeCloseTo((k * fs) / L, 9);
    expect(s.magnitude[peak]).toBeCloseTo(A, 6);
    expect(s.magnitude[0]).toBeLessThan(1e-9); // the mean is removed
  });

  it('evenRows keeps all rows under the cap and spreads them over the range above it', () => {
    expect(evenRows(3, 10)).toEqual([0, 1, 2]);
    expect(evenRows(100, 4)).toEqual([0, 25, 50, 75]);
  });
});
