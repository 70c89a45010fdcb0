/**
 * The native contrastive branch on the `dit` model (encoder trunk at t = 1 → projection
 * head → NT-Xent): every model and head parameter's gradient against central finite
 * differences (float64) and against the TypeScript objective's autodiff (float32, relative
 * 1e-4), with the same loss.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/data/rng.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { makeViews } from '../../../../src-main/engine/contrastive/augmentations.js';
import { NativeDit } from '../../../../src-main/engine/native/native-dit.js';
import { JointObjective } from '../../../../src-main/engine/objective/joint-objective.js';
import { tinySpec } from '../fixtures.js';
import { batchAndDraws, diffNorm, modelOf, native, norm } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});


/** A dit model, its objective with a projection head, weights moved off the AdaLN-Zero init, and two views. */
function setup(length: number, model: Record<string, unknown>, head: { hidden: number; out: number }, n: number) {
  const { model: m } = modelOf(length, model);
  const task = tinySpec({ task: { use_contrastive: true, projection_hidden_dim: head.hidden, projection_dim: head.out, temperature: 0.5 } }).task;
  const objective = new JointObjective(m, task, 11);
  tf.tidy(() => {
    let k = 0;
    for (const { variable } of [...m.params.list(), ...objective.params.list()]) {
      const delta = Float32Array.from({ length: variable.size }, () => 0.2 * Math.sin(3.7 * k++));
      variable.assign(tf.add(variable, tf.tensor(delta, variable.shape)));
    }
  });
  const { batch } = batchAndDraws(m, n);
  const views = makeViews(batch.x, n, length, 1, task.augmentations, new Rng(5));
  return { model: m, objective, task, views };
}

describe.skipIf(!native.addon)('native dit contrastive gradients', () => {
  it('match central finite differences in float64 for every model and head parameter', () => {
    const small = { velocity_net: 'dit', patch_size: 2, token_dim: 4, depth: 1, heads: 2, hidden_dim: 5, time_dim: 4, condition_dim: 3 };
    const { model, objective, task, views } = setup(8, small, { hidden: 5, out: 3 }, 3);
    const net = new NativeDit(native.addon!, model, { precision: 'f64', kernels: 'reference', head: { params: objective.params, hidden: 5, out: 3 } });
    net.pullWeights();
    const loss = (): number => net.contrastiveLossAndGrad(views, 3, task.temperature, 1, false);
    loss();
    const blocks = [...net.named.entries(), ...net.headNamed.entries()];
    const analytic = new Map(blocks.map(([name]) => [name, Float64Array.from(net.headGradNamed.get(name) ?? net.grad(name))]));
    const h = 1e-6;
    let checked = 0;
    for (const [name, view] of blocks) {
      const p = view as Float64Array;
      for (let j = 0; j < p.length; j++) {
        const keep = p[j];
        p[j] = keep + h;
        const up = loss();
        p[j] = keep - h;
        const down = loss();
        p[j] = keep;
        const fd = (up - down) / (2 * h);
        const a = (analytic.get(name) as Float64Array)[j];
        if (Math.abs(fd - a) > 1e-7 + 1e-5 * Math.abs(fd)) throw new Error(`${name}[${j}]: analytic ${a} vs finite difference ${fd}`);
        checked++;
      }
    }
    expect(checked).toBe(net.params.length + objective.params.list().reduce((s, p) => s + p.variable.size, 0));
    // The encoder trunk and the head are both reached; the flow-only final layer is not.
    expect(norm(analytic.get('dit.block0.attn.qkv.w')!)).toBeGreaterThan(0);
    expect(norm(analytic.get('proj.fc1.w')!)).toBeGreaterThan(0);
    expect(norm(analytic.get('dit.final.out.w')!)).toBe(0);
    model.dispose();
    objective.dispose();
  });

  it('match the TypeScript objective in float32 (relative 1e-4 per parameter) and give the same loss', () => {
    const dims = { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 2, heads: 4, hidden_dim: 32, time_dim: 16, condition_dim: 8 };
    const { model, objective, task, views } = setup(128, dims, { hidden: 24, out: 8 }, 6);
    const vars = [...model.params.variables(), ...objective.params.variables()];
    const ts = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => objective.contrastiveLoss(views, 6, true), vars);
      return { value: value.dataSync()[0], grads: vars.map((v) => (grads[v.name] ?? tf.zerosLike(v)).dataSync()) };
    });
    const net = new NativeDit(native.addon!, model, { head: { params: objective.params, hidden: 24, out: 8 } });
    net.pullWeights();
    const loss = net.contrastiveLossAndGrad(views, 6, task.temperature, 1, false);
    expect(Math.abs(loss - ts.value) / ts.value).toBeLessThan(1e-5);
    const names = [...model.params.list(), ...objective.params.list()].map((p) => p.name);
    names.forEach((name, i) => {
      const want = ts.grads[i];
      const got = net.headGradNamed.get(name) ?? net.grad(name);
      if (norm(want) === 0) {
        expect(norm(got)).toBe(0);
        return;
      }
      const rel = diffNorm(got, want) / norm(want);
      if (!(rel < 1e-4)) throw new Error(`${name}: relative difference ${rel} (‖g‖ = ${norm(want)})`);
    });
    model.dispose();
    objective.dispose();
  });
});
