import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSpec } from '../../../../src-main/config/schema.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import type { EngineEvent, EpochEvent, StepEvent } from '../../../../src-main/engine/protocol/index.js';
import { EarlyStopping } from '../../../../src-main/engine/train/early-stopping.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { learningRate } from '../../../../src-main/engine/train/schedules.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

async function train(spec: RunSpec) {
  const events: EngineEvent[] = [];
  const finished = await runTraining(trainRequest(spec, tempDir('objective')), (e) => events.push(e), { stopRequested: false }, { data: sineData(48) });
  const of = <K extends EngineEvent['event']>(k: K) => events.filter((e) => e.event === k) as Extract<EngineEvent, { event: K }>[];
  return { events, finished, of };
}

const joint = (task: Record<string, unknown> = {}, trainer: Record<string, unknown> = {}) =>
  tinySpec({ task: { use_contrastive: true, projection_dim: 8, projection_hidden_dim: 16, batch_size: 8, ...task }, trainer: { steps_per_epoch: 3, ...trainer } });

describe('early stopping', () => {
  it('stops after `patience` checks without an improvement larger than min_delta', () => {
    const es = new EarlyStopping(2, 0.1);
    expect(es.update(1.0, 1)).toMatchObject({ improved: true, stop: false });
    expect(es.update(0.95, 2)).toMatchObject({ improved: false, stop: false, bad: 1 }); // not by > 0.1
    expect(es.update(0.8, 3)).toMatchObject({ improved: true, stop: false, bad: 0, best: 0.8 });
    expect(es.update(Number.NaN, 4)).toMatchObject({ improved: false, bad: 1 });
    expect(es.update(0.79, 5)).toMatchObject({ improved: false, stop: true, bad: 2 });
    expect(es.bestStep).toBe(3);
    const again = new EarlyStopping(2, 0.1);
    again.setState(es.getState());
    expect(again.update(0.5, 6)).toMatchObject({ improved: true, bad: 0 });
  });

  it('in the loop: a run whose monitor cannot improve ends after 1 + patience validations, completed, with the reason', async () => {
    const run = await train(joint({ epochs: 10, early_stopping: true, es_patience: 2, es_min_delta: 1e6, monitor: 'val_total_loss' }));
    const epochs = run.of('epoch') as EpochEvent[];
    expect(epochs).toHaveLength(3);
    expect(epochs.map((e) => e.es_bad_checks)).toEqual([0, 1, 2]);
    expect(run.finished.status).toBe('completed');
    expect(run.finished.reason).toMatch(/early stopping: val_total_loss .* 2 validation checks/);
    expect(epochs[0].val_total_loss).toBeGreaterThan(0);
  });
});

describe('validation every N steps', () => {
  it('puts val_flow_loss / val_contrastive_loss / val_total_loss on every Nth step event', async () => {
    const run = await train(joint({ epochs: 2 }, { val_every_n_steps: 2, log_every_n_steps: 5 }));
    const steps = run.of('step') as StepEvent[];
    const withVal = steps.filter((s) => s.val_flow_loss !== undefined).map((s) => s.step);
    expect(withVal).toEqual([2, 4, 6]);
    for (const s of steps.filter((x) => x.val_flow_loss !== undefined)) {
      expect(s.val_contrastive_loss).toBeGreaterThan(0);
      expect(Number.isFinite(s.val_total_loss)).toBe(true);
    }
    // the epoch event reports the latest validation (step 2 is inside epoch 1, step 6 ends epoch 2)
    const epochs = run.of('epoch') as EpochEvent[];
    expect(epochs[1].val_flow_loss).toBe(steps.find((s) => s.step === 6)!.val_flow_loss);
  });
});

describe('the joint objective in the loop', () => {
  it('logs every component and weight per step; same seed ⇒ identical losses (gradnorm), no leaks', async () => {
    const tensors = tf.memory().numTensors;
    const spec = joint({ epochs: 2, balancing: 'gradnorm' });
    const a = await train(spec);
    const b = await train(spec);
    expect(tf.memory().numTensors).toBe(tensors);
    const sa = a.of('step') as StepEvent[];
    const sb = b.of('step') as StepEvent[];
    expect(sa.length).toBeGreaterThan(0);
    for (const k of ['flow_loss', 'contrastive_loss', 'total_loss', 'flow_weight', 'contrastive_weight', 'gradnorm_norm_flow', 'gradnorm_target_contrastive', 'lr', 'grad_norm', 'steps_per_s', 'num_tensors', 'rss_mb'] as const) {
      expect(Number.isFinite(sa[0][k]), k).toBe(true);
    }
    expect(sa.map((s) => [s.flow_loss, s.contrastive_loss, s.flow_weight])).toEqual(sb.map((s) => [s.flow_loss, s.contrastive_loss, s.flow_weight]));
    expect(sa[0].flow_weight + sa[0].contrastive_weight).toBeCloseTo(2, 9);
    expect(a.events.some((e) => e.event === 'log' && /GradNorm shared layer: vel.fc1.w_signal/.test(e.message))).toBe(true);
  });

  it('uncertainty: log-variances on each step and weights = exp(−s)', async () => {
    const run = await train(joint({ epochs: 1, balancing: 'uncertainty' }));
    const s = (run.of('step') as StepEvent[])[0];
    expect(s.flow_weight).toBeCloseTo(Math.exp(-s.log_var_flow!), 6);
    expect(s.contrastive_weight).toBeCloseTo(Math.exp(-s.log_var_contrastive!), 6);
    expect(s.log_var_flow).not.toBe(0); // the optimiser moved them
  });
});

describe('schedules', () => {
  it('constant, cosine and warmup_cosine at hand-computed points', () => {
    const base = { lr: 1, totalSteps: 10, warmupSteps: 0 };
    expect(learningRate({ ...base, kind: 'constant' }, 7)).toBe(1);
    expect(learningRate({ ...base, kind: 'cosine' }, 0)).toBe(1);
    expect(learningRate({ ...base, kind: 'cosine' }, 5)).toBeCloseTo(0.5, 12);
    const w = { ...base, kind: 'warmup_cosine' as const, warmupSteps: 4 };
    expect([0, 1, 2, 3].map((s) => learningRate(w, s))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRate(w, 4)).toBe(1);
    expect(learningRate(w, 7)).toBeCloseTo(0.5, 12); // halfway through the 6 cosine steps
  });
});
