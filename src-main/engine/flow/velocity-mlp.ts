/**
 * The reference velocity network on the flattened window (B, L·C):
 * Linear(L·C + time_dim + condition_dim → H) → LN → SiLU → Linear(H → H) → LN → SiLU →
 * Linear(H → L·C); Xavier init. The first Linear is stored as two blocks (signal rows and
 * time/condition rows) so its backward pass skips dx for the signal, which is data.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { layerNorm } from '../nn/layer-norm.js';
import { silu } from '../nn/activations.js';
import { ones, xavierUniform, zeros } from '../nn/init.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../../data/rng.js';

export class VelocityMlp {
  private readonly p: Record<string, tf.Variable> = {};

  constructor(
    params: ParamRegistry,
    rng: Rng,
    readonly signalDim: number,
    readonly contextDim: number,
    readonly hidden: number,
  ) {
    const D = signalDim;
    const K = contextDim;
    const H = hidden;
    const fanIn = D + K; // Xavier over the whole first layer, as one Linear would be
    this.p.w1x = params.add('vel.fc1.w_signal', [D, H], xavierUniform(rng, fanIn, H, D * H));
    this.p.w1c = params.add('vel.fc1.w_context', [K, H], xavierUniform(rng, fanIn, H, K * H));
    this.p.b1 = params.add('vel.fc1.b', [H], zeros(H));
    this.p.g1 = params.add('vel.ln1.gamma', [H], ones(H));
    this.p.be1 = params.add('vel.ln1.beta', [H], zeros(H));
    this.p.w2 = params.add('vel.fc2.w', [H, H], xavierUniform(rng, H, H));
    this.p.b2 = params.add('vel.fc2.b', [H], zeros(H));
    this.p.g2 = params.add('vel.ln2.gamma', [H], ones(H));
    this.p.be2 = params.add('vel.ln2.beta', [H], zeros(H));
    this.p.w3 = params.add('vel.fc3.w', [H, D], xavierUniform(rng, H, D));
    this.p.b3 = params.add('vel.fc3.b', [D], zeros(D));
  }

  /** xt: [B, L·C], context = [time emb ‖ condition emb]: [B, time_dim + condition_dim] → v̂: [B, L·C]. */
  apply(xt: tf.Tensor2D, context: tf.Tensor2D): tf.Tensor2D {
    const p = this.p as Record<string, tf.Tensor>;
    const h1 = tf.add(
      dense(xt, p.w1x as tf.Tensor2D, null, { inputGrad: false }),
      dense(context, p.w1c as tf.Tensor2D, p.b1 as tf.Tensor1D),
    ) as tf.Tensor2D;
    const a1 = silu(layerNorm(h1, p.g1 as tf.Tensor1D, p.be1 as tf.Tensor1D));
    const a2 = silu(layerNorm(dense(a1, p.w2 as tf.Tensor2D, p.b2 as tf.Tensor1D), p.g2 as tf.Tensor1D, p.be2 as tf.Tensor1D));
    return dense(a2, p.w3 as tf.Tensor2D, p.b3 as tf.Tensor1D);
  }
}
