/** Layer normalisation over the last axis (PyTorch nn.LayerNorm, ε = 1e-5). */
import * as tf from '@tensorflow/tfjs';

/** y = (x − μ) / √(σ² + ε) · γ + β, μ and σ² over the last axis. x: [B, F], γ, β: [F] → [B, F]. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): tf.Tensor2D {
  if (gamma.shape[0] !== x.shape[1] || beta.shape[0] !== x.shape[1]) {
    throw new Error(`layerNorm: γ [${gamma.shape}] / β [${beta.shape}] must match the features of x [${x.shape}]`);
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(xhat, gamma), beta) as tf.Tensor2D;
  });
}
