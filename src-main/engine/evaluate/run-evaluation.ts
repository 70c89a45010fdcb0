/**
 * The evaluation job inside the engine process, top to bottom: load the checkpoint →
 * rebuild the model (EMA weights when the checkpoint has them) → windows under a segment
 * split → frozen features → downstream protocols → the same on a random-init twin and a
 * supervised-from-scratch baseline → anomaly scores → generation quality with controls.
 * Each section leaves as one `evaluation` event; the host assembles and stores the report.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo } from '../backend/select-backend.js';
import { loadCheckpoint, restoreModel } from '../checkpoint/checkpoint.js';
import { auroc, takeRows, type Matrix } from '../metrics/index.js';
import { anomalyScores, type AnomalyScores } from '../flow/anomaly-score.js';
import { loadEmaWeights } from '../flow/ema-checkpoint.js';
import { FlowModel } from '../flow/flow-model.js';
import type { ConditionIds } from '../flow/condition-encoder.js';
import type { SamplerName } from '../flow/samplers.js';
import { nativeSamplerFor } from '../native/native-sampling.js';
import { DataError } from '../../data/index.js';
import type { EvaluateRequest, FinishedEvent } from '../protocol/index.js';
import { stamp, type Emit } from '../train/events.js';
import { loadEvalData, runSelection, type EvalData } from './eval-data.js';
import { crossLoad, fewShot, healthyReferenceKnn, knnAnomaly, linearProbe, rowsOf, supervisedFewShot, type SplitFeatures } from './downstream.js';
import { encodeWindows, readoutsOf, type Readout } from './features.js';
import { PROBE_CS, normalizeFeatures, safeStats, selectC, selectFewShotReadout, type CvResult, type FeatureNorm, type FewShotChoice } from './readout.js';
import { generationQuality } from './generation.js';
import { LOG_PSD_NOTE, logPsdFeatures } from './spectral-baseline.js';
import { evaluationFigureTables } from './figure-data.js';
import { episodeShape, type EpisodeShape } from './episode-shape.js';
import { evalBudget, type EvalBudget } from './eval-budgets.js';
import type { MetricResult, ResultTree } from '../protocol/evaluation.js';

export interface EvaluateOptions {
  backend?: BackendInfo;
}

/** The episode shape each split supports (episode-shape.ts): way, shot, query and the classes that fit. */
const testShape = (data: EvalData): EpisodeShape => episodeShape(data.test.label4, data.test.group, data.label4Names);
const trainShape = (data: EvalData): EpisodeShape => episodeShape(data.train.label4, data.train.group, data.label4Names);

/** Few-shot accuracy on the test rows of the shape's classes, or why it was skipped; `adapted` says what changed. */
function shapedFewShot(test: Matrix, data: EvalData, seed: number, episodes: number): MetricResult | string {
  const shape = testShape(data);
  if ('skipped' in shape) return shape.skipped;
  const rows = rowsOf(data.test, (i) => shape.classes.includes(data.test.label4[i]));
  return { ...fewShot(test, data, seed, episodes, shape.way, shape.shot, shape.query, rows), adapted: shape.adapted };
}

/** Two or more classes among the training rows' labels (a probe needs them). */
function probeSkip(data: EvalData): string | null {
  const k = new Set(data.train.label10).size;
  return k >= 2 ? null : `skipped: the training split holds ${k} class${k === 1 ? '' : 'es'}; a probe needs 2`;
}

