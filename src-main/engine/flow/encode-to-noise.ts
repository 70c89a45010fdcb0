/**
 * Encode-to-noise: integrate the learned field backwards, from data (t = 1) to noise
 * (t = 0), with the sampler chosen for decoding and on the same time grid (the grid
 * t_i = i/N visited in reverse). With an exact ODE solve decode(encode(x)) = x; with N
 * fixed steps the round-trip error shrinks as dt^order (Euler 1, Heun 2, RK4 4).
 */
import type * as tf from '@tensorflow/tfjs';
import { integrate, type SamplerName, type VelocityField } from './samplers.js';

/** z = Φ_{1→0}(x).  x (data): [B, D] (not disposed) → noise z: [B, D]. */
export function encodeToNoise(v: VelocityField, x: tf.Tensor2D, method: SamplerName, steps: number): tf.Tensor2D {
  return integrate(v, x, method, steps, 1, 0);
}

/** x = Φ_{0→1}(z).  z (noise): [B, D] (not disposed) → data x: [B, D]. */
export function decodeFromNoise(v: VelocityField, z: tf.Tensor2D, method: SamplerName, steps: number): tf.Tensor2D {
  return integrate(v, z, method, steps, 0, 1);
}
