/**
 * How frozen features are read out, decided on the training split only (never the test
 * split), and applied identically to the pretrained encoder and its random-init twin:
 *   - feature normalisation: z-scoring with training-split column statistics, optionally
 *     followed by L2 normalisation of each row (SimpleShot's "CL2N", Wang et al. 2019:
 *     nearest-centroid classification on centred, L2-normalised features), or label-free
 *     ZCA whitening fitted on the training split, then L2 normalisation;
 *   - the logistic-regression regularisation C, chosen by group k-fold cross-validation on
 *     the training rows (folds = whole segment groups, so no fold shares a group);
 *   - the few-shot readout (which pooling, which normalisation), chosen by prototypical
 *     episodes drawn from the training split with the same disjoint-group rule.
 */
import { accuracy, columnStats, fitLogisticRegression, predict, prototypicalEvaluation, standardizeWith, takeRows, type ColumnStats, type Matrix } from '../metrics/index.js';

/** Candidate C of the probe's CV (sklearn's C: ‖W‖²/(2C) against the summed log-loss). */
export const PROBE_CS: readonly number[] = [0.01, 0.1, 1, 10];

export type FeatureNorm = 'raw' | 'zscore' | 'zscore_l2' | 'whiten_l2';
export const FEATURE_NORMS: readonly FeatureNorm[] = ['raw', 'zscore', 'zscore_l2', 'whiten_l2'];

/** Eigen-decomposition of a symmetric d×d matrix (row-major) by cyclic Jacobi: values [d], vectors as columns of V. */
export function symmetricEigen(A: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, tot = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) { const x = a[i * d + j] ** 2; tot += x; if (i !== j) off += x; }
    if (off <= 1e-24 * Math.max(tot, 1e-300)) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p], akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k], aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p], vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: d }, (_, i) => a[i * d + i]), vectors: v };
}

/** Label-free ZCA-style whitening fitted on training rows: W = V (Λ + εI)^(−½) Vᵀ of their covariance, ε = 1e-3 · mean eigenvalue. */
export interface Whitener { mean: Float64Array; W: Float64Array; d: number }

export function fitWhitener(fit: Matrix): Whitener {
  const { n, d } = fit;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += fit.data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = fit.data[i * d + j] - mean[j];
    for (let j = 0; j < d; j++) for (let k = j; k < d; k++) cov[j * d + k] += (row[j] * row[k]) / Math.max(n - 1, 1);
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) cov[j * d + k] = cov[k * d + j];
  const { values, vectors } = symmetricEigen(cov, d);
  const eps = 1e-3 * Math.max(values.reduce((s, x) => s + Math.max(x, 0), 0) / d, 1e-12);
  const W = new Float64Array(d * d);
  for (let e = 0; e < d; e++) {
    const f = 1 / Math.sqrt(Math.max(values[e], 0) + eps);
    for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) W[j * d + k] += vectors[j * d + e] * f * vectors[k * d + e];
  }
  return { mean, W, d };
}

export function applyWhitener(x: Matrix, w: Whitener): Matrix {
  const { d } = w;
  if (x.d !== d) throw new RangeError(`applyWhitener: whitener has ${d} columns, x has ${x.d}`);
  const out = new Float64Array(x.n * d);
  const c = new Float64Array(d);
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < d; j++) c[j] = x.data[i * d + j] - w.mean[j];
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += w.W[k * d + j] * c[j];
      out[i * d + k] = s;
    }
  }
  return { data: out, n: x.n, d };
}

/** Column statistics of `fit` with zero-variance columns given std 1 (they stay constant). */
export function safeStats(fit: Matrix): ColumnStats {
  const s = columnStats(fit);
  for (let j = 0; j < s.std.length; j++) if (!(s.std[j] > 1e-12)) s.std[j] = 1;
  return s;
}

/** Each row scaled to unit Euclidean norm (an all-zero row stays zero). */
export function l2NormalizeRows(m: Matrix): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.n; i++) {
    let s = 0;
    for (let j = 0; j < m.d; j++) s += m.data[i * m.d + j] ** 2;
    const r = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < m.d; j++) out[i * m.d + j] = m.data[i * m.d + j] * r;
  }
  return { data: out, n: m.n, d: m.d };
}

