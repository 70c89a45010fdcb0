/**
 * Adaptive LayerNorm (DiT, Peebles & Xie 2023): LayerNorm without learned affine whose
 * shift and scale come from the conditioning vector, one (shift, scale) per window.
 */
import * as tf from '@tensorflow/tfjs';

/** (x − μ)/√(σ² + ε) over the last axis, no affine. x: [N, F] → [N, F]. */
export function layerNormPlain(x: tf.Tensor2D, eps = 1e-6): tf.Tensor2D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))) as tf.Tensor2D;
  });
}

/** Broadcasts a per-window row over its tokens. v: [B, F] → [B, 1, F]. */
function perWindow(v: tf.Tensor2D): tf.Tensor3D {
  return tf.expandDims(v, 1) as tf.Tensor3D;
}

/**
 * modulate(x) = x ⊙ (1 + scale) + shift, per window.
 * x: [B·T, F] (window-major tokens), shift, scale: [B, F] → [B·T, F].
 */
export function modulate(x: tf.Tensor2D, shift: tf.Tensor2D, scale: tf.Tensor2D, tokens: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [bt, f] = x.shape;
    const x3 = tf.reshape(x, [bt / tokens, tokens, f]);
    return tf.reshape(tf.add(tf.mul(x3, tf.add(perWindow(scale), 1)), perWindow(shift)), [bt, f]) as tf.Tensor2D;
  });
}

/** gate ⊙ y per window (the AdaLN-Zero residual gate). y: [B·T, F], gate: [B, F] → [B·T, F]. */
export function gateTokens(y: tf.Tensor2D, gate: tf.Tensor2D, tokens: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [bt, f] = y.shape;
    return tf.reshape(tf.mul(tf.reshape(y, [bt / tokens, tokens, f]), perWindow(gate)), [bt, f]) as tf.Tensor2D;
  });
}

/** LN → modulate: AdaLN(x; shift, scale).  x: [B·T, F], shift, scale: [B, F] → [B·T, F]. */
export function adaLayerNorm(x: tf.Tensor2D, shift: tf.Tensor2D, scale: tf.Tensor2D, tokens: number): tf.Tensor2D {
  return modulate(layerNormPlain(x), shift, scale, tokens);
}
