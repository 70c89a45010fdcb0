/**
 * The metric library against SciPy / scikit-learn / NumPy on the same inputs
 * (tests/fixtures/eval/golden.json, written by scripts/golden/make_eval_golden.py).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  accuracy, analyticSignal, auroc, conditionFeatures, fitLogisticRegression, kolmogorovSf, ks2samp,
  mmd2, predict, predictProba, welch, windowMoments,
} from '../../../src-main/engine/metrics/index.js';
import { binomialUpperTail } from '../../../src-main/engine/metrics/special.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const G = JSON.parse(readFileSync(path.resolve(here, '../../fixtures/eval/golden.json'), 'utf8'));

function expectClose(actual: ArrayLike<number>, expected: number[], rel: number, abs = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    if (Math.abs(actual[i] - expected[i]) > tol) {
      throw new Error(`index ${i}: ${actual[i]} vs golden ${expected[i]} (tolerance ${tol})`);
    }
  }
}

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

describe('ks_2samp (scipy.stats, method auto)', () => {
  for (const c of G.ks_2samp) {
    it(`${c.name}: statistic and p-value`, () => {
      const r = ks2samp(c.a, c.b);
      expect(r.method).toBe(Math.max(c.a.length, c.b.length) <= 10000 ? 'exact' : 'asymp');
      expect(r.statistic).toBeCloseTo(c.statistic, 12);
      expect(Math.abs(r.pValue - c.pvalue)).toBeLessThanOrEqual(1e-9 * c.pvalue + 1e-12);
    });
  }
  it('kstwo.sf across the branches of scipy._kolmogn', () => {
    for (const c of G.kstwo_sf) {
      const p = kolmogorovSf(c.n, c.x);
      if (Math.abs(p - c.sf) > 1e-8 * c.sf + 1e-13) throw new Error(`kstwo.sf(${c.x}, ${c.n}) = ${p}, scipy ${c.sf}`);
    }
  });
});

describe('welch (scipy.signal.welch, hann, density)', () => {
  for (const c of G.welch.cases) {
    it(`nperseg ${c.nperseg}`, () => {
      const r = welch(G.welch.x, G.welch.fs, { nperseg: c.nperseg });
      expectClose(r.freqs, c.freqs, 1e-12);
      const peak = Math.max(...c.psd);
      expectClose(r.psd, c.psd, 1e-9, 1e-12 * peak);
    });
  }
});

describe('analytic signal (scipy.signal.hilbert)', () => {
  for (const c of G.hilbert) {
    it(`length ${c.x.length}`, () => {
      const a = analyticSignal(c.x);
      expectClose(a.re, c.real, 0, 1e-12);
      expectClose(a.im, c.imag, 0, 1e-12);
      expectClose(Array.from(a.re, (r, i) => Math.hypot(r, a.im[i])), c.envelope, 0, 1e-12);
    });
  }
});

describe('roc_auc_score (sklearn) with ties', () => {
  it('matches', () => {
    expect(auroc(G.roc_auc.labels, G.roc_auc.scores)).toBeCloseTo(G.roc_auc.auc, 14);
  });
});

describe('LogisticRegression (sklearn, lbfgs, L2, standardised)', () => {
  for (const key of ['logistic_multinomial', 'logistic_binary']) {
    it(`${key}: accuracy within 2 points, probabilities within 1e-4`, () => {
      const c = G[key];
      const Xtr = { data: f64(c.Xtrain), n: c.ytrain.length, d: c.d };
      const Xte = { data: f64(c.Xtest), n: c.ytest.length, d: c.d };
      const model = fitLogisticRegression(Xtr, c.ytrain, { C: c.C });
      expect(model.converged).toBe(true);
      expect(Math.abs(accuracy(c.ytest, predict(model, Xte)) - c.accuracy)).toBeLessThanOrEqual(0.02);
      expectClose(predictProba(model, Xte), c.proba, 0, 1e-4);
    });
  }
});

describe('moments (scipy.stats.kurtosis fisher=False, skew) and spectral centroid (numpy)', () => {
  it('per window', () => {
    const m = G.moments;
    const n = m.kurtosis.length;
    for (let i = 0; i < n; i++) {
      const w = windowMoments(m.x.slice(i * m.L, (i + 1) * m.L));
      expect(w.kurtosis).toBeCloseTo(m.kurtosis[i], 11);
      expect(w.skewness).toBeCloseTo(m.skewness[i], 11);
      expect(w.rms).toBeCloseTo(m.rms[i], 12);
    }
    const feats = conditionFeatures({ data: f64(m.x), n, d: m.L }, 12000);
    const j = feats.names.indexOf('spectral_centroid_hz');
    for (let i = 0; i < n; i++) expect(feats.data[i * feats.d + j]).toBeCloseTo(m.spectral_centroid_hz[i], 8);
  });
});

describe('MMD² (numpy, unbiased, median heuristic)', () => {
  it('matches value and bandwidth', () => {
    const c = G.mmd;
    const r = mmd2({ data: f64(c.x), n: c.x.length / c.d, d: c.d }, { data: f64(c.y), n: c.y.length / c.d, d: c.d });
    expect(r.bandwidth).toBeCloseTo(c.bandwidth, 12);
    expect(r.mmd2).toBeCloseTo(c.mmd2, 13);
  });
});

describe('binomial tail (scipy.stats.binom.sf)', () => {
  it('matches', () => {
    for (const c of G.binom_sf) expect(Math.abs(binomialUpperTail(c.k, c.n, 0.5) - c.sf)).toBeLessThanOrEqual(1e-10 * c.sf + 1e-15);
  });
});
