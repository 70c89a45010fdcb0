import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSpec } from '../../../../src-main/config/schema.js';
import { makeViews } from '../../../../src-main/engine/contrastive/augmentations.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { FlowModel } from '../../../../src-main/engine/flow/flow-model.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { AdamW } from '../../../../src-main/engine/train/adamw.js';
import { gatherBatch, type Batch } from '../../../../src-main/engine/train/batches.js';
import { DivergenceError } from '../../../../src-main/engine/objective/divergence-error.js';
import { JointObjective, type StepDraws } from '../../../../src-main/engine/objective/joint-objective.js';
import { sineWindows, tinySpec } from '../fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const L = 64;
const set = sineWindows(16, L, 1, 5);

function build(task: Record<string, unknown>, model: Record<string, unknown> = {}): { spec: RunSpec; model: FlowModel; objective: JointObjective } {
  const spec = tinySpec({ task: { projection_dim: 8, projection_hidden_dim: 16, ...task }, model });
  const m = new FlowModel(spec.model, { length: L, channels: 1, domains: 2, datasets: 1, conditional: true }, spec.environment.seed);
  return { spec, model: m, objective: new JointObjective(m, spec.task, spec.environment.seed) };
}

const batchOf = (idx: number[]): Batch => gatherBatch(set, Int32Array.from(idx), 1e4);

/** Rows [a, b) of every per-window array of a batch or draw (x by row); n becomes b − a. */
function sliceRows<T extends object>(o: T, n: number, a: number, b: number): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v instanceof Float32Array || v instanceof Int32Array) {
      const per = v.length / n;
      out[k] = v.slice(a * per, b * per);
    } else out[k] = k === 'n' ? b - a : v;
  }
  return out as T;
}

