/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
import * as tf from '@tensorflow/tfjs';
import { sumOfSquares } from '../backend/fused.js';

export interface ClipResult {
  /** Gradients after clipping (new tensors; the caller disposes them and the inputs). */
  grads: tf.Tensor[];
  /** ‖g‖₂ over all gradients before clipping. */
  norm: number;
  clipped: boolean;
  /** The factor applied: maxNorm/(‖g‖ + 1e-6) when clipped, else 1. */
  scale: number;
}

/** How to clip: the pre-clip norm and the factor, without touching the gradients. */
export interface ClipFactor {
  norm: number;
  clipped: boolean;
  scale: number;
}

/** ‖g‖ = √Σ_i Σ g_i² (one JS pass on wasm/cpu, one reduction and one readback elsewhere). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  const fused = sumOfSquares(grads);
  if (fused !== null) return Math.sqrt(fused);
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
}

/** ‖g‖ read asynchronously: the only way on webgpu in Node (no fused pass there). */
export async function globalNormAsync(grads: readonly tf.Tensor[]): Promise<number> {
  const fused = sumOfSquares(grads);
  if (fused !== null) return Math.sqrt(fused);
  // A chain of adds, not addN: webgpu's addN binds every input at once, past the storage-buffer
  // limit of many adapters (Mesa's compatibility level among them).
  const sq = tf.tidy(() => grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
  const [v] = await sq.data();
  sq.dispose();
  return Math.sqrt(v);
}

/** The clip factor for maxNorm (0 disables): scale = maxNorm/(‖g‖ + 1e-6) if ‖g‖ > maxNorm, else 1. */
export function clipFactor(grads: readonly tf.Tensor[], maxNorm: number): ClipFactor {
  return clipFactorOf(globalNorm(grads), maxNorm);
}

/** The clip factor for a norm already read. */
export function clipFactorOf(norm: number, maxNorm: number): ClipFactor {
  if (!(maxNorm > 0) || !(norm > maxNorm)) return { norm, clipped: false, scale: 1 };
  return { norm, clipped: true, scale: maxNorm / (norm + 1e-6) };
}

/** ‖g‖ = √Σ_i Σ g_i²; if maxNorm > 0 and ‖g‖ > maxNorm, g ← g · maxNorm/(‖g‖ + 1e-6). */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): ClipResult {
  const f = clipFactor(grads, maxNorm);
  if (!f.clipped) return { grads: grads.map((g) => tf.clone(g)), ...f };
  return { grads: grads.map((g) => tf.mul(g, f.scale)), ...f };
}
