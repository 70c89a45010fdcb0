/**
 * Generation quality with its negative controls. For each (class, condition) cell the
 * held-out real windows are split by segment group into halves A (the reference) and B;
 * four candidates of equal size are scored against A with every metric:
 *   generated     the flow's samples for that cell's conditions,
 *   real_vs_real  half B (what a perfect generator would score),
 *   white_noise   Gaussian noise with B's per-window mean and std,
 *   phase_random  phase-randomised surrogates of B (same amplitude spectrum, no impulses).
 * A metric is only trusted if real_vs_real beats both noise controls; the generator
 * "beats the controls" on a metric when it scores better than both noise controls.
 */
import * as tf from '@tensorflow/tfjs';
import {
  classifierTwoSampleTest, columnKs, columnStats, conditionFeatures, defectHitRate, defectKindForLabel, defectTargetHz, diversityRatio,
  fitLogisticRegression, mmdPermutationTest, modeCoverage, phaseRandomizedControl, predict, realVsRealSplit, setLogSpectralDistance,
  standardizeWith, takeRows, whiteNoiseControl, type Matrix,
} from '../metrics/index.js';
import type { FlowModel } from '../flow/flow-model.js';
import { integrate } from '../flow/samplers.js';
import type { ConditionIds } from '../flow/condition-encoder.js';
import { nativeSamplerFor } from '../native/native-sampling.js';
import { Rng } from '../../data/rng.js';
import { channel0, type EvalData } from './eval-data.js';
import { encodeMatrix } from './features.js';
import type { EvalBudget } from './eval-budgets.js';
import type { FigureTable, MetricResult, ResultTree } from '../protocol/evaluation.js';

export const CANDIDATES = ['generated', 'real_vs_real', 'white_noise', 'phase_random'] as const;
type Candidate = (typeof CANDIDATES)[number];

interface MetricDef {
  name: string;
  higherIsBetter: boolean;
  what: string;
}

const METRICS: MetricDef[] = [
  { name: 'mmd2_windows', higherIsBetter: false, what: 'MMD² (RBF, median heuristic) on per-window z-scored windows' },
  { name: 'mmd2_features', higherIsBetter: false, what: 'MMD² on frozen encoder features standardised by the reference half' },
  { name: 'feature_ks', higherIsBetter: false, what: 'mean two-sample KS statistic over condition-monitoring features' },
  { name: 'log_spectral_distance_db', higherIsBetter: false, what: 'Welch PSD log-spectral distance (dB) at the recording sample rate' },
  { name: 'c2st_accuracy_gap', higherIsBetter: false, what: '|C2ST accuracy − 0.5| (logistic regression on condition features, 5 folds)' },
  { name: 'diversity_log_ratio', higherIsBetter: false, what: '|log(mean pairwise distance ratio)| of encoder features (0 = as spread as real)' },
  { name: 'mode_coverage', higherIsBetter: true, what: 'fraction of k-means prototypes of the reference half reached (encoder features)' },
];

export interface GenerationOutput {
  tree: ResultTree;
  figures: FigureTable[];
}

interface Cell {
  label: number | null;
  domain: number | null;
  rows: number[];
}

/** Are generated windows labelled by class? (label in model.conditions, a conditional model, labels known) */
export function labelConditioning(model: FlowModel): { available: boolean; why: string } {
  if (!model.shape.conditional) return { available: false, why: 'the run was trained with task.use_conditional = false' };
  if (!model.spec.conditions.includes('label')) return { available: false, why: `model.conditions is [${model.spec.conditions}]: train with --set model.conditions=[domain,dataset,label] to condition on the class` };
  if (!(model.shape.labels ?? 0)) return { available: false, why: 'the checkpoint records no label table (trained before the label condition existed)' };
  return { available: true, why: '' };
}

