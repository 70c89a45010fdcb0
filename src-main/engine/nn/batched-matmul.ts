/**
 * Batched matrix product with an explicit gradient (attention's QKᵀ and A·V).
 *
 * Why: on tfjs-backend-wasm a batched matMul with a transposed operand falls to a scalar
 * loop (~50× slower); autodiff of A·B uses dY·Bᵀ and Aᵀ·dY with transpose flags. Here the
 * gradient transposes explicitly (a copy) and calls the fast un-transposed kernel, as
 * nn/dense.ts does for 2-D weights.
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes of a rank-3 tensor: [N, m, k] → [N, k, m] (an explicit copy). */
export function transposeLast(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]);
}

/**
 * Y = A·B per batch entry.  A: [N, m, k], B: [N, k, n] → Y: [N, m, n].
 * Gradients: dA = dY·Bᵀ, dB = Aᵀ·dY (explicit transposes, no transpose flags).
 */
export function bmm(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new Error(`bmm: A [${a.shape}] and B [${b.shape}] do not chain (need A [N, m, k], B [N, k, n])`);
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [as, bs] = args as [tf.Tensor3D, tf.Tensor3D];
    (args[2] as tf.GradSaveFunc)([as, bs]);
    return {
      value: tf.matMul(as, bs),
      gradFunc: (dy, saved) => {
        const [sa, sb] = saved as tf.Tensor3D[];
        const g = dy as tf.Tensor3D;
        return [tf.matMul(g, transposeLast(sb)), tf.matMul(transposeLast(sa), g)];
      },
    };
  });
  return f(a, b) as tf.Tensor3D;
}
