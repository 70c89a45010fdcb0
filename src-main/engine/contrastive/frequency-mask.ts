/**
 * Frequency-band masking for contrastive views, done in JS on the Float32Array before any
 * tensor exists: tfjs-backend-wasm has no FFT kernel. Power-of-two lengths use fft.js
 * (radix-4, fast); other lengths fall back to data/fft.ts (Bluestein), which is slower but
 * exact. Conventions: rfft bins k = 0..⌊L/2⌋; zeroing bin k also zeroes its mirror L−k so
 * the inverse stays real.
 */
import FFT from 'fft.js';
import { fft as anyLengthFft, ifft as anyLengthIfft } from '../../data/fft.js';
import type { Rng } from '../../data/rng.js';

/** Number of one-sided (rfft) bins of a length-L signal. */
export function rfftBins(length: number): number {
  return Math.floor(length / 2) + 1;
}

const isPow2 = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

/**
 * Zeroes rfft bins [k0, k0 + width) of every channel of one window, in place.
 * w: [L, C] row-major (channels interleave). 1 ≤ k0, k0 + width ≤ ⌊L/2⌋ + 1.
 */
export function maskBand(w: Float32Array, length: number, channels: number, k0: number, width: number): void {
  const bins = rfftBins(length);
  if (!(k0 >= 0 && width >= 0 && k0 + width <= bins)) {
    throw new Error(`maskBand: band [${k0}, ${k0 + width}) is outside the ${bins} rfft bins of L=${length}`);
  }
  if (width === 0) return;
  const sig = new Float64Array(length);
  for (let c = 0; c < channels; c++) {
    for (let t = 0; t < length; t++) sig[t] = w[t * channels + c];
    const { re, im } = spectrum(sig);
    for (let k = k0; k < k0 + width; k++) {
      re[k] = 0;
      im[k] = 0;
      const mirror = (length - k) % length;
      re[mirror] = 0;
      im[mirror] = 0;
    }
    const back = inverse(re, im);
    for (let t = 0; t < length; t++) w[t * channels + c] = back[t];
  }
}

/**
 * `count` random bands, each of width ~ U{1..max(1, ⌊maxFraction·bins⌋)} bins starting at
 * k0 ~ U{1..bins−width} (DC is kept), zeroed in place. w: [L, C].
 */
export function frequencyMask(w: Float32Array, length: number, channels: number, count: number, maxFraction: number, rng: Rng): void {
  const bins = rfftBins(length);
  if (bins < 2) return;
  const maxWidth = Math.max(1, Math.min(bins - 1, Math.floor(maxFraction * bins)));
  for (let m = 0; m < count; m++) {
    const width = 1 + Math.floor(rng.next() * maxWidth);
    const k0 = 1 + Math.floor(rng.next() * (bins - width));
    maskBand(w, length, channels, k0, width);
  }
}

/** Full complex spectrum of a real signal (numpy.fft.fft convention). */
export function spectrum(sig: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = sig.length;
  if (!isPow2(n)) {
    const c = anyLengthFft(sig);
    return { re: Float64Array.from(c.re), im: Float64Array.from(c.im) };
  }
  const f = new FFT(n);
  const out = f.createComplexArray() as number[];
  f.realTransform(out, Array.from(sig));
  f.completeSpectrum(out);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    re[k] = out[2 * k];
    im[k] = out[2 * k + 1];
  }
  return { re, im };
}

/** Real part of the inverse transform (with the 1/n), the input being conjugate-symmetric. */
function inverse(re: Float64Array, im: Float64Array): Float64Array {
  const n = re.length;
  if (!isPow2(n)) return Float64Array.from(anyLengthIfft(re, im).re);
  const f = new FFT(n);
  const data = f.createComplexArray() as number[];
  for (let k = 0; k < n; k++) {
    data[2 * k] = re[k];
    data[2 * k + 1] = im[k];
  }
  const out = f.createComplexArray() as number[];
  f.inverseTransform(out, data);
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = out[2 * t];
  return x;
}