/** n windows of one condition; guidanceScale defaults to the checkpoint's model.guidance_scale. */
export function sample(model: FlowModel, n: number, ids: { domain: number; dataset: number; label: number; fsHz: number }, seed: number, guidanceScale = model.spec.guidance_scale): Matrix {
  const D = model.signalDim;
  const rng = Rng.derive(seed, 'eval-generate');
  const out = new Float64Array(n * model.shape.length);
  const B = 64;
  const native = nativeSamplerFor(model); // the C++ engine where it covers the model, else tf below
  for (let i = 0; i < n; i += B) {
    const b = Math.min(B, n - i);
    const cond = {
      domain: new Int32Array(b).fill(ids.domain), dataset: new Int32Array(b).fill(ids.dataset),
      label: new Int32Array(b).fill(ids.label), fsHz: new Float32Array(b).fill(ids.fsHz),
    };
    const noise = rng.normalArray(b * D);
    const v = native ? native.integrate(noise, cond, model.spec.sampler, model.spec.sample_steps, guidanceScale) : tfSample(model, cond, noise, guidanceScale);
    const L = model.shape.length, C = model.shape.channels;
    for (let k = 0; k < b; k++) for (let t = 0; t < L; t++) out[(i + k) * L + t] = v[k * D + t * C];
  }
  for (let k = 0; k < out.length; k++) if (!Number.isFinite(out[k])) throw new Error(`evaluate: the model generated a non-finite value (window ${Math.floor(k / model.shape.length)})`);
  return { data: out, n, d: model.shape.length };
}

/** The tf sampler's windows from noise [b·D]. */
function tfSample(model: FlowModel, cond: ConditionIds, noise: Float32Array, guidanceScale: number): Float32Array {
  const b = cond.domain.length;
  const x1 = tf.tidy(() => integrate(model.field(cond, guidanceScale), tf.tensor2d(noise, [b, model.signalDim]), model.spec.sampler, model.spec.sample_steps));
  const v = x1.dataSync() as Float32Array;
  x1.dispose();
  return v;
}

function zrows(x: Matrix): Matrix {
  const out = new Float64Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) {
    let m = 0, v = 0;
    for (let t = 0; t < x.d; t++) m += x.data[i * x.d + t];
    m /= x.d;
    for (let t = 0; t < x.d; t++) v += (x.data[i * x.d + t] - m) ** 2;
    const s = Math.sqrt(v / x.d) || 1;
    for (let t = 0; t < x.d; t++) out[i * x.d + t] = (x.data[i * x.d + t] - m) / s;
  }
  return { data: out, n: x.n, d: x.d };
}

function safeStats(m: Matrix) {
  const s = columnStats(m);
  for (let j = 0; j < s.std.length; j++) if (!(s.std[j] > 1e-12)) s.std[j] = 1;
  return s;
}

