import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src-main/data/errors.js';
import { rfftPower } from '../../../src-main/data/fft.js';
import { besselI0, firwinKaiser, resamplePoly, resampleRatio, resampleTo } from '../../../src-main/data/resample.js';

interface GoldenCase {
  name: string;
  up: number;
  down: number;
  x: number[];
  y: number[];
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/data/resample-golden.json'), 'utf8')) as {
  cases: GoldenCase[];
  identity: { x: number[]; y: number[]; is_copy: boolean };
};

const tone = (n: number, fHz: number, fsHz: number): Float64Array => Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * fHz * t) / fsHz));

describe('resamplePoly vs scipy.signal.resample_poly (scripts/golden/make_resample_golden.py)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const y = resamplePoly(Float64Array.from(c.x), c.up, c.down);
    expect(y).toHaveLength(c.y.length);
    const scale = Math.max(...c.x.map(Math.abs));
    let err = 0;
    for (let k = 0; k < y.length; k++) err = Math.max(err, Math.abs(y[k] - c.y[k]));
    expect(err / scale).toBeLessThan(1e-5);
  });

  it('up = down = 1 (after gcd reduction) returns an unfiltered copy, as scipy does', () => {
    expect(golden.identity.is_copy).toBe(true);
    const x = Float32Array.from(golden.identity.x);
    for (const [up, down] of [[1, 1], [3, 3]]) {
      const y = resamplePoly(x, up, down);
      expect(y).not.toBe(x);
      expect(Array.from(y)).toEqual(Array.from(x));
      y[0] += 1;
      expect(x[0]).toBe(Math.fround(golden.identity.x[0]));
    }
  });

  it('builds the Kaiser-windowed FIR with unit DC gain; I0 matches known values', () => {
    expect(besselI0(0)).toBe(1);
    expect(besselI0(5)).toBeCloseTo(27.239871823604442, 12);
    const h = firwinKaiser(81, 0.25, 5);
    expect(h.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    for (let j = 0; j < 40; j++) expect(h[j]).toBeCloseTo(h[80 - j], 15);
  });

  it('rejects non-integer or non-positive factors', () => {
    expect(() => resamplePoly(new Float32Array(10), 0, 1)).toThrow(RangeError);
    expect(() => resamplePoly(new Float32Array(10), 1.5, 1)).toThrow(RangeError);
  });
});

describe('resampleTo', () => {
  it('finds the reduced rational ratio', () => {
    expect(resampleRatio(48000, 12000)).toEqual({ up: 1, down: 4 });
    expect(resampleRatio(12000, 48000)).toEqual({ up: 4, down: 1 });
    expect(resampleRatio(44100, 12000)).toEqual({ up: 40, down: 147 });
    expect(resampleRatio(25600, 12000)).toEqual({ up: 15, down: 32 });
    expect(resampleRatio(12000, 12000)).toEqual({ up: 1, down: 1 });
  });

  it('refuses a ratio needing a factor above 1000, naming both rates', () => {
    const err = (() => {
      try {
        resampleTo(new Float32Array(100), 97656, 12000);
      } catch (e) {
        return e as DataError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(DataError);
    expect(err!.message).toMatch(/97656 Hz/);
    expect(err!.message).toMatch(/12000 Hz/);
  });

  it('48 kHz → 12 kHz keeps a 161.6 Hz line at 161.6 Hz', () => {
    const fs = 48000;
    const y = resampleTo(tone(4 * 12000, 161.6, fs), fs, 12000);
    expect(y).toHaveLength(12000);
    // 10 000 samples at 12 kHz away from the edges: 1.2 Hz bins; the peak must be the bin nearest 161.6 Hz.
    const p = rfftPower(y.subarray(1000, 11000));
    let best = 1;
    for (let k = 2; k < p.length; k++) if (p[k] > p[best]) best = k;
    expect(Math.abs((best * 12000) / 10000 - 161.6)).toBeLessThanOrEqual(0.6); // within half a bin
  });

  it('anti-aliases: a 9 kHz tone at 48 kHz (it would fold to 3 kHz) is > 40 dB down after decimation to 12 kHz', () => {
    // 12 kHz has its Nyquist at 6 kHz: a 5 kHz tone is in band and must pass; 9 kHz must be removed.
    const fs = 48000;
    const n = 48000;
    const rms = (a: ArrayLike<number>, from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i++) s += a[i] * a[i];
      return Math.sqrt(s / (to - from));
    };
    const gainDb = (fHz: number): number => {
      const x = Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * fHz * t) / fs + 0.3));
      const y = resampleTo(x, fs, 12000);
      return 20 * Math.log10(rms(y, 200, y.length - 200) / rms(x, 0, n));
    };
    expect(gainDb(9000)).toBeLessThan(-40);
    expect(gainDb(7500)).toBeLessThan(-40);
    expect(Math.abs(gainDb(5000))).toBeLessThan(0.1);
    expect(Math.abs(gainDb(1000))).toBeLessThan(0.1);
  });

  it('resamples a 243 938-sample recording quickly', () => {
    const x = new Float32Array(243938);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.01) + 0.1 * Math.sin(i * 1.3);
    const t0 = performance.now();
    const y = resampleTo(x, 48000, 12000);
    const ms = performance.now() - t0;
    expect(y).toHaveLength(Math.ceil(243938 / 4));
    expect(ms).toBeLessThan(1000);
  });
});
