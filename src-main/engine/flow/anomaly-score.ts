/**
 * Anomaly scores of windows under a trained flow model (higher = more anomalous):
 *   latent      |‖z‖²/D − 1|, z = encode-to-noise(x): a window the flow maps to an atypical
 *               radius of N(0, I) (E‖z‖²/D = 1) is off the learned distribution;
 *   latent_norm ‖z‖₂ (the reference's score, kept for comparison);
 *   flow_loss   mean over K fixed draws of MSE(v̂(x_t, t_k), x − ε_k), t_k = (k + ½)/K and
 *               ε_k ~ N(0, I) drawn once from `seed` and shared by every window, so a
 *               window's score does not depend on the batch it was scored in;
 *   flow_loss_profile  the K per-t terms of that mean, [N·K] row-major: which noise levels a
 *               window is hard at (a density fitted on healthy windows' profiles scores it).
 * Conditions default to the unknown tokens (scores of the unconditional field).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../data/rng.js';
import type { ConditionIds } from './condition-encoder.js';
import { encodeToNoise } from './encode-to-noise.js';
import type { FlowModel } from './flow-model.js';
import type { SamplerName } from './samplers.js';

export interface AnomalyOptions {
  /** Encode-to-noise solver and steps; default the model's sampler and sample_steps. */
  sampler?: SamplerName;
  steps?: number;
  /** Fixed (t, ε) draws per window for flow_loss (default 8). */
  draws?: number;
  /** Seed of the ε draws (default 0). */
  seed?: number;
  /** Skip encode-to-noise (latent scores stay 0): the flow-loss terms only, K forward passes per window. */
  flowLossOnly?: boolean;
  /** Conditions of all N windows; default unknown. */
  ids?: ConditionIds;
  batchSize?: number;
  /**
   * Encode-to-noise done elsewhere (the native engine: evaluate/run-evaluation.ts), x [b·D] →
   * z [b·D] under the unguided field; absent: the tf solver here.
   */
  encode?: (x: Float32Array, ids: ConditionIds, method: SamplerName, steps: number) => Float32Array;
}

/** Per-window scores, [N] each. */
export interface AnomalyScores {
  latent: Float32Array;
  latent_norm: Float32Array;
  flow_loss: Float32Array;
  /** [N·K]: window i's loss at t_k is [i·K + k]. */
  flow_loss_profile: Float32Array;
  /** K, the number of fixed (t, ε) draws. */
  draws: number;
}

function sliceIds(ids: ConditionIds, from: number, to: number): ConditionIds {
  return {
    domain: ids.domain.subarray(from, to), dataset: ids.dataset.subarray(from, to),
    ...(ids.label ? { label: ids.label.subarray(from, to) } : {}),
    ...(ids.fsHz ? { fsHz: ids.fsHz.subarray(from, to) } : {}),
  };
}

/** Σ z² of each of the b rows of z [b·D]. */
function rowSquares(z: Float32Array, b: number, D: number): Float32Array {
  const out = new Float32Array(b);
  for (let j = 0; j < b; j++) {
    let s = 0;
    for (let k = j * D; k < (j + 1) * D; k++) s += z[k]! * z[k]!;
    out[j] = s;
  }
  return out;
}

/** x: [N, L·C] or [N, L, C] (not disposed) → AnomalyScores. */
export function anomalyScores(model: FlowModel, x: tf.Tensor2D | tf.Tensor3D, opts: AnomalyOptions = {}): AnomalyScores {
  const n = x.shape[0];
  const D = model.signalDim;
  if (x.size !== n * D) throw new Error(`anomalyScores: x [${x.shape}] does not hold windows of ${D} values`);
  const method = opts.sampler ?? model.spec.sampler;
  const steps = opts.steps ?? model.spec.sample_steps;
  const K = opts.draws ?? 8;
  if (!Number.isInteger(K) || K < 1) throw new Error(`anomalyScores: draws must be a positive integer, got ${K}`);
  const bs = opts.batchSize ?? 64;
  const ids = opts.ids ?? model.cond.unknownIds(n);
  if (ids.domain.length !== n) throw new Error(`anomalyScores: ids for ${ids.domain.length} windows, x has ${n}`);
  const eps = new Rng(opts.seed ?? 0).normalArray(K * D);
  const out: AnomalyScores = {
    latent: new Float32Array(n), latent_norm: new Float32Array(n), flow_loss: new Float32Array(n), flow_loss_profile: new Float32Array(n * K), draws: K,
  };
  const flat = tf.reshape(x, [n, D]) as tf.Tensor2D;
  const encode = opts.flowLossOnly ? undefined : opts.encode;
  const flatData = encode ? (flat.dataSync() as Float32Array) : null;
  try {
    for (let i = 0; i < n; i += bs) {
      const b = Math.min(bs, n - i);
      const bIds = sliceIds(ids, i, i + b);
      const tfRowSquares = (): Float32Array => {
        const sq = tf.tidy(() => {
          const xb = tf.slice(flat, [i, 0], [b, D]) as tf.Tensor2D;
          return tf.sum(tf.square(encodeToNoise(model.field(bIds), xb, method, steps)), 1);
        });
        const r2 = sq.dataSync() as Float32Array;
        sq.dispose();
        return r2;
      };
      if (!opts.flowLossOnly) {
        const r2 = encode && flatData ? rowSquares(encode(flatData.subarray(i * D, (i + b) * D), bIds, method, steps), b, D) : tfRowSquares();
        for (let j = 0; j < b; j++) {
          out.latent[i + j] = Math.abs(r2[j] / D - 1);
          out.latent_norm[i + j] = Math.sqrt(r2[j]);
        }
      }
      const terms = tf.tidy(() => {
        const xb = tf.slice(flat, [i, 0], [b, D]) as tf.Tensor2D;
        const perT: tf.Tensor[] = [];
        for (let k = 0; k < K; k++) {
          const tk = (k + 0.5) / K;
          const e = tf.tensor2d(eps.subarray(k * D, (k + 1) * D), [1, D]);
          const xt = tf.add(tf.mul(e, 1 - tk), tf.mul(xb, tk)) as tf.Tensor2D;
          const v = model.velocity(xt, tf.fill([b], tk) as tf.Tensor1D, bIds, null);
          perT.push(tf.mean(tf.squaredDifference(v, tf.sub(xb, e)), 1));
        }
        return tf.stack(perT, 1); // [b, K]
      });
      const t = terms.dataSync() as Float32Array;
      terms.dispose();
      out.flow_loss_profile.set(t, i * K);
      for (let j = 0; j < b; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += t[j * K + k];
        out.flow_loss[i + j] = s / K;
      }
    }
  } finally {
    if (flat !== x) flat.dispose();
  }
  return out;
}