export async function generationQuality(model: FlowModel, data: EvalData, seed: number, budget: EvalBudget, guidanceScale = model.spec.guidance_scale): Promise<GenerationOutput> {
  const lc = labelConditioning(model);
  const test = data.test;
  const set = test.set;
  const fs = set.fsHz[0] > 0 ? set.fsHz[0] : 12000;
  const L = set.length;
  const nperseg = Math.min(256, L);
  // Cells: (class, domain) when labels condition the model, (domain) when only domains do, one pool otherwise.
  const byDomain = model.shape.conditional && model.spec.conditions.includes('domain');
  const cells = new Map<string, Cell>();
  for (let i = 0; i < set.n; i++) {
    const label = lc.available ? test.label4[i] : null;
    const domain = byDomain ? set.domain[i] : null;
    const key = `${label}|${domain}`;
    if (!cells.has(key)) cells.set(key, { label, domain, rows: [] });
    cells.get(key)!.rows.push(i);
  }
  // Conditional-generation classifier: logistic regression on condition features of real training windows (4 classes).
  const trainFeat = conditionFeatures(channel0(data.train.set, Array.from({ length: data.train.set.n }, (_, i) => i)), fs);
  const condClf = lc.available ? fitLogisticRegression(trainFeat, data.train.label4, { maxIter: budget.logisticIter }) : null;

  const perCell: (number | string)[][] = [];
  const sums = new Map<string, { sum: number; n: number }>();
  const add = (k: string, v: number) => {
    if (!Number.isFinite(v)) return;
    const s = sums.get(k) ?? { sum: 0, n: 0 };
    s.sum += v; s.n++;
    sums.set(k, s);
  };
  const cellNotes: string[] = [];
  let cellIndex = 0;
  for (const cell of [...cells.values()].sort((a, b) => (a.label ?? -1) - (b.label ?? -1) || (a.domain ?? -1) - (b.domain ?? -1))) {
    const cname = `${cell.label === null ? 'all' : data.label4Names[cell.label]}@${cell.domain === null ? 'all' : data.prepared.domainNames[cell.domain]}`;
    let split;
    try {
      split = realVsRealSplit(cell.rows.map((i) => test.group[i]), seed + cellIndex);
    } catch (err) {
      cellNotes.push(`${cname}: skipped (${(err as Error).message})`);
      continue;
    }
    const n = Math.min(split.a.length, split.b.length, budget.generatedPerCell);
    if (n < 6) { cellNotes.push(`${cname}: skipped (${n} windows per half, need 6)`); continue; }
    const rowsA = Array.from(split.a.subarray(0, n), (k) => cell.rows[k]);
    const rowsB = Array.from(split.b.subarray(0, n), (k) => cell.rows[k]);
    const A = channel0(set, rowsA);
    const Bm = channel0(set, rowsB);
    const first = cell.rows[0];
    const ids = {
      domain: cell.domain ?? model.cond.unknownDomain,
      dataset: byDomain ? set.dataset[first] : model.cond.unknownDataset,
      label: cell.label ?? model.cond.unknownLabel,
      fsHz: set.fsHz[first],
    };
    const cands: Record<Candidate, Matrix> = {
      generated: sample(model, n, ids, seed + 101 * cellIndex, guidanceScale),
      real_vs_real: Bm,
      white_noise: whiteNoiseControl(Bm, seed + cellIndex),
      phase_random: phaseRandomizedControl(Bm, seed + cellIndex),
    };
    const encA = encodeMatrix(model, A, set.channels);
    const encStats = safeStats(encA);
    const encAs = standardizeWith(encA, encStats);
    const cfA = conditionFeatures(A, fs);
    const cfStats = safeStats(cfA);
    const kind = cell.label !== null ? defectKindForLabel(data.label4Names[cell.label]) : null;
    const rpms = [...new Set(cell.rows.map((i) => data.rpm[set.file[i]]))].filter((r) => r > 0);
    const rpm = rpms.length ? rpms.reduce((s, r) => s + r, 0) / rpms.length : 0;
    for (const c of CANDIDATES) {
      const X = cands[c];
      const encX = standardizeWith(encodeMatrix(model, X, set.channels), encStats);
      const cfX = conditionFeatures(X, fs);
      const mw = mmdPermutationTest(zrows(A), zrows(X), { permutations: budget.permutations, seed });
      const mf = mmdPermutationTest(encAs, encX, { permutations: budget.permutations, seed });
      const ks = columnKs(cfA, cfX);
      const lsd = setLogSpectralDistance(A, X, fs, { nperseg });
      const c2 = classifierTwoSampleTest(standardizeWith(cfA, cfStats), standardizeWith(cfX, cfStats), { folds: 5, seed, maxIter: 200 });
      const div = Math.abs(Math.log(diversityRatio(encAs, encX)));
      const cov = modeCoverage(encAs, new Int32Array(n), encX, new Int32Array(n), { prototypes: Math.min(10, n), seed }).mean;
      const vals: Record<string, number> = {
        mmd2_windows: mw.mmd2, mmd2_windows_p: mw.pValue, mmd2_features: mf.mmd2, mmd2_features_p: mf.pValue,
        feature_ks: ks.meanStatistic, log_spectral_distance_db: lsd, c2st_accuracy: c2.accuracy, c2st_accuracy_gap: Math.abs(c2.accuracy - 0.5),
        diversity_log_ratio: div, mode_coverage: cov,
      };
      if (kind && kind !== 'bsf' && rpm > 0) {
        vals.envelope_hit_rate = defectHitRate(X, fs, defectTargetHz(kind, rpm)).rate;
        add(`envelope_hit_rate_${kind === 'bpfi' ? 'inner_race' : 'outer_race'}|${c}`, vals.envelope_hit_rate);
      }
      if (condClf && cell.label !== null) {
        const pred = predict(condClf, cfX);
        vals.conditional_accuracy = pred.filter((p) => p === cell.label).length / pred.length;
        add(`conditional_accuracy|${c}`, vals.conditional_accuracy);
      }
      for (const m of METRICS) add(`${m.name}|${c}`, vals[m.name]);
      add(`mmd2_windows_p|${c}`, vals.mmd2_windows_p);
      add(`mmd2_features_p|${c}`, vals.mmd2_features_p);
      add(`c2st_accuracy|${c}`, vals.c2st_accuracy);
      for (const [k, v] of Object.entries(vals)) perCell.push([cname, c, n, k, v]);
    }
    cellIndex++;
    await new Promise<void>((r) => setImmediate(r));
  }
  const mean = (k: string, c: Candidate) => { const s = sums.get(`${k}|${c}`); return s && s.n ? s.sum / s.n : NaN; };
  const split = `${data.split}; held-out (test split) windows of each cell, halved by segment group: reference A vs candidate of equal size`;
  const leaf = (name: string, higherIsBetter: boolean, what: string, extra: Record<string, unknown> = {}): MetricResult => {
    const g = mean(name, 'generated'), r = mean(name, 'real_vs_real'), w = mean(name, 'white_noise'), p = mean(name, 'phase_random');
    const better = (a: number, b: number) => (higherIsBetter ? a > b : a < b);
    return {
      value: g, protocol: `generation-${name.replace(/_/g, '-')}`, split, seed, higher_is_better: higherIsBetter, what,
      controls: { real_vs_real: r, white_noise: w, phase_random: p },
      beats_controls: better(g, w) && better(g, p),
      metric_separates_controls: better(r, w) && better(r, p),
      ...extra,
    };
  };
  const tree: ResultTree = {
    cells: cellIndex,
    label_conditioning: lc.available ? 'available' : `not available: ${lc.why}`,
    cell_kind: lc.available ? 'class × condition' : byDomain ? 'condition (domain) only: generated windows carry no class' : 'one pool (unconditional model)',
    sampler: `${model.spec.sampler}, ${model.spec.sample_steps} steps, guidance ${guidanceScale}`,
    guidance_scale: guidanceScale,
    ...(data.test.set.channels > 1 ? { note: `signal-level metrics read channel 0 of ${data.test.set.channels}; encoder features read every channel` } : {}),
  };
  for (const m of METRICS) tree[m.name] = leaf(m.name, m.higherIsBetter, m.what, m.name.startsWith('mmd2') ? { p_value: mean(`${m.name}_p`, 'generated'), p_value_controls: { real_vs_real: mean(`${m.name}_p`, 'real_vs_real'), white_noise: mean(`${m.name}_p`, 'white_noise'), phase_random: mean(`${m.name}_p`, 'phase_random') } } : {});
  tree.c2st_accuracy = leaf('c2st_accuracy', false, 'C2ST held-out accuracy (0.5 = indistinguishable); ranked by its gap to 0.5 above');
  delete (tree.c2st_accuracy as MetricResult).beats_controls;
  delete (tree.c2st_accuracy as MetricResult).metric_separates_controls;
  tree.conditional_accuracy = lc.available
    ? leaf('conditional_accuracy', true, 'fraction of generated windows a real-trained classifier (logistic regression on condition features, 4 classes) labels as their conditioning class')
    : `not available: ${lc.why}`;
  for (const cls of ['inner_race', 'outer_race']) {
    tree[`envelope_hit_rate_${cls}`] = lc.available && sums.has(`envelope_hit_rate_${cls}|generated`)
      ? leaf(`envelope_hit_rate_${cls}`, true, `fraction of ${cls} windows whose envelope spectrum peaks at ${cls === 'inner_race' ? 'BPFI' : 'BPFO'} (SKF 6205, the file's RPM) within 5 %`)
      : lc.available ? `not available: no ${cls} cell with a known RPM` : `not available: ${lc.why}`;
  }
  if (cellNotes.length) tree.notes = cellNotes;
  return { tree, figures: [{ name: 'generation_cells', columns: ['cell', 'candidate', 'n', 'metric', 'value'], rows: perCell }] };
}
