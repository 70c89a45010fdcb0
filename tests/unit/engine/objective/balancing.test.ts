import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { taskSchema } from '../../../../src-main/config/schema.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { GradNorm, gradNormStep, renormalize } from '../../../../src-main/engine/objective/gradnorm.js';
import type { LossParts } from '../../../../src-main/engine/objective/balancer.js';
import { FixedWeights } from '../../../../src-main/engine/objective/fixed-weights.js';
import { makeBalancer } from '../../../../src-main/engine/objective/make-balancer.js';
import { UncertaintyWeighting } from '../../../../src-main/engine/objective/uncertainty-weighting.js';
import { AdamW } from '../../../../src-main/engine/train/adamw.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const parts = (flow: number, contrastive: number): LossParts => ({ flow, contrastive, total: 0, weights: { flow: 1, contrastive: 1 } });

describe('fixed weights and the factory', () => {
  it('total = w_f·L_f + w_c·L_c; contrastive off ⇒ fixed with w_c = 0 whatever task.balancing says', () => {
    const b = new FixedWeights({ flow: 2, contrastive: 0.1 });
    expect(b.total(3, 5)).toBeCloseTo(6.5, 12);
    expect(b.total(3, null)).toBe(6);
    const off = makeBalancer(taskSchema.parse({ use_contrastive: false, balancing: 'gradnorm' }));
    expect(off.kind).toBe('fixed');
    expect(off.weights().contrastive).toBe(0);
    expect(makeBalancer(taskSchema.parse({ use_contrastive: true, balancing: 'uncertainty' })).kind).toBe('uncertainty');
    expect(makeBalancer(taskSchema.parse({ use_contrastive: true, balancing: 'gradnorm' })).kind).toBe('gradnorm');
  });
});

describe('uncertainty weighting (Kendall et al. 2018)', () => {
  it('total and ∂/∂s match the formula Σ exp(−s_i)L_i + s_i', () => {
    const u = new UncertaintyWeighting([0.5, -1]);
    expect(u.total(2, 3)).toBeCloseTo(Math.exp(-0.5) * 2 + 0.5 + Math.exp(1) * 3 - 1, 5);
    const g = u.variableGrads(2, 3).map((t) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    });
    expect(g[0]).toBeCloseTo(1 - Math.exp(-0.5) * 2, 5);
    expect(g[1]).toBeCloseTo(1 - Math.exp(1) * 3, 5);
    // numerical check of the closed form
    const h = 1e-4;
    const num = (new UncertaintyWeighting([0.5 + h, -1]).total(2, 3) - new UncertaintyWeighting([0.5 - h, -1]).total(2, 3)) / (2 * h);
    expect(g[0]).toBeCloseTo(num, 3);
    u.dispose();
  });

  it('driven by AdamW on fixed losses, s_i → log L_i: the larger loss gets the smaller weight, none collapses', async () => {
    const u = new UncertaintyWeighting();
    const opt = new AdamW(u.variables, { kind: 'adamw', weightDecay: 0 });
    const before = tf.memory().numTensors;
    const Lf = 4;
    const Lc = 0.25;
    let minWeight = Infinity;
    for (let k = 0; k < 3000; k++) {
      const g = u.variableGrads(Lf, Lc);
      opt.apply(g, 0.01);
      tf.dispose(g);
      await u.afterStep(parts(Lf, Lc)); // as the loop does after each update: s_i read back
      const w = u.weights();
      minWeight = Math.min(minWeight, w.flow, w.contrastive);
    }
    expect(tf.memory().numTensors).toBe(before);
    const [sf, sc] = u.logVars();
    expect(sf).toBeCloseTo(Math.log(Lf), 1);
    expect(sc).toBeCloseTo(Math.log(Lc), 1);
    expect(u.weights().flow).toBeLessThan(u.weights().contrastive);
    expect(minWeight).toBeGreaterThan(0.2); // ≥ ~1/L_f: bounded away from 0 (the reference's went to 0)
    expect(u.logFields().log_var_flow).toBeCloseTo(sf, 3); // s at the last gradient, one tiny step behind
    const state = u.getState();
    const v = new UncertaintyWeighting();
    v.setState(state);
    expect(v.logVars()).toEqual(u.logVars());
    opt.dispose();
    u.dispose();
    v.dispose();
  });
});