export async function runEvaluation(req: EvaluateRequest, emit: Emit, options: EvaluateOptions = {}): Promise<FinishedEvent> {
  const t0 = performance.now();
  if (!options.backend) await initBackend();
  const budget = evalBudget(req.scale, req.budget ?? {});
  const seed = req.seed;
  const ckpt = await loadCheckpoint(req.checkpoint_path);
  const { meta } = ckpt;
  const model = restoreModel(ckpt);
  const ema = loadEmaWeights(model, ckpt.arrays);
  // The random-init twin: same architecture and shape, a fresh seed, never trained.
  const twin = new FlowModel(meta.config.model, meta.model_shape, meta.config.environment.seed + 7919);
  const section = (name: string, results: ResultTree, started: number) =>
    emit(stamp(req.run_id, meta.step, { event: 'evaluation', section: name, results, seconds: (performance.now() - started) / 1000 }));
  try {
    let t = performance.now();
    const dataSpec = req.data_path ? { ...meta.config.data, source: 'files' as const, path: req.data_path } : meta.config.data;
    const data = await loadEvalData(dataSpec, { cwd: req.cwd, seed: meta.config.environment.seed, maxWindowsPerFile: budget.maxWindowsPerFile, readRpm: req.sections.includes('generation'), select: runSelection(meta.config, req.data_path) });
    if (data.test.set.n === 0) {
      const longest = Math.max(...data.prepared.files.map((f) => f.samples));
      throw new DataError(
        `evaluate: the test split has no windows: the held-out end of every recording (split ${data.split}; the longest recording has ${longest} samples) ` +
          `is shorter than one ${dataSpec.window_length}-sample window; evaluate on longer recordings (--data) or train with a shorter data.window_length`,
        { key: 'data.window_length', value: dataSpec.window_length },
      );
    }
    section('setup', {
      checkpoint: req.checkpoint_path, step: meta.step, weights: ema ? 'ema' : 'live', scale: req.scale,
      velocity_net: meta.config.model.velocity_net, feature_dim: model.featureDim, feature_t: req.feature_t ?? 1,
      split: data.split, windows: { train: data.train.set.n, test: data.test.set.n },
      classes_4: data.label4Names, classes_10: data.label10Names, domains: data.prepared.domainNames,
      budget: budget as unknown as ResultTree,
      adapted: data.adapted,
    }, t);

    const readouts = readoutsOf(model);
    const featureT = req.feature_t ?? 1;
    const allFeats = await featureSets(model, data, readouts, featureT, seed);
    const twinAll = await featureSets(twin, data, readouts, featureT, seed);
    const feats = allFeats.mean, twinFeats = twinAll.mean;
    // Readout choices from the training split only, made the same way for both encoders.
    const needProbe = req.sections.some((s) => s === 'linear_probe' || s === 'cross_condition' || s === 'baselines');
    const needFew = req.sections.some((s) => s === 'few_shot' || s === 'baselines');
    t = performance.now();
    const plan = readoutPlan(allFeats, data, seed, budget, needProbe, needFew);
    const twinPlan = req.sections.includes('baselines') ? readoutPlan(twinAll, data, seed, budget, needProbe, needFew) : null;
    section('readout', { pretrained: planTree(plan), ...(twinPlan ? { random_init: planTree(twinPlan) } : {}) }, t);
    if (req.sections.includes('linear_probe')) {
      t = performance.now();
      section('linear_probe', probes(allFeats, plan, data, seed, budget), t);
    }
    if (req.sections.includes('few_shot')) {
      t = performance.now();
      section('few_shot', fewShots(allFeats, plan, data, seed, budget), t);
    }
    if (req.sections.includes('cross_condition')) {
      t = performance.now();
      section('cross_condition', crossTree(allFeats, plan, data, seed, budget), t);
    }
    if (req.sections.includes('baselines')) {
      t = performance.now();
      const randomInit: ResultTree = {
        note: 'same architecture and shapes as the pretrained model, initialised from a different seed, never trained',
        readout: planTree(twinPlan!),
        linear_probe: probes(twinAll, twinPlan!, data, seed, budget),
        few_shot: fewShots(twinAll, twinPlan!, data, seed, budget),
        cross_condition: crossTree(twinAll, twinPlan!, data, seed, budget),
        anomaly: { auroc_knn: knnAnomaly(twinFeats, data, seed, 'anomaly-knn-encoder-features') as ResultTree[string] },
      };
      const shape = testShape(data);
      const supervised = {
        few_shot: {
          accuracy: 'skipped' in shape
            ? shape.skipped
            : { ...(await supervisedFewShot(data, seed, budget, shape.way, shape.shot, shape.query, rowsOf(data.test, (i) => shape.classes.includes(data.test.label4[i])))), adapted: shape.adapted },
        },
      };
      const psd = logPsdFeatures(data.train.set, data.test.set);
      const logPsd: ResultTree = {
        note: LOG_PSD_NOTE,
        linear_probe: { accuracy: (probeSkip(data) ?? linearProbe(psd, data, 'label10', `linear-probe-${data.label10Names.length}class-segment-log-psd`, seed, budget)) as ResultTree[string] },
        few_shot: {
          accuracy: (() => {
            const r = shapedFewShot(normalizeFeatures(psd.test, 'zscore', safeStats(psd.train)), data, seed, budget.episodes);
            return (typeof r === 'string' ? r : { ...r, norm: 'zscore', norm_statistics: 'training-split columns' }) as ResultTree[string];
          })(),
        },
      };
      section('baselines', { random_init: randomInit, supervised, log_psd: logPsd }, t);
    }
    if (req.sections.includes('anomaly')) {
      t = performance.now();
      section('anomaly', await anomaly(model, twin, feats, data, seed, budget), t);
    }
    if (req.sections.includes('generation')) {
      t = performance.now();
      const g = await generationQuality(model, data, seed, budget, req.guidance_scale);
      section('generation', g.tree, t);
      emit(stamp(req.run_id, meta.step, { event: 'evaluation', section: 'figures', results: { tables: g.figures as unknown as ResultTree[string] }, seconds: 0 }));
    }
    // The evaluation figure's data (latent PCA, real vs generated spectra): see figure-data.ts.
    emit(stamp(req.run_id, meta.step, { event: 'evaluation', section: 'figures', results: { tables: evaluationFigureTables(model, data, feats.test, seed) as unknown as ResultTree[string] }, seconds: 0 }));
    const finished = stamp(req.run_id, meta.step, { event: 'finished', status: 'completed', seconds: (performance.now() - t0) / 1000 }) as FinishedEvent;
    emit(finished);
    return finished;
  } finally {
    model.dispose();
    twin.dispose();
  }
}

