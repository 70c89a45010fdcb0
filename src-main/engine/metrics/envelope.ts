/**
 * Envelope analysis for bearing faults: a defect strikes the races once per pass and
 * the strikes ring the structure's resonances, so the defect frequency shows up not in
 * the spectrum but in the spectrum of the vibration's envelope (|analytic signal|).
 * The check asks whether a window's envelope spectrum carries a peak at the class's
 * defect frequency (BPFI/BPFO/BSF from bearing geometry and shaft speed).
 */
import { SKF_6205, defectFrequencies, type BearingGeometry } from '../../data/bearing-geometry.js';
import { type Complex, fft, ifft } from '../../data/fft.js';
import { type Matrix, checkMatrix, row } from './matrix.js';
import { median } from './special.js';

/**
 * Analytic signal x + i·H{x} of x [N], as scipy.signal.hilbert(x): X = FFT(x), multiplied
 * by h (h₀ = 1, h_k = 2 for 0 < k < N/2, h_{N/2} = 1 when N is even, 0 above), inverse FFT.
 * `band` [loHz, hiHz] (with fs) additionally zeroes the bins outside the band before the
 * inverse FFT: a brick-wall FFT band-pass around a resonance, chosen for simplicity
 * (no filter transients on a short window) over an IIR/FIR design.
 */
export function analyticSignal(x: ArrayLike<number>, band?: { fs: number; loHz: number; hiHz: number }): Complex {
  const n = x.length;
  if (n < 1) throw new RangeError('analyticSignal: empty signal');
  const X = fft(x);
  for (let k = 0; k < n; k++) {
    let h: number;
    if (k === 0 || (n % 2 === 0 && k === n / 2)) h = 1;
    else if (k < n / 2) h = 2;
    else h = 0;
    if (band && h > 0) {
      const f = (k * band.fs) / n;
      if (f < band.loHz || f > band.hiHz) h = 0;
    }
    X.re[k] *= h;
    X.im[k] *= h;
  }
  return ifft(X.re, X.im);
}

export interface EnvelopeOptions {
  /** Optional band-pass [loHz, hiHz] applied before demodulation (default: none, full band). */
  band?: [number, number];
  /** Zero-pad the envelope to this multiple of its length before the FFT (default 4): finer bin grid, less scalloping. */
  pad?: number;
}

export interface Spectrum {
  /** [bins] Hz. */
  freqs: Float64Array;
  /** [bins] one-sided amplitude. */
  amplitude: Float64Array;
}

/**
 * Envelope spectrum of one window x [N] at fs Hz:
 *   e[t] = |analytic(x)[t]|,  E = |rfft(e − mean(e), N·pad)| · 2/N,  f_k = k·fs/(N·pad)
 * The envelope's mean is removed so the DC bin does not dominate the peak search.
 */
export function envelopeSpectrum(x: ArrayLike<number>, fs: number, opts: EnvelopeOptions = {}): Spectrum {
  if (!(fs > 0)) throw new RangeError(`envelopeSpectrum: fs must be > 0 Hz, got ${fs}`);
  const pad = opts.pad ?? 4;
  if (!Number.isInteger(pad) || pad < 1) throw new RangeError(`envelopeSpectrum: pad must be an integer ≥ 1, got ${pad}`);
  const n = x.length;
  const band = opts.band ? { fs, loHz: opts.band[0], hiHz: opts.band[1] } : undefined;
  if (band && !(band.loHz >= 0 && band.hiHz > band.loHz)) {
    throw new RangeError(`envelopeSpectrum: band must be [lo, hi] with 0 ≤ lo < hi, got [${opts.band}]`);
  }
  const a = analyticSignal(x, band);
  const env = new Float64Array(n * pad);
  let m = 0;
  for (let t = 0; t < n; t++) {
    env[t] = Math.hypot(a.re[t], a.im[t]);
    m += env[t];
  }
  m /= n;
  for (let t = 0; t < n; t++) env[t] -= m;
  const E = fft(env);
  const bins = Math.floor((n * pad) / 2) + 1;
  const freqs = new Float64Array(bins);
  const amplitude = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    freqs[k] = (k * fs) / (n * pad);
    amplitude[k] = (Math.hypot(E.re[k], E.im[k]) * 2) / n;
  }
  return { freqs, amplitude };
}

export interface DefectHitOptions extends EnvelopeOptions {
  /** Relative search half-width around each harmonic (default 0.05: slip 1–2 % plus a bin at 1024 samples). */
  tolerance?: number;
  /** Harmonics checked, 1..harmonics (default 2: the fundamental or its 2nd harmonic may carry the peak). */
  harmonics?: number;
  /** Peak must exceed margin × the local background median (default 3, ≈ 9.5 dB in amplitude). */
  margin?: number;
}

export interface DefectHit {
  hit: boolean;
  /** Harmonic with the strongest peak/background ratio (1-based). */
  harmonic: number;
  /** Where that peak sits (Hz). */
  peakHz: number;
  /** Its peak/background amplitude ratio. */
  ratio: number;
}

