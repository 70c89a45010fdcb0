/**
 * Dense (fully connected) layer with an explicit gradient.
 *
 * Why: on tfjs-backend-wasm a matMul with a transposed operand runs a scalar loop ~10–50×
 * slower than the plain one, and autodiff of x·W uses exactly those (dy·Wᵀ, xᵀ·dy). Here
 * the gradient transposes only the small [B, ·] operands (cheap copies) and then calls the
 * fast un-transposed matMul.
 */
import * as tf from '@tensorflow/tfjs';

export interface DenseOptions {
  /** false when x is data (no gradient needed): skips the dy·Wᵀ product and returns zeros. */
  inputGrad?: boolean;
}

/**
 * y = x·W + b.  x: [B, in], W: [in, out], b: [out] → y: [B, out].
 * Gradients: dx = dy·Wᵀ, dW = xᵀ·dy, db = Σ_B dy.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, options: DenseOptions = {}): tf.Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new Error(`dense: x [${x.shape}] and W [${w.shape}] do not chain (need x [B, in], W [in, out])`);
  }
  if (b && (b.rank !== 1 || b.shape[0] !== w.shape[1])) {
    throw new Error(`dense: bias [${b.shape}] does not match W [${w.shape}] (need [${w.shape[1]}])`);
  }
  const inputGrad = options.inputGrad ?? true;
  // dx = (W·dyᵀ)ᵀ: W [in, out] is the streamed operand and only the small dyᵀ [out, B] is
  // transposed and packed (XNNPACK packs the right operand on every call, since W is new
  // each step); transposing W itself costs ~4× more (docs/PERFORMANCE.md).
  const dx = (dy: tf.Tensor2D, xs: tf.Tensor2D, ws: tf.Tensor2D): tf.Tensor2D =>
    inputGrad ? (tf.transpose(tf.matMul(ws, tf.transpose(dy))) as tf.Tensor2D) : tf.zerosLike(xs);
  const dw = (dy: tf.Tensor2D, xs: tf.Tensor2D): tf.Tensor2D => tf.matMul(tf.transpose(xs), dy);

  if (b) {
    const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xs, ws, bs] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      (args[3] as tf.GradSaveFunc)([xs, ws]);
      return {
        value: tf.add(tf.matMul(xs, ws), bs),
        gradFunc: (dy, saved) => {
          const [sx, sw] = saved as tf.Tensor2D[];
          const g = dy as tf.Tensor2D;
          return [dx(g, sx, sw), dw(g, sx), tf.sum(g, 0)];
        },
      };
    });
    return f(x, w, b) as tf.Tensor2D;
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, ws] = args as [tf.Tensor2D, tf.Tensor2D];
    (args[2] as tf.GradSaveFunc)([xs, ws]);
    return {
      value: tf.matMul(xs, ws),
      gradFunc: (dy, saved) => {
        const [sx, sw] = saved as tf.Tensor2D[];
        const g = dy as tf.Tensor2D;
        return [dx(g, sx, sw), dw(g, sx)];
      },
    };
  });
  return f(x, w) as tf.Tensor2D;
}
