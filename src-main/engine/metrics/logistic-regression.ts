/**
 * Multinomial logistic regression with L2, fitted by L-BFGS on standardised features:
 * the one classifier behind the linear probe, the classifier two-sample test and
 * conditional-generation accuracy. Same objective as scikit-learn's
 * LogisticRegression(penalty='l2', C, solver='lbfgs') so their accuracies agree:
 *   minimise  Σ_i −log p(y_i | x_i) + ‖W‖² / (2C)     (intercepts unpenalised)
 * multinomial softmax over K ≥ 3 classes (K weight rows); for K = 2 one row (class 1 vs
 * class 0 with logit 0), as sklearn's binary case — a 2-row softmax would halve the penalty.
 * Deterministic: zero initialisation, no randomness.
 */
import { type ColumnStats, type Matrix, checkMatrix, columnStats, standardizeWith } from './matrix.js';

export interface LogisticOptions {
  /** Inverse regularisation strength (sklearn's C; default 1). */
  C?: number;
  /** L-BFGS iterations (default 1000). */
  maxIter?: number;
  /** Stop when max |∂f/∂θ| ≤ tol·max(1, |f|) of the per-sample objective (default 1e-9). */
  tol?: number;
  /** Standardise columns with the training mean/std first (default true). */
  standardize?: boolean;
}

export interface LogisticModel {
  /** Distinct training labels, sorted; predict() returns these values. */
  classLabels: Int32Array;
  d: number;
  /** Weight rows [rows, d], rows = K (K ≥ 3) or 1 (K = 2). */
  weights: Float64Array;
  /** [rows] intercepts. */
  bias: Float64Array;
  /** Column statistics applied before the linear map (null when standardize is false). */
  scaler: ColumnStats | null;
  iterations: number;
  converged: boolean;
}

/** Per-sample objective f(θ)/n and its gradient, θ = [W (rows·d), b (rows)]. */
function objective(theta: Float64Array, X: Matrix, y: Int32Array, K: number, rows: number, alpha: number, grad: Float64Array): number {
  const { n, d } = X;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    // z_k = W_k·x + b_k; for K = 2 the class-0 logit is fixed at 0.
    for (let r = 0; r < rows; r++) {
      let s = theta[rows * d + r];
      for (let j = 0; j < d; j++) s += theta[r * d + j] * X.data[o + j];
      z[K === 2 ? 1 : r] = s;
    }
    if (K === 2) z[0] = 0;
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) zmax = Math.max(zmax, z[k]);
    let se = 0;
    for (let k = 0; k < K; k++) se += Math.exp(z[k] - zmax);
    const lse = zmax + Math.log(se);
    loss += lse - z[y[i]];
    for (let r = 0; r < rows; r++) {
      const k = K === 2 ? 1 : r;
      const g = Math.exp(z[k] - lse) - (y[i] === k ? 1 : 0);
      for (let j = 0; j < d; j++) grad[r * d + j] += g * X.data[o + j];
      grad[rows * d + r] += g;
    }
  }
  let pen = 0;
  for (let t = 0; t < rows * d; t++) {
    pen += theta[t] * theta[t];
    grad[t] += alpha * theta[t];
  }
  for (let t = 0; t < grad.length; t++) grad[t] /= n;
  return (loss + 0.5 * alpha * pen) / n;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Fits the model on X [n, d] with integer labels y [n]. */
