/**
 * Embedding lookup with an explicit "unknown" row. The table has `count + 1` rows: rows
 * 0..count−1 are the real ids and row `count` is a learned unknown/unconditional token,
 * distinct from every real id (the reference reused id 0 for "unknown").
 *
 * The lookup is one-hot · table through the explicit-gradient dense layer: gather's
 * gradient needs a scatter kernel, and the tables here are tiny (tens of rows).
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from './dense.js';

/** Index of the unknown row for a table of `count` real ids. */
export function unknownId(count: number): number {
  return count;
}

/**
 * ids: [B] integers in 0..count (count = unknown), table: [count + 1, dim] → [B, dim].
 * An id outside the range is an error, not a silent clamp.
 */
export function embed(ids: Int32Array, table: tf.Tensor2D): tf.Tensor2D {
  const rows = table.shape[0];
  const oneHot = new Float32Array(ids.length * rows);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= rows) {
      throw new Error(`embed: id ${id} at position ${i} is outside 0..${rows - 1} (the last row is "unknown")`);
    }
    oneHot[i * rows + id] = 1;
  }
  return tf.tidy(() => dense(tf.tensor2d(oneHot, [ids.length, rows]), table, null, { inputGrad: false }));
}
