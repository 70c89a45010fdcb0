/**
 * NT-Xent (normalised temperature-scaled cross entropy; Chen et al. 2020, SimCLR).
 * For unit projections z¹, z² of the two views ([B, P] each), stack z = [z¹; z²] ([2B, P]),
 * s_ij = z_i·z_j / τ, and with positive p(i) = i ± B:
 *   ℓ_i = −log( exp(s_i,p(i)) / Σ_{k≠i} exp(s_ik) ),   L = (1/2B) Σ_i ℓ_i.
 * The self-similarity s_ii is excluded by subtracting a large constant on the diagonal.
 */
import * as tf from '@tensorflow/tfjs';

/** L_con.  z1, z2: [B, P] (L2-normalised rows), τ > 0 → scalar. */
export function ntXent(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  if (z1.rank !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new Error(`ntXent: views [${z1.shape}] and [${z2.shape}] must both be [B, P]`);
  }
  if (!(temperature > 0)) throw new Error(`ntXent: task.temperature must be > 0, got ${temperature}`);
  const b = z1.shape[0];
  if (b < 2) throw new Error(`ntXent: needs at least 2 windows per batch for negatives, got ${b}`);
  return tf.tidy(() => {
    const z = tf.concat([z1, z2], 0) as tf.Tensor2D;
    // z·zᵀ with an explicit transpose: a transposed operand is ~50× slower on wasm.
    const sim = tf.div(tf.matMul(z, tf.transpose(z)), temperature) as tf.Tensor2D;
    const masked = tf.sub(sim, tf.mul(tf.eye(2 * b), 1e9));
    const logProb = tf.logSoftmax(masked, 1);
    const positive = new Int32Array(2 * b).map((_, i) => (i + b) % (2 * b));
    const pick = tf.oneHot(tf.tensor1d(positive, 'int32'), 2 * b);
    return tf.neg(tf.mean(tf.sum(tf.mul(logProb, pick), 1))) as tf.Scalar;
  });
}
