import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { AdamW } from '../../../src-main/engine/train/adamw.js';
import { clipByGlobalNorm } from '../../../src-main/engine/train/clipping.js';
import { learningRate } from '../../../src-main/engine/train/schedules.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('AdamW / Adam', () => {
  it('one AdamW step matches the hand-computed torch.optim.AdamW update', () => {
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new AdamW([w], { kind: 'adamw', weightDecay: 0.1 });
    const lr = 0.01;
    opt.apply([tf.tensor1d([0.5, -4])], lr);
    // m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g² ⇒ step = lr·g/(|g| + ε) ≈ lr·sign(g).
    const expected = [1, -2].map((wi, i) => {
      const g = [0.5, -4][i];
      const decayed = wi * (1 - lr * 0.1);
      return decayed - (lr / 0.1) * (0.1 * g) / (Math.sqrt(0.001 * g * g) / Math.sqrt(0.001) + 1e-8);
    });
    expect(Array.from(w.dataSync())).toEqual(expected.map((v) => expect.closeTo(v, 6)));
    expect(opt.step).toBe(1);
  });

  it('Adam puts weight decay into the gradient (differs from AdamW on the second step)', () => {
    const run = (kind: 'adam' | 'adamw'): number[] => {
      const w = tf.variable(tf.tensor1d([1, -2]));
      const opt = new AdamW([w], { kind, weightDecay: 0.5 });
      opt.apply([tf.tensor1d([0.5, -4])], 0.01);
      opt.apply([tf.tensor1d([0.1, 1])], 0.01);
      return Array.from(w.dataSync());
    };
    expect(run('adam')[0]).not.toBeCloseTo(run('adamw')[0], 6);
  });

  it('state round-trips: a restored optimiser continues identically', async () => {
    const w1 = tf.variable(tf.tensor1d([0.3, 0.7, -1]));
    const a = new AdamW([w1], { kind: 'adamw', weightDecay: 0.01 });
    a.apply([tf.tensor1d([1, 2, 3])], 0.1);
    const state = await a.getState();
    const w2 = tf.variable(tf.tensor1d(Array.from(w1.dataSync())));
    const b = new AdamW([w2], { kind: 'adamw', weightDecay: 0.01 });
    b.setState(state);
    a.apply([tf.tensor1d([-1, 0.5, 2])], 0.1);
    b.apply([tf.tensor1d([-1, 0.5, 2])], 0.1);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w1.dataSync()));
    expect(() => b.setState({ ...state, m: [] })).toThrow(/0 moments for 1 variables/);
  });
});

describe('learning-rate schedules', () => {
  const base = { lr: 1, totalSteps: 100, warmupSteps: 10 };
  it('constant, cosine and warmup_cosine at known points', () => {
    expect(learningRate({ ...base, kind: 'constant' }, 57)).toBe(1);
    expect(learningRate({ ...base, kind: 'cosine' }, 0)).toBe(1);
    expect(learningRate({ ...base, kind: 'cosine' }, 50)).toBeCloseTo(0.5, 10);
    expect(learningRate({ ...base, kind: 'cosine' }, 100)).toBeCloseTo(0, 10);
    expect(learningRate({ ...base, kind: 'warmup_cosine' }, 0)).toBeCloseTo(0.1, 10);
    expect(learningRate({ ...base, kind: 'warmup_cosine' }, 9)).toBeCloseTo(1, 10);
    expect(learningRate({ ...base, kind: 'warmup_cosine' }, 10)).toBeCloseTo(1, 10);
    expect(learningRate({ ...base, kind: 'warmup_cosine' }, 55)).toBeCloseTo(0.5, 10);
  });
});

describe('global-norm clipping', () => {
  it('returns the pre-clip norm and scales to the max norm', async () => {
    const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])]; // ‖g‖ = 5
    const r = await clipByGlobalNorm(g, 1);
    expect(r.norm).toBeCloseTo(5, 5);
    expect(r.clipped).toBe(true);
    const after = Math.hypot(...r.grads.flatMap((t) => Array.from(t.dataSync())));
    expect(after).toBeCloseTo(1, 4);
  });

  it('0 disables clipping and a small gradient is left alone', async () => {
    const g = [tf.tensor1d([3, 4])];
    expect(Array.from((await clipByGlobalNorm(g, 0)).grads[0].dataSync())).toEqual([3, 4]);
    expect((await clipByGlobalNorm(g, 10)).clipped).toBe(false);
  });
});
