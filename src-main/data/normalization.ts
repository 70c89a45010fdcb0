/**
 * Amplitude normalisation of windows [n, length, channels] (in place), per channel:
 *   standardization: (x − mean) / (std + ε), ε = 1e-8 (population std, as NumPy's default)
 *   minmax:          (x − min) / (max − min + ε)  → [0, 1] (PHM-Vibench's convention)
 *   none:            unchanged
 * Statistics come either from each window itself (scope 'window') or from a stretch of the
 * recording (scope 'file'); prepare-windows decides which stretch, so that under a segment
 * split the statistics never see validation or test samples.
 */
import { finiteStats } from './finite-stats.js';

export type NormalizationMethod = 'standardization' | 'minmax' | 'none';

export const NORM_EPS = 1e-8;

/** Per-channel statistics, each [channels]. */
export interface ChannelStats {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Finite samples each statistic was computed from. */
  count: Float64Array;
}

/**
 * Statistics of samples [from, to) of each channel (finite-stats.ts: float64, finite values
 * only; the window holding a NaN is dropped later by validation).
 */
export function channelStats(channels: readonly Float32Array[], from = 0, to?: number): ChannelStats {
  const c = channels.length;
  const s: ChannelStats = {
    mean: new Float64Array(c),
    std: new Float64Array(c),
    min: new Float64Array(c),
    max: new Float64Array(c),
    count: new Float64Array(c),
  };
  for (let ch = 0; ch < c; ch++) {
    const f = finiteStats(channels[ch], from, to);
    s.mean[ch] = f.mean;
    s.std[ch] = f.std;
    s.min[ch] = f.min;
    s.max[ch] = f.max;
    s.count[ch] = f.count;
  }
  return s;
}

/** Per-channel affine map v → (v − shift) · scale for a method and statistics. */
function affine(method: NormalizationMethod, stats: ChannelStats, ch: number): [number, number] {
  if (method === 'standardization') return [stats.mean[ch], 1 / (stats.std[ch] + NORM_EPS)];
  if (method === 'minmax') return [stats.min[ch], 1 / (stats.max[ch] - stats.min[ch] + NORM_EPS)];
  return [0, 1];
}

/** Normalises x [n, length, channels] in place with one set of statistics for every window. */
export function normalizeWithStats(
  x: Float32Array,
  n: number,
  length: number,
  channels: number,
  stats: ChannelStats,
  method: NormalizationMethod,
): void {
  if (method === 'none') return;
  const total = n * length;
  for (let ch = 0; ch < channels; ch++) {
    const [shift, scale] = affine(method, stats, ch);
    for (let k = 0; k < total; k++) {
      const j = k * channels + ch;
      x[j] = (x[j] - shift) * scale;
    }
  }
}

/** Normalises every window of x [n, length, channels] in place by its own statistics. */
export function normalizePerWindow(
  x: Float32Array,
  n: number,
  length: number,
  channels: number,
  method: NormalizationMethod,
): void {
  if (method === 'none') return;
  const size = length * channels;
  for (let i = 0; i < n; i++) {
    const w = x.subarray(i * size, (i + 1) * size);
    const chans: Float32Array[] = [];
    for (let ch = 0; ch < channels; ch++) {
      const col = new Float32Array(length);
      for (let t = 0; t < length; t++) col[t] = w[t * channels + ch];
      chans.push(col);
    }
    normalizeWithStats(w, 1, length, channels, channelStats(chans), method);
  }
}
