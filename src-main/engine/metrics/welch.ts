/**
 * Welch power spectral density and the log-spectral distance between two sets of
 * windows, at the recording's real sample rate (the reference compared normalised |FFT|
 * shapes with no frequency axis at all).
 */
import { fft } from '../../data/fft.js';
import { type Matrix, checkMatrix, row } from './matrix.js';

export interface WelchOptions {
  /** Segment length (default 256, scipy's default). Unlike SciPy, a signal shorter than nperseg throws instead of shrinking it. */
  nperseg?: number;
  /** Overlap in samples (default ⌊nperseg/2⌋). */
  noverlap?: number;
}

export interface Psd {
  /** [bins] frequencies k·fs/nperseg, k = 0..⌊nperseg/2⌋ (Hz). */
  freqs: Float64Array;
  /** [bins] one-sided power spectral density (units²/Hz). */
  psd: Float64Array;
}

/** Periodic Hann window w[t] = 0.5 − 0.5·cos(2πt/N) (scipy.signal.get_window('hann', N)). */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let t = 0; t < n; t++) w[t] = 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / n);
  return w;
}

/**
 * Welch PSD of one signal x [N], matching scipy.signal.welch(x, fs, window='hann',
 * nperseg, noverlap=nperseg//2, detrend='constant', scaling='density'):
 *   segments s_j = x[j·step .. j·step+nperseg), step = nperseg − noverlap, j = 0..⌊(N−nperseg)/step⌋
 *   P_j[k] = |Σ_t w[t]·(s_j[t] − mean(s_j))·e^{−2πikt/nperseg}|² / (fs·Σ w²)
 *   psd[k] = mean_j P_j[k], doubled for 0 < k < nperseg/2 (one-sided; DC and Nyquist once)
 */
export function welch(x: ArrayLike<number>, fs: number, opts: WelchOptions = {}): Psd {
  const nperseg = opts.nperseg ?? 256;
  const noverlap = opts.noverlap ?? Math.floor(nperseg / 2);
  if (!(fs > 0)) throw new RangeError(`welch: fs must be > 0 Hz, got ${fs}`);
  if (!Number.isInteger(nperseg) || nperseg < 2) throw new RangeError(`welch: nperseg must be an integer ≥ 2, got ${nperseg}`);
  if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) {
    throw new RangeError(`welch: noverlap must be an integer in [0, nperseg), got ${noverlap}`);
  }
  if (x.length < nperseg) throw new RangeError(`welch: signal of ${x.length} samples is shorter than nperseg ${nperseg}`);
  const w = hannPeriodic(nperseg);
  let wss = 0;
  for (let t = 0; t < nperseg; t++) wss += w[t] * w[t];
  const scale = 1 / (fs * wss);
  const step = nperseg - noverlap;
  const nseg = Math.floor((x.length - nperseg) / step) + 1;
  const bins = Math.floor(nperseg / 2) + 1;
  const psd = new Float64Array(bins);
  const seg = new Float64Array(nperseg);
  for (let j = 0; j < nseg; j++) {
    const o = j * step;
    let m = 0;
    for (let t = 0; t < nperseg; t++) m += x[o + t];
    m /= nperseg;
    for (let t = 0; t < nperseg; t++) seg[t] = (x[o + t] - m) * w[t];
    const X = fft(seg);
    for (let k = 0; k < bins; k++) psd[k] += X.re[k] * X.re[k] + X.im[k] * X.im[k];
  }
  const lastDoubled = nperseg % 2 === 0 ? bins - 2 : bins - 1;
  for (let k = 0; k < bins; k++) {
    psd[k] *= scale / nseg;
    if (k >= 1 && k <= lastDoubled) psd[k] *= 2;
  }
  const freqs = new Float64Array(bins);
  for (let k = 0; k < bins; k++) freqs[k] = (k * fs) / nperseg;
  return { freqs, psd };
}

/** Mean Welch PSD over the rows of windows [n, length] (each row one window at fs Hz). */
export function meanWelchPsd(windows: Matrix, fs: number, opts: WelchOptions = {}): Psd {
  checkMatrix(windows, 'meanWelchPsd windows');
  let acc: Psd | null = null;
  for (let i = 0; i < windows.n; i++) {
    const p = welch(row(windows, i), fs, opts);
    if (acc === null) acc = p;
    else for (let k = 0; k < p.psd.length; k++) acc.psd[k] += p.psd[k];
  }
  const out = acc as Psd;
  for (let k = 0; k < out.psd.length; k++) out.psd[k] /= windows.n;
  return out;
}

export interface LsdOptions {
  /**
   * Floor added to both spectra before the log, relative to the larger spectrum's peak
   * (default 1e-10 ≈ −100 dB): keeps empty bins (a band-limited generator) from giving ∞.
   */
  floorRel?: number;
  /** Skip bin 0 (default true): detrend='constant' empties it, so its ratio is noise. */
  skipDc?: boolean;
}

/**
 * Log-spectral distance in dB between two PSDs on the same bins:
 *   LSD = sqrt( mean_k (10·log10((A_k + ε)/(B_k + ε)))² ),  ε = floorRel · max(max A, max B)
 * 0 = identical spectra; a uniform 2× power error gives 3.01 dB.
 */
export function logSpectralDistance(psdA: ArrayLike<number>, psdB: ArrayLike<number>, opts: LsdOptions = {}): number {
  if (psdA.length !== psdB.length) throw new RangeError(`logSpectralDistance: PSD lengths differ (${psdA.length} vs ${psdB.length})`);
  const floorRel = opts.floorRel ?? 1e-10;
  const k0 = (opts.skipDc ?? true) ? 1 : 0;
  if (psdA.length - k0 < 1) throw new RangeError('logSpectralDistance: no bins to compare');
  let peak = 0;
  for (let k = 0; k < psdA.length; k++) {
    if (!(psdA[k] >= 0) || !(psdB[k] >= 0)) throw new RangeError(`logSpectralDistance: PSDs must be finite and ≥ 0 (bin ${k}: ${psdA[k]}, ${psdB[k]})`);
    peak = Math.max(peak, psdA[k], psdB[k]);
  }
  const eps = floorRel * peak + Number.MIN_VALUE;
  let s = 0;
  for (let k = k0; k < psdA.length; k++) {
    const r = 10 * Math.log10((psdA[k] + eps) / (psdB[k] + eps));
    s += r * r;
  }
  return Math.sqrt(s / (psdA.length - k0));
}

/** LSD between the mean Welch PSDs of two window sets [n, length] recorded at fs Hz. */
export function setLogSpectralDistance(a: Matrix, b: Matrix, fs: number, opts: WelchOptions & LsdOptions = {}): number {
  return logSpectralDistance(meanWelchPsd(a, fs, opts).psd, meanWelchPsd(b, fs, opts).psd, opts);
}
