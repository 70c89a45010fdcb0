/**
 * How the training path reads tensors off the device: always `await data()`. It is the only
 * read the webgpu backend has in Node (its dataSync wants OffscreenCanvas, and dawn.node has
 * no synchronous buffer map); on wasm and cpu it costs a microtask.
 */
import * as tf from '@tensorflow/tfjs';

/** The first value of `t` (left alive: a variable, or a tensor its owner disposes). */
export async function readValue(t: tf.Tensor): Promise<number> {
  return (await t.data())[0];
}

/** The first value of the tensor `compute` returns (made in a tidy, disposed after the read). */
export async function readScalar(compute: () => tf.Tensor): Promise<number> {
  const t = tf.tidy(compute);
  try {
    return await readValue(t);
  } finally {
    t.dispose();
  }
}

/** A copy of each tensor's values (a backend may hand out its own buffer, e.g. cpu's). */
export function readCopies(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => Float32Array.from((await t.data()) as Float32Array)));
}
