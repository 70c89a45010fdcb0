/** Properties every metric must have, on synthetic data whose answer is known. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/data/rng.js';
import {
  type Matrix, auroc, classifierTwoSampleTest, defectFrequencyHit, diversityRatio, fft, fitLogisticRegression, ifft,
  knnAnomalyScore, ks2samp, mmd2, mmdPermutationTest, modeCoverage, phaseRandomizedControl, predict, prototypicalEvaluation,
  realVsRealSplit, rfftPower, segmentGroups, welch, whiteNoiseControl,
} from '../../../src-main/engine/metrics/index.js';

function gaussian(n: number, d: number, seed: number, shift = 0, scale = 1): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = shift + scale * rng.normal();
  return { data, n, d };
}

describe('fft', () => {
  it('matches a naive DFT for power-of-two and Bluestein lengths, and ifft inverts it', () => {
    for (const n of [16, 12, 7, 100]) {
      const x = gaussian(1, n, n).data;
      const X = fft(x);
      for (let k = 0; k < n; k++) {
        let re = 0, im = 0;
        for (let t = 0; t < n; t++) { re += x[t] * Math.cos((-2 * Math.PI * k * t) / n); im += x[t] * Math.sin((-2 * Math.PI * k * t) / n); }
        expect(X.re[k]).toBeCloseTo(re, 9);
        expect(X.im[k]).toBeCloseTo(im, 9);
      }
      const back = ifft(X.re, X.im);
      for (let t = 0; t < n; t++) expect(back.re[t]).toBeCloseTo(x[t], 12);
    }
  });
});

describe('MMD', () => {
  it('is ≈ 0 for a sample against itself and for one law; large and significant for different laws', () => {
    const x = gaussian(60, 4, 1);
    expect(Math.abs(mmd2(x, x).mmd2)).toBeLessThan(0.05);
    const same = mmdPermutationTest(x, gaussian(60, 4, 2), { permutations: 200, seed: 5 });
    const diff = mmdPermutationTest(x, gaussian(60, 4, 3, 1), { permutations: 200, seed: 5 });
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(diff.pValue).toBeLessThan(0.01);
    expect(diff.mmd2).toBeGreaterThan(10 * Math.abs(same.mmd2));
  });
  it('refuses mismatched dimensions, naming both', () => {
    expect(() => mmd2(gaussian(5, 3, 1), gaussian(5, 4, 1))).toThrow(/3 vs 4/);
  });
});

describe('KS', () => {
  it('identical samples: D = 0, p = 1; disjoint samples: D = 1, tiny p', () => {
    const a = gaussian(1, 50, 1).data;
    expect(ks2samp(a, a)).toMatchObject({ statistic: 0, pValue: 1 });
    const b = Float64Array.from(a, (v) => v + 100);
    const r = ks2samp(a, b);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeLessThan(1e-20);
  });
});

describe('AUROC', () => {
  it('1 for perfect ranking, 0 reversed, 0.5 for all ties', () => {
    const y = [0, 0, 0, 1, 1];
    expect(auroc(y, [1, 2, 3, 4, 5])).toBe(1);
    expect(auroc(y, [5, 4, 3, 2, 1])).toBe(0);
    expect(auroc(y, [1, 1, 1, 1, 1])).toBe(0.5);
    expect(() => auroc([1, 1], [0, 1])).toThrow(/both classes/);
  });
  it('kNN distance to normal data separates shifted anomalies', () => {
    const normal = gaussian(100, 3, 1);
    const test = { data: new Float64Array([...gaussian(50, 3, 2).data, ...gaussian(50, 3, 3, 3).data]), n: 100, d: 3 };
    const s = knnAnomalyScore(normal, test, { k: 5 });
    expect(auroc(Array.from({ length: 100 }, (_, i) => (i < 50 ? 0 : 1)), s)).toBeGreaterThan(0.95);
  });
});

describe('logistic regression', () => {
  it('separates separable classes and is deterministic', () => {
    const X = { data: new Float64Array([...gaussian(30, 2, 1).data, ...gaussian(30, 2, 2, 6).data]), n: 60, d: 2 };
    const y = Array.from({ length: 60 }, (_, i) => (i < 30 ? 3 : 7));
    const m1 = fitLogisticRegression(X, y);
    const m2 = fitLogisticRegression(X, y);
    expect(Array.from(predict(m1, X))).toEqual(y);
    expect(Array.from(m1.weights)).toEqual(Array.from(m2.weights));
  });
});

describe('C2ST', () => {
  it('≈ 0.5 for one law, ≈ 1 for clearly different laws', () => {
    const same = classifierTwoSampleTest(gaussian(100, 3, 1), gaussian(100, 3, 2), { seed: 1 });
    const diff = classifierTwoSampleTest(gaussian(100, 3, 1), gaussian(100, 3, 3, 2), { seed: 1 });
    expect(Math.abs(same.accuracy - 0.5)).toBeLessThan(0.1);
    expect(same.pValue).toBeGreaterThan(0.01);
    expect(diff.accuracy).toBeGreaterThan(0.9);
    expect(diff.pValue).toBeLessThan(1e-10);
  });
});

describe('prototypical few-shot', () => {
  // 4 classes × 6 groups × 10 rows. Each group has its own random centre that ignores the class,
  // so only a leak (support and query from one group) can make queries look like their class.
  function groupOnly(): { X: Matrix; y: Int32Array; g: Int32Array } {
    const rng = new Rng(9);
    const n = 4 * 6 * 10, d = 8;
    const data = new Float64Array(n * d), y = new Int32Array(n), g = new Int32Array(n);
    for (let c = 0; c < 4; c++) for (let k = 0; k < 6; k++) {
      const centre = Array.from({ length: d }, () => 3 * rng.normal());
      for (let r = 0; r < 10; r++) {
        const i = (c * 6 + k) * 10 + r;
        y[i] = c; g[i] = c * 6 + k;
        for (let j = 0; j < d; j++) data[i * d + j] = centre[j] + 0.1 * rng.normal();
      }
    }
    return { X: { data, n, d }, y, g };
  }
  it('support and query never share a group when groups are given (no leak → chance accuracy)', () => {
    const { X, y, g } = groupOnly();
    const leaky = prototypicalEvaluation(X, y, { way: 4, shot: 1, query: 5, episodes: 200, seed: 1 });
    const grouped = prototypicalEvaluation(X, y, { way: 4, shot: 1, query: 5, episodes: 200, seed: 1, groups: g });
    expect(grouped.accuracy).toBeLessThan(0.4); // chance = 0.25
    expect(leaky.accuracy).toBeGreaterThan(grouped.accuracy + 0.05);
  });
  it('the 95 % interval shrinks like 1/√episodes', () => {
    const X = { data: new Float64Array([...gaussian(40, 2, 1).data, ...gaussian(40, 2, 2, 1).data, ...gaussian(40, 2, 3, -1).data]), n: 120, d: 2 };
    const y = Array.from({ length: 120 }, (_, i) => Math.floor(i / 40));
    const a = prototypicalEvaluation(X, y, { way: 3, shot: 5, query: 10, episodes: 200, seed: 2 });
    const b = prototypicalEvaluation(X, y, { way: 3, shot: 5, query: 10, episodes: 800, seed: 2 });
    expect(a.episodes).toBe(200);
    expect(b.ci95 / a.ci95).toBeGreaterThan(0.35);
    expect(b.ci95 / a.ci95).toBeLessThan(0.7);
    expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThan(3 * a.ci95);
  });
});

describe('diversity and mode coverage', () => {
  it('a collapsed generator covers one mode; a faithful one covers all', () => {
    const real = gaussian(100, 2, 1);
    const labels = new Int32Array(100);
    const collapsed = { data: new Float64Array(50 * 2).fill(0.1), n: 50, d: 2 };
    expect(diversityRatio(real, gaussian(100, 2, 2))).toBeCloseTo(1, 1);
    expect(diversityRatio(real, collapsed)).toBe(0);
    expect(modeCoverage(real, labels, collapsed, new Int32Array(50)).mean).toBeCloseTo(0.1, 10);
    expect(modeCoverage(real, labels, real, labels).mean).toBe(1);
  });
});

describe('negative controls', () => {
  const windows = gaussian(6, 128, 4, 0.5, 2);
  it('phase surrogates keep each window’s mean and periodogram; white noise keeps mean and std', () => {
    const ph = phaseRandomizedControl(windows, 1);
    for (let i = 0; i < 6; i++) {
      const p0 = rfftPower(windows.data.subarray(i * 128, (i + 1) * 128));
      const p1 = rfftPower(ph.data.subarray(i * 128, (i + 1) * 128));
      for (let k = 0; k < p0.length; k++) expect(p1[k]).toBeCloseTo(p0[k], 6);
      expect(Array.from(ph.data.subarray(i * 128, (i + 1) * 128))).not.toEqual(Array.from(windows.data.subarray(i * 128, (i + 1) * 128)));
    }
    const wn = whiteNoiseControl({ data: new Float64Array(4096).map((_, t) => 3 + Math.sin(t)), n: 1, d: 4096 }, 2);
    let m = 0;
    for (const v of wn.data) m += v / 4096;
    expect(m).toBeCloseTo(3, 1);
  });
  it('real-vs-real halves share no group and are balanced per stratum', () => {
    const file = Int32Array.from({ length: 80 }, (_, i) => Math.floor(i / 40));
    const start = Int32Array.from({ length: 80 }, (_, i) => (i % 40) * 1024);
    const groups = segmentGroups(file, start, 4096);
    const { a, b } = realVsRealSplit(groups, 3, file);
    const ga = new Set(Array.from(a, (i) => groups[i]));
    for (const i of b) expect(ga.has(groups[i])).toBe(false);
    expect(a.length + b.length).toBe(80);
    expect(Math.abs(a.length - b.length)).toBeLessThanOrEqual(8);
    expect(Array.from(a).filter((i) => file[i] === 1).length).toBeGreaterThan(15);
  });
});

describe('Welch and envelope', () => {
  it('white noise PSD integrates to its variance', () => {
    const x = gaussian(1, 8192, 5, 0, 2).data;
    const { freqs, psd } = welch(x, 1000, { nperseg: 256 });
    let power = 0;
    for (let k = 0; k < psd.length; k++) power += psd[k] * (freqs[1] - freqs[0]);
    expect(power).toBeGreaterThan(3.6);
    expect(power).toBeLessThan(4.4);
  });
  it('finds an impulse train’s repetition rate in the envelope, not in noise', () => {
    const fs = 12000, n = 2048, rate = 105;
    const rng = new Rng(3);
    const x = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const since = (t / fs) % (1 / rate);
      x[t] = Math.exp(-since * 800) * Math.sin(2 * Math.PI * 3500 * t / fs) + 0.2 * rng.normal();
    }
    expect(defectFrequencyHit(x, fs, rate).hit).toBe(true);
    expect(defectFrequencyHit(x, fs, rate * 1.37).hit).toBe(false);
    const noise = gaussian(1, n, 8).data;
    expect(defectFrequencyHit(noise, fs, rate).hit).toBe(false);
  });
});
