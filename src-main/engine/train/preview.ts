/**
 * The dashboard's "generated vs real" preview: a few fixed validation windows and a few
 * windows generated from fixed noise with the current weights (Euler, PREVIEW_STEPS
 * steps, conditioned like the real ones), channel 0, downsampled to ≤ TIME_POINTS, with
 * their one-sided magnitude spectra |X[k]|/n (data/fft.ts, JS: wasm has no FFT kernel)
 * downsampled to ≤ FREQ_POINTS by bin averaging. Fixed windows and fixed noise make
 * successive previews comparable: what changes is the model.
 */
import * as tf from '@tensorflow/tfjs';
import type { WindowSet } from '../../data/index.js';
import { fft } from '../../data/fft.js';
import type { ConditionIds } from '../flow/condition-encoder.js';
import type { FlowModel } from '../flow/flow-model.js';
import { integrate } from '../flow/samplers.js';
import type { PreviewCurve, PreviewEvent } from '../protocol/index.js';
import { Rng } from '../../data/rng.js';

export const PREVIEW_WINDOWS = 3;
export const PREVIEW_STEPS = 10;
const TIME_POINTS = 256;
const FREQ_POINTS = 128;

export class PreviewMaker {
  private readonly picks: number[];
  private readonly noise: Float32Array;
  private readonly fs: number;

  /** windows: the split previews draw their real windows from (validation, else train). */
  constructor(
    private readonly model: FlowModel,
    private readonly windows: WindowSet,
    seed: number,
  ) {
    const k = Math.min(PREVIEW_WINDOWS, windows.n);
    // Evenly spread over the split, so several classes / conditions tend to show.
    this.picks = Array.from({ length: k }, (_, i) => Math.floor((i * windows.n) / Math.max(1, k)));
    this.noise = Rng.derive(seed, 'preview').normalArray(k * windows.length * windows.channels);
    this.fs = this.picks.length > 0 ? windows.fsHz[this.picks[0]] : 0;
  }

  /** One preview with the model's weights as they are now. */
  async make(): Promise<Omit<PreviewEvent, 'run_id' | 'step' | 'time'>> {
    const t0 = performance.now();
    const { length, channels } = this.windows;
    const k = this.picks.length;
    const D = length * channels;
    const real: Float32Array[] = this.picks.map((i) => this.windows.x.subarray(i * D, (i + 1) * D));
    const generated: Float32Array[] = [];
    if (k > 0) {
      const ids: ConditionIds = {
        domain: Int32Array.from(this.picks, (i) => this.windows.domain[i]),
        dataset: Int32Array.from(this.picks, (i) => this.windows.dataset[i]),
        label: Int32Array.from(this.picks, (i) => this.windows.label[i]),
        fsHz: Float32Array.from(this.picks, (i) => this.windows.fsHz[i]),
      };
      const x0 = tf.tensor2d(this.noise, [k, D]);
      const x1 = integrate(this.model.field(ids, 1), x0, 'euler', PREVIEW_STEPS);
      const out = (await x1.data()) as Float32Array;
      tf.dispose([x0, x1]);
      for (let j = 0; j < k; j++) generated.push(out.slice(j * D, (j + 1) * D));
    }
    const fs = this.fs > 0 ? this.fs : 1;
    const ch0 = (w: Float32Array) => Float32Array.from({ length }, (_, t) => w[t * channels]);
    const realCh = real.map(ch0);
    const genCh = generated.map(ch0);
    return {
      event: 'preview',
      real: realCh.map((w) => timeCurve(w, fs)),
      generated: genCh.map((w) => timeCurve(w, fs)),
      real_spectra: realCh.map((w) => spectrumCurve(w, fs)),
      generated_spectra: genCh.map((w) => spectrumCurve(w, fs)),
      time_unit: this.fs > 0 ? 's' : 'samples',
      freq_unit: this.fs > 0 ? 'Hz' : 'cycles/sample',
      sample_steps: PREVIEW_STEPS,
      seconds: (performance.now() - t0) / 1000,
    };
  }
}

/** x: [length] → ≤ TIME_POINTS evenly strided samples at t = i/fs. */
export function timeCurve(x: Float32Array, fs: number): PreviewCurve {
  const stride = Math.max(1, Math.ceil(x.length / TIME_POINTS));
  const out: PreviewCurve = { x: [], y: [] };
  for (let i = 0; i < x.length; i += stride) {
    out.x.push(i / fs);
    out.y.push(x[i]);
  }
  return out;
}

/** One-sided magnitude spectrum |X[k]|/n of x (mean removed), averaged into ≤ FREQ_POINTS bands at their centre frequency. */
export function spectrumCurve(x: Float32Array, fs: number): PreviewCurve {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const { re, im } = fft(Float64Array.from(x, (v) => v - mean));
  const bins = Math.floor(n / 2) + 1;
  const per = Math.max(1, Math.ceil(bins / FREQ_POINTS));
  const out: PreviewCurve = { x: [], y: [] };
  for (let b = 0; b < bins; b += per) {
    let sum = 0;
    let f = 0;
    const end = Math.min(bins, b + per);
    for (let j = b; j < end; j++) {
      sum += Math.hypot(re[j], im[j]) / n;
      f += (j * fs) / n;
    }
    out.x.push(f / (end - b));
    out.y.push(sum / (end - b));
  }
  return out;
}
