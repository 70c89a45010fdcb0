/**
 * Maximum mean discrepancy with a Gaussian (RBF) kernel and a permutation test
 * (Gretton et al. 2012). Inputs are samples as rows: standardised windows or features.
 */
import { Rng } from '../../data/rng.js';
import { type Matrix, checkMatrix, concatRows, pairwiseSqDist } from './matrix.js';
import { median } from './special.js';

export interface MmdResult {
  /** Unbiased MMD²_u (can be slightly negative when the samples match). */
  mmd2: number;
  /** Kernel bandwidth σ (median pairwise distance of the pooled sample). */
  bandwidth: number;
}

export interface MmdTestResult extends MmdResult {
  /** (1 + #{permutations with MMD² ≥ observed}) / (1 + permutations). */
  pValue: number;
  permutations: number;
}

/**
 * σ = median of ‖z_i − z_j‖ over pairs i < j of the pooled sample z (the median
 * heuristic). Falls back to 1 when more than half the pairs coincide (σ would be 0).
 */
export function medianBandwidth(sqDist: Float64Array, n: number): number {
  const d: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d.push(Math.sqrt(sqDist[i * n + j]));
  const s = median(d);
  return s > 0 ? s : 1;
}

/**
 * MMD²_u from a pooled kernel matrix K [N, N] and membership (inX[i] = 1 for x rows):
 *   1/(m(m−1)) Σ_{i≠j∈X} k + 1/(n(n−1)) Σ_{i≠j∈Y} k − 2/(mn) Σ_{i∈X, j∈Y} k
 */
function mmd2FromKernel(K: Float64Array, N: number, inX: Uint8Array, m: number): number {
  const n = N - m;
  let kxx = 0, kyy = 0, kxy = 0;
  for (let i = 0; i < N; i++) {
    const xi = inX[i];
    const o = i * N;
    for (let j = i + 1; j < N; j++) {
      const k = K[o + j];
      const xj = inX[j];
      if (xi && xj) kxx += k;
      else if (!xi && !xj) kyy += k;
      else kxy += k;
    }
  }
  return (2 * kxx) / (m * (m - 1)) + (2 * kyy) / (n * (n - 1)) - (2 * kxy) / (m * n);
}

function pooledKernel(x: Matrix, y: Matrix, bandwidth?: number): { K: Float64Array; N: number; sigma: number } {
  checkMatrix(x, 'mmd x', 2);
  checkMatrix(y, 'mmd y', 2);
  if (x.d !== y.d) throw new RangeError(`mmd: x and y have different dimensions (${x.d} vs ${y.d})`);
  const z = concatRows(x, y);
  const D = pairwiseSqDist(z);
  const sigma = bandwidth ?? medianBandwidth(D, z.n);
  if (!(sigma > 0)) throw new RangeError(`mmd: bandwidth must be > 0, got ${sigma}`);
  const K = new Float64Array(D.length);
  const c = -1 / (2 * sigma * sigma);
  for (let i = 0; i < D.length; i++) K[i] = Math.exp(c * D[i]);
  return { K, N: z.n, sigma };
}

/**
 * Unbiased MMD² between x [m, d] and y [n, d] with k(a, b) = exp(−‖a − b‖² / (2σ²)),
 * σ from the median heuristic on the pooled sample unless given. O((m+n)²·d).
 */
export function mmd2(x: Matrix, y: Matrix, opts: { bandwidth?: number } = {}): MmdResult {
  const { K, N, sigma } = pooledKernel(x, y, opts.bandwidth);
  const inX = new Uint8Array(N);
  inX.fill(1, 0, x.n);
  return { mmd2: mmd2FromKernel(K, N, inX, x.n), bandwidth: sigma };
}

/**
 * Permutation test of H0: x and y come from one distribution. The pooled sample is
 * relabelled `permutations` times (seeded); the bandwidth stays the pooled one, which
 * no relabelling changes, so the null distribution is exact under exchangeability.
 */
export function mmdPermutationTest(x: Matrix, y: Matrix, opts: { permutations?: number; seed?: number; bandwidth?: number } = {}): MmdTestResult {
  const permutations = opts.permutations ?? 200;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new RangeError(`mmdPermutationTest: permutations must be an integer ≥ 1, got ${permutations}`);
  }
  const { K, N, sigma } = pooledKernel(x, y, opts.bandwidth);
  const inX = new Uint8Array(N);
  inX.fill(1, 0, x.n);
  const observed = mmd2FromKernel(K, N, inX, x.n);
  const rng = Rng.derive(opts.seed ?? 0, 'mmd-permutation');
  let exceed = 0;
  const perm = new Uint8Array(N);
  for (let p = 0; p < permutations; p++) {
    const order = rng.permutation(N);
    perm.fill(0);
    for (let k = 0; k < x.n; k++) perm[order[k]] = 1;
    if (mmd2FromKernel(K, N, perm, x.n) >= observed) exceed++;
  }
  return { mmd2: observed, bandwidth: sigma, pValue: (1 + exceed) / (1 + permutations), permutations };
}
