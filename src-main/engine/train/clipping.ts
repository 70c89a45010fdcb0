/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
import * as tf from '@tensorflow/tfjs';
import { readScalar } from '../backend/device-read.js';
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

/**
 * ‖g‖ = √Σ_i Σ g_i²: one JS pass on wasm/cpu (fused.ts), else one reduction read with
 * `await data()`, the only read webgpu has in Node.
 */
export async function globalNorm(grads: readonly tf.Tensor[]): Promise<number> {
  const fused = sumOfSquares(grads);
  if (fused !== null) return Math.sqrt(fused);
  // A chain of adds, not addN: webgpu's addN binds every input at once, past the storage-buffer
  // limit of many adapters (Mesa's compatibility level among them).
  return Math.sqrt(await readScalar(() => grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b))));
}

/** The clip factor for maxNorm (0 disables): scale = maxNorm/(‖g‖ + 1e-6) if ‖g‖ > maxNorm, else 1. */
export async function clipFactor(grads: readonly tf.Tensor[], maxNorm: number): Promise<ClipFactor> {
  return clipFactorOf(await globalNorm(grads), maxNorm);
}

/** The clip factor for a norm already read. */
export function clipFactorOf(norm: number, maxNorm: number): ClipFactor {
  if (!(maxNorm > 0) || !(norm > maxNorm)) return { norm, clipped: false, scale: 1 };
  return { norm, clipped: true, scale: maxNorm / (norm + 1e-6) };
}

/** ‖g‖ = √Σ_i Σ g_i²; if maxNorm > 0 and ‖g‖ > maxNorm, g ← g · maxNorm/(‖g‖ + 1e-6). */
export async function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): Promise<ClipResult> {
  const f = await clipFactor(grads, maxNorm);
  if (!f.clipped) return { grads: grads.map((g) => tf.clone(g)), ...f };
  return { grads: grads.map((g) => tf.mul(g, f.scale)), ...f };
}
