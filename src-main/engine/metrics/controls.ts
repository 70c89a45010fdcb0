/**
 * Negative controls: what a metric must score worse than real-vs-real, or it cannot tell
 * signal from noise. White noise keeps each window's mean and std (all the reference's
 * metrics checked); phase-randomised surrogates keep each window's amplitude spectrum
 * exactly (so every second-order statistic: PSD, autocorrelation) but destroy the
 * impulses and modulation that carry a bearing fault.
 */
import { Rng } from '../../data/rng.js';
import { fft, ifft } from '../../data/fft.js';
import { type Matrix, checkMatrix, row } from './matrix.js';

/** [n, L] Gaussian white noise, window i with the mean and population std of windows row i. */
export function whiteNoiseControl(windows: Matrix, seed: number): Matrix {
  checkMatrix(windows, 'whiteNoiseControl windows');
  const rng = Rng.derive(seed, 'control-white-noise');
  const L = windows.d;
  const out = new Float64Array(windows.n * L);
  for (let i = 0; i < windows.n; i++) {
    const x = row(windows, i);
    let m = 0;
    for (let t = 0; t < L; t++) m += x[t];
    m /= L;
    let v = 0;
    for (let t = 0; t < L; t++) v += (x[t] - m) ** 2;
    const s = Math.sqrt(v / L);
    for (let t = 0; t < L; t++) out[i * L + t] = m + s * rng.normal();
  }
  return { data: out, n: windows.n, d: L };
}

/**
 * Phase-randomised surrogate of each window (Theiler et al. 1992): X = FFT(x), keep |X_k|,
 * draw φ_k ~ U(0, 2π) for 0 < k < L/2 with φ_{L−k} = −φ_k (so the inverse is real), keep
 * the DC and (even L) Nyquist bins as they are, inverse FFT. Same mean and periodogram as x.
 */
export function phaseRandomizedControl(windows: Matrix, seed: number): Matrix {
  checkMatrix(windows, 'phaseRandomizedControl windows');
  const rng = Rng.derive(seed, 'control-phase');
  const L = windows.d;
  const out = new Float64Array(windows.n * L);
  for (let i = 0; i < windows.n; i++) {
    const X = fft(row(windows, i));
    for (let k = 1; k < L - k; k++) {
      const amp = Math.hypot(X.re[k], X.im[k]);
      const phi = 2 * Math.PI * rng.next();
      X.re[k] = amp * Math.cos(phi);
      X.im[k] = amp * Math.sin(phi);
      X.re[L - k] = X.re[k];
      X.im[L - k] = -X.im[k];
    }
    const x = ifft(X.re, X.im);
    out.set(x.re, i * L);
  }
  return { data: out, n: windows.n, d: L };
}

export interface RealSplit {
  /** Row indices of the two halves; no group has rows in both. */
  a: Int32Array;
  b: Int32Array;
}

/**
 * Two disjoint halves of the real set by group (file or segment id per row, [n]):
 * groups are shuffled (seeded) and each goes to the half with fewer rows so far, so the
 * halves are near-equal in size and never share a stretch of signal. With `strata`
 * (e.g. class labels, [n]) the split is done within each stratum, so both halves hold
 * every class in near-equal shares.
 */
export function realVsRealSplit(groups: ArrayLike<number>, seed: number, strata?: ArrayLike<number>): RealSplit {
  if (strata && strata.length !== groups.length) throw new RangeError(`realVsRealSplit: strata has ${strata.length} entries for ${groups.length} rows`);
  const rng = Rng.derive(seed, 'control-real-split');
  const byStratum = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < groups.length; i++) {
    const s = strata ? strata[i] : 0;
    if (!byStratum.has(s)) byStratum.set(s, new Map());
    const m = byStratum.get(s)!;
    if (!m.has(groups[i])) m.set(groups[i], []);
    m.get(groups[i])!.push(i);
  }
  const a: number[] = [], b: number[] = [];
  for (const s of [...byStratum.keys()].sort((x, y) => x - y)) {
    const rowsByGroup = [...byStratum.get(s)!.entries()].sort((x, y) => x[0] - y[0]).map(([, r]) => r);
    if (rowsByGroup.length < 2) throw new RangeError(`realVsRealSplit: stratum ${s} has a single group; split it into segments first (segmentGroups)`);
    const order = rng.permutation(rowsByGroup.length);
    let na = 0, nb = 0;
    for (const g of order) {
      const rows = rowsByGroup[g];
      if (na <= nb) { a.push(...rows); na += rows.length; } else { b.push(...rows); nb += rows.length; }
    }
  }
  return { a: Int32Array.from(a.sort((x, y) => x - y)), b: Int32Array.from(b.sort((x, y) => x - y)) };
}

/**
 * Group id per window for contiguous segments: windows of the same file whose start lies
 * in the same block of `segmentSamples` samples share a group
 * (id = file · ⌈maxStart/segmentSamples + 1⌉ + ⌊start/segmentSamples⌋). file, start: [n].
 */
export function segmentGroups(file: ArrayLike<number>, start: ArrayLike<number>, segmentSamples: number): Int32Array {
  if (!(segmentSamples > 0)) throw new RangeError(`segmentGroups: segmentSamples must be > 0, got ${segmentSamples}`);
  if (file.length !== start.length) throw new RangeError(`segmentGroups: ${file.length} file ids but ${start.length} starts`);
  let maxStart = 0;
  for (let i = 0; i < start.length; i++) maxStart = Math.max(maxStart, start[i]);
  const perFile = Math.floor(maxStart / segmentSamples) + 1;
  return Int32Array.from({ length: file.length }, (_, i) => file[i] * perFile + Math.floor(start[i] / segmentSamples));
}
