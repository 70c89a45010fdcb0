/**
 * Area under the ROC curve and a label-free anomaly score (distance to normal data).
 */
import { type Matrix, checkMatrix, sqDist } from './matrix.js';

/**
 * AUROC = P(score of a positive > score of a negative) + ½·P(tie), the Mann–Whitney U
 * statistic with midranks: (R₊ − n₊(n₊+1)/2) / (n₊·n₋), R₊ = sum of the positives'
 * midranks. Equals sklearn.metrics.roc_auc_score (trapezoidal ROC) including ties.
 * labels [n]: 1 = positive (anomalous), 0 = negative; scores [n]: higher = more positive.
 */
export function auroc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`auroc: ${n} labels but ${scores.length} scores`);
  let nPos = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) throw new RangeError(`auroc: labels must be 0 or 1, got ${labels[i]} at ${i}`);
    if (!Number.isFinite(scores[i])) throw new RangeError(`auroc: non-finite score ${scores[i]} at ${i}`);
    nPos += labels[i];
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError(`auroc: need both classes (got ${nPos} positive, ${nNeg} negative)`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midrank = (i + j) / 2 + 1; // ranks are 1-based
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += midrank;
    i = j + 1;
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Anomaly score per test row: mean Euclidean distance to its k nearest rows of `normal`
 * (training features of healthy machines) [m, d]; test [n, d] → [n]. Standardise both
 * with the normal set's statistics first (matrix.ts standardizeWith) so no feature
 * dominates by its unit. `excludeSelf` skips exact-zero distances (scoring the training
 * set against itself).
 */
export function knnAnomalyScore(normal: Matrix, test: Matrix, opts: { k?: number; excludeSelf?: boolean } = {}): Float64Array {
  checkMatrix(normal, 'knnAnomalyScore normal');
  checkMatrix(test, 'knnAnomalyScore test');
  if (normal.d !== test.d) throw new RangeError(`knnAnomalyScore: normal has ${normal.d} columns, test has ${test.d}`);
  const k = opts.k ?? 5;
  if (!Number.isInteger(k) || k < 1 || k > normal.n) throw new RangeError(`knnAnomalyScore: k must be an integer in [1, ${normal.n}], got ${k}`);
  const out = new Float64Array(test.n);
  const dist = new Float64Array(normal.n);
  for (let i = 0; i < test.n; i++) {
    let c = 0;
    for (let j = 0; j < normal.n; j++) {
      const s = sqDist(test, i, normal, j);
      if (opts.excludeSelf && s === 0) continue;
      dist[c++] = Math.sqrt(s);
    }
    const near = dist.subarray(0, c).sort();
    const kk = Math.min(k, c);
    let s = 0;
    for (let j = 0; j < kk; j++) s += near[j];
    out[i] = s / kk;
  }
  return out;
}
