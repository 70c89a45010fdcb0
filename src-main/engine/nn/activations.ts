/** Activations and dropout. Dropout masks are drawn by the caller (from the run's Rng). */
import * as tf from '@tensorflow/tfjs';

/** SiLU (swish): y = x · σ(x), elementwise. */
export function silu<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.sigmoid(x)) as T;
}

/**
 * Inverted dropout with a given mask: y = x ⊙ mask. mask: same shape as x, entries 0 or
 * 1/(1−p) (Rng.dropoutMask). No mask (evaluation) returns x unchanged.
 */
export function dropout(x: tf.Tensor2D, mask: Float32Array | null): tf.Tensor2D {
  if (!mask) return x;
  if (mask.length !== x.size) throw new Error(`dropout: mask has ${mask.length} entries for x [${x.shape}]`);
  return tf.mul(x, tf.tensor2d(mask, x.shape as [number, number])) as tf.Tensor2D;
}
