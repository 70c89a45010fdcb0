/**
 * The evaluation job inside the engine process, top to bottom: load the checkpoint →
 * rebuild the model (EMA weights when the checkpoint has them) → windows under a segment
 * split → frozen features → downstream protocols → the same on a random-init twin and a
 * supervised-from-scratch baseline → anomaly scores → generation quality with controls.
 * Each section leaves as one `evaluation` event; the host assembles and stores the report.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo } from '../backend.js';
import { loadCheckpoint, restoreModel } from '../checkpoint/checkpoint.js';
import { auroc } from '../eval/index.js';
import { anomalyScores } from '../flow/anomaly-score.js';
import { loadEmaWeights } from '../flow/ema-checkpoint.js';
import { FlowModel } from '../flow/flow-model.js';
import type { EvaluateRequest, FinishedEvent } from '../protocol.js';
import { stamp, type Emit } from '../train/events.js';
import { loadEvalData, type EvalData } from './eval-data.js';
import { crossLoad, fewShot, knnAnomaly, linearProbe, supervisedFewShot, type SplitFeatures } from './downstream.js';
import { encodeWindows } from './features.js';
import { generationQuality } from './generation.js';
import { evalBudget, type EvalBudget } from './scales.js';
import type { MetricResult, ResultTree } from './types.js';

export interface EvaluateOptions {
  backend?: BackendInfo;
}

const WAY = 4, SHOT = 5, QUERY = 15;

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
    const data = await loadEvalData(dataSpec, { cwd: req.cwd, seed: meta.config.environment.seed, maxWindowsPerFile: budget.maxWindowsPerFile, readRpm: req.sections.includes('generation') });
    if (data.test.set.n === 0) throw new Error('evaluate: the test split has no windows (recordings too short for the window length?)');
    section('setup', {
      checkpoint: req.checkpoint_path, step: meta.step, weights: ema ? 'ema' : 'live', scale: req.scale,
      velocity_net: meta.config.model.velocity_net, feature_dim: model.featureDim,
      split: data.split, windows: { train: data.train.set.n, test: data.test.set.n },
      classes_4: data.label4Names, classes_10: data.label10Names, domains: data.prepared.domainNames,
      budget: budget as unknown as ResultTree,
    }, t);

    const feats = await features(model, data);
    const twinFeats = await features(twin, data);
    if (req.sections.includes('linear_probe')) {
      t = performance.now();
      section('linear_probe', probes(feats, data, seed, budget), t);
    }
    if (req.sections.includes('few_shot')) {
      t = performance.now();
      section('few_shot', { accuracy: fewShot(feats.test, data, seed, budget.episodes, WAY, SHOT, QUERY) }, t);
    }
    if (req.sections.includes('cross_condition')) {
      t = performance.now();
      section('cross_condition', {
        accuracy: crossLoad(feats, data, 'load_0HP', 'load_1HP', seed, budget, 'cross-load-linear-probe-0hp-to-1hp-9fault') as ResultTree[string],
      }, t);
    }
    if (req.sections.includes('baselines')) {
      t = performance.now();
      const randomInit: ResultTree = {
        note: 'same architecture and shapes as the pretrained model, initialised from a different seed, never trained',
        linear_probe: probes(twinFeats, data, seed, budget),
        few_shot: { accuracy: fewShot(twinFeats.test, data, seed, budget.episodes, WAY, SHOT, QUERY) },
        cross_condition: { accuracy: crossLoad(twinFeats, data, 'load_0HP', 'load_1HP', seed, budget, 'cross-load-linear-probe-0hp-to-1hp-9fault') as ResultTree[string] },
        anomaly: { auroc_knn: knnAnomaly(twinFeats, data, seed, 'anomaly-knn-encoder-features') as ResultTree[string] },
      };
      const supervised = { few_shot: { accuracy: await supervisedFewShot(data, seed, budget, WAY, SHOT, QUERY) } };
      section('baselines', { random_init: randomInit, supervised }, t);
    }
    if (req.sections.includes('anomaly')) {
      t = performance.now();
      section('anomaly', await anomaly(model, feats, data, seed, budget), t);
    }
    if (req.sections.includes('generation')) {
      t = performance.now();
      const g = await generationQuality(model, data, seed, budget);
      section('generation', g.tree, t);
      emit(stamp(req.run_id, meta.step, { event: 'evaluation', section: 'figures', results: { tables: g.figures as unknown as ResultTree[string] }, seconds: 0 }));
    }
    const finished = stamp(req.run_id, meta.step, { event: 'finished', status: 'completed', seconds: (performance.now() - t0) / 1000 }) as FinishedEvent;
    emit(finished);
    return finished;
  } finally {
    model.dispose();
    twin.dispose();
  }
}

async function features(model: FlowModel, data: EvalData): Promise<SplitFeatures> {
  return { train: await encodeWindows(model, data.train.set), test: await encodeWindows(model, data.test.set) };
}

function probes(f: SplitFeatures, data: EvalData, seed: number, budget: EvalBudget): ResultTree {
  return {
    accuracy: linearProbe(f, data, 'label10', `linear-probe-${data.label10Names.length}class-segment`, seed, budget),
    accuracy_4class: linearProbe(f, data, 'label4', `linear-probe-${data.label4Names.length}class-segment`, seed, budget),
  };
}

/** Flow anomaly scores (latent radius, per-window flow loss) and the kNN feature score, AUROC normal vs faulty. */
async function anomaly(model: FlowModel, feats: SplitFeatures, data: EvalData, seed: number, budget: EvalBudget): Promise<ResultTree> {
  const normal = data.label4Names.indexOf('normal');
  const out: ResultTree = { auroc_knn: knnAnomaly(feats, data, seed, 'anomaly-knn-encoder-features') as ResultTree[string] };
  if (normal < 0) return { ...out, auroc: 'not available: no class named "normal"' };
  const set = data.test.set;
  // Up to flowAnomalyPerFile evenly spaced test windows per recording.
  const perFile = new Map<number, number[]>();
  for (let i = 0; i < set.n; i++) perFile.set(set.file[i], [...(perFile.get(set.file[i]) ?? []), i]);
  const rows: number[] = [];
  for (const r of perFile.values()) {
    const k = budget.flowAnomalyPerFile === null ? r.length : Math.min(budget.flowAnomalyPerFile, r.length);
    for (let j = 0; j < k; j++) rows.push(r[Math.floor((j * r.length) / k)]);
  }
  rows.sort((a, b) => a - b);
  const size = set.length * set.channels;
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, k) => x.set(set.x.subarray(r * size, (r + 1) * size), k * size));
  const xt = tf.tensor3d(x, [rows.length, set.length, set.channels]);
  let scores;
  try {
    scores = anomalyScores(model, xt, { seed });
  } finally {
    xt.dispose();
  }
  const y = rows.map((r) => (data.test.label4[r] === normal ? 0 : 1));
  const nFaulty = y.filter((v) => v === 1).length;
  if (nFaulty === 0 || nFaulty === y.length) return { ...out, auroc: 'not available: the test split lacks normal or faulty windows' };
  const split = `${data.split}; test split, ${rows.length} windows (≤ ${budget.flowAnomalyPerFile ?? 'all'} per recording); no labels used`;
  const leaf = (name: string, s: Float32Array, what: string): MetricResult => ({
    value: auroc(y, s), protocol: `anomaly-flow-${name}`, split, seed, higher_is_better: true, what,
    n_normal: y.length - nFaulty, n_faulty: nFaulty, sampler: `${model.spec.sampler} ${model.spec.sample_steps} steps`,
  });
  const fl = leaf('flow-loss', scores.flow_loss, 'per-window flow-matching loss over 8 fixed (t, ε) draws (primary score)');
  return {
    auroc: fl,
    auroc_flow_loss: fl,
    auroc_latent: leaf('latent', scores.latent, '|‖z‖²/D − 1| of the encode-to-noise latent'),
    auroc_latent_norm: leaf('latent-norm', scores.latent_norm, '‖z‖₂ (the reference score)'),
    ...out,
  };
}
