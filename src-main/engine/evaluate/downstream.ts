/**
 * Downstream protocols on frozen features: linear probe (10- and 4-class), few-shot
 * prototypical episodes, cross-load transfer, kNN anomaly detection, and the
 * supervised-from-scratch few-shot baseline. Each returns MetricResults with its split
 * and seed. Features: [n, d] matrices aligned with an EvalSplit's rows.
 */
import {
  accuracy, auroc, fitLogisticRegression, knnAnomalyScore, predict, prototypicalEvaluation, standardizeWith, columnStats, takeRows,
  type Matrix,
} from '../metrics/index.js';
import { Rng } from '../../data/rng.js';
import { channel0, type EvalData, type EvalSplit } from './eval-data.js';
import { drawEpisode, episodePool } from '../metrics/episodes.js';
import type { EvalBudget } from './eval-budgets.js';
import { fitSupervised } from './supervised-baseline.js';
import type { MetricResult } from './types.js';

export interface SplitFeatures {
  train: Matrix;
  test: Matrix;
}

export interface ProbeCheck {
  /** Files whose windows are on both sides of the probe (must be segment split) and the max train end / min test start per file. */
  overlappingWindows: number;
}

/** Windows of one file on both sides that overlap in samples (0 under a correct split). */
export function countOverlaps(a: EvalSplit, b: EvalSplit, rowsA: number[], rowsB: number[]): number {
  const L = a.set.length;
  const byFile = new Map<number, number[]>();
  for (const i of rowsA) byFile.set(a.set.file[i], [...(byFile.get(a.set.file[i]) ?? []), a.set.start[i]]);
  let n = 0;
  for (const j of rowsB) {
    const starts = byFile.get(b.set.file[j]);
    if (!starts) continue;
    const s = b.set.start[j];
    if (starts.some((t) => t < s + L && s < t + L)) n++;
  }
  return n;
}

/** Logistic regression on train rows → accuracy on test rows. */
export function linearProbe(
  feats: SplitFeatures, data: EvalData, labels: 'label10' | 'label4', protocol: string, seed: number, budget: EvalBudget,
  rows: { train?: number[]; test?: number[] } = {}, C = 1,
): MetricResult {
  const tr = rows.train ?? Array.from({ length: data.train.set.n }, (_, i) => i);
  const te = rows.test ?? Array.from({ length: data.test.set.n }, (_, i) => i);
  const yTr = tr.map((i) => data.train[labels][i]);
  const yTe = te.map((i) => data.test[labels][i]);
  const model = fitLogisticRegression(takeRows(feats.train, tr), yTr, { maxIter: budget.logisticIter, C });
  const pred = predict(model, takeRows(feats.test, te));
  const names = labels === 'label10' ? data.label10Names : data.label4Names;
  const classes = [...new Set(yTr)].sort((a, b) => a - b).map((c) => names[c]);
  // Per-class accuracy: where the probe fails.
  const perClass: Record<string, number> = {};
  for (const c of new Set(yTe)) {
    const idx = yTe.map((y, k) => (y === c ? k : -1)).filter((k) => k >= 0);
    perClass[names[c]] = idx.filter((k) => pred[k] === c).length / idx.length;
  }
  return {
    value: accuracy(yTe, pred), protocol, split: data.split, seed, higher_is_better: true, C,
    classes: classes.length, class_names: classes, n_train: tr.length, n_test: te.length,
    per_class: perClass, converged: model.converged, overlapping_windows: countOverlaps(data.train, data.test, tr, te),
  };
}

/**
 * way-way K-shot prototypical accuracy on the test split's features, groups = contiguous
 * segments; `rows` (default all) restricts the episodes to some test rows (episode-shape.ts).
 */
export function fewShot(test: Matrix, data: EvalData, seed: number, episodes: number, way: number, shot: number, query: number, rows?: number[]): MetricResult {
  const labels = rows ? Int32Array.from(rows, (i) => data.test.label4[i]) : data.test.label4;
  const groups = rows ? Int32Array.from(rows, (i) => data.test.group[i]) : data.test.group;
  const r = prototypicalEvaluation(rows ? takeRows(test, rows) : test, labels, { way, shot, query, episodes, seed, groups });
  return {
    value: r.accuracy, ci95: r.ci95, episodes: r.episodes, way: r.way, shot: r.shot, query: r.query,
    protocol: `few-shot-${way}way-${shot}shot-${query}query-segment-groups`, split: `${data.split}; test split only, support and query from disjoint groups`,
    seed, higher_is_better: true, episode_accuracy_sd: sd(r.episodeAccuracy),
  };
}

