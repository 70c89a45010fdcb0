import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { eulerSample } from '../../../src-main/engine/flow/samplers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Euler sampler on analytic velocity fields', () => {
  it('a constant field v = c reaches x0 + c exactly', () => {
    const c = tf.tensor2d([[1.5, -2, 0.25]]);
    const x0 = tf.tensor2d([[0, 1, 2]]);
    const x1 = eulerSample(() => tf.clone(c), x0, 7);
    expect(Array.from(x1.dataSync())).toEqual([1.5, -1, 2.25].map((v) => expect.closeTo(v, 5)));
  });

  it('the straight rectified-flow field v = (x1 − x)/(1 − t) lands on the target', () => {
    const target = tf.tensor2d([[3, -1]]);
    const x0 = tf.tensor2d([[0, 0]]);
    const x1 = eulerSample((x, t) => tf.div(tf.sub(target, x), tf.reshape(tf.sub(1, t), [-1, 1])), x0, 10);
    expect(Array.from(x1.dataSync())).toEqual([3, -1].map((v) => expect.closeTo(v, 4)));
  });

  it('a linear field v = a·x converges to x0·e^a at first order', () => {
    const a = 0.8;
    const x0 = tf.tensor2d([[1]]);
    const err = (n: number): number => {
      const x1 = eulerSample((x) => tf.mul(x, a), x0, n);
      const e = Math.abs(x1.dataSync()[0] - Math.exp(a));
      x1.dispose();
      return e;
    };
    const e10 = err(10);
    const e20 = err(20);
    const e40 = err(40);
    // Halving dt halves the error for a first-order method.
    expect(e10 / e20).toBeGreaterThan(1.8);
    expect(e10 / e20).toBeLessThan(2.2);
    expect(e20 / e40).toBeGreaterThan(1.8);
    expect(e40).toBeLessThan(0.02);
  });

  it('does not leak tensors across steps and refuses a bad step count', () => {
    const x0 = tf.tensor2d([[1, 2]]);
    const before = tf.memory().numTensors;
    const x1 = eulerSample((x) => tf.mul(x, 0.5), x0, 25);
    expect(tf.memory().numTensors).toBe(before + 1);
    x1.dispose();
    expect(() => eulerSample((x) => x, x0, 0)).toThrow(/steps must be a positive integer/);
  });
});
