/**
 * Diversity and mode coverage of generated samples relative to real ones. The reference
 * reported raw mean pairwise distance, where white noise beats real data; here the
 * number is a ratio to the real set's own spread, and coverage asks whether every mode of
 * the real class is reached, which noise fails.
 */
import { Rng } from '../../data/rng.js';
import { type Matrix, checkMatrix, sqDist, takeRows } from './matrix.js';

/** Mean Euclidean distance over pairs i < j of rows of x [n, d]. */
export function meanPairwiseDistance(x: Matrix): number {
  checkMatrix(x, 'meanPairwiseDistance x', 2);
  let s = 0;
  for (let i = 0; i < x.n; i++) for (let j = i + 1; j < x.n; j++) s += Math.sqrt(sqDist(x, i, x, j));
  return s / ((x.n * (x.n - 1)) / 2);
}

/** Diversity ratio mean‖g_i − g_j‖ / mean‖r_i − r_j‖: 1 = as spread as real, < 1 = collapsed. */
export function diversityRatio(real: Matrix, generated: Matrix): number {
  return meanPairwiseDistance(generated) / meanPairwiseDistance(real);
}

/**
 * k-means (Lloyd, seeded k-means++ start, fixed iteration cap) on x [n, d] → centroids [k, d].
 * Used to summarise a real class into prototypes for coverage.
 */
export function kMeans(x: Matrix, k: number, opts: { seed?: number; iterations?: number } = {}): Matrix {
  checkMatrix(x, 'kMeans x', 1);
  if (!Number.isInteger(k) || k < 1 || k > x.n) throw new RangeError(`kMeans: k must be an integer in [1, ${x.n}], got ${k}`);
  const rng = Rng.derive(opts.seed ?? 0, 'kmeans');
  const chosen = [Math.floor(rng.next() * x.n)];
  const dmin = new Float64Array(x.n).fill(Infinity);
  while (chosen.length < k) {
    let total = 0;
    const last = chosen[chosen.length - 1];
    for (let i = 0; i < x.n; i++) {
      dmin[i] = Math.min(dmin[i], sqDist(x, i, x, last));
      total += dmin[i];
    }
    let u = rng.next() * total;
    let pick = 0;
    for (; pick < x.n - 1; pick++) { u -= dmin[pick]; if (u <= 0 && dmin[pick] > 0) break; }
    chosen.push(pick);
  }
  const C = takeRows(x, chosen);
  const assign = new Int32Array(x.n).fill(-1);
  for (let it = 0; it < (opts.iterations ?? 50); it++) {
    let changed = false;
    for (let i = 0; i < x.n; i++) {
      const a = nearestRow(x, i, C);
      if (a !== assign[i]) { assign[i] = a; changed = true; }
    }
    if (!changed) break;
    const sums = new Float64Array(k * x.d), counts = new Int32Array(k);
    for (let i = 0; i < x.n; i++) {
      counts[assign[i]]++;
      for (let j = 0; j < x.d; j++) sums[assign[i] * x.d + j] += x.data[i * x.d + j];
    }
    // An emptied cluster keeps its old centroid rather than vanishing.
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let j = 0; j < x.d; j++) C.data[c * x.d + j] = sums[c * x.d + j] / counts[c];
  }
  return C;
}

function nearestRow(x: Matrix, i: number, C: Matrix): number {
  let best = 0, bestD = Infinity;
  for (let c = 0; c < C.n; c++) {
    const s = sqDist(x, i, C, c);
    if (s < bestD) { bestD = s; best = c; }
  }
  return best;
}

export interface ModeCoverage {
  /** Per class (ascending label): fraction of its real prototypes that are the nearest prototype of ≥ 1 generated sample. */
  perClass: { label: number; coverage: number; prototypes: number; generated: number }[];
  /** Mean over classes that have generated samples. */
  mean: number;
}

/**
 * Mode coverage per class: the real rows of class c are summarised by k-means into
 * `prototypes` centroids (default min(10, n_c)); each generated row of class c is
 * assigned to its nearest centroid; coverage_c = fraction of centroids that receive at
 * least one generated row. A collapsed generator (or noise landing in one region) covers
 * few; a generator matching the real class covers nearly all.
 */
export function modeCoverage(
  real: Matrix, realLabels: ArrayLike<number>, generated: Matrix, generatedLabels: ArrayLike<number>,
  opts: { prototypes?: number; seed?: number } = {},
): ModeCoverage {
  checkMatrix(real, 'modeCoverage real');
  checkMatrix(generated, 'modeCoverage generated');
  if (real.d !== generated.d) throw new RangeError(`modeCoverage: real has ${real.d} columns, generated has ${generated.d}`);
  if (realLabels.length !== real.n || generatedLabels.length !== generated.n) throw new RangeError('modeCoverage: one label per row expected');
  const labels = [...new Set(Array.from(realLabels))].sort((a, b) => a - b);
  const perClass: ModeCoverage['perClass'] = [];
  for (const label of labels) {
    const ri: number[] = [], gi: number[] = [];
    for (let i = 0; i < real.n; i++) if (realLabels[i] === label) ri.push(i);
    for (let i = 0; i < generated.n; i++) if (generatedLabels[i] === label) gi.push(i);
    const k = Math.min(opts.prototypes ?? 10, ri.length);
    const C = kMeans(takeRows(real, ri), k, { seed: (opts.seed ?? 0) + label });
    const G = takeRows(generated, gi);
    const hit = new Uint8Array(k);
    for (let i = 0; i < G.n; i++) hit[nearestRow(G, i, C)] = 1;
    perClass.push({ label, coverage: hit.reduce((s, v) => s + v, 0) / k, prototypes: k, generated: gi.length });
  }
  const withGen = perClass.filter((c) => c.generated > 0);
  return { perClass, mean: withGen.length ? withGen.reduce((s, c) => s + c.coverage, 0) / withGen.length : 0 };
}
