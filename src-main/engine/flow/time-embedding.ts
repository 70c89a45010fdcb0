/**
 * Time conditioning: sinusoidal features of the scaled time s = t·time_scale followed by
 * an MLP (Linear → SiLU → Linear). The reference embedded unscaled t ∈ [0, 1] with no MLP,
 * so most of its dims were constant; scaling by ~1000 spreads t over every frequency.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { silu } from '../nn/activations.js';
import { xavierUniform, zeros } from '../nn/init.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../../data/rng.js';

/**
 * e(t) = [sin(s·f_0..f_{h−1}), cos(s·f_0..f_{h−1})], s = t·scale, h = ⌊dim/2⌋,
 * f_k = exp(−ln(10⁴)·k/h). t: [B] → [B, dim] (an odd dim gets a trailing zero column).
 */
export function sinusoidalEmbedding(t: tf.Tensor1D, dim: number, scale: number): tf.Tensor2D {
  if (!Number.isInteger(dim) || dim < 2) throw new Error(`sinusoidalEmbedding: dim must be an integer ≥ 2, got ${dim}`);
  return tf.tidy(() => {
    const half = Math.floor(dim / 2);
    const freqs = new Float32Array(half);
    for (let k = 0; k < half; k++) freqs[k] = Math.exp((-Math.log(1e4) * k) / half);
    const angles = tf.mul(tf.reshape(tf.mul(t, scale), [-1, 1]), tf.tensor2d(freqs, [1, half]));
    const parts = [tf.sin(angles), tf.cos(angles)];
    if (dim % 2 === 1) parts.push(tf.zeros([t.shape[0], 1]));
    return tf.concat(parts, 1) as tf.Tensor2D;
  });
}

export class TimeEmbedding {
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;

  constructor(
    params: ParamRegistry,
    rng: Rng,
    readonly dim: number,
    readonly scale: number,
  ) {
    this.w1 = params.add('time.fc1.w', [dim, dim], xavierUniform(rng, dim, dim));
    this.b1 = params.add('time.fc1.b', [dim], zeros(dim));
    this.w2 = params.add('time.fc2.w', [dim, dim], xavierUniform(rng, dim, dim));
    this.b2 = params.add('time.fc2.b', [dim], zeros(dim));
  }

  /** t: [B] in [0, 1] → [B, dim]: MLP(sinusoidalEmbedding(t)). */
  apply(t: tf.Tensor1D): tf.Tensor2D {
    const e = sinusoidalEmbedding(t, this.dim, this.scale);
    const h = silu(dense(e, this.w1 as tf.Tensor2D, this.b1 as tf.Tensor1D, { inputGrad: false }));
    return dense(h, this.w2 as tf.Tensor2D, this.b2 as tf.Tensor1D);
  }
}
