/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
import * as tf from '@tensorflow/tfjs';

export interface ClipResult {
  /** Gradients after clipping (new tensors; the caller disposes them and the inputs). */
  grads: tf.Tensor[];
  /** ‖g‖₂ over all gradients before clipping. */
  norm: number;
  clipped: boolean;
}

/** ‖g‖ = √Σ_i Σ g_i²; if maxNorm > 0 and ‖g‖ > maxNorm, g ← g · maxNorm/(‖g‖ + 1e-6). */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): ClipResult {
  const norm = tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
  if (!(maxNorm > 0) || !(norm > maxNorm)) return { grads: grads.map((g) => tf.clone(g)), norm, clipped: false };
  const scale = maxNorm / (norm + 1e-6);
  return { grads: grads.map((g) => tf.mul(g, scale)), norm, clipped: true };
}
