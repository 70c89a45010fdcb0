/**
 * The prototypical-network loss (Snell et al. 2017) on encoder features:
 *   p_c = mean of the support features of class c,
 *   logits_{q,c} = −‖f_q − p_c‖²,  L = mean_q −log softmax(logits_q)[y_q].
 * Differentiable (tensors in, scalar out) so episodic fine-tuning can back-propagate it.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * support: [way·shot, d] features, supportY: [way·shot] episode classes 0..way−1;
 * query: [nq, d], queryY: [nq] → scalar loss. Every class needs ≥ 1 support row.
 */
export function prototypicalLoss(support: tf.Tensor2D, supportY: ArrayLike<number>, query: tf.Tensor2D, queryY: ArrayLike<number>, way: number): tf.Scalar {
  if (supportY.length !== support.shape[0] || queryY.length !== query.shape[0]) {
    throw new RangeError(`prototypicalLoss: ${supportY.length}/${queryY.length} labels for ${support.shape[0]} support / ${query.shape[0]} query rows`);
  }
  const counts = new Float32Array(way);
  for (let i = 0; i < supportY.length; i++) counts[supportY[i]]++;
  for (let c = 0; c < way; c++) if (counts[c] === 0) throw new RangeError(`prototypicalLoss: class ${c} has no support row`);
  return tf.tidy(() => {
    // Averaging matrix A [way, ns]: A[c, i] = 1/count_c when supportY[i] = c.
    const A = new Float32Array(way * supportY.length);
    for (let i = 0; i < supportY.length; i++) A[supportY[i] * supportY.length + i] = 1 / counts[supportY[i]];
    const protos = tf.matMul(tf.tensor2d(A, [way, supportY.length]), support); // [way, d]
    const q2 = tf.sum(tf.square(query), 1, true); // [nq, 1]
    const p2 = tf.reshape(tf.sum(tf.square(protos), 1), [1, way]); // [1, way]
    const cross = tf.matMul(query, protos, false, true); // [nq, way]
    const logits = tf.neg(tf.sub(tf.add(q2, p2), tf.mul(cross, 2)));
    const y = tf.oneHot(tf.tensor1d(Int32Array.from(queryY), 'int32'), way);
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  });
}
