/**
 * The order an epoch visits the training windows. With one dataset it is a permutation (as it
 * always was). With several, datasets take turns (a random dataset order each round), each
 * walking its own permutation and starting a new one when spent: every batch holds the datasets
 * in equal shares whatever their sizes. The epoch keeps n entries, so a small dataset's windows
 * repeat and a large one's are not all visited every epoch (balanced, not exhaustive).
 */
import type { Rng } from '../../data/rng.js';

export function epochOrder(dataset: Int32Array, n: number, rng: Rng): Int32Array {
  const ids = [...new Set(dataset.subarray(0, n))].sort((a, b) => a - b);
  if (ids.length < 2) return rng.permutation(n);
  const members = ids.map((d) => Int32Array.from({ length: n }, (_, i) => i).filter((i) => dataset[i] === d));
  const walks = members.map((m) => ({ order: shuffled(m, rng), at: 0 }));
  const out = new Int32Array(n);
  let k = 0;
  while (k < n) {
    for (const d of rng.permutation(ids.length)) {
      if (k >= n) break;
      const w = walks[d];
      if (w.at === w.order.length) [w.order, w.at] = [shuffled(members[d], rng), 0];
      out[k++] = w.order[w.at++];
    }
  }
  return out;
}

function shuffled(xs: Int32Array, rng: Rng): Int32Array {
  const p = rng.permutation(xs.length);
  return Int32Array.from(p, (j) => xs[j]);
}
