import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { decodeFromNoise, encodeToNoise } from '../../../../src-main/engine/flow/encode-to-noise.js';
import { classifierFreeGuidance } from '../../../../src-main/engine/flow/guidance.js';
import { integrate, SAMPLER_ORDER, type SamplerName, type VelocityField } from '../../../../src-main/engine/flow/samplers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

// A time-dependent field with a closed form: dx/dt = (1 + t)·x ⇒ x(1) = x0·exp(∫₀¹(1+t)dt) = x0·e^{1.5}.
const field: VelocityField = (x, t) => tf.mul(x, tf.reshape(tf.add(t, 1), [-1, 1])) as tf.Tensor2D;
const exact = Math.exp(1.5);

function err(method: SamplerName, n: number): number {
  return tf.tidy(() => Math.abs(integrate(field, tf.tensor2d([[1]]), method, n).dataSync()[0] - exact));
}

describe('samplers on an analytic field dx/dt = (1 + t)·x', () => {
  for (const method of ['euler', 'heun', 'rk4'] as const) {
    it(`${method}: halving dt divides the error by ≈ 2^${SAMPLER_ORDER[method]}`, () => {
      const n = method === 'rk4' ? 4 : 16;
      const ratio1 = err(method, n) / err(method, 2 * n);
      const ratio2 = err(method, 2 * n) / err(method, 4 * n);
      const p = SAMPLER_ORDER[method];
      for (const r of [ratio1, ratio2]) {
        expect(Math.log2(r)).toBeGreaterThan(p - 0.3);
        expect(Math.log2(r)).toBeLessThan(p + 0.3);
      }
    });
  }

  it('no tensors leak, bad steps and names are refused', () => {
    const x0 = tf.tensor2d([[1, 2]]);
    const before = tf.memory().numTensors;
    for (const m of ['euler', 'heun', 'rk4'] as const) integrate(field, x0, m, 5).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => integrate(field, x0, 'heun', 0)).toThrow(/steps must be a positive integer/);
    expect(() => integrate(field, x0, 'midpoint' as SamplerName, 3)).toThrow(/unknown sampler "midpoint"/);
    x0.dispose();
  });
});

describe('encode-to-noise inverts the sampler on the same grid', () => {
  // A smooth nonlinear field: v(x, t) = sin(x) + t.
  const smooth: VelocityField = (x, t) => tf.add(tf.sin(x), tf.reshape(t, [-1, 1])) as tf.Tensor2D;
  it('decode(encode(x)) ≈ x, and the round-trip error shrinks with the order', () => {
    const x = tf.tensor2d([[0.3, -1.2, 2.0, 0.0]]);
    const roundTrip = (m: SamplerName, n: number): number => tf.tidy(() => {
      const z = encodeToNoise(smooth, x, m, n);
      const back = decodeFromNoise(smooth, z, m, n);
      return tf.max(tf.abs(tf.sub(back, x))).dataSync()[0];
    });
    const e = { euler: roundTrip('euler', 50), heun: roundTrip('heun', 50), rk4: roundTrip('rk4', 50) };
    expect(e.euler).toBeLessThan(5e-2);
    expect(e.heun).toBeLessThan(1e-3);
    expect(e.rk4).toBeLessThan(1e-5);
    expect(e.heun).toBeLessThan(e.euler / 10);
    // z is not x: encoding actually moved the point.
    const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(encodeToNoise(smooth, x, 'rk4', 50), x))).dataSync()[0]);
    expect(moved).toBeGreaterThan(0.5);
    x.dispose();
  });
});

describe('classifier-free guidance', () => {
  it('v_w = v_u + w·(v_c − v_u): w = 1 conditional, w = 0 unconditional, w = 3 extrapolates', () => {
    const vc = tf.tensor2d([[1, 2]]);
    const vu = tf.tensor2d([[0.5, -1]]);
    expect(Array.from(classifierFreeGuidance(vc, vu, 1).dataSync())).toEqual([1, 2]);
    expect(Array.from(classifierFreeGuidance(vc, vu, 0).dataSync())).toEqual([0.5, -1]);
    expect(Array.from(classifierFreeGuidance(vc, vu, 3).dataSync())).toEqual([0.5 + 3 * 0.5, -1 + 3 * 3]);
    expect(() => classifierFreeGuidance(vc, vu, NaN)).toThrow(/finite/);
  });
});