type FeatureSets = Partial<Record<Readout, SplitFeatures>> & { mean: SplitFeatures };

/** Every readout of both splits at flow time t (train and test windows noised from their own seeds). */
async function featureSets(model: FlowModel, data: EvalData, readouts: Readout[], t: number, seed: number): Promise<FeatureSets> {
  const out: Partial<Record<Readout, SplitFeatures>> = {};
  for (const r of readouts) {
    out[r] = {
      train: await encodeWindows(model, data.train.set, undefined, r, { t, seed: seed * 2 }),
      test: await encodeWindows(model, data.test.set, undefined, r, { t, seed: seed * 2 + 1 }),
    };
  }
  return out as FeatureSets;
}

/** What the training split decided: the probe's readout and C, the few-shot readout and normalisation. */
export interface ReadoutPlan {
  probe: { readout: Readout; C: number; cv: { readout: Readout; cv: CvResult }[] } | null;
  fewShot: FewShotChoice<Readout> | null;
}

/**
 * Probe: every (readout, C) by group k-fold CV of the 10-class probe on training rows;
 * the best is used for the 10-class, 4-class and cross-load probes. Few-shot: every
 * (readout, normalisation) by prototypical episodes on the training split.
 */
export function readoutPlan(all: FeatureSets, data: EvalData, seed: number, budget: EvalBudget, probe = true, few = true): ReadoutPlan {
  const readouts = Object.keys(all) as Readout[];
  let p: ReadoutPlan['probe'] = null;
  if (probe && probeSkip(data) === null) {
    const cv = readouts.map((r) => ({ readout: r, cv: selectC(all[r]!.train, data.train.label10, data.train.group, PROBE_CS, budget.cvFolds, budget.cvIter) }));
    let best = cv[0];
    const score = (x: typeof best) => x.cv.scores.find((s) => s.C === x.cv.C)!.cv_accuracy;
    for (const c of cv) if (score(c) > score(best) + 1e-12) best = c;
    p = { readout: best.readout, C: best.cv.C, cv };
  }
  let f: ReadoutPlan['fewShot'] = null;
  const shape = trainShape(data);
  if (few && !('skipped' in shape)) {
    const rows = rowsOf(data.train, (i) => shape.classes.includes(data.train.label4[i]));
    const train = Object.fromEntries(readouts.map((r) => [r, takeRows(all[r]!.train, rows)])) as Record<Readout, SplitFeatures['train']>;
    f = selectFewShotReadout(train, Int32Array.from(rows, (i) => data.train.label4[i]), Int32Array.from(rows, (i) => data.train.group[i]), {
      way: shape.way, shot: shape.shot, query: shape.query, episodes: budget.episodes, seed: seed + 1,
    });
  }
  return { probe: p, fewShot: f };
}

function planTree(plan: ReadoutPlan): ResultTree {
  return {
    chosen_on: 'training split only (group k-fold CV for the probe, training-split episodes for few-shot)',
    probe: plan.probe ? { readout: plan.probe.readout, C: plan.probe.C, cv: plan.probe.cv.map((c) => ({ readout: c.readout, folds: c.cv.folds, scores: c.cv.scores })) } : null,
    few_shot: plan.fewShot ? { readout: plan.fewShot.readout, norm: plan.fewShot.norm, candidates: plan.fewShot.candidates } : null,
  } as ResultTree;
}

