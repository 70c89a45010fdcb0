/**
 * ODE solvers for dx/dt = v(x, t), kept apart from the model: they take any velocity
 * function, so tests can run them on closed-form fields.
 */
import * as tf from '@tensorflow/tfjs';

/** v(x, t): x [B, D], t [B] → [B, D]. The returned tensor is owned by the sampler. */
export type VelocityField = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/** One Euler step: x_{t+dt} = x_t + dt·v(x_t, t).  x: [B, D] → [B, D]. */
export function eulerStep(v: VelocityField, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  return tf.tidy(() => {
    const tt = tf.fill([x.shape[0]], t) as tf.Tensor1D;
    return tf.add(x, tf.mul(v(x, tt), dt)) as tf.Tensor2D;
  });
}

/**
 * Integrates from t = from to t = to (default 0 → 1: noise → data) in `steps` equal Euler
 * steps. x0: [B, D] (not disposed) → [B, D] at t = to. Running from 1 to 0 encodes to noise.
 */
export function eulerSample(v: VelocityField, x0: tf.Tensor2D, steps: number, from = 0, to = 1): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`eulerSample: steps must be a positive integer, got ${steps}`);
  const dt = (to - from) / steps;
  let x = x0;
  for (let i = 0; i < steps; i++) {
    const next = eulerStep(v, x, from + i * dt, dt);
    if (x !== x0) x.dispose();
    x = next;
  }
  return x === x0 ? tf.clone(x0) : x;
}