/**
 * Does the envelope spectrum of `window` carry the defect frequency? For each harmonic
 * h·f (h = 1..harmonics): the peak is the largest amplitude within |f_k − h·f| ≤
 * max(tolerance·h·f, one original bin fs/N); the background is the median amplitude over
 * the other bins within ±max(f, 8·fs/N) of h·f (bin 0 excluded). A hit is peak ≥ margin ·
 * background at any harmonic. For white noise the envelope spectrum is Rayleigh-distributed
 * and P(peak > 3·median) per bin ≈ 0.2 %, so false hits stay rare.
 */
export function defectFrequencyHit(window: ArrayLike<number>, fs: number, targetHz: number, opts: DefectHitOptions = {}): DefectHit {
  const tolerance = opts.tolerance ?? 0.05;
  const harmonics = opts.harmonics ?? 2;
  const margin = opts.margin ?? 3;
  if (!(targetHz > 0)) throw new RangeError(`defectFrequencyHit: targetHz must be > 0, got ${targetHz}`);
  if (!(tolerance > 0 && tolerance < 0.5)) throw new RangeError(`defectFrequencyHit: tolerance must be in (0, 0.5), got ${tolerance}`);
  if (!Number.isInteger(harmonics) || harmonics < 1) throw new RangeError(`defectFrequencyHit: harmonics must be an integer ≥ 1, got ${harmonics}`);
  const spec = envelopeSpectrum(window, fs, opts);
  const binHz = fs / window.length;
  let best: DefectHit = { hit: false, harmonic: 1, peakHz: 0, ratio: 0 };
  for (let h = 1; h <= harmonics; h++) {
    const f = h * targetHz;
    if (f >= fs / 2) break;
    const half = Math.max(tolerance * f, binHz);
    const bgHalf = Math.max(targetHz, 8 * binHz);
    let peak = -1;
    let peakHz = 0;
    const bg: number[] = [];
    for (let k = 1; k < spec.freqs.length; k++) {
      const dist = Math.abs(spec.freqs[k] - f);
      if (dist <= half) {
        if (spec.amplitude[k] > peak) {
          peak = spec.amplitude[k];
          peakHz = spec.freqs[k];
        }
      } else if (dist <= bgHalf) bg.push(spec.amplitude[k]);
    }
    if (peak < 0 || bg.length === 0) continue;
    const ratio = peak / Math.max(median(bg), Number.MIN_VALUE);
    if (ratio > best.ratio) best = { hit: ratio >= margin, harmonic: h, peakHz, ratio };
  }
  return best;
}

export interface DefectHitRate {
  rate: number;
  hits: number;
  n: number;
  /** [n] peak/background ratio per window. */
  ratios: Float64Array;
}

/**
 * Fraction of windows [n, length] whose envelope spectrum hits the defect frequency.
 * targetHz is one frequency for all windows or [n] per window (when shaft speeds differ).
 */
export function defectHitRate(windows: Matrix, fs: number, targetHz: number | ArrayLike<number>, opts: DefectHitOptions = {}): DefectHitRate {
  checkMatrix(windows, 'defectHitRate windows');
  if (typeof targetHz !== 'number' && targetHz.length !== windows.n) {
    throw new RangeError(`defectHitRate: targetHz has ${targetHz.length} entries for ${windows.n} windows`);
  }
  const ratios = new Float64Array(windows.n);
  let hits = 0;
  for (let i = 0; i < windows.n; i++) {
    const f = typeof targetHz === 'number' ? targetHz : targetHz[i];
    const r = defectFrequencyHit(row(windows, i), fs, f, opts);
    ratios[i] = r.ratio;
    if (r.hit) hits++;
  }
  return { rate: hits / windows.n, hits, n: windows.n, ratios };
}

/** Which defect frequency a fault class excites. A ball defect strikes at 2·BSF: harmonic 2 of BSF. */
export type DefectKind = 'bpfi' | 'bpfo' | 'bsf';

/** The defect frequency (Hz) of `kind` at `rpm` for a bearing (default CWRU drive end, SKF 6205). */
export function defectTargetHz(kind: DefectKind, rpm: number, geometry: BearingGeometry = SKF_6205): number {
  if (!(rpm > 0)) throw new RangeError(`defectTargetHz: rpm must be > 0, got ${rpm}`);
  return defectFrequencies(geometry, rpm)[kind];
}

/** CWRU-style labels → defect kind (null for normal or unknown classes). */
export function defectKindForLabel(label: string): DefectKind | null {
  const l = label.toLowerCase();
  if (l.startsWith('inner') || l.startsWith('ir')) return 'bpfi';
  if (l.startsWith('outer') || l.startsWith('or')) return 'bpfo';
  if (l.startsWith('ball') || l === 'b' || /^b\d/.test(l)) return 'bsf';
  return null;
}
