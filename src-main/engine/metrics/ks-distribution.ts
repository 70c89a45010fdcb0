/**
 * Null distributions of the Kolmogorov–Smirnov statistic, following the branches of
 * scipy.stats.ks_2samp (method 'auto') and scipy.stats.kstwo (scipy/stats/_ksstats.py,
 * BSD-licensed; the Durbin-matrix and Pelz–Good code below are ports of it).
 */
import { logChoose } from './special.js';

/**
 * Exact two-sided P(D_{m,n} ≥ h/lcm(m,n)) under H0 (both samples from one continuous law).
 * Every interleaving of the samples is a monotone lattice path (0,0)→(m,n), all equally
 * likely; D ≥ d iff the path touches a point with |i·n/g − j·m/g| ≥ h (g = gcd, units of
 * 1/lcm). A forward pass carries the probability of each point being reached while still
 * inside (a uniform random path steps right from (i,j) with probability (m−i)/(m−i+n−j)),
 * and adds the mass arriving at an outside point to the answer, so small p-values keep
 * full relative precision. SciPy computes the same number (its "outside square" formula
 * for m = n, the "inside" recursion otherwise). O(m·band) time, O(n) memory.
 */
export function ksExactTwoSidedSf(m: number, n: number, h: number): number {
  if (h <= 0) return 1;
  const g = gcd(m, n);
  const ng = n / g; // lcm/m
  const mg = m / g; // lcm/n
  const outside = (i: number, j: number): boolean => Math.abs(i * ng - j * mg) >= h;
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  let pOut = 0;
  let prevLo = 0, prevHi = -1; // range of j where prev holds mass
  for (let i = 0; i <= m; i++) {
    // Points reachable from inside points: band of row i−1 (step right) and row i (step up).
    const lo = Math.max(0, Math.min(prevLo, Math.floor((i * ng - h) / mg)));
    const hi = Math.min(n, Math.max(prevHi, Math.ceil((i * ng + h) / mg)) + 1);
    cur.fill(0, Math.max(0, Math.min(lo, prevLo) - 1), Math.min(n + 1, Math.max(hi, prevHi) + 2));
    let curLo = n + 1, curHi = -1;
    for (let j = lo; j <= hi; j++) {
      let v = 0;
      if (i === 0 && j === 0) v = 1;
      if (i > 0 && j >= prevLo && j <= prevHi) {
        const a = i - 1;
        v += (prev[j] * (m - a)) / (m - a + n - j);
      }
      if (j > 0) {
        const b = j - 1;
        const rem = m - i + n - b;
        if (rem > 0) v += (cur[b] * (n - b)) / rem;
      }
      if (v === 0) { cur[j] = 0; continue; }
      if (outside(i, j)) {
        pOut += v;
        cur[j] = 0;
      } else {
        cur[j] = v;
        if (j < curLo) curLo = j;
        curHi = j;
      }
    }
    [prev, cur] = [cur, prev];
    prevLo = curLo;
    prevHi = curHi;
  }
  return Math.min(1, Math.max(0, pOut));
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * One-sided Smirnov survival P(D⁺_n ≥ x), exact Birnbaum–Tingey sum
 *   x · Σ_{j=0}^{⌊n(1−x)⌋} C(n,j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1},
 * summed in log space (all terms positive: no cancellation).
 */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const jmax = Math.floor(n * (1 - x) + 1e-12);
  let s = 0;
  for (let j = 0; j <= jmax; j++) {
    const a = 1 - x - j / n;
    if (a <= 0 && n - j > 0) continue;
    const l = logChoose(n, j) + (n - j > 0 ? (n - j) * Math.log(a) : 0) + (j - 1) * Math.log(x + j / n);
    s += Math.exp(l);
  }
  return Math.min(1, x * s);
}

/** log(n!/nⁿ) by Stirling's series (scipy's _log_nfactorial_div_n_pow_n). */
function logNFactorialDivNPowN(n: number): number {
  const c = [-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
    -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2];
  const rn = 1 / n;
  let p = 0;
  for (const ci of c) p = p * (rn / n) + ci;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * p;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k];
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
    }
  }
  return out;
}

/** P(D_n ≤ d), Durbin's matrix method as Marsaglia–Tsang–Wang (2003); O(m³ log n), m = 2⌈nd⌉−1. */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - Math.pow(h, j)) * fac;
  }
  const tt = Math.pow(Math.max(2 * h - 1, 0), m) - 2 * Math.pow(h, m);
  v[m - 1] = (1 + tt) * fac;
  let H: Float64Array = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - (i - 1)];
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];
  let P: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) P[i * m + i] = 1;
  const E = 2 ** 128;
  let expnt = 0, hExpnt = 0, nn = n;
  while (nn > 0) {
    if (nn % 2) {
      P = matmul(P, H, m);
      expnt += hExpnt;
    }
    H = matmul(H, H, m);
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + k - 1]) > E) {
      for (let i = 0; i < H.length; i++) H[i] /= E;
      hExpnt += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = P[(k - 1) * m + k - 1];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < 1 / E) {
      p *= E;
      expnt -= 128;
    }
  }
  return Math.min(1, Math.max(0, p * Math.pow(2, expnt)));
}

/** Pelz–Good asymptotic series for P(D_n ≤ x) (scipy's _kolmogn_PelzGood, cdf branch). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const PI2 = Math.PI ** 2, PI4 = Math.PI ** 4, PI6 = Math.PI ** 6, SQRT2PI = Math.sqrt(2 * Math.PI);
  const z = Math.sqrt(n) * x;
  const z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2, k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4, k2b = ((2 * z4 - 5 * z2) * PI2) / 4, k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64, k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4, k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const mm = 2 * k - 1;
    const m2 = mm * mm, m4 = m2 * m2, m6 = m4 * m2;
    const qp = Math.pow(q, 8 * k);
    const c = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = K[i] * qp + c[i];
  }
  const div = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i] * q * SQRT2PI) / div[i];
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0, k3extra = 0;
  const s3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const qk = Math.pow(q, k * k);
    k2extra += k * k * qk;
    k3extra += (s3z + Math.PI * k) * (s3z - Math.PI * k) * k * k * qk;
  }
  K[2] += (k2extra * PI2 * SQRT2PI) / (-36 * z3);
  K[3] += (k3extra * PI2 * SQRT2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += K[i] / Math.pow(n, i / 2);
  return sum;
}

/**
 * Two-sided one-sample survival P(D_n ≥ x) = scipy.stats.kstwo.sf(x, n), with SciPy's
 * branches: Ruben–Gambino near the ends, 2·smirnov (Miller) in the tail, Durbin's exact
 * matrix method in the body (where SciPy uses Pomeranz for n ≤ 140 — same exact value)
 * and Pelz–Good for large n.
 */
export function kolmogorovSf(n: number, x: number): number {
  const clip = (p: number): number => Math.min(1, Math.max(0, p));
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * Math.pow(1 - x, n));
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - kolmogorovCdfDurbin(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  if (n <= 100000 && n * Math.pow(x, 1.5) <= 1.4) return clip(1 - kolmogorovCdfDurbin(n, x));
  return clip(1 - kolmogorovCdfPelzGood(n, x));
}