function sliceDraws(d: StepDraws, n: number, a: number, b: number): StepDraws {
  return {
    flow: {
      t: d.flow.t.slice(a, b),
      noise: d.flow.noise.slice((a * d.flow.noise.length) / n, (b * d.flow.noise.length) / n),
      ids: sliceRows(d.flow.ids, n, a, b),
      train: d.flow.train && { conditionHiddenMask: d.flow.train.conditionHiddenMask && sliceRows({ m: d.flow.train.conditionHiddenMask }, n, a, b).m },
    },
    views: null,
  };
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('joint objective step', () => {
  for (const balancing of ['uncertainty', 'gradnorm', 'fixed'] as const) {
    it(`every parameter (velocity net, encoder, head${balancing === 'uncertainty' ? ', log-variances' : ''}) gets a non-zero gradient — ${balancing}`, async () => {
      const { model, objective } = build({ use_contrastive: true, balancing });
      const vars = objective.variables();
      // The optimiser is built over exactly these; the head and balancing variables are in it.
      const opt = new AdamW(vars, { kind: 'adamw', weightDecay: 0 });
      expect(vars.length).toBe(model.params.list().length + objective.params.list().length + (balancing === 'uncertainty' ? 2 : 0));
      expect(objective.params.list().map((p) => p.name)).toContain('proj.fc2.w');
      const batch = batchOf([0, 1, 2, 3, 4, 5, 6, 7]);
      const before = tf.memory().numTensors;
      const r = await objective.step([{ batch, draws: objective.draw(batch, new Rng(1)) }], 'test');
      const names = [...model.params.list(), ...objective.params.list()].map((p) => p.name);
      if (balancing === 'uncertainty') names.push('log_var_flow', 'log_var_contrastive');
      const zero = r.grads.map((g, i) => [names[i], tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0])] as const).filter(([, m]) => !(m > 0));
      expect(zero).toEqual([]);
      expect(r.parts.contrastive).toBeGreaterThan(0);
      expect(Number.isFinite(r.parts.total)).toBe(true);
      if (balancing === 'gradnorm') {
        expect(r.sharedNorms!.flow).toBeGreaterThan(0);
        expect(r.sharedNorms!.contrastive).toBeGreaterThan(0);
        expect(objective.sharedLayer()).toBe('vel.fc1.w_signal');
        const w0 = objective.balancer.weights();
        await objective.afterStep(r);
        const w1 = objective.balancer.weights();
        expect(w1.flow).not.toBe(w0.flow); // GradNorm's own "gradient" moved its weights
        expect(w1.flow + w1.contrastive).toBeCloseTo(2, 9);
      }
      opt.apply(r.grads, 1e-3);
      tf.dispose(r.grads);
      expect(tf.memory().numTensors).toBe(before); // no tensor leaks across a step
      opt.dispose();
      objective.dispose();
      model.dispose();
    });
  }

  it('the encoder sees exactly aug(x) for each view, and the two views differ', async () => {
    const { spec, model, objective } = build({ use_contrastive: true });
    const seen: Float32Array[] = [];
    const real = model.encoderFeatures.bind(model);
    model.encoderFeatures = (x, opts) => {
      seen.push(Float32Array.from(x.dataSync()));
      return real(x, opts);
    };
    const batch = batchOf([0, 1, 2, 3]);
    const draws = objective.draw(batch, new Rng(3));
    expect(objective.draw(batch, new Rng(3)).views!.view1).toEqual(draws.views!.view1); // seeded
    const r = await objective.step([{ batch, draws }], 'test');
    tf.dispose(r.grads);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(draws.views!.view1);
    expect(seen[1]).toEqual(draws.views!.view2);
    expect(seen[0]).not.toEqual(seen[1]);
    expect(seen[0]).not.toEqual(batch.x);
    // and they are the augmentations of the clean windows, drawn right after the flow's draws
    const rng = new Rng(3);
    const flowOnly = build({ use_contrastive: false });
    flowOnly.objective.draw(batch, rng); // consumes exactly the flow draws
    const views = makeViews(batch.x, batch.n, L, 1, spec.task.augmentations, rng);
    expect(views.view1).toEqual(seen[0]);
    expect(views.view2).toEqual(seen[1]);
    flowOnly.objective.dispose();
    flowOnly.model.dispose();
    objective.dispose();
    model.dispose();
  });

  it('gradient accumulation: 2 micro-batches of B equal one batch of 2B on the same windows and draws', async () => {
    const { model, objective } = build({ use_contrastive: false, flow_loss_weight: 0.7 });
    const idx = [0, 1, 2, 3, 4, 5, 6, 7];
    const big = batchOf(idx);
    const draws = objective.draw(big, new Rng(9));
    const n = big.n;
    const one = await objective.step([{ batch: big, draws }], 'big');
    const two = await objective.step([
      { batch: sliceRows(big, n, 0, 4), draws: sliceDraws(draws, n, 0, 4) },
      { batch: sliceRows(big, n, 4, 8), draws: sliceDraws(draws, n, 4, 8) },
    ], 'micro');
    expect(two.parts.flow).toBeCloseTo(one.parts.flow, 5);
    expect(one.grads.length).toBe(two.grads.length);
    let worst = 0;
    let scale = 0;
    one.grads.forEach((g, i) => {
      worst = Math.max(worst, maxAbsDiff(g, two.grads[i]));
      scale = Math.max(scale, tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]));
    });
    expect(worst).toBeLessThan(1e-5 * Math.max(1, scale));
    // the 0.7 weight is applied: compare with an unweighted objective on the same draws
    const plain = build({ use_contrastive: false });
    const p = await plain.objective.step([{ batch: big, draws }], 'plain');
    expect(maxAbsDiff(tf.mul(p.grads[0], 0.7), one.grads[0])).toBeLessThan(1e-6);
    tf.dispose([one.grads, two.grads, p.grads]);
    plain.objective.dispose();
    plain.model.dispose();
    objective.dispose();
    model.dispose();
  });

  it('dit: the contrastive loss trains the transformer trunk through encoderFeatures; GradNorm uses dit.embed.w', async () => {
    const { model, objective } = build({ use_contrastive: true, balancing: 'gradnorm' }, { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 1, heads: 2, hidden_dim: 32 });
    const batch = batchOf([0, 1, 2, 3]);
    const r = await objective.step([{ batch, draws: objective.draw(batch, new Rng(4)) }], 'dit');
    expect(objective.sharedLayer()).toBe('dit.embed.w');
    expect(r.sharedNorms!.contrastive).toBeGreaterThan(0);
    const names = [...model.params.list(), ...objective.params.list()].map((p) => p.name);
    const nonZero = (name: string) => tf.tidy(() => tf.max(tf.abs(r.grads[names.indexOf(name)])).dataSync()[0]) > 0;
    // (attention/MLP weights start with zero gradient: adaLN-Zero gates are 0 at init; their gates' ada weights are not)
    for (const name of ['dit.embed.w', 'dit.block0.ada.w', 'proj.fc1.w', 'proj.fc2.w', 'dit.final.out.w']) expect(nonZero(name), name).toBe(true);
    tf.dispose(r.grads);
    objective.dispose();
    model.dispose();
  });

  it('getState/setState round-trips the balancing state', async () => {
    const a = build({ use_contrastive: true, balancing: 'gradnorm' });
    const batch = batchOf([0, 1, 2, 3]);
    const r = await a.objective.step([{ batch, draws: a.objective.draw(batch, new Rng(2)) }], 'test');
    await a.objective.afterStep(r);
    tf.dispose(r.grads);
    const state = JSON.parse(JSON.stringify(a.objective.getState()));
    const b = build({ use_contrastive: true, balancing: 'gradnorm' });
    b.objective.setState(state);
    expect(b.objective.getState()).toEqual(a.objective.getState());
    expect(b.objective.sharedLayer()).toBe('vel.fc1.w_signal');
    for (const o of [a, b]) {
      o.objective.dispose();
      o.model.dispose();
    }
  });

  it('a non-finite loss is refused with a DivergenceError (what the loop rolls back on), naming the loss and where', async () => {
    const { model, objective } = build({ use_contrastive: false });
    const batch = batchOf([0, 1, 2, 3]);
    const draws = objective.draw(batch, new Rng(3));
    draws.flow.noise.fill(Number.NaN);
    let caught: unknown = null;
    try {
      await objective.step([{ batch, draws }], 'step 7 (epoch 1)');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DivergenceError);
    expect((caught as Error).message).toMatch(/^training diverged: flow loss is NaN at step 7 \(epoch 1\)/);
    objective.dispose();
    model.dispose();
  });
});
