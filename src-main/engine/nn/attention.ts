/**
 * Multi-head self-attention over tokens (Vaswani et al. 2017), on the token-major layout
 * [B·T, d] every token-wise layer here uses:
 *   [Q K V] = h·W_qkv + b_qkv,  A_h = softmax(Q_h K_hᵀ / √d_h),  y = concat_h(A_h V_h)·W_o + b_o.
 * Every product goes through explicit-gradient layers (dense, bmm) so no backward matMul
 * runs with a transposed operand on wasm.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from './dense.js';
import { bmm, transposeLast } from './batched-matmul.js';

export interface AttentionWeights {
  /** [d, 3d] */
  wQkv: tf.Tensor2D;
  /** [3d] */
  bQkv: tf.Tensor1D;
  /** [d, d] */
  wOut: tf.Tensor2D;
  /** [d] */
  bOut: tf.Tensor1D;
}

/** [B·T, d] → [B·H, T, d/H]: each head's tokens as one batch entry. */
function splitHeads(x: tf.Tensor2D, batch: number, tokens: number, heads: number): tf.Tensor3D {
  const dh = x.shape[1] / heads;
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, tokens, heads, dh]), [0, 2, 1, 3]), [batch * heads, tokens, dh]);
}

/** [B·H, T, d/H] → [B·T, d]. */
function mergeHeads(x: tf.Tensor3D, batch: number, tokens: number, heads: number): tf.Tensor2D {
  const dh = x.shape[2];
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, heads, tokens, dh]), [0, 2, 1, 3]), [batch * tokens, heads * dh]);
}

/** softmax(Q Kᵀ/√d_h)·V per head.  q, k, v: [N, T, d_h] → [N, T, d_h]. */
export function scaledDotProductAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const scale = 1 / Math.sqrt(q.shape[2]);
  const scores = tf.mul(bmm(q, transposeLast(k)), scale) as tf.Tensor3D;
  return bmm(tf.softmax(scores) as tf.Tensor3D, v);
}

/**
 * Self-attention of `tokens` tokens per window.  h: [B·T, d] (window-major) → [B·T, d].
 * d must be divisible by `heads`.
 */
export function multiHeadSelfAttention(h: tf.Tensor2D, w: AttentionWeights, batch: number, tokens: number, heads: number): tf.Tensor2D {
  const d = h.shape[1];
  if (d % heads !== 0) throw new Error(`multiHeadSelfAttention: width ${d} is not divisible by heads ${heads}`);
  if (h.shape[0] !== batch * tokens) throw new Error(`multiHeadSelfAttention: h [${h.shape}] is not [B·T = ${batch}·${tokens}, d]`);
  return tf.tidy(() => {
    const qkv = dense(h, w.wQkv, w.bQkv);
    const [q, k, v] = tf.split(qkv, 3, 1) as tf.Tensor2D[];
    const o = scaledDotProductAttention(splitHeads(q, batch, tokens, heads), splitHeads(k, batch, tokens, heads), splitHeads(v, batch, tokens, heads));
    return dense(mergeHeads(o, batch, tokens, heads), w.wOut, w.bOut);
  });
}
