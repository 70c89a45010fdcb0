/**
 * Data behind the multi-panel evaluation figure, written by the host as figures/*.csv:
 *   latent_pca       2-D PCA of the frozen encoder features (mean readout) of held-out
 *                    windows, one row per window with its class and domain;
 *   latent_pca_axes  the two axes' explained variance (fraction of the total);
 *   spectra          mean single-sided magnitude spectra (Hann window, amplitude-scaled)
 *                    of real held-out vs generated windows per class, in Hz at the real
 *                    sample rate (cycles/sample when the recording gives none).
 * PCA is computed here in JS: subspace iteration with a Rayleigh–Ritz step on the d×d
 * covariance, so it needs no linear-algebra library and is deterministic.
 */
import { rfftPower, type Matrix } from '../metrics/index.js';
import type { FlowModel } from '../flow/flow-model.js';
import { channel0, type EvalData } from './eval-data.js';
import { labelConditioning, sample } from './generation.js';
import type { FigureTable } from '../protocol/evaluation.js';

export interface Pca2 {
  /** Unit principal axes (length d), largest variance first; each signed so its largest-|·| entry is positive. */
  axes: [Float64Array, Float64Array];
  /** Variance along each axis (covariance eigenvalues, divisor n − 1). */
  variance: [number, number];
  /** Trace of the covariance. */
  totalVariance: number;
  mean: Float64Array;
  /** [n × 2] projections of the centred rows. */
  scores: Float64Array;
}

function covariance(x: Matrix): { cov: Float64Array; mean: Float64Array } {
  const { n, d, data } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b];
    }
  }
  const div = Math.max(n - 1, 1);
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] /= div;
  return { cov, mean };
}

const mulVec = (c: Float64Array, d: number, v: Float64Array): Float64Array => {
  const out = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) s += c[a * d + b] * v[b];
    out[a] = s;
  }
  return out;
};
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Orthonormalises [u, v] in place (Gram–Schmidt); a vanishing vector is replaced by a unit vector orthogonal to u. */
function orthonormalize(u: Float64Array, v: Float64Array): void {
  const nu = Math.sqrt(dot(u, u)) || 1;
  for (let i = 0; i < u.length; i++) u[i] /= nu;
  const p = dot(u, v);
  for (let i = 0; i < v.length; i++) v[i] -= p * u[i];
  let nv = Math.sqrt(dot(v, v));
  if (nv < 1e-300) {
    const k = u.reduce((best, x, i) => (Math.abs(x) < Math.abs(u[best]) ? i : best), 0);
    v.fill(0);
    v[k] = 1;
    const q = dot(u, v);
    for (let i = 0; i < v.length; i++) v[i] -= q * u[i];
    nv = Math.sqrt(dot(v, v)) || 1;
  }
  for (let i = 0; i < v.length; i++) v[i] /= nv;
}