function probes(all: FeatureSets, plan: ReadoutPlan, data: EvalData, seed: number, budget: EvalBudget): ResultTree {
  if (!plan.probe) return { accuracy: probeSkip(data) ?? 'skipped' };
  const { readout, C } = plan.probe;
  const f = all[readout]!;
  const tag = (r: MetricResult) => ({ ...r, readout, C_selection: `group ${budget.cvFolds}-fold CV on the training split over C ∈ {${PROBE_CS.join(', ')}}` });
  return {
    accuracy: tag(linearProbe(f, data, 'label10', `linear-probe-${data.label10Names.length}class-segment`, seed, budget, {}, C)),
    accuracy_4class: tag(linearProbe(f, data, 'label4', `linear-probe-${data.label4Names.length}class-segment`, seed, budget, {}, C)),
    // The earlier fixed protocol (mean readout, C = 1), for comparison; not selected on anything.
    accuracy_fixed_readout: { ...linearProbe(all.mean, data, 'label10', `linear-probe-${data.label10Names.length}class-segment-mean-C1`, seed, budget), readout: 'mean' },
  };
}

function fewShots(all: FeatureSets, plan: ReadoutPlan, data: EvalData, seed: number, budget: EvalBudget): ResultTree {
  if (!plan.fewShot) {
    const shape = trainShape(data);
    return { accuracy: 'skipped' in shape ? `${shape.skipped} (training split, where the readout is chosen)` : 'skipped' };
  }
  const { readout, norm } = plan.fewShot;
  const f = all[readout]!;
  const test = normalizeFeatures(f.test, norm as FeatureNorm, safeStats(f.train), f.train);
  const chosen = shapedFewShot(test, data, seed, budget.episodes);
  const fixed = shapedFewShot(all.mean.test, data, seed, budget.episodes);
  return {
    accuracy: (typeof chosen === 'string' ? chosen : { ...chosen, readout, norm, norm_statistics: 'training-split columns' }) as ResultTree[string],
    accuracy_fixed_readout: (typeof fixed === 'string' ? fixed : { ...fixed, protocol: `${fixed.protocol}-mean-raw`, readout: 'mean', norm: 'raw' }) as ResultTree[string],
  };
}

/**
 * Cross-condition transfer: CWRU's 0 HP → 1 HP when both loads are there, else the first two
 * domains (sorted) that hold test windows; one domain: skipped with the reason.
 */
function crossTree(all: FeatureSets, plan: ReadoutPlan, data: EvalData, seed: number, budget: EvalBudget): ResultTree {
  const names = data.prepared.domainNames;
  const held = [...new Set(data.test.set.domain)].sort((a, b) => a - b).map((d) => names[d]);
  if (held.length < 2) return { accuracy: `skipped: one domain (${held.join(', ') || 'none'}); cross-condition needs two` };
  if (!plan.probe) return { accuracy: probeSkip(data) ?? 'skipped' };
  const { readout, C } = plan.probe;
  const cwru = held.includes('load_0HP') && held.includes('load_1HP');
  const [from, to] = cwru ? ['load_0HP', 'load_1HP'] : [held[0], held[1]];
  const protocol = cwru ? 'cross-load-linear-probe-0hp-to-1hp-9fault' : `cross-condition-linear-probe-${from}-to-${to}`;
  const r = crossLoad(all[readout]!, data, from, to, seed, budget, protocol, C);
  return { accuracy: (typeof r === 'string' ? r : { ...r, readout }) as ResultTree[string] };
}

/** Up to `perFile` evenly spaced rows per recording among `rows` (all when null), ascending. */
function spreadByFile(set: EvalData['test']['set'], rows: number[], perFile: number | null): number[] {
  const byFile = new Map<number, number[]>();
  for (const i of rows) {
    const list = byFile.get(set.file[i]);
    if (list) list.push(i);
    else byFile.set(set.file[i], [i]);
  }
  const out: number[] = [];
  for (const r of byFile.values()) {
    const k = perFile === null ? r.length : Math.min(perFile, r.length);
    for (let j = 0; j < k; j++) out.push(r[Math.floor((j * r.length) / k)]);
  }
  return out.sort((a, b) => a - b);
}

function scoreRows(model: FlowModel, set: EvalData['test']['set'], rows: number[], seed: number, flowLossOnly: boolean): AnomalyScores {
  const size = set.length * set.channels;
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, k) => x.set(set.x.subarray(r * size, (r + 1) * size), k * size));
  const xt = tf.tensor3d(x, [rows.length, set.length, set.channels]);
  try {
    // Encode-to-noise on the native engine where it covers the model (native-coverage.ts), else tf.
    const native = flowLossOnly ? null : nativeSamplerFor(model);
    const encode = native ? (xb: Float32Array, ids: ConditionIds, method: SamplerName, steps: number) => Float32Array.from(native.integrate(xb, ids, method, steps, 1, 1, 0)) : undefined;
    return anomalyScores(model, xt, { seed, flowLossOnly, encode });
  } finally {
    xt.dispose();
  }
}

