/**
 * The supervised-from-scratch baseline of the few-shot protocol: for each episode a small
 * network is trained on the episode's support windows only (way × shot labels) and labels
 * the query windows. Network: z-scored raw window [L] → Dense(L→hidden) → ReLU →
 * Dense(hidden→way), Glorot-uniform init from a seeded stream, full-batch Adam on softmax
 * cross-entropy. It answers: what do the K labels buy without any pretraining?
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../data/rng.js';
import type { Matrix } from '../metrics/index.js';

export interface SupervisedOptions {
  hidden?: number;
  steps?: number;
  lr?: number;
  seed?: number;
}

function glorot(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformArray(fanIn * fanOut, -a, a);
}

/** Per-row z-score of x [n, d] (float32 for the tensors). */
export function zscoreRows(x: Matrix): Float32Array {
  const out = new Float32Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) {
    let m = 0;
    for (let j = 0; j < x.d; j++) m += x.data[i * x.d + j];
    m /= x.d;
    let v = 0;
    for (let j = 0; j < x.d; j++) v += (x.data[i * x.d + j] - m) ** 2;
    const s = Math.sqrt(v / x.d) || 1;
    for (let j = 0; j < x.d; j++) out[i * x.d + j] = (x.data[i * x.d + j] - m) / s;
  }
  return out;
}

export interface SupervisedFit {
  /** Training cross-entropy after each step [steps]. */
  losses: Float64Array;
  /** Predicted class (0..way−1) per query row. */
  predict(query: Matrix): Int32Array;
  dispose(): void;
}

/** Trains the baseline network on support [n, L] with labels 0..way−1 [n]. */
export function fitSupervised(support: Matrix, labels: ArrayLike<number>, way: number, opts: SupervisedOptions = {}): SupervisedFit {
  if (labels.length !== support.n) throw new RangeError(`fitSupervised: ${labels.length} labels for ${support.n} rows`);
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= way) throw new RangeError(`fitSupervised: label ${labels[i]} at ${i} is not in 0..${way - 1}`);
  }
  const hidden = opts.hidden ?? 64, steps = opts.steps ?? 60, lr = opts.lr ?? 3e-3;
  const rng = Rng.derive(opts.seed ?? 0, 'supervised-baseline');
  const L = support.d;
  const w1 = tf.variable(tf.tensor2d(glorot(rng, L, hidden), [L, hidden]));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.tensor2d(glorot(rng, hidden, way), [hidden, way]));
  const b2 = tf.variable(tf.zeros([way]));
  const vars = [w1, b1, w2, b2];
  const logits = (x: tf.Tensor2D) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D;
  const x = tf.tensor2d(zscoreRows(support), [support.n, L]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), way);
  const opt = tf.train.adam(lr);
  const losses = new Float64Array(steps);
  try {
    for (let s = 0; s < steps; s++) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, logits(x)) as tf.Scalar, true, vars);
      losses[s] = loss!.dataSync()[0];
      loss!.dispose();
    }
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
  }
  return {
    losses,
    predict(query: Matrix): Int32Array {
      if (query.d !== L) throw new RangeError(`fitSupervised.predict: query has ${query.d} columns, the network takes ${L}`);
      const p = tf.tidy(() => tf.argMax(logits(tf.tensor2d(zscoreRows(query), [query.n, L])), 1));
      const out = Int32Array.from(p.dataSync() as Int32Array);
      p.dispose();
      return out;
    },
    dispose: () => tf.dispose(vars),
  };
}
