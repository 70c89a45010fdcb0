/**
 * The contrastive projection head g(h) (SimCLR): Linear(F → H) → LayerNorm → ReLU →
 * Linear(H → P) → L2-normalise, Xavier init. LayerNorm instead of the reference's BatchNorm
 * so a view's projection does not depend on the rest of its batch. Its parameters live in
 * the registry it is given (the objective's), which exists before the optimiser is built,
 * unlike the reference whose head was created after the optimiser and never trained.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { ones, xavierUniform, zeros } from '../nn/init.js';
import { layerNorm } from '../nn/layer-norm.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../../data/rng.js';

export class ProjectionHead {
  private readonly p: Record<string, tf.Variable> = {};

  constructor(
    params: ParamRegistry,
    rng: Rng,
    readonly inputDim: number,
    readonly hidden: number,
    readonly outputDim: number,
  ) {
    const F = inputDim;
    const H = hidden;
    const P = outputDim;
    this.p.w1 = params.add('proj.fc1.w', [F, H], xavierUniform(rng, F, H));
    this.p.b1 = params.add('proj.fc1.b', [H], zeros(H));
    this.p.g1 = params.add('proj.ln1.gamma', [H], ones(H));
    this.p.be1 = params.add('proj.ln1.beta', [H], zeros(H));
    this.p.w2 = params.add('proj.fc2.w', [H, P], xavierUniform(rng, H, P));
    this.p.b2 = params.add('proj.fc2.b', [P], zeros(P));
  }

  /** z = g(h) / ‖g(h)‖₂.  h: [B, F] → z: [B, P], unit rows. */
  apply(h: tf.Tensor2D): tf.Tensor2D {
    if (h.shape[1] !== this.inputDim) throw new Error(`ProjectionHead: features [${h.shape}] need ${this.inputDim} columns`);
    const p = this.p as Record<string, tf.Tensor>;
    return tf.tidy(() => {
      const a = tf.relu(layerNorm(dense(h, p.w1 as tf.Tensor2D, p.b1 as tf.Tensor1D), p.g1 as tf.Tensor1D, p.be1 as tf.Tensor1D));
      return l2Normalize(dense(a as tf.Tensor2D, p.w2 as tf.Tensor2D, p.b2 as tf.Tensor1D));
    });
  }
}

/** Row-wise z / max(‖z‖₂, 1e-12).  [B, P] → [B, P]. */
export function l2Normalize(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(z, tf.maximum(tf.sqrt(tf.sum(tf.square(z), 1, true)), 1e-12)) as tf.Tensor2D);
}
