/**
 * Row-major [n, d] sample matrices: the one input shape every metric in metrics/ takes
 * (windows as rows of `length` samples, or feature vectors as rows of `d` columns).
 * Plain typed arrays, no tensors: these metrics are small numeric code that must match
 * SciPy/scikit-learn bit for bit where it can.
 */
import type { WindowSet } from '../../data/index.js';

export type Real = Float32Array | Float64Array;

/** n samples of dimension d, row-major: row i is data[i*d .. i*d+d). */
export interface Matrix {
  data: Real;
  n: number;
  d: number;
}

/** Wraps data as [n, d], checking the sizes agree and every value is finite. */
export function matrix(data: Real, n: number, d: number, what = 'matrix'): Matrix {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 1) {
    throw new RangeError(`${what}: need integer n ≥ 0 and d ≥ 1, got n=${n}, d=${d}`);
  }
  if (data.length !== n * d) {
    throw new RangeError(`${what}: data has ${data.length} values, expected n·d = ${n}·${d} = ${n * d}`);
  }
  return { data, n, d };
}

/** Checks a Matrix argument of a public metric: consistent sizes, finite values, enough rows. */
export function checkMatrix(m: Matrix, what: string, minRows = 1): void {
  if (!m || !(m.data instanceof Float32Array || m.data instanceof Float64Array)) {
    throw new TypeError(`${what}: expected { data: Float32Array | Float64Array, n, d }`);
  }
  matrix(m.data, m.n, m.d, what);
  if (m.n < minRows) throw new RangeError(`${what}: need at least ${minRows} rows, got ${m.n}`);
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) {
      throw new RangeError(`${what}: non-finite value ${m.data[i]} at row ${Math.floor(i / m.d)}, column ${i % m.d}`);
    }
  }
}

/** Row i as a view (no copy). */
export function row(m: Matrix, i: number): Real {
  return m.data.subarray(i * m.d, (i + 1) * m.d);
}

/** The rows at `indices`, copied into a new Float64Array matrix [indices.length, d]. */
export function takeRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.d);
  for (let k = 0; k < indices.length; k++) out.set(row(m, indices[k]), k * m.d);
  return { data: out, n: indices.length, d: m.d };
}

/** Stacks a over b: [a.n + b.n, d]. */
export function concatRows(a: Matrix, b: Matrix): Matrix {
  if (a.d !== b.d) throw new RangeError(`concatRows: column counts differ (${a.d} vs ${b.d})`);
  const out = new Float64Array((a.n + b.n) * a.d);
  out.set(a.data, 0);
  out.set(b.data, a.n * a.d);
  return { data: out, n: a.n + b.n, d: a.d };
}

/** Column means and population standard deviations (ddof 0, like sklearn's StandardScaler). */
export interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
}

export function columnStats(m: Matrix): ColumnStats {
  const mean = new Float64Array(m.d);
  const std = new Float64Array(m.d);
  for (let i = 0; i < m.n; i++) for (let j = 0; j < m.d; j++) mean[j] += m.data[i * m.d + j];
  for (let j = 0; j < m.d; j++) mean[j] /= Math.max(m.n, 1);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.d; j++) {
      const c = m.data[i * m.d + j] - mean[j];
      std[j] += c * c;
    }
  }
  for (let j = 0; j < m.d; j++) std[j] = Math.sqrt(std[j] / Math.max(m.n, 1));
  return { mean, std };
}

/**
 * (m − mean)/std per column with the given statistics (usually the training set's).
 * A constant column (std 0) is only centred, like StandardScaler, so it cannot blow up.
 */
export function standardizeWith(m: Matrix, stats: ColumnStats): Matrix {
  const out = new Float64Array(m.n * m.d);
  for (let i = 0; i < m.n; i++) {
    for (let j = 0; j < m.d; j++) {
      const s = stats.std[j] > 0 ? stats.std[j] : 1;
      out[i * m.d + j] = (m.data[i * m.d + j] - stats.mean[j]) / s;
    }
  }
  return { data: out, n: m.n, d: m.d };
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function sqDist(a: Matrix, i: number, b: Matrix, j: number): number {
  let s = 0;
  const ao = i * a.d;
  const bo = j * b.d;
  for (let k = 0; k < a.d; k++) {
    const t = a.data[ao + k] - b.data[bo + k];
    s += t * t;
  }
  return s;
}

/** [n, n] squared distances within m (symmetric, zero diagonal), as a flat Float64Array. */
export function pairwiseSqDist(m: Matrix): Float64Array {
  const out = new Float64Array(m.n * m.n);
  for (let i = 0; i < m.n; i++) {
    for (let j = i + 1; j < m.n; j++) {
      const s = sqDist(m, i, m, j);
      out[i * m.n + j] = s;
      out[j * m.n + i] = s;
    }
  }
  return out;
}

/**
 * One channel of a data/ WindowSet ([n, length, channels]) as an [n, length] matrix
 * (Float64 copy), the shape the per-window metrics take.
 */
export function windowsOf(set: WindowSet, channel = 0): Matrix {
  if (!Number.isInteger(channel) || channel < 0 || channel >= set.channels) {
    throw new RangeError(`windowsOf: channel must be in [0, ${set.channels}), got ${channel}`);
  }
  const out = new Float64Array(set.n * set.length);
  for (let i = 0; i < set.n; i++) {
    for (let t = 0; t < set.length; t++) out[i * set.length + t] = set.x[(i * set.length + t) * set.channels + channel];
  }
  return { data: out, n: set.n, d: set.length };
}
