import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { ntXent } from '../../../../src-main/engine/contrastive/nt-xent.js';
import { l2Normalize } from '../../../../src-main/engine/contrastive/projection-head.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** NT-Xent written out loop by loop from SimCLR's definition, in float64. */
function handNtXent(z1: number[][], z2: number[][], tau: number): number {
  const z = [...z1, ...z2];
  const n = z.length;
  const b = z1.length;
  const dot = (a: number[], c: number[]) => a.reduce((s, v, i) => s + v * c[i], 0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = (i + b) % n;
    let denom = 0;
    for (let k = 0; k < n; k++) if (k !== i) denom += Math.exp(dot(z[i], z[k]) / tau);
    total += -Math.log(Math.exp(dot(z[i], z[p]) / tau) / denom);
  }
  return total / n;
}

const unit = (v: number[]) => {
  const r = Math.hypot(...v);
  return v.map((x) => x / r);
};

describe('ntXent', () => {
  it('matches a hand computation for 2 pairs (τ = 0.5) and 3 pairs (τ = 0.1)', () => {
    const cases: [number[][], number[][], number, number][] = [
      // 2 pairs in 2-D: z¹ = (1,0),(0,1); z² = the same rotated by 45° (worked by hand below)
      [[[1, 0], [0, 1]], [unit([1, 1]), unit([-1, 1])], 0.5, NaN],
      [[unit([1, 2, 0]), unit([0, 1, -1]), unit([3, 0, 1])], [unit([1, 1.5, 0.2]), unit([0.1, 1, -1]), unit([2, -0.5, 1])], 0.1, NaN],
    ];
    for (const [a, b, tau] of cases) {
      const got = tf.tidy(() => ntXent(tf.tensor2d(a), tf.tensor2d(b), tau).dataSync()[0]);
      expect(got).toBeCloseTo(handNtXent(a, b, tau), 4);
    }
    // The first case by hand, with r = √2 (= cos45°/0.5): anchors 0 and 3 see negatives (0, −r),
    // anchors 1 and 2 see (0, r); every positive is r.  L = (ℓ_a + ℓ_b) / 2.
    const r = Math.SQRT2;
    const la = -Math.log(Math.exp(r) / (Math.exp(r) + 1 + Math.exp(-r)));
    const lb = -Math.log(Math.exp(r) / (Math.exp(r) + 1 + Math.exp(r)));
    const got = tf.tidy(() => ntXent(tf.tensor2d(cases[0][0]), tf.tensor2d(cases[0][1]), 0.5).dataSync()[0]);
    expect(got).toBeCloseTo((la + lb) / 2, 5);
  });

  it('is ≈ 0 when each view matches its pair and the pairs are orthogonal; ≈ log(2B−1) for identical rows', () => {
    const eye = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    expect(tf.tidy(() => ntXent(tf.tensor2d(eye), tf.tensor2d(eye), 0.05).dataSync()[0])).toBeLessThan(1e-6);
    const same = [[1, 0], [1, 0], [1, 0]];
    expect(tf.tidy(() => ntXent(tf.tensor2d(same), tf.tensor2d(same), 0.1).dataSync()[0])).toBeCloseTo(Math.log(5), 4);
  });

  it('its gradient matches central differences and it refuses bad input', () => {
    const a = tf.tensor2d([[0.3, -0.2, 0.9], [0.5, 0.4, -0.1]]);
    const b = tf.tensor2d([[0.2, -0.1, 0.8], [-0.6, 0.3, 0.2]]);
    const f = (x: tf.Tensor2D) => ntXent(l2Normalize(x), l2Normalize(b), 0.2);
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(a).dataSync());
    const base = a.dataSync();
    const h = 1e-3;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] += h;
      minus[i] -= h;
      const num = tf.tidy(() => (f(tf.tensor2d(plus, [2, 3])).dataSync()[0] - f(tf.tensor2d(minus, [2, 3])).dataSync()[0]) / (2 * h));
      expect(g[i]).toBeCloseTo(num, 2);
    }
    tf.dispose([a, b]);
    expect(() => ntXent(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D, 0.1)).toThrow(/at least 2/);
    expect(() => ntXent(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D, 0)).toThrow(/temperature/);
  });
});
