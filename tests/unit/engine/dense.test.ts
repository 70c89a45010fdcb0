import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { dense } from '../../../src-main/engine/nn/dense.js';
import { embed, unknownId } from '../../../src-main/engine/nn/embedding.js';
import { Rng } from '../../../src-main/data/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('dense with explicit gradient', () => {
  let x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, probe: tf.Tensor2D;
  beforeAll(() => {
    const rng = new Rng(3);
    x = tf.tensor2d(rng.normalArray(5 * 7), [5, 7]);
    w = tf.tensor2d(rng.normalArray(7 * 4), [7, 4]);
    b = tf.tensor1d(rng.normalArray(4));
    probe = tf.tensor2d(rng.normalArray(5 * 4), [5, 4]);
  });
  // A non-trivial scalar of the output so every gradient entry matters.
  const objective = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.square(y), probe));

  it('forward equals x·W + b', () => {
    expect(maxAbsDiff(dense(x, w, b), tf.add(tf.matMul(x, w), b))).toBeLessThan(1e-5);
  });

  it('gradients equal tf.grads of the plain op (with and without bias)', () => {
    const [gx, gw, gb] = tf.grads((xi, wi, bi) => objective(dense(xi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D)))([x, w, b]);
    const [ex, ew, eb] = tf.grads((xi, wi, bi) => objective(tf.add(tf.matMul(xi, wi), bi)))([x, w, b]);
    expect(maxAbsDiff(gx, ex)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gw, ew)).toBeLessThan(1e-4);
    expect(maxAbsDiff(gb, eb)).toBeLessThan(1e-4);
    const [hx, hw] = tf.grads((xi, wi) => objective(dense(xi as tf.Tensor2D, wi as tf.Tensor2D, null)))([x, w]);
    const [fx, fw] = tf.grads((xi, wi) => objective(tf.matMul(xi, wi)))([x, w]);
    expect(maxAbsDiff(hx, fx)).toBeLessThan(1e-4);
    expect(maxAbsDiff(hw, fw)).toBeLessThan(1e-4);
  });

  it('inputGrad: false still gives the exact weight gradient', () => {
    const [, gw] = tf.grads((xi, wi) => objective(dense(xi as tf.Tensor2D, wi as tf.Tensor2D, null, { inputGrad: false })))([x, w]);
    const [, ew] = tf.grads((xi, wi) => objective(tf.matMul(xi, wi)))([x, w]);
    expect(maxAbsDiff(gw, ew)).toBeLessThan(1e-4);
  });

  it('refuses shapes that do not chain, naming both', () => {
    expect(() => dense(x, tf.zeros([6, 4]) as tf.Tensor2D, null)).toThrow(/x \[5,7\] and W \[6,4\]/);
  });
});

describe('embedding with an unknown row', () => {
  it('looks up rows and refuses ids outside the table', () => {
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]); // 2 real ids + unknown
    expect(unknownId(2)).toBe(2);
    expect(Array.from(embed(Int32Array.from([2, 0]), table).dataSync())).toEqual([5, 6, 1, 2]);
    expect(() => embed(Int32Array.from([3]), table)).toThrow(/outside 0\.\.2/);
  });
});
