/**
 * Encoder features of the reference MLP velocity net: its first hidden layer's
 * activations. The reference net has no encoder; this is the documented fallback so
 * linear probes and the contrastive branch work for velocity_net = mlp as well.
 */
import * as tf from '@tensorflow/tfjs';
import { silu } from '../nn/activations.js';
import { dense } from '../nn/dense.js';
import { layerNorm } from '../nn/layer-norm.js';
import type { ParamRegistry } from '../nn/params.js';

/** h₁ = SiLU(LN(x·W₁ₓ + c·W₁c + b₁)).  x: [B, L·C], context c: [B, K] → [B, hidden_dim]. */
export function mlpEncoderFeatures(params: ParamRegistry, x: tf.Tensor2D, context: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const p = (name: string): tf.Tensor => params.get(name) as tf.Tensor;
    const h1 = tf.add(
      dense(x, p('vel.fc1.w_signal') as tf.Tensor2D, null, { inputGrad: false }),
      dense(context, p('vel.fc1.w_context') as tf.Tensor2D, p('vel.fc1.b') as tf.Tensor1D),
    ) as tf.Tensor2D;
    return silu(layerNorm(h1, p('vel.ln1.gamma') as tf.Tensor1D, p('vel.ln1.beta') as tf.Tensor1D));
  });
}