/** log of each per-t flow-loss term: [rows, K] (losses span decades across t). */
function logProfile(s: AnomalyScores): Matrix {
  return { data: Float64Array.from(s.flow_loss_profile, (v) => Math.log(Math.max(v, 1e-12))), n: s.flow_loss.length, d: s.draws };
}

/**
 * Flow anomaly scores, AUROC normal (0) vs faulty (1) on the test split: the flow-loss profile
 * against a healthy reference (primary: kNN in the log per-t profile space of normal training
 * windows, the one-class setting of condition monitoring; faulty labels are never used), the
 * same profile score of the random-init twin as a control, the per-window flow loss, the
 * encode-to-noise latent radius, and the kNN score on encoder features.
 */
async function anomaly(model: FlowModel, twin: FlowModel, feats: SplitFeatures, data: EvalData, seed: number, budget: EvalBudget): Promise<ResultTree> {
  const normal = data.label4Names.indexOf('normal');
  const out: ResultTree = { auroc_knn: knnAnomaly(feats, data, seed, 'anomaly-knn-encoder-features') as ResultTree[string] };
  if (normal < 0) return { ...out, auroc: 'not available: no class named "normal"' };
  const set = data.test.set;
  const rows = spreadByFile(set, rowsOf(data.test, () => true), budget.flowAnomalyPerFile);
  const y = rows.map((r) => (data.test.label4[r] === normal ? 0 : 1));
  const nFaulty = y.filter((v) => v === 1).length;
  if (nFaulty === 0 || nFaulty === y.length) return { ...out, auroc: 'not available: the test split lacks normal or faulty windows' };
  const scores = scoreRows(model, set, rows, seed, false);
  const split = `${data.split}; test split, ${rows.length} windows (≤ ${budget.flowAnomalyPerFile ?? 'all'} per recording); no labels used`;
  const leaf = (name: string, s: ArrayLike<number>, what: string, extra: Record<string, unknown> = {}): MetricResult => ({
    value: auroc(y, s), protocol: `anomaly-flow-${name}`, split, seed, higher_is_better: true, what,
    n_normal: y.length - nFaulty, n_faulty: nFaulty, sampler: `${model.spec.sampler} ${model.spec.sample_steps} steps`, ...extra,
  });
  const fl = leaf('flow-loss', scores.flow_loss, `per-window flow-matching loss over ${scores.draws} fixed (t, ε) draws (higher = more anomalous)`);
  const tree: ResultTree = {
    auroc_flow_loss: fl,
    auroc_latent: leaf('latent', scores.latent, '|‖z‖²/D − 1| of the encode-to-noise latent'),
    auroc_latent_norm: leaf('latent-norm', scores.latent_norm, '‖z‖₂ (the reference score)'),
  };
  const trainSet = data.train.set;
  const refRows = spreadByFile(trainSet, rowsOf(data.train, (i) => data.train.label4[i] === normal), budget.flowReferencePerFile);
  if (refRows.length >= 6) {
    const profileScore = (m: FlowModel, test: AnomalyScores): Float64Array =>
      healthyReferenceKnn(logProfile(scoreRows(m, trainSet, refRows, seed, true)), logProfile(test), 5);
    const twinValue = auroc(y, profileScore(twin, scoreRows(twin, set, rows, seed, true)));
    tree.auroc_flow_profile_knn = leaf('loss-profile-knn', profileScore(model, scores),
      `mean distance to the 5 nearest healthy-reference windows in the log per-t flow-loss profile (${scores.draws} t values), standardised by the reference`,
      { n_reference_normal: refRows.length, reference: 'normal windows of the training split only', random_init_value: twinValue });
  } else {
    tree.auroc_flow_profile_knn = `not available: ${refRows.length} normal training windows (need 6)`;
  }
  // Primary: the healthy-reference profile score. The raw flow loss was declared primary first
  // and measured inverted on CWRU (0.005): healthy vibration, standardised, is the least
  // predictable signal, so "hard for the flow" does not mean "faulty" (docs/EVALUATION.md).
  const primary = typeof tree.auroc_flow_profile_knn === 'string' ? fl : tree.auroc_flow_profile_knn;
  return { auroc: primary, ...tree, ...out };
}
