import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { dense } from '../../../../src-main/engine/nn/dense.js';
import { Rng } from '../../../../src-main/data/rng.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('Identity shares data on wasm (no copy per saved tensor)', () => {
  it('a clone outlives its source, keeps its values, and nothing leaks', () => {
    const before = tf.memory().numTensors;
    const buffersBefore = tf.memory().numDataBuffers;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers - buffersBefore).toBe(1); // one buffer for both
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numDataBuffers).toBe(buffersBefore);
  });

  it('gradients through dense still equal the plain op and leave no tensors behind', () => {
    const rng = new Rng(4);
    const x = tf.tensor2d(rng.normalArray(6 * 5), [6, 5]);
    const w = tf.tidy(() => tf.variable(tf.tensor2d(rng.normalArray(5 * 3), [5, 3])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(rng.normalArray(3))));
    const before = tf.memory().numTensors;
    const ours = tf.variableGrads(() => tf.sum(tf.square(dense(x, w as tf.Tensor2D, b as tf.Tensor1D))), [w, b]);
    const ref = tf.variableGrads(() => tf.sum(tf.square(tf.add(tf.matMul(x, w), b))), [w, b]);
    for (const v of [w, b]) {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(ours.grads[v.name], ref.grads[v.name]))).dataSync()[0]);
      expect(d).toBeLessThan(1e-4);
    }
    tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
