/**
 * Contrastive view augmentations on windows in JS, before tensors are made (every draw
 * comes from the run's seeded Rng, so the same seed gives the same views). Each op works
 * in place on one window w: [L, C] row-major (channels interleave, as WindowSet.x).
 * Order inside a view: scaling → time shift → segment permutation → frequency mask →
 * jitter → Gaussian noise → time mask (masks last, so a masked stretch is exactly zero).
 * The reference (REFERENCE.md) built views and then threw them away; here makeViews'
 * output is what the encoder sees (objective/joint-objective.ts).
 */
import type { TaskSpec } from '../../config/schema.js';
import type { Rng } from '../../data/rng.js';
import { frequencyMask } from './frequency-mask.js';

export type AugmentationSpec = TaskSpec['augmentations'];

/** w ← w + N(0, σ²) per value. */
export function gaussianNoise(w: Float32Array, sigma: number, rng: Rng): void {
  if (sigma === 0) return;
  for (let i = 0; i < w.length; i++) w[i] += sigma * rng.normal();
}

/** w ← w + N(0, (σ·std(w))²): noise relative to the window's own standard deviation. */
export function jitter(w: Float32Array, sigma: number, rng: Rng): void {
  if (sigma === 0 || w.length === 0) return;
  let mean = 0;
  for (let i = 0; i < w.length; i++) mean += w[i];
  mean /= w.length;
  let v = 0;
  for (let i = 0; i < w.length; i++) v += (w[i] - mean) ** 2;
  const s = sigma * Math.sqrt(v / w.length);
  for (let i = 0; i < w.length; i++) w[i] += s * rng.normal();
}

/** w ← s·w with one s ~ U(low, high) per window. Returns s. */
export function scaling(w: Float32Array, low: number, high: number, rng: Rng): number {
  const s = low + (high - low) * rng.next();
  for (let i = 0; i < w.length; i++) w[i] *= s;
  return s;
}

/** Circular roll: out[t] = w[(t − shift) mod L], shift ~ U{−m..m}, m = ⌊maxFraction·L⌋. Returns shift. */
export function timeShift(w: Float32Array, length: number, channels: number, maxFraction: number, rng: Rng): number {
  const m = Math.floor(maxFraction * length);
  const shift = Math.floor(rng.next() * (2 * m + 1)) - m;
  roll(w, length, channels, shift);
  return shift;
}

/** out[t] = w[(t − shift) mod L] for every channel, in place. */
export function roll(w: Float32Array, length: number, channels: number, shift: number): void {
  const k = ((shift % length) + length) % length;
  if (k === 0) return;
  const copy = Float32Array.from(w);
  for (let t = 0; t < length; t++) {
    const src = (t - k + length) % length;
    for (let c = 0; c < channels; c++) w[t * channels + c] = copy[src * channels + c];
  }
}

/** `count` masks of round(fraction·L) contiguous samples (all channels) set to 0; starts ~ U{0..L−len}. Returns the starts. */
export function timeMask(w: Float32Array, length: number, channels: number, count: number, fraction: number, rng: Rng): number[] {
  const len = Math.min(length, Math.round(fraction * length));
  const starts: number[] = [];
  if (len === 0) return starts;
  for (let m = 0; m < count; m++) {
    const start = Math.floor(rng.next() * (length - len + 1));
    starts.push(start);
    w.fill(0, start * channels, (start + len) * channels);
  }
  return starts;
}

/**
 * Cuts the window into n pieces (the first n−1 of ⌊L/n⌋ samples, the last takes the rest)
 * and writes them back in a random order. Returns the order (piece indices).
 */
export function segmentPermutation(w: Float32Array, length: number, channels: number, segments: number, rng: Rng): Int32Array {
  const n = Math.min(segments, length);
  const size = Math.floor(length / n);
  const bounds = (j: number): [number, number] => [j * size, j === n - 1 ? length : (j + 1) * size];
  const order = rng.permutation(n);
  const copy = Float32Array.from(w);
  let at = 0;
  for (const j of order) {
    const [a, b] = bounds(j);
    w.set(copy.subarray(a * channels, b * channels), at * channels);
    at += b - a;
  }
  return order;
}

/** One augmented view of every window. x: [n, L, C] row-major → new [n, L, C] array. */
export function augmentBatch(x: Float32Array, n: number, length: number, channels: number, spec: AugmentationSpec, rng: Rng): Float32Array {
  const row = length * channels;
  if (x.length !== n * row) throw new Error(`augmentBatch: x has ${x.length} values for [${n}, ${length}, ${channels}]`);
  const out = Float32Array.from(x);
  for (let i = 0; i < n; i++) {
    const w = out.subarray(i * row, (i + 1) * row);
    if (spec.scaling.enabled) scaling(w, spec.scaling.low, spec.scaling.high, rng);
    if (spec.time_shift.enabled) timeShift(w, length, channels, spec.time_shift.max_fraction, rng);
    if (spec.segment_permutation.enabled) segmentPermutation(w, length, channels, spec.segment_permutation.segments, rng);
    if (spec.frequency_mask.enabled) frequencyMask(w, length, channels, spec.frequency_mask.count, spec.frequency_mask.max_fraction, rng);
    if (spec.jitter.enabled) jitter(w, spec.jitter.sigma, rng);
    if (spec.gaussian_noise.enabled) gaussianNoise(w, spec.gaussian_noise.sigma, rng);
    if (spec.time_mask.enabled) timeMask(w, length, channels, spec.time_mask.count, spec.time_mask.fraction, rng);
  }
  return out;
}

/** Two independent views (x̃¹, x̃²) of a batch, drawn one after the other from rng. Each [n, L, C]. */
export interface Views {
  view1: Float32Array;
  view2: Float32Array;
}

export function makeViews(x: Float32Array, n: number, length: number, channels: number, spec: AugmentationSpec, rng: Rng): Views {
  const view1 = augmentBatch(x, n, length, channels, spec, rng);
  const view2 = augmentBatch(x, n, length, channels, spec, rng);
  return { view1, view2 };
}
