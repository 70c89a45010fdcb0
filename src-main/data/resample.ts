/**
 * Polyphase rational resampling, compatible with scipy.signal.resample_poly(x, up, down) at
 * its defaults (window ('kaiser', 5.0), padtype 'constant'), so a recording brought to
 * data.resample_hz here matches what the same recording gives in Python. Used by
 * prepareWindows to put every recording on one common rate before windowing (recordings
 * at different rates would otherwise show the same machine at different frequencies).
 *
 * What scipy does, and this reproduces:
 *   up, down reduced by their gcd; up = down = 1 → a copy of x;
 *   h = firwin(2·half_len + 1, 1/max(up, down), window=('kaiser', 5)) · up, half_len = 10·max(up, down);
 *   y = upfirdn(h, x, up, down) (x zero-padded) with the first ⌊(half_len + pre_pad)/down⌋ outputs
 *   removed and ceil(n·up/down) kept — which works out to
 *     y[k] = Σ_i h[k·down + half_len − i·up] · x[i]   (h = 0 outside [0, 2·half_len]),
 *   i.e. the filter's centre tap sits on output k's position k·down in the upsampled signal.
 * Only the kept outputs are computed, each from the ≈ 2·half_len/up taps that meet an input sample.
 */
import { DataError } from './errors.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0: Σ_k ((x/2)^k / k!)² (converges fast for |x| ≲ 30). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Symmetric Kaiser window of m points (scipy.signal.windows.kaiser(m, beta, sym=True)). */
export function kaiserWindow(m: number, beta: number): Float64Array {
  const w = new Float64Array(m);
  if (m === 1) {
    w[0] = 1;
    return w;
  }
  const alpha = (m - 1) / 2;
  const norm = besselI0(beta);
  for (let n = 0; n < m; n++) {
    const r = (n - alpha) / alpha;
    w[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
  }
  return w;
}

/** Low-pass FIR as scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta)) (cutoff relative to Nyquist, DC gain 1). */
export function firwinKaiser(numtaps: number, cutoff: number, beta: number): Float64Array {
  const alpha = (numtaps - 1) / 2;
  const w = kaiserWindow(numtaps, beta);
  const h = new Float64Array(numtaps);
  let sum = 0;
  for (let j = 0; j < numtaps; j++) {
    const a = cutoff * (j - alpha);
    const sinc = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
    h[j] = cutoff * sinc * w[j];
    sum += h[j];
  }
  for (let j = 0; j < numtaps; j++) h[j] /= sum;
  return h;
}

/** scipy.signal.resample_poly(x, up, down) with its defaults; ceil(n·up/down) samples (after gcd reduction). */
export function resamplePoly(x: Float32Array | Float64Array, up: number, down: number): Float32Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) {
    throw new RangeError(`resamplePoly: up and down must be integers ≥ 1 (got ${up}, ${down})`);
  }
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return Float32Array.from(x);
  const n = x.length;
  const nOut = Math.ceil((n * up) / down);
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const taps = 2 * halfLen + 1;
  const h = firwinKaiser(taps, 1 / maxRate, 5.0);
  for (let j = 0; j < taps; j++) h[j] *= up;

  const y = new Float32Array(nOut);
  for (let k = 0; k < nOut; k++) {
    // Taps j = c − i·up must lie in [0, 2·halfLen]: i from ⌈(c − 2·halfLen)/up⌉ to ⌊c/up⌋.
    const c = k * down + halfLen;
    let i0 = Math.ceil((c - 2 * halfLen) / up);
    let i1 = Math.floor(c / up);
    if (i0 < 0) i0 = 0;
    if (i1 > n - 1) i1 = n - 1;
    let acc = 0;
    for (let i = i0, j = c - i0 * up; i <= i1; i++, j -= up) acc += h[j] * x[i];
    y[k] = acc;
  }
  return y;
}

/**
 * The smallest up/down with up/down = toHz/fromHz (to 1e-9 relative), by continued fractions;
 * a ratio that needs up or down above maxFactor is a DataError naming both rates.
 */
export function resampleRatio(fromHz: number, toHz: number, maxFactor = 1000): { up: number; down: number } {
  if (!(fromHz > 0) || !(toHz > 0) || !Number.isFinite(fromHz) || !Number.isFinite(toHz)) {
    throw new DataError(`cannot resample from ${fromHz} Hz to ${toHz} Hz: both rates must be positive and finite`, { key: 'data.resample_hz', value: toHz });
  }
  const r = toHz / fromHz;
  // Convergents p/q of the continued fraction of r.
  let [p0, q0, p1, q1] = [0, 1, 1, 0];
  let v = r;
  for (let it = 0; it < 64; it++) {
    const a = Math.floor(v);
    [p0, q0, p1, q1] = [p1, q1, a * p1 + p0, a * q1 + q0];
    if (p1 > maxFactor || q1 > maxFactor) break;
    if (Math.abs(p1 / q1 - r) <= 1e-9 * r) return { up: p1, down: q1 };
    const frac = v - a;
    if (frac < 1e-12) break;
    v = 1 / frac;
  }
  throw new DataError(
    `cannot resample from ${fromHz} Hz to ${toHz} Hz: the ratio ${toHz}/${fromHz} needs an up or down factor above ${maxFactor} ` +
      `(choose a data.resample_hz with a simpler ratio to ${fromHz} Hz)`,
    { key: 'data.resample_hz', value: toHz },
  );
}

/** x sampled at fromHz, resampled to toHz (resamplePoly with the reduced rational ratio); a copy when the rates are equal. */
export function resampleTo(x: Float32Array | Float64Array, fromHz: number, toHz: number): Float32Array {
  const { up, down } = resampleRatio(fromHz, toHz);
  return resamplePoly(x, up, down);
}