/** The top two principal axes of the rows of x (n × d). */
export function pca2(x: Matrix, opts: { maxIter?: number; tol?: number } = {}): Pca2 {
  const { n, d } = x;
  if (d < 1) throw new Error('pca2: features have no columns');
  const { cov, mean } = covariance(x);
  let totalVariance = 0;
  for (let j = 0; j < d; j++) totalVariance += cov[j * d + j];
  // Deterministic start: a fixed irrational-stepped pair (not aligned with any axis).
  let u = Float64Array.from({ length: d }, (_, i) => 1 + ((i * 0.6180339887) % 1));
  let v = Float64Array.from({ length: d }, (_, i) => Math.sin(1.3 * i + 0.7));
  orthonormalize(u, v);
  let lu = 0, lv = 0;
  const maxIter = opts.maxIter ?? 2000, tol = opts.tol ?? 1e-11;
  for (let it = 0; it < maxIter; it++) {
    const cu = mulVec(cov, d, u), cv = mulVec(cov, d, v);
    orthonormalize(cu, cv);
    // Rayleigh–Ritz on span{cu, cv}: eigenvectors of the 2×2 projected covariance.
    const au = mulVec(cov, d, cu), av = mulVec(cov, d, cv);
    const a = dot(cu, au), b = dot(cu, av), c = dot(cv, av);
    const theta = 0.5 * Math.atan2(2 * b, a - c);
    const cs = Math.cos(theta), sn = Math.sin(theta);
    const nu = cu.map((val, i) => cs * val + sn * cv[i]);
    const nv = cv.map((val, i) => -sn * cu[i] + cs * val);
    let l1 = a * cs * cs + 2 * b * cs * sn + c * sn * sn;
    let l2 = a * sn * sn - 2 * b * cs * sn + c * cs * cs;
    let [p, q] = [nu, nv];
    if (l2 > l1) [p, q, l1, l2] = [nv, nu, l2, l1];
    // Largest entry-wise move of either axis (up to sign) since the last iteration.
    const moved = (w: Float64Array, old: Float64Array) => { const sg = dot(w, old) < 0 ? -1 : 1; return w.reduce((m, val, i) => Math.max(m, Math.abs(val - sg * old[i])), 0); };
    const change = Math.max(moved(p, u), d > 1 ? moved(q, v) : 0);
    u = p; v = q; lu = l1; lv = l2;
    if (change < tol) break;
  }
  for (const w of [u, v]) {
    const k = w.reduce((best, val, i) => (Math.abs(val) > Math.abs(w[best]) + 1e-12 ? i : best), 0);
    if (w[k] < 0) for (let i = 0; i < d; i++) w[i] = -w[i];
  }
  if (d === 1) { v.fill(0); lv = 0; }
  const scores = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s1 = 0, s2 = 0;
    for (let j = 0; j < d; j++) {
      const c = x.data[i * d + j] - mean[j];
      s1 += c * u[j];
      s2 += c * v[j];
    }
    scores[2 * i] = s1;
    scores[2 * i + 1] = s2;
  }
  return { axes: [u, v], variance: [Math.max(lu, 0), Math.max(lv, 0)], totalVariance, mean, scores };
}

/** Evenly spaced subset of [0, n) of at most k indices. */
export function evenRows(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, j) => Math.floor((j * n) / k));
}

/** latent_pca (+ latent_pca_axes) from features [n × d] of windows with the given class and domain names. */
export function latentPcaTables(feats: Matrix, classOf: (i: number) => string, domainOf: (i: number) => string): FigureTable[] {
  const p = pca2(feats);
  const r = (v: number) => Number(v.toPrecision(6));
  const rows: (number | string)[][] = [];
  for (let i = 0; i < feats.n; i++) rows.push([r(p.scores[2 * i]), r(p.scores[2 * i + 1]), classOf(i), domainOf(i)]);
  const ratio = (v: number) => (p.totalVariance > 0 ? r(v / p.totalVariance) : 0);
  return [
    { name: 'latent_pca', columns: ['pc1', 'pc2', 'class', 'domain'], rows },
    { name: 'latent_pca_axes', columns: ['axis', 'variance', 'explained_variance_ratio'], rows: [['pc1', r(p.variance[0]), ratio(p.variance[0])], ['pc2', r(p.variance[1]), ratio(p.variance[1])]] },
  ];
}

