/**
 * ODE solvers for dx/dt = v(x, t), kept apart from the model: they take any velocity
 * function, so tests can run them on closed-form fields. Fixed step dt = (to − from)/N on
 * the grid t_i = from + i·dt; orders: Euler 1, Heun 2, RK4 4. Running from 1 to 0 on the
 * same grid is encode-to-noise (flow/encode-to-noise.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** v(x, t): x [B, D], t [B] → [B, D]. The returned tensor is owned by the sampler. */
export type VelocityField = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

export type SamplerName = 'euler' | 'heun' | 'rk4';
export const SAMPLER_ORDER: Readonly<Record<SamplerName, number>> = { euler: 1, heun: 2, rk4: 4 };

function at(v: VelocityField, x: tf.Tensor2D, t: number): tf.Tensor2D {
  return v(x, tf.fill([x.shape[0]], t) as tf.Tensor1D);
}

/** One Euler step: x_{t+dt} = x_t + dt·v(x_t, t).  x: [B, D] → [B, D]. */
export function eulerStep(v: VelocityField, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(x, tf.mul(at(v, x, t), dt)) as tf.Tensor2D);
}

/**
 * One Heun step (explicit trapezoid): k1 = v(x, t), k2 = v(x + dt·k1, t + dt),
 * x ← x + dt/2·(k1 + k2).  x: [B, D] → [B, D].
 */
export function heunStep(v: VelocityField, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k1 = at(v, x, t);
    const k2 = at(v, tf.add(x, tf.mul(k1, dt)) as tf.Tensor2D, t + dt);
    return tf.add(x, tf.mul(tf.add(k1, k2), dt / 2)) as tf.Tensor2D;
  });
}

/**
 * One classical Runge–Kutta step: k1 = v(x, t), k2 = v(x + dt/2·k1, t + dt/2),
 * k3 = v(x + dt/2·k2, t + dt/2), k4 = v(x + dt·k3, t + dt), x ← x + dt/6·(k1 + 2k2 + 2k3 + k4).
 */
export function rk4Step(v: VelocityField, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k1 = at(v, x, t);
    const k2 = at(v, tf.add(x, tf.mul(k1, dt / 2)) as tf.Tensor2D, t + dt / 2);
    const k3 = at(v, tf.add(x, tf.mul(k2, dt / 2)) as tf.Tensor2D, t + dt / 2);
    const k4 = at(v, tf.add(x, tf.mul(k3, dt)) as tf.Tensor2D, t + dt);
    const sum = tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]);
    return tf.add(x, tf.mul(sum, dt / 6)) as tf.Tensor2D;
  });
}

const STEPS: Readonly<Record<SamplerName, typeof eulerStep>> = { euler: eulerStep, heun: heunStep, rk4: rk4Step };

/** Velocity evaluations per step: the cost of a sampler relative to Euler. */
export const EVALS_PER_STEP: Readonly<Record<SamplerName, number>> = { euler: 1, heun: 2, rk4: 4 };

/**
 * Integrates dx/dt = v from t = from to t = to (default 0 → 1: noise → data) in `steps`
 * equal steps of `method`. x0: [B, D] (not disposed) → [B, D] at t = to.
 */
export function integrate(v: VelocityField, x0: tf.Tensor2D, method: SamplerName, steps: number, from = 0, to = 1): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${method}: steps must be a positive integer, got ${steps}`);
  const step = STEPS[method];
  if (!step) throw new Error(`integrate: unknown sampler "${method}"; valid: ${Object.keys(STEPS).join(', ')}`);
  const dt = (to - from) / steps;
  let x = x0;
  for (let i = 0; i < steps; i++) {
    const next = step(v, x, from + i * dt, dt);
    if (x !== x0) x.dispose();
    x = next;
  }
  return x === x0 ? tf.clone(x0) : x;
}

/** Euler from `from` to `to` (kept for callers of the first slice). */
export function eulerSample(v: VelocityField, x0: tf.Tensor2D, steps: number, from = 0, to = 1): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`eulerSample: steps must be a positive integer, got ${steps}`);
  return integrate(v, x0, 'euler', steps, from, to);
}