export function fitLogisticRegression(X: Matrix, y: ArrayLike<number>, opts: LogisticOptions = {}): LogisticModel {
  checkMatrix(X, 'fitLogisticRegression X', 2);
  if (y.length !== X.n) throw new RangeError(`fitLogisticRegression: y has ${y.length} labels for ${X.n} rows`);
  const C = opts.C ?? 1;
  if (!(C > 0)) throw new RangeError(`fitLogisticRegression: C must be > 0, got ${C}`);
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-9;
  const classLabels = Int32Array.from(new Set(Array.from(y, (v) => {
    if (!Number.isInteger(v)) throw new RangeError(`fitLogisticRegression: labels must be integers, got ${v}`);
    return v;
  }))).sort();
  const K = classLabels.length;
  if (K < 2) throw new RangeError(`fitLogisticRegression: need at least 2 classes in y, got ${K}`);
  const yi = Int32Array.from(y, (v) => classLabels.indexOf(v));
  const scaler = (opts.standardize ?? true) ? columnStats(X) : null;
  const Xs = scaler ? standardizeWith(X, scaler) : X;
  const rows = K === 2 ? 1 : K;
  const p = rows * X.d + rows;
  const alpha = 1 / C;

  // L-BFGS (Nocedal & Wright alg. 7.4/7.5) with memory 10 and Armijo backtracking.
  let theta = new Float64Array(p);
  let g = new Float64Array(p);
  let f = objective(theta, Xs, yi, K, rows, alpha, g);
  const mem = 10;
  const S: Float64Array[] = [], Y: Float64Array[] = [], RHO: number[] = [];
  let iter = 0, converged = false;
  const gnew = new Float64Array(p);
  for (; iter < maxIter; iter++) {
    let gmax = 0;
    for (let t = 0; t < p; t++) gmax = Math.max(gmax, Math.abs(g[t]));
    if (gmax <= tol * Math.max(1, Math.abs(f))) { converged = true; break; }
    // Two-loop recursion: direction = −H·g.
    const q = Float64Array.from(g);
    const a: number[] = new Array(S.length);
    for (let k = S.length - 1; k >= 0; k--) {
      a[k] = RHO[k] * dot(S[k], q);
      for (let t = 0; t < p; t++) q[t] -= a[k] * Y[k][t];
    }
    const gamma = S.length > 0 ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, gmax);
    for (let t = 0; t < p; t++) q[t] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const b = RHO[k] * dot(Y[k], q);
      for (let t = 0; t < p; t++) q[t] += S[k][t] * (a[k] - b);
    }
    for (let t = 0; t < p; t++) q[t] = -q[t];
    let slope = dot(g, q);
    if (slope >= 0) {
      // Not a descent direction (numerical): restart from steepest descent.
      S.length = Y.length = RHO.length = 0;
      for (let t = 0; t < p; t++) q[t] = -g[t];
      slope = dot(g, q);
    }
    let step = 1;
    const trial = new Float64Array(p);
    let fnew = f;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let t = 0; t < p; t++) trial[t] = theta[t] + step * q[t];
      fnew = objective(trial, Xs, yi, K, rows, alpha, gnew);
      if (fnew <= f + 1e-4 * step * slope) { accepted = true; break; }
      step *= 0.5;
    }
    if (!accepted) { converged = true; break; } // no decrease possible at float precision
    const s = new Float64Array(p), yy = new Float64Array(p);
    for (let t = 0; t < p; t++) { s[t] = trial[t] - theta[t]; yy[t] = gnew[t] - g[t]; }
    const sy = dot(s, yy);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(yy, yy))) {
      S.push(s); Y.push(yy); RHO.push(1 / sy);
      if (S.length > mem) { S.shift(); Y.shift(); RHO.shift(); }
    }
    const fold = f;
    theta = trial;
    g = Float64Array.from(gnew);
    f = fnew;
    if (Math.abs(fold - f) <= 1e-16 * Math.max(1, Math.abs(f))) { converged = true; iter++; break; }
  }
  return {
    classLabels, d: X.d,
    weights: theta.slice(0, rows * X.d), bias: theta.slice(rows * X.d),
    scaler, iterations: iter, converged,
  };
}

/** Class probabilities [n, K] (columns in model.classLabels order). */
export function predictProba(model: LogisticModel, X: Matrix): Float64Array {
  checkMatrix(X, 'predictProba X');
  if (X.d !== model.d) throw new RangeError(`predictProba: model has ${model.d} features, X has ${X.d}`);
  const Xs = model.scaler ? standardizeWith(X, model.scaler) : X;
  const K = model.classLabels.length;
  const rows = K === 2 ? 1 : K;
  const out = new Float64Array(X.n * K);
  const z = new Float64Array(K);
  for (let i = 0; i < X.n; i++) {
    z.fill(0);
    for (let r = 0; r < rows; r++) {
      let s = model.bias[r];
      for (let j = 0; j < X.d; j++) s += model.weights[r * X.d + j] * Xs.data[i * X.d + j];
      z[K === 2 ? 1 : r] = s;
    }
    let zmax = -Infinity;
    for (let k = 0; k < K; k++) zmax = Math.max(zmax, z[k]);
    let se = 0;
    for (let k = 0; k < K; k++) se += Math.exp(z[k] - zmax);
    for (let k = 0; k < K; k++) out[i * K + k] = Math.exp(z[k] - zmax) / se;
  }
  return out;
}

/** Most probable label per row [n] (first class on exact ties, like numpy.argmax). */
export function predict(model: LogisticModel, X: Matrix): Int32Array {
  const P = predictProba(model, X);
  const K = model.classLabels.length;
  const out = new Int32Array(X.n);
  for (let i = 0; i < X.n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
    out[i] = model.classLabels[best];
  }
  return out;
}

/** Fraction of positions where yTrue and yPred agree. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length || yTrue.length === 0) {
    throw new RangeError(`accuracy: need equal non-empty lengths, got ${yTrue.length} and ${yPred.length}`);
  }
  let c = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) c++;
  return c / yTrue.length;
}
