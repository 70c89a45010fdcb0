/**
 * Discrete Fourier transforms of any length (shared by the data preview, the engine's
 * augmentations and previews, and the evaluation metrics) on Float64Array pairs (re, im):
 * iterative radix-2 for powers of two, Bluestein's chirp-z (three power-of-two FFTs)
 * otherwise, so Welch segments, Hilbert transforms and surrogates work at the window
 * length the user chose, as numpy.fft does. Conventions match numpy:
 *   forward  X[k] = Σ_t x[t]·e^{−2πi·kt/n}
 *   inverse  x[t] = (1/n)·Σ_k X[k]·e^{+2πi·kt/n}
 */

export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** In-place radix-2 FFT (sign −1 forward, +1 inverse without the 1/n). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (sign * 2 * Math.PI) / len;
    const half = len >> 1;
    for (let k = 0; k < half; k++) {
      // Twiddles from cos/sin directly (not by recurrence) to keep ~1e-15 accuracy.
      const wr = Math.cos(ang * k);
      const wi = Math.sin(ang * k);
      for (let i = k; i < n; i += len) {
        const j = i + half;
        const tr = re[j] * wr - im[j] * wi;
        const ti = re[j] * wi + im[j] * wr;
        re[j] = re[i] - tr; im[j] = im[i] - ti;
        re[i] += tr; im[i] += ti;
      }
    }
  }
}

/** Bluestein: X[k] = conj(w_k)·Σ_t (x_t·conj(w_t))·w_{k−t}, since kt = (t² + k² − (k−t)²)/2. */
function bluestein(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  // Chirp w_t = e^{−sign·iπt²/n}; t² mod 2n keeps the angle small (exact for t < 2^26).
  const cr = new Float64Array(n);
  const ci = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = (Math.PI * ((t * t) % (2 * n))) / n;
    cr[t] = Math.cos(a);
    ci[t] = -sign * Math.sin(a);
  }
  const ar = new Float64Array(m), ai = new Float64Array(m);
  const br = new Float64Array(m), bi = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    // a_t = x_t · conj(w_t)
    ar[t] = re[t] * cr[t] + im[t] * ci[t];
    ai[t] = im[t] * cr[t] - re[t] * ci[t];
  }
  br[0] = cr[0]; bi[0] = ci[0];
  for (let t = 1; t < n; t++) {
    br[t] = br[m - t] = cr[t];
    bi[t] = bi[m - t] = ci[t];
  }
  radix2(ar, ai, -1);
  radix2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  radix2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const r = ar[k] / m, i = ai[k] / m;
    // X_k = conj(w_k) · (a ⊛ w)_k
    re[k] = r * cr[k] + i * ci[k];
    im[k] = i * cr[k] - r * ci[k];
  }
}

/** Forward DFT of (re, im), returning new arrays (inputs untouched). Any n ≥ 1. */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>): Complex {
  const out = { re: Float64Array.from(re), im: im ? Float64Array.from(im) : new Float64Array(re.length) };
  if (out.re.length !== out.im.length) throw new RangeError(`fft: re and im lengths differ (${out.re.length} vs ${out.im.length})`);
  if (out.re.length <= 1) return out;
  (isPow2(out.re.length) ? radix2 : bluestein)(out.re, out.im, -1);
  return out;
}

/** Inverse DFT with the 1/n factor (numpy.fft.ifft). */
export function ifft(re: ArrayLike<number>, im: ArrayLike<number>): Complex {
  const out = { re: Float64Array.from(re), im: Float64Array.from(im) };
  const n = out.re.length;
  if (n <= 1) return out;
  (isPow2(n) ? radix2 : bluestein)(out.re, out.im, 1);
  for (let i = 0; i < n; i++) {
    out.re[i] /= n;
    out.im[i] /= n;
  }
  return out;
}

/** |X[k]|² for k = 0..⌊n/2⌋ of a real signal (the one-sided bins numpy.fft.rfft returns). */
export function rfftPower(x: ArrayLike<number>): Float64Array {
  const X = fft(x);
  const out = new Float64Array(Math.floor(x.length / 2) + 1);
  for (let k = 0; k < out.length; k++) out[k] = X.re[k] * X.re[k] + X.im[k] * X.im[k];
  return out;
}