/** `x` under `norm`, with statistics from `stats` (training rows only); whiten_l2 needs `fit` (training rows). */
export function normalizeFeatures(x: Matrix, norm: FeatureNorm, stats: ColumnStats, fit?: Matrix | Whitener): Matrix {
  if (norm === 'raw') return x;
  if (norm === 'whiten_l2') {
    if (!fit) throw new Error('normalizeFeatures: whiten_l2 needs the training rows to fit the whitener');
    return l2NormalizeRows(applyWhitener(x, 'W' in fit ? fit : fitWhitener(fit)));
  }
  const z = standardizeWith(x, stats);
  return norm === 'zscore' ? z : l2NormalizeRows(z);
}

/**
 * Fold of each row: groups sorted by id and dealt round-robin into `folds` folds, so every
 * row of a group lands in the same fold.
 */
export function groupFolds(groups: ArrayLike<number>, folds: number): Int32Array {
  const ids = [...new Set(Array.from(groups))].sort((a, b) => a - b);
  const foldOf = new Map(ids.map((g, k) => [g, k % folds]));
  return Int32Array.from(groups, (g) => foldOf.get(g)!);
}

export interface CvResult {
  C: number;
  /** Mean CV accuracy per candidate C (same order as `Cs`). */
  scores: { C: number; cv_accuracy: number }[];
  folds: number;
}

/**
 * C for L2 logistic regression by group k-fold CV on (X, y, groups) — training rows only.
 * Ties go to the smaller C (stronger regularisation).
 */
export function selectC(X: Matrix, y: ArrayLike<number>, groups: ArrayLike<number>, Cs: readonly number[], folds: number, maxIter: number): CvResult {
  const fold = groupFolds(groups, folds);
  const scores = Cs.map((C) => {
    let sum = 0, used = 0;
    for (let f = 0; f < folds; f++) {
      const tr: number[] = [], va: number[] = [];
      for (let i = 0; i < X.n; i++) (fold[i] === f ? va : tr).push(i);
      const yTr = tr.map((i) => y[i]);
      if (va.length === 0 || new Set(yTr).size < 2) continue;
      const m = fitLogisticRegression(takeRows(X, tr), yTr, { C, maxIter });
      sum += accuracy(va.map((i) => y[i]), predict(m, takeRows(X, va)));
      used++;
    }
    return { C, cv_accuracy: used > 0 ? sum / used : 0 };
  });
  let best = scores[0];
  for (const s of scores) if (s.cv_accuracy > best.cv_accuracy + 1e-12) best = s;
  return { C: best.C, scores, folds };
}

export interface FewShotChoice<R extends string> {
  readout: R;
  norm: FeatureNorm;
  /** Train-split episode accuracy of every candidate. */
  candidates: { readout: R; norm: FeatureNorm; train_accuracy: number }[];
}

/**
 * The (readout, normalisation) pair whose prototypical accuracy on episodes drawn from the
 * *training* split is highest. trainFeats[r] = training-split features under readout r.
 * Ties keep the earlier candidate (readouts in the given order, then FEATURE_NORMS order).
 */
export function selectFewShotReadout<R extends string>(
  trainFeats: Record<R, Matrix>, labels: ArrayLike<number>, groups: Int32Array,
  opts: { way: number; shot: number; query: number; episodes: number; seed: number },
): FewShotChoice<R> {
  const candidates: FewShotChoice<R>['candidates'] = [];
  for (const readout of Object.keys(trainFeats) as R[]) {
    const f = trainFeats[readout];
    const stats = safeStats(f);
    const wh = fitWhitener(f);
    for (const norm of FEATURE_NORMS) {
      const r = prototypicalEvaluation(normalizeFeatures(f, norm, stats, wh), labels, { ...opts, groups });
      candidates.push({ readout, norm, train_accuracy: r.accuracy });
    }
  }
  let best = candidates[0];
  for (const c of candidates) if (c.train_accuracy > best.train_accuracy + 1e-12) best = c;
  return { readout: best.readout, norm: best.norm, candidates };
}
