/**
 * Classifier-free guidance (Ho & Salimans 2022) for flow velocities:
 *   v_w = v(x, t, ∅) + w·(v(x, t, c) − v(x, t, ∅)),
 * w = 1 is the plain conditional field, w = 0 the unconditional one, w > 1 sharpens the
 * condition. ∅ = every condition set to its learned unknown token.
 */
import * as tf from '@tensorflow/tfjs';

/** v_w = v_u + w·(v_c − v_u).  vCond, vUncond: [B, D] → [B, D]. */
export function classifierFreeGuidance(vCond: tf.Tensor2D, vUncond: tf.Tensor2D, w: number): tf.Tensor2D {
  if (!Number.isFinite(w)) throw new Error(`classifierFreeGuidance: guidance scale must be finite, got ${w}`);
  return tf.tidy(() => tf.add(vUncond, tf.mul(tf.sub(vCond, vUncond), w)) as tf.Tensor2D);
}
