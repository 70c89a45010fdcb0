/**
 * Rejecting unusable windows before they reach the model. Each invalid window is counted
 * once, under the first reason that applies, in this order:
 *   non_finite  a NaN or ±Inf sample
 *   amplitude   |value| > amplitudeLimit (after normalisation: a spike or a unit mix-up)
 *   flat        a channel constant over the whole window (dead sensor, zero padding)
 */
import type { SkipReason } from './types.js';

export interface WindowValidation {
  /** [n] 1 = keep, 0 = drop. */
  valid: Uint8Array;
  /** Dropped windows per reason. */
  reasons: Record<SkipReason, number>;
}

/** Validates windows x [n, length, channels] (row-major). */
export function validateWindows(
  x: Float32Array,
  n: number,
  length: number,
  channels: number,
  amplitudeLimit: number,
): WindowValidation {
  if (x.length !== n * length * channels) {
    throw new RangeError(`validateWindows: x has ${x.length} values, expected n·length·channels = ${n}·${length}·${channels}`);
  }
  const valid = new Uint8Array(n);
  const reasons: Record<SkipReason, number> = { non_finite: 0, amplitude: 0, flat: 0 };
  const size = length * channels;
  const lo = new Float64Array(channels);
  const hi = new Float64Array(channels);
  for (let i = 0; i < n; i++) {
    const base = i * size;
    let nonFinite = false;
    let tooBig = false;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    for (let k = 0; k < size; k++) {
      const v = x[base + k];
      if (!Number.isFinite(v)) {
        nonFinite = true;
        break;
      }
      if (v > amplitudeLimit || v < -amplitudeLimit) tooBig = true;
      const ch = k % channels;
      if (v < lo[ch]) lo[ch] = v;
      if (v > hi[ch]) hi[ch] = v;
    }
    if (nonFinite) reasons.non_finite++;
    else if (tooBig) reasons.amplitude++;
    else if (lo.some((l, ch) => l === hi[ch])) reasons.flat++;
    else valid[i] = 1;
  }
  return { valid, reasons };
}
