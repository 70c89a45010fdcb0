/**
 * Rectified flow (Liu et al. 2022) as small pure functions. Convention (as the reference):
 * t = 0 is noise ε, t = 1 is data x; the straight path x_t = (1−t)·ε + t·x has constant
 * velocity x − ε. Draws (t, ε) are arguments so tests can recompute every formula.
 */
import * as tf from '@tensorflow/tfjs';

/** One training draw: the interpolated point, its target velocity, and the draws used. */
export interface FlowSample {
  /** [B, D] x_t */
  xt: tf.Tensor2D;
  /** [B, D] x − ε */
  target: tf.Tensor2D;
  /** [B] */
  t: tf.Tensor1D;
  /** [B, D] ε */
  noise: tf.Tensor2D;
}

/** x_t = (1 − t)·ε + t·x.  x1 (data), x0 (noise ε): [B, D]; t: [B] → [B, D]. */
export function interpolate(x1: tf.Tensor2D, x0: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const tc = tf.reshape(t, [-1, 1]);
    return tf.add(tf.mul(tf.sub(1, tc), x0), tf.mul(tc, x1)) as tf.Tensor2D;
  });
}

/** v* = x − ε.  x1 (data), x0 (noise): [B, D] → [B, D]. */
export function targetVelocity(x1: tf.Tensor2D, x0: tf.Tensor2D): tf.Tensor2D {
  return tf.sub(x1, x0);
}

/** L = mean over all B·D entries of (v̂ − v*)². [B, D], [B, D] → scalar. */
export function flowLoss(vPred: tf.Tensor2D, vTarget: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(vPred, vTarget));
}

/** Builds a FlowSample from data x: [B, D], draws t: [B] (U(0,1)) and ε: [B·D] (N(0,1)). */
export function sampleFlow(x1: tf.Tensor2D, t: Float32Array, noise: Float32Array): FlowSample {
  const [b, d] = x1.shape;
  if (t.length !== b || noise.length !== b * d) {
    throw new Error(`sampleFlow: draws t[${t.length}] / ε[${noise.length}] do not match x [${b}, ${d}]`);
  }
  const tt = tf.tensor1d(t);
  const eps = tf.tensor2d(noise, [b, d]);
  return { xt: interpolate(x1, eps, tt), target: targetVelocity(x1, eps), t: tt, noise: eps };
}
