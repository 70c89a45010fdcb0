/**
 * A hand-crafted reference for the learned encoders: log Welch PSD of each window (channel 0,
 * Hann segments of min(256, L) samples, half overlap). Band energies are what a vibration
 * analyst would try first; an encoder that cannot beat them has learned little that matters.
 */
import type { WindowSet } from '../../data/index.js';
import { welch, type Matrix } from '../metrics/index.js';
import { channel0 } from './eval-data.js';
import type { SplitFeatures } from './downstream.js';

export const LOG_PSD_NOTE = 'log Welch PSD of the window (channel 0, Hann segments of min(256, L) samples, half overlap), no training';

function logPsd(set: WindowSet): Matrix {
  const x = channel0(set, Int32Array.from({ length: set.n }, (_, i) => i));
  const nperseg = Math.min(256, set.length);
  const bins = Math.floor(nperseg / 2) + 1;
  const out = new Float64Array(set.n * bins);
  for (let i = 0; i < set.n; i++) {
    const { psd } = welch(x.data.subarray(i * x.d, (i + 1) * x.d), set.fsHz[i] > 0 ? set.fsHz[i] : 1, { nperseg });
    for (let k = 0; k < bins; k++) out[i * bins + k] = Math.log(psd[k] + 1e-12);
  }
  return { data: out, n: set.n, d: bins };
}

export function logPsdFeatures(train: WindowSet, test: WindowSet): SplitFeatures {
  return { train: logPsd(train), test: logPsd(test) };
}