/** Supervised network from scratch per episode, on the same episodes' rule (disjoint groups). */
export async function supervisedFewShot(data: EvalData, seed: number, budget: EvalBudget, way: number, shot: number, query: number, rows?: number[]): Promise<MetricResult> {
  // Episode rows index `rows` (default all test rows); map them back before reading windows.
  const all = rows ?? Array.from({ length: data.test.set.n }, (_, i) => i);
  const pool = episodePool(Int32Array.from(all, (i) => data.test.label4[i]), Int32Array.from(all, (i) => data.test.group[i]), shot, query);
  const rng = Rng.derive(seed, 'supervised-episodes');
  const accs = new Float64Array(budget.supervisedEpisodes);
  for (let e = 0; e < accs.length; e++) {
    const ep = drawEpisode(pool, way, shot, query, rng);
    const net = fitSupervised(channel0(data.test.set, ep.support.map((k) => all[k])), ep.supportY, way, { steps: budget.supervisedSteps, seed: seed + e });
    const pred = net.predict(channel0(data.test.set, ep.query.map((k) => all[k])));
    net.dispose();
    accs[e] = accuracy(ep.queryY, pred);
    await new Promise<void>((r) => setImmediate(r));
  }
  const m = accs.reduce((s, a) => s + a, 0) / accs.length;
  return {
    value: m, ci95: (1.96 * sd(accs)) / Math.sqrt(accs.length), episodes: accs.length, way, shot, query,
    protocol: `supervised-scratch-mlp-${way}way-${shot}shot`, split: `${data.split}; test split only, support and query from disjoint groups`,
    seed, higher_is_better: true,
    network: `z-scored raw window → Dense(L→64) → ReLU → Dense(64→${way}), Adam lr 3e-3, ${budget.supervisedSteps} full-batch steps on the ${way * shot} support windows`,
  };
}

/** Cross-load transfer: fit on `from` domain's training windows, test on `to` domain's test windows (fault classes only). */
export function crossLoad(feats: SplitFeatures, data: EvalData, from: string, to: string, seed: number, budget: EvalBudget, protocol: string, C = 1): MetricResult | string {
  const fi = data.prepared.domainNames.indexOf(from), ti = data.prepared.domainNames.indexOf(to);
  if (fi < 0 || ti < 0) return `not available: domains ${data.prepared.domainNames.join(', ')} lack ${fi < 0 ? from : to}`;
  const normal = data.label4Names.indexOf('normal');
  const tr = rowsOf(data.train, (i) => data.train.set.domain[i] === fi && data.train.label4[i] !== normal);
  const te = rowsOf(data.test, (i) => data.test.set.domain[i] === ti && data.test.label4[i] !== normal);
  const trClasses = new Set(tr.map((i) => data.train.label10[i]));
  const teRows = te.filter((i) => trClasses.has(data.test.label10[i]));
  if (tr.length === 0 || teRows.length === 0) return `not available: no shared fault classes between ${from} and ${to}`;
  const r = linearProbe(feats, data, 'label10', protocol, seed, budget, { train: tr, test: teRows }, C);
  return { ...r, from, to, split: `fit on ${from} train split, test on ${to} test split (${data.split})` };
}

/**
 * One-class score against a healthy reference: mean distance to the k nearest reference
 * rows, every column standardised by the reference's own statistics (no faulty window and
 * no test window informs the model).
 */
export function healthyReferenceKnn(reference: Matrix, test: Matrix, k = 5): Float64Array {
  const stats = columnStats(reference);
  for (let j = 0; j < stats.std.length; j++) if (!(stats.std[j] > 1e-12)) stats.std[j] = 1;
  return knnAnomalyScore(standardizeWith(reference, stats), standardizeWith(test, stats), { k });
}

/** kNN distance to normal training windows' features (standardised by them): AUROC normal (0) vs faulty (1) on the test split. */
export function knnAnomaly(feats: SplitFeatures, data: EvalData, seed: number, protocol: string): MetricResult | string {
  const normal = data.label4Names.indexOf('normal');
  if (normal < 0) return 'not available: no class named "normal"';
  const nTr = rowsOf(data.train, (i) => data.train.label4[i] === normal);
  if (nTr.length < 6) return `not available: ${nTr.length} normal training windows`;
  const scores = healthyReferenceKnn(takeRows(feats.train, nTr), feats.test, 5);
  const y = Array.from(data.test.label4, (l) => (l === normal ? 0 : 1));
  return {
    value: auroc(y, scores), protocol, split: `${data.split}; fitted on normal training windows only`, seed, higher_is_better: true,
    k: 5, n_normal_train: nTr.length, n_test: y.length, n_faulty_test: y.filter((v) => v === 1).length,
  };
}

export function rowsOf(s: EvalSplit, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.set.n; i++) if (pred(i)) out.push(i);
  return out;
}

function sd(a: ArrayLike<number>): number {
  if (a.length < 2) return 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
}
