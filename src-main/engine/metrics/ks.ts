/**
 * Two-sample Kolmogorov–Smirnov test, and its use on condition-monitoring features.
 * The reference ran KS on pooled amplitudes, where standardised white noise scores 0.036
 * against vibration: the amplitude histogram of a standardised signal is nearly normal
 * whatever its structure. Per-feature KS compares what the signal does (kurtosis, crest,
 * spectrum), one feature at a time.
 */
import { type ConditionFeatureOptions, conditionFeatures, type NamedFeatures } from './condition-features.js';
import { gcd, ksExactTwoSidedSf, kolmogorovSf } from './ks-distribution.js';
import type { Matrix } from './matrix.js';

export interface KsResult {
  /** D = sup_x |F₁(x) − F₂(x)| (in exact mode rounded to a multiple of 1/lcm(n₁, n₂), as SciPy does). */
  statistic: number;
  /** Two-sided p-value P(D ≥ d | H0). */
  pValue: number;
  method: 'exact' | 'asymp';
}

/** Largest sample size for which 'auto' computes the exact p-value (SciPy's MAX_AUTO_N). */
export const KS_MAX_EXACT_N = 10000;

/** numpy.round: halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** D = max over the pooled values v of |#{a ≤ v}/n₁ − #{b ≤ v}/n₂| (ties handled as ECDF jumps). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  let i = 0, j = 0, d = 0;
  while (i < x.length || j < y.length) {
    const v = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * scipy.stats.ks_2samp(a, b) with alternative='two-sided', method='auto':
 * exact when max(n₁, n₂) ≤ 10000 (lattice-path count, see ksExactTwoSidedSf), otherwise
 * asymptotic: kstwo.sf(D, round(n₁n₂/(n₁+n₂))), the one-sample two-sided distribution at
 * the effective sample size. Inputs must be finite (SciPy would sort NaNs; we refuse them).
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>, method: 'auto' | 'exact' | 'asymp' = 'auto'): KsResult {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`ks2samp: both samples must be non-empty (got ${n1} and ${n2})`);
  for (const [s, name] of [[a, 'a'], [b, 'b']] as const) {
    for (let i = 0; i < s.length; i++) {
      if (!Number.isFinite(s[i])) throw new RangeError(`ks2samp: sample ${name} has non-finite value ${s[i]} at ${i}`);
    }
  }
  let d = ksStatistic(a, b);
  const mode = method === 'auto' ? (Math.max(n1, n2) <= KS_MAX_EXACT_N ? 'exact' : 'asymp') : method;
  if (mode === 'exact') {
    const lcm = (n1 / gcd(n1, n2)) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    return { statistic: d, pValue: ksExactTwoSidedSf(n1, n2, h), method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  return { statistic: d, pValue: kolmogorovSf(roundHalfEven(en), d), method: 'asymp' };
}

export interface FeatureKs {
  /** Feature names, in column order. */
  names: string[];
  /** [features] KS statistic per feature. */
  statistic: Float64Array;
  /** [features] p-value per feature. */
  pValue: Float64Array;
  /** Mean of the statistics: one number for a report (0 = indistinguishable, 1 = disjoint). */
  meanStatistic: number;
  /** Largest statistic and its feature (the worst-matched property). */
  maxStatistic: number;
  worstFeature: string;
}

/** Per-column KS between two feature tables with the same columns ([n₁, f] and [n₂, f]). */
export function columnKs(real: NamedFeatures, generated: NamedFeatures): FeatureKs {
  if (real.names.join('\u0000') !== generated.names.join('\u0000')) {
    throw new RangeError(`columnKs: feature columns differ (${real.names.join(',')} vs ${generated.names.join(',')})`);
  }
  const f = real.d;
  const statistic = new Float64Array(f);
  const pValue = new Float64Array(f);
  const col = (t: NamedFeatures, j: number): Float64Array => {
    const out = new Float64Array(t.n);
    for (let i = 0; i < t.n; i++) out[i] = t.data[i * t.d + j];
    return out;
  };
  let worst = 0;
  for (let j = 0; j < f; j++) {
    const r = ks2samp(col(real, j), col(generated, j));
    statistic[j] = r.statistic;
    pValue[j] = r.pValue;
    if (r.statistic > statistic[worst]) worst = j;
  }
  let s = 0;
  for (let j = 0; j < f; j++) s += statistic[j];
  return { names: real.names, statistic, pValue, meanStatistic: s / f, maxStatistic: statistic[worst], worstFeature: real.names[worst] };
}

/** KS per condition feature between real and generated windows ([n, L] each, at fs Hz). */
export function featureKs(real: Matrix, generated: Matrix, fs: number, opts: ConditionFeatureOptions = {}): FeatureKs {
  return columnKs(conditionFeatures(real, fs, opts), conditionFeatures(generated, fs, opts));
}
