/**
 * Per-window condition-monitoring features: the quantities a vibration analyst reads
 * first. Comparing their distributions (real vs generated) is what the reference's
 * pooled-amplitude KS could not do: white noise with the right std has the right
 * amplitude histogram but the wrong kurtosis, crest factor and spectrum.
 */
import { rfftPower } from '../../data/fft.js';
import { type Matrix, checkMatrix, row } from './matrix.js';

/** Columns of a feature table: names[j] labels column j of values [n, names.length]. */
export interface NamedFeatures extends Matrix {
  names: string[];
  data: Float64Array;
}

export interface ConditionFeatureOptions {
  /**
   * Frequency bands [loHz, hiHz) whose share of total (non-DC) power becomes a column
   * `band_<lo>_<hi>`. Default: four equal bands 0–fs/8–fs/4–3fs/8–fs/2 (the last includes Nyquist).
   */
  bands?: [number, number][];
}

export const BASE_FEATURES = ['rms', 'kurtosis', 'skewness', 'crest_factor', 'peak_to_peak', 'spectral_centroid_hz'] as const;

/** The default bands for a sample rate: four equal slices of [0, fs/2]. */
export function defaultBands(fs: number): [number, number][] {
  const q = fs / 8;
  return [[0, q], [q, 2 * q], [2 * q, 3 * q], [3 * q, 4 * q]];
}

/** Moment statistics of one window x [L] (central moments m_k = mean((x − x̄)^k), biased). */
export interface Moments {
  rms: number;
  /** Pearson kurtosis m4/m2² (normal = 3; scipy.stats.kurtosis(x, fisher=False)). */
  kurtosis: number;
  /** Skewness m3/m2^1.5 (scipy.stats.skew(x), bias=True). */
  skewness: number;
  /** max|x| / rms. */
  crestFactor: number;
  peakToPeak: number;
}

/**
 * RMS = sqrt(mean x²) (not mean-removed: the energy a sensor sees), kurtosis and skewness
 * from biased central moments, crest factor max|x|/RMS, peak-to-peak max − min.
 * A constant window has m2 = 0: kurtosis and skewness are NaN there, as in SciPy.
 */
export function windowMoments(x: ArrayLike<number>): Moments {
  const n = x.length;
  let mean = 0, sq = 0, max = -Infinity, min = Infinity, absMax = 0;
  for (let t = 0; t < n; t++) {
    mean += x[t];
    sq += x[t] * x[t];
    if (x[t] > max) max = x[t];
    if (x[t] < min) min = x[t];
    absMax = Math.max(absMax, Math.abs(x[t]));
  }
  mean /= n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let t = 0; t < n; t++) {
    const c = x[t] - mean;
    const c2 = c * c;
    m2 += c2;
    m3 += c2 * c;
    m4 += c2 * c2;
  }
  m2 /= n; m3 /= n; m4 /= n;
  const rms = Math.sqrt(sq / n);
  return {
    rms,
    kurtosis: m4 / (m2 * m2),
    skewness: m3 / Math.pow(m2, 1.5),
    crestFactor: rms > 0 ? absMax / rms : NaN,
    peakToPeak: max - min,
  };
}

/**
 * Condition features of windows [n, L] recorded at fs Hz, as named columns [n, 6 + bands]:
 * rms, kurtosis (Pearson, normal = 3), skewness, crest_factor, peak_to_peak,
 * spectral_centroid_hz = Σ f_k·P_k / Σ P_k over the one-sided periodogram P_k = |rfft(x − x̄)|²
 * (k ≥ 1, f_k = k·fs/L), and band_<lo>_<hi> = Σ_{f_k ∈ [lo, hi)} P_k / Σ_{k≥1} P_k.
 */
export function conditionFeatures(windows: Matrix, fs: number, opts: ConditionFeatureOptions = {}): NamedFeatures {
  checkMatrix(windows, 'conditionFeatures windows');
  if (!(fs > 0)) throw new RangeError(`conditionFeatures: fs must be > 0 Hz, got ${fs}`);
  const bands = opts.bands ?? defaultBands(fs);
  for (const [lo, hi] of bands) {
    if (!(lo >= 0 && hi > lo)) throw new RangeError(`conditionFeatures: band [${lo}, ${hi}] must have 0 ≤ lo < hi`);
  }
  const nyquist = fs / 2;
  const names = [...BASE_FEATURES, ...bands.map(([lo, hi]) => `band_${Math.round(lo)}_${Math.round(hi)}`)];
  const f = names.length;
  const out = new Float64Array(windows.n * f);
  const L = windows.d;
  const centred = new Float64Array(L);
  for (let i = 0; i < windows.n; i++) {
    const x = row(windows, i);
    const m = windowMoments(x);
    let mean = 0;
    for (let t = 0; t < L; t++) mean += x[t];
    mean /= L;
    for (let t = 0; t < L; t++) centred[t] = x[t] - mean;
    const P = rfftPower(centred);
    let total = 0, weighted = 0;
    const bandPower = new Float64Array(bands.length);
    for (let k = 1; k < P.length; k++) {
      const fk = (k * fs) / L;
      total += P[k];
      weighted += fk * P[k];
      for (let b = 0; b < bands.length; b++) {
        const [lo, hi] = bands[b];
        // The top band is closed at Nyquist so the default bands sum to 1.
        if (fk >= lo && (fk < hi || (hi >= nyquist && fk <= hi))) bandPower[b] += P[k];
      }
    }
    const o = i * f;
    out[o] = m.rms;
    out[o + 1] = m.kurtosis;
    out[o + 2] = m.skewness;
    out[o + 3] = m.crestFactor;
    out[o + 4] = m.peakToPeak;
    out[o + 5] = total > 0 ? weighted / total : NaN;
    for (let b = 0; b < bands.length; b++) out[o + 6 + b] = total > 0 ? bandPower[b] / total : NaN;
  }
  return { names, data: out, n: windows.n, d: f };
}

/** Column `name` of a feature table, copied out. */
export function featureColumn(features: NamedFeatures, name: string): Float64Array {
  const j = features.names.indexOf(name);
  if (j < 0) throw new RangeError(`featureColumn: no column '${name}' (have ${features.names.join(', ')})`);
  const out = new Float64Array(features.n);
  for (let i = 0; i < features.n; i++) out[i] = features.data[i * features.d + j];
  return out;
}