/** Mean single-sided amplitude spectrum of the rows of x ([n × L]): Hann window, mean removed, 2·|X|/Σw. */
export function meanMagnitudeSpectrum(x: Matrix, fsHz: number): { hz: Float64Array; magnitude: Float64Array } {
  const L = x.d;
  const w = Float64Array.from({ length: L }, (_, t) => 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / L));
  const sw = w.reduce((s, v) => s + v, 0);
  const bins = Math.floor(L / 2) + 1;
  const magnitude = new Float64Array(bins);
  const seg = new Float64Array(L);
  for (let i = 0; i < x.n; i++) {
    let m = 0;
    for (let t = 0; t < L; t++) m += x.data[i * L + t] / L;
    for (let t = 0; t < L; t++) seg[t] = (x.data[i * L + t] - m) * w[t];
    const p = rfftPower(seg);
    for (let k = 0; k < bins; k++) magnitude[k] += ((k === 0 || 2 * k === L ? 1 : 2) * Math.sqrt(p[k])) / sw / x.n;
  }
  const fs = fsHz > 0 ? fsHz : 1;
  return { hz: Float64Array.from({ length: bins }, (_, k) => (k * fs) / L), magnitude };
}

const SPECTRUM_WINDOWS = 32;
const LATENT_ROWS = 1000;

/**
 * spectra: per class, real held-out windows vs windows generated for that class (and the
 * class's most frequent domain when domains condition the model; real rows of that domain
 * only). Without label conditioning the generated pool carries no class: one 'all' pair.
 */
export function spectraTable(model: FlowModel, data: EvalData, seed: number): FigureTable {
  const set = data.test.set;
  const lc = labelConditioning(model);
  const byDomain = model.shape.conditional && model.spec.conditions.includes('domain');
  const groups: { cls: number | null; rows: number[] }[] = lc.available
    ? data.label4Names.map((_, c) => ({ cls: c, rows: Array.from({ length: set.n }, (_, i) => i).filter((i) => data.test.label4[i] === c) }))
    : [{ cls: null, rows: Array.from({ length: set.n }, (_, i) => i) }];
  const rows: (number | string)[][] = [];
  const r = (v: number) => Number(v.toPrecision(6));
  groups.forEach((g, gi) => {
    if (g.rows.length === 0) return;
    let domain: number | null = null;
    if (byDomain) {
      const counts = new Map<number, number>();
      for (const i of g.rows) counts.set(set.domain[i], (counts.get(set.domain[i]) ?? 0) + 1);
      domain = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    }
    const realRows = evenRows(g.rows.length, SPECTRUM_WINDOWS).map((k) => g.rows[k]).filter((i) => domain === null || set.domain[i] === domain);
    const first = realRows[0];
    const fs = set.fsHz[first];
    const gen = sample(model, realRows.length, {
      domain: domain ?? model.cond.unknownDomain,
      dataset: byDomain ? set.dataset[first] : model.cond.unknownDataset,
      label: g.cls ?? model.cond.unknownLabel,
      fsHz: fs,
    }, seed + 7 * gi + 3);
    const cls = g.cls === null ? 'all' : data.label4Names[g.cls];
    const dom = domain === null ? 'all' : data.prepared.domainNames[domain];
    for (const [source, m] of [['real', channel0(set, realRows)], ['generated', gen]] as const) {
      const s = meanMagnitudeSpectrum(m, fs);
      for (let k = 0; k < s.hz.length; k++) rows.push([cls, dom, source, r(s.hz[k]), r(s.magnitude[k])]);
    }
  });
  return { name: 'spectra', columns: ['class', 'domain', 'source', 'frequency_hz', 'magnitude'], rows };
}

/** Every table of the evaluation figure; testFeatures are the mean-readout features of data.test (all rows). */
export function evaluationFigureTables(model: FlowModel, data: EvalData, testFeatures: Matrix, seed: number): FigureTable[] {
  const set = data.test.set;
  const pick = evenRows(testFeatures.n, LATENT_ROWS);
  const d = testFeatures.d;
  const sub: Matrix = { n: pick.length, d, data: new Float64Array(pick.length * d) };
  pick.forEach((i, k) => sub.data.set(testFeatures.data.subarray(i * d, (i + 1) * d), k * d));
  const latent = latentPcaTables(sub, (k) => data.label4Names[data.test.label4[pick[k]]], (k) => data.prepared.domainNames[set.domain[pick[k]]]);
  return [...latent, spectraTable(model, data, seed)];
}
