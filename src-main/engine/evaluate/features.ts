/**
 * Frozen encoder features of windows, in batches, no gradients. Readouts:
 *   mean      FlowModel.encoderFeatures (the trunk's token mean for dit, the first hidden
 *             layer for mlp) — what contrastive pretraining shapes;
 *   mean_max  dit only: [token mean ‖ token max] of the same trunk output, same context
 *             (t = 1, unknown condition), width 2·token_dim;
 *   std       dit only: the per-channel standard deviation of the trunk's tokens over the
 *             window — an energy per learned feature, like a filterbank's band energies;
 *             measured on CWRU 5-shot it beats the mean by ~30 points (docs/EVALUATION.md);
 *   mean_std  dit only: [token mean ‖ token std].
 * Every readout is read at flow time t (FeatureTime; default 1 = the clean window): below 1
 * the window is first noised to x_t = (1 − t)·ε + t·x with ε from a seeded generator (the same
 * ε for the pretrained encoder and its twin), the point on the path the flow was trained on.
 */
import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../../data/index.js';
import type { Matrix } from '../metrics/index.js';
import { VelocityDit } from '../flow/dit-velocity.js';
import type { FlowModel } from '../flow/flow-model.js';
import { Rng } from '../../data/rng.js';

/** Flow time features are read at, and the seed of the noise that puts windows there. */
export interface FeatureTime { t: number; seed: number }

export type Readout = 'mean' | 'mean_max' | 'std' | 'mean_std';

/** Readouts this model offers (mean_max needs a token trunk). */
export function readoutsOf(model: FlowModel): Readout[] {
  return model.net instanceof VelocityDit ? ['mean', 'mean_max', 'std', 'mean_std'] : ['mean'];
}

export function readoutDim(model: FlowModel, readout: Readout): number {
  return readout === 'mean_max' || readout === 'mean_std' ? 2 * model.featureDim : model.featureDim;
}

/** x: [B, L, C] → [B, readoutDim]. */
export function readoutFeatures(model: FlowModel, x: tf.Tensor3D, readout: Readout = 'mean', t = 1): tf.Tensor2D {
  if (readout === 'mean') return model.encoderFeatures(x, { t });
  const net = model.net;
  if (!(net instanceof VelocityDit)) throw new Error(`evaluate: readout "${readout}" needs a dit trunk; this model's is ${model.spec.velocity_net}`);
  return tf.tidy(() => {
    const [b] = x.shape;
    const flat = tf.reshape(x, [b, model.signalDim]) as tf.Tensor2D;
    const ctx = model.context(tf.fill([b], t) as tf.Tensor1D, model.cond.unknownIds(b), null);
    const h = tf.reshape(net.trunk(net.embedTokens(flat), ctx), [b, net.tokens, model.featureDim]);
    if (readout === 'mean_max') return tf.concat([tf.mean(h, 1), tf.max(h, 1)], 1) as tf.Tensor2D;
    const { mean, variance } = tf.moments(h, 1);
    const std = tf.sqrt(tf.add(variance, 1e-6));
    return (readout === 'std' ? std : tf.concat([mean, std], 1)) as tf.Tensor2D;
  });
}

const BATCH = 128;

/** Windows `rows` of `set` ([n, L, C]) → features [rows, featureDim], read at `time` (default t = 1, no noise). */
export async function encodeWindows(model: FlowModel, set: WindowSet, rows?: ArrayLike<number>, readout: Readout = 'mean', time?: FeatureTime): Promise<Matrix> {
  const idx = rows ?? Int32Array.from({ length: set.n }, (_, i) => i);
  const size = set.length * set.channels;
  const d = readoutDim(model, readout);
  const out = new Float64Array(idx.length * d);
  const buf = new Float32Array(Math.min(BATCH, Math.max(idx.length, 1)) * size);
  for (let i = 0; i < idx.length; i += BATCH) {
    const b = Math.min(BATCH, idx.length - i);
    for (let k = 0; k < b; k++) buf.set(set.x.subarray(idx[i + k] * size, (idx[i + k] + 1) * size), k * size);
    if (time && time.t < 1) noiseToTime(buf.subarray(0, b * size), idx, i, size, time);
    const f = tf.tidy(() => readoutFeatures(model, tf.tensor3d(buf.subarray(0, b * size), [b, set.length, set.channels]), readout, time?.t ?? 1));
    out.set(f.dataSync() as Float32Array, i * d);
    f.dispose();
    await new Promise<void>((r) => setImmediate(r));
  }
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) throw new Error(`evaluate: the encoder produced a non-finite feature (window ${Math.floor(k / d)})`);
  }
  return { data: out, n: idx.length, d };
}

/** x ← (1 − t)·ε + t·x in place; ε of window row r comes from its own stream, so it is the same whatever the batch. */
function noiseToTime(buf: Float32Array, idx: ArrayLike<number>, from: number, size: number, time: FeatureTime): void {
  for (let k = 0; k * size < buf.length; k++) {
    const rng = Rng.derive(time.seed, `feature-noise-${idx[from + k]}`);
    for (let j = k * size; j < (k + 1) * size; j++) buf[j] = (1 - time.t) * rng.normal() + time.t * buf[j];
  }
}

/** Encoder features of raw [n, L] windows (channel-0 signals, e.g. generated or control windows). */
export function encodeMatrix(model: FlowModel, x: Matrix, channels: number): Matrix {
  const d = model.featureDim;
  const out = new Float64Array(x.n * d);
  const L = x.d;
  for (let i = 0; i < x.n; i += BATCH) {
    const b = Math.min(BATCH, x.n - i);
    const buf = new Float32Array(b * L * channels);
    for (let k = 0; k < b; k++) for (let t = 0; t < L; t++) buf[(k * L + t) * channels] = x.data[(i + k) * L + t];
    const f = tf.tidy(() => model.encoderFeatures(tf.tensor3d(buf, [b, L, channels])));
    out.set(f.dataSync() as Float32Array, i * d);
    f.dispose();
  }
  return { data: out, n: x.n, d };
}