describe('GradNorm (Chen et al. 2018)', () => {
  it('gradNormStep: targets Ḡ·r_i^α and gradients sign(G_i − target_i)·n_i, by hand', () => {
    // w = (1, 1), n = (2, 1) ⇒ G = (2, 1), Ḡ = 1.5. L/L0 = (0.5, 1) ⇒ mean 0.75, r = (2/3, 4/3).
    const s = gradNormStep([1, 1], [2, 1], [0.5, 1], [1, 1], 1.5);
    expect(s.norms).toEqual([2, 1]);
    expect(s.targets[0]).toBeCloseTo(1.5 * (2 / 3) ** 1.5, 10);
    expect(s.targets[1]).toBeCloseTo(1.5 * (4 / 3) ** 1.5, 10);
    expect(s.grads).toEqual([2, -1]); // flow above target (w_f goes down), contrastive below (w_c goes up)
  });

  it('renormalize keeps Σw = T and floors every weight', () => {
    expect(renormalize([3, 1], 2, 0.05)).toEqual([1.5, 0.5]);
    const r = renormalize([5, 0.0001], 2, 0.05);
    expect(r[1]).toBe(0.05);
    expect(r[0] + r[1]).toBeCloseTo(2, 12);
    const q = renormalize([-1, Number.NaN, 3], 3, 0.1);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 12);
    expect(Math.min(...q)).toBeGreaterThanOrEqual(0.1);
  });

  it('equal training rates: weights move to equalise G_i, i.e. w_f → 2·n_c/(n_f + n_c)', () => {
    const g = new GradNorm({ alpha: 1.5, lr: 0.01, minWeight: 0.05 });
    const nf = 3;
    const nc = 1;
    for (let k = 0; k < 1500; k++) g.afterStep(parts(1, 1), { flow: nf, contrastive: nc });
    const w = g.weights();
    expect(w.flow).toBeCloseTo((2 * nc) / (nf + nc), 1); // 0.5
    expect(w.contrastive).toBeCloseTo((2 * nf) / (nf + nc), 1); // 1.5
    expect(w.flow + w.contrastive).toBeCloseTo(2, 10);
  });

  it('a task that trains slower gets the larger weight (equal raw norms)', () => {
    const g = new GradNorm({ alpha: 1.5, lr: 0.01, minWeight: 0.05 });
    g.afterStep(parts(2, 5), { flow: 1, contrastive: 1 }); // L(0)
    let early = 0;
    for (let k = 1; k <= 200; k++) {
      // flow loss halves, contrastive stays: contrastive is the slower task
      g.afterStep(parts(2 * Math.max(0.5, 1 - k / 100), 5), { flow: 1, contrastive: 1 });
      if (k === 20) early = g.weights().contrastive;
    }
    expect(early).toBeGreaterThan(1.1); // moving up from 1 from the start (Adam: ~lr per step)
    expect(g.weights().contrastive).toBeGreaterThan(1.2);
    expect(g.weights().flow).toBeLessThan(0.8);
    expect(g.logFields().gradnorm_target_contrastive).toBeGreaterThan(g.logFields().gradnorm_target_flow);
  });

  it('never collapses: 5000 steps with a 1000× norm imbalance stay at the floor, Σw = 2, finite', () => {
    const g = new GradNorm({ alpha: 1.5, lr: 0.05, minWeight: 0.05 });
    let min = Infinity;
    for (let k = 0; k < 5000; k++) {
      g.afterStep(parts(1 / (1 + k), 1), { flow: 1000, contrastive: 1 });
      const w = g.weights();
      min = Math.min(min, w.flow, w.contrastive);
      expect(w.flow + w.contrastive).toBeCloseTo(2, 9);
    }
    expect(min).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect(g.weights().flow).toBeCloseTo(0.05, 6);
    const restored = new GradNorm({ alpha: 1.5, lr: 0.05, minWeight: 0.05 });
    restored.setState(g.getState());
    restored.afterStep(parts(0.001, 1), { flow: 2, contrastive: 1 });
    g.afterStep(parts(0.001, 1), { flow: 2, contrastive: 1 });
    expect(restored.getState()).toEqual(g.getState()); // the state resumes the exact trajectory
    expect(() => restored.setState(new UncertaintyWeighting().getState())).toThrow(/uncertainty/);
  });
});
