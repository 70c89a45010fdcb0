/**
 * Frozen encoder features of windows: FlowModel.encoderFeatures in batches, no gradients.
 */
import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../../data/index.js';
import type { Matrix } from '../eval/index.js';
import type { FlowModel } from '../flow/flow-model.js';

const BATCH = 128;

/** Windows `rows` of `set` ([n, L, C]) → features [rows, featureDim]. */
export async function encodeWindows(model: FlowModel, set: WindowSet, rows?: ArrayLike<number>): Promise<Matrix> {
  const idx = rows ?? Int32Array.from({ length: set.n }, (_, i) => i);
  const size = set.length * set.channels;
  const d = model.featureDim;
  const out = new Float64Array(idx.length * d);
  const buf = new Float32Array(Math.min(BATCH, Math.max(idx.length, 1)) * size);
  for (let i = 0; i < idx.length; i += BATCH) {
    const b = Math.min(BATCH, idx.length - i);
    for (let k = 0; k < b; k++) buf.set(set.x.subarray(idx[i + k] * size, (idx[i + k] + 1) * size), k * size);
    const f = tf.tidy(() => model.encoderFeatures(tf.tensor3d(buf.subarray(0, b * size), [b, set.length, set.channels])));
    out.set(f.dataSync() as Float32Array, i * d);
    f.dispose();
    await new Promise<void>((r) => setImmediate(r));
  }
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) throw new Error(`evaluate: the encoder produced a non-finite feature (window ${Math.floor(k / d)})`);
  }
  return { data: out, n: idx.length, d };
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
