import FFT from 'fft.js';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/config/schema.js';
import { defectFrequencies, SKF_6205 } from '../../../src-main/data/bearing-geometry.js';
import { generateBearingSignal, syntheticRecords, syntheticSignal, type SyntheticClass } from '../../../src-main/data/synthetic-bearing.js';

const FS = 12000;
const N = 16384; // power of two for fft.js (1.37 s, 0.73 Hz bins)

/**
 * Envelope spectrum (the standard bearing diagnostic): high-pass the signal above 1 kHz
 * (keeps the resonance band, drops shaft harmonics), take |analytic signal|, remove its
 * mean, and return |FFT| of the envelope, [N/2] bins of FS/N Hz.
 */
function envelopeSpectrum(x: Float32Array): Float64Array {
  const fft = new FFT(N);
  const input = fft.createComplexArray();
  for (let i = 0; i < N; i++) input[2 * i] = x[i];
  const spec = fft.createComplexArray();
  fft.transform(spec, input);
  // Analytic signal: keep positive frequencies above 1 kHz (doubled), zero the rest.
  const lo = Math.round((1000 * N) / FS);
  for (let k = 0; k < N; k++) {
    const keep = k >= lo && k < N / 2 ? 2 : 0;
    spec[2 * k] *= keep;
    spec[2 * k + 1] *= keep;
  }
  const analytic = fft.createComplexArray();
  fft.inverseTransform(analytic, spec);
  const env = fft.createComplexArray();
  let mean = 0;
  for (let i = 0; i < N; i++) mean += Math.hypot(analytic[2 * i], analytic[2 * i + 1]) / N;
  for (let i = 0; i < N; i++) env[2 * i] = Math.hypot(analytic[2 * i], analytic[2 * i + 1]) - mean;
  const out = fft.createComplexArray();
  fft.transform(out, env);
  const mag = new Float64Array(N / 2);
  for (let k = 0; k < N / 2; k++) mag[k] = Math.hypot(out[2 * k], out[2 * k + 1]);
  return mag;
}

/** Frequency (Hz) of the largest envelope peak in [fromHz, toHz]. */
function peakHz(mag: Float64Array, fromHz: number, toHz: number): number {
  const a = Math.round((fromHz * N) / FS);
  const b = Math.round((toHz * N) / FS);
  let best = a;
  for (let k = a; k <= b; k++) if (mag[k] > mag[best]) best = k;
  return (best * FS) / N;
}

/** Largest envelope value within ±2 % of hz, over the median of the 20–500 Hz band. */
function prominence(mag: Float64Array, hz: number): number {
  const band = Array.from(mag.subarray(Math.round((20 * N) / FS), Math.round((500 * N) / FS))).sort((x, y) => x - y);
  let best = 0;
  for (let k = Math.floor((hz * 0.98 * N) / FS); k <= Math.ceil((hz * 1.02 * N) / FS); k++) best = Math.max(best, mag[k]);
  return best / band[Math.floor(band.length / 2)];
}

const near = (hz: number, target: number): boolean => Math.abs(hz - target) / target < 0.02;

const signal = (label: SyntheticClass, seed = 7, rpm = 1797): Float32Array =>
  generateBearingSignal({ label, rpm, loadHp: 0, fsHz: FS, seconds: 1.5, noiseStd: 0.3, severity: 0.014, seed });

describe('synthetic bearing physics', () => {
  const f = defectFrequencies(SKF_6205, 1797);

  it('an outer-race fault shows its envelope peak at BPFO × shaft speed', () => {
    const mag = envelopeSpectrum(signal('outer_race'));
    expect(near(peakHz(mag, 20, 400), f.bpfo)).toBe(true);
    expect(prominence(mag, f.bpfo)).toBeGreaterThan(10);
    expect(prominence(mag, f.bpfi)).toBeLessThan(4);
  });

  it('an inner-race fault peaks at BPFI (or its harmonic), with shaft-rate sidebands', () => {
    for (const seed of [7, 8, 9]) {
      const mag = envelopeSpectrum(signal('inner_race', seed));
      const top = peakHz(mag, 40, 400); // above the shaft-rate line the modulation itself makes
      expect(near(top, f.bpfi) || near(top, 2 * f.bpfi)).toBe(true);
      expect(prominence(mag, f.bpfi)).toBeGreaterThan(5);
      expect(prominence(mag, f.bpfo)).toBeLessThan(4);
      expect(prominence(mag, f.bpfi + f.shaftHz)).toBeGreaterThan(3);
    }
  });

  it('a ball fault peaks at 2·BSF; a healthy bearing has no defect peak', () => {
    const ball = envelopeSpectrum(signal('ball'));
    expect(prominence(ball, 2 * f.bsf)).toBeGreaterThan(10);
    const normal = envelopeSpectrum(signal('normal'));
    for (const hz of [f.bpfo, f.bpfi, 2 * f.bsf]) expect(prominence(normal, hz)).toBeLessThan(4);
  });

  it('defect frequencies follow the shaft speed of the operating condition', () => {
    const slow = defectFrequencies(SKF_6205, 1200);
    expect(near(peakHz(envelopeSpectrum(signal('outer_race', 3, 1200)), 20, 400), slow.bpfo)).toBe(true);
  });

  it('is deterministic from the seed and differs across seeds', () => {
    expect(signal('inner_race', 11)).toEqual(signal('inner_race', 11));
    expect(signal('inner_race', 12)).not.toEqual(signal('inner_race', 11));
  });
});

describe('synthetic dataset', () => {
  it('makes classes × conditions × files records with load domains, quickly', () => {
    const spec = dataSchema.parse({}).synthetic;
    const records = syntheticRecords(spec, 42);
    expect(records).toHaveLength(4 * 2 * spec.files_per_class);
    expect(new Set(records.map((r) => r.domain))).toEqual(new Set(['load_0HP', 'load_1HP']));
    expect(new Set(records.map((r) => r.label))).toEqual(new Set(['normal', 'inner_race', 'outer_race', 'ball']));
    expect(records.map((r) => r.index)).toEqual(records.map((_, i) => i));
    const t0 = performance.now();
    const signals = records.map((r) => syntheticSignal(r, spec));
    expect(performance.now() - t0).toBeLessThan(2000); // ~150 ms here; loose for a loaded 2-core CI box
    expect(signals[0].channels[0]).toHaveLength(spec.fs_hz * spec.seconds);
    // Same seed → same records and samples; another seed → other samples.
    expect(syntheticSignal(syntheticRecords(spec, 42)[5], spec).channels[0]).toEqual(signals[5].channels[0]);
    expect(syntheticSignal(syntheticRecords(spec, 43)[5], spec).channels[0]).not.toEqual(signals[5].channels[0]);
  });
});
