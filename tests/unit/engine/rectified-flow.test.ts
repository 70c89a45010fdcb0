import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { flowLoss, interpolate, sampleFlow, targetVelocity } from '../../../src-main/engine/flow/rectified-flow.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('rectified flow formulas', () => {
  const x = [1, -2, 3, 0.5, 4, -1]; // [B=2, D=3]
  const eps = [0.5, 0.5, -1, 2, 0, 1];
  const t = [0.25, 0.9];

  it('interpolate: x_t = (1−t)·ε + t·x, row by row', () => {
    const xt = interpolate(tf.tensor2d(x, [2, 3]), tf.tensor2d(eps, [2, 3]), tf.tensor1d(t));
    const expected = x.map((xi, k) => {
      const ti = t[Math.floor(k / 3)];
      return (1 - ti) * eps[k] + ti * xi;
    });
    expect(Array.from(xt.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 6)));
  });

  it('interpolate at t=0 is the noise and at t=1 the data', () => {
    const at0 = interpolate(tf.tensor2d(x, [2, 3]), tf.tensor2d(eps, [2, 3]), tf.tensor1d([0, 0]));
    const at1 = interpolate(tf.tensor2d(x, [2, 3]), tf.tensor2d(eps, [2, 3]), tf.tensor1d([1, 1]));
    expect(Array.from(at0.dataSync())).toEqual(eps);
    expect(Array.from(at1.dataSync())).toEqual(x);
  });

  it('targetVelocity = x − ε and flowLoss is the mean squared error', () => {
    const v = targetVelocity(tf.tensor2d(x, [2, 3]), tf.tensor2d(eps, [2, 3]));
    expect(Array.from(v.dataSync())).toEqual(x.map((xi, k) => xi - eps[k]));
    const pred = [0, 0, 0, 1, 1, 1];
    const mse = x.map((xi, k) => (pred[k] - (xi - eps[k])) ** 2).reduce((a, b) => a + b, 0) / 6;
    expect(flowLoss(tf.tensor2d(pred, [2, 3]), v).dataSync()[0]).toBeCloseTo(mse, 5);
  });

  it('sampleFlow uses the draws it is given and refuses mismatched ones', () => {
    const s = sampleFlow(tf.tensor2d(x, [2, 3]), Float32Array.from(t), Float32Array.from(eps));
    expect(Array.from(s.noise.dataSync())).toEqual(eps);
    expect(Array.from(s.t.dataSync())).toEqual(t.map((v) => expect.closeTo(v, 6)));
    expect(() => sampleFlow(tf.tensor2d(x, [2, 3]), new Float32Array(3), Float32Array.from(eps))).toThrow(/do not match/);
  });
});
