/**
 * The native engine's steps around the gradient and its samplers, against the TypeScript
 * engine: global norm, one-pass Adam/AdamW, EMA, Euler/Heun/RK4 with classifier-free
 * guidance, encode-to-noise. Also covers all four conditions (label, sample-rate buckets).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { Ema, emaDecayAt } from '../../../../src-main/engine/flow/ema.js';
import { integrate, type SamplerName } from '../../../../src-main/engine/flow/samplers.js';
import { NativeMlp } from '../../../../src-main/engine/native/native-mlp.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { AdamW } from '../../../../src-main/engine/train/adamw.js';
import { globalNorm } from '../../../../src-main/engine/train/clipping.js';
import { batchAndDraws, modelOf, native, relDiff } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe.skipIf(!native.addon)('native optimiser, EMA and samplers', () => {
  for (const kind of ['adamw', 'adam'] as const) {
    it(`${kind}: three steps with a clip factor give the TypeScript optimiser's weights and moments; the norm matches`, async () => {
      const { model } = modelOf(128, { hidden_dim: 32, time_dim: 8, condition_dim: 4 });
      const net = new NativeMlp(native.addon!, model);
      net.pullWeights();
      const vars = model.params.variables();
      const opt = new AdamW(vars, { kind, weightDecay: 0.01 });
      for (let s = 1; s <= 3; s++) {
        const { batch, draws } = batchAndDraws(model, 8, s);
        net.lossAndGrad(batch.x, draws, 1, false);
        const grads = model.params.list().map(({ name, variable }) => tf.tensor(net.grad(name), variable.shape));
        expect(Math.abs(Math.sqrt(net.handle.gradSumSquares()) - (await globalNorm(grads))) / (await globalNorm(grads))).toBeLessThan(1e-6);
        const lr = 1e-2;
        const scale = 0.5;
        opt.apply(grads, lr, scale);
        const bc1 = 1 - opt.beta1 ** s;
        net.handle.adamStep({
          beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, gradScale: scale, stepSize: lr / bc1, sqrtBc2: Math.sqrt(1 - opt.beta2 ** s),
          decay: kind === 'adamw' ? 1 - lr * 0.01 : 1, l2: kind === 'adam' ? 0.01 : 0,
        });
        tf.dispose(grads);
      }
      const state = await opt.getState();
      model.params.list().forEach(({ name, variable }, i) => {
        expect(relDiff(net.named.get(name)!, variable.dataSync())).toBeLessThan(1e-6);
        const off = net.named.get(name)!.byteOffset / 4;
        expect(relDiff(net.handle.block('m').subarray(off, off + variable.size), state.m[i])).toBeLessThan(1e-6);
        expect(relDiff(net.handle.block('v').subarray(off, off + variable.size), state.v[i])).toBeLessThan(1e-6);
      });
      opt.dispose();
      model.dispose();
    });
  }

  it('trainStep (the whole step in one call) leaves the weights, moments and EMA of the separate calls, clipped or not; a NaN batch updates nothing', () => {
    const { model } = modelOf(128, { hidden_dim: 32, time_dim: 8, condition_dim: 4 });
    const one = new NativeMlp(native.addon!, model);
    const parts = new NativeMlp(native.addon!, model);
    for (const net of [one, parts]) {
      net.pullWeights();
      net.handle.block('ema').set(net.params);
    }
    const lr = 1e-2;
    let clipped = 0;
    for (let s = 1; s <= 4; s++) {
      const { batch, draws } = batchAndDraws(model, 8, s);
      // A bound below the norm on odd steps, so both branches of the clip factor run.
      const clip = s % 2 ? 1e-3 : 0;
      const scalars = { beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 1 - lr * 0.01, l2: 0, stepSize: lr / (1 - 0.9 ** s), sqrtBc2: Math.sqrt(1 - 0.999 ** s) };
      const ids = one.rows(draws.ids);
      const mask = draws.train?.conditionHiddenMask ?? null;
      const r = one.handle.trainStep(8, batch.x, draws.t, draws.noise, ids, mask, { ...scalars, clip, emaDecay: emaDecayAt(0.99, s - 1) });
      const loss = parts.lossAndGrad(batch.x, draws, 1, false);
      const norm = Math.sqrt(parts.handle.gradSumSquares());
      const scale = clip > 0 && norm > clip ? clip / (norm + 1e-6) : 1;
      if (scale < 1) clipped++;
      parts.handle.adamStep({ ...scalars, gradScale: scale });
      parts.handle.emaUpdate(emaDecayAt(0.99, s - 1));
      expect(r).toEqual({ loss, norm, applied: true });
    }
    expect(clipped).toBe(2);
    for (const block of ['params', 'm', 'v', 'ema'] as const) expect(one.handle.block(block)).toEqual(parts.handle.block(block));
    const before = Float32Array.from(one.params);
    const { batch, draws } = batchAndDraws(model, 8, 9);
    batch.x[3] = Number.NaN;
    const bad = one.handle.trainStep(8, batch.x, draws.t, draws.noise, one.rows(draws.ids), null, { beta1: 0.9, beta2: 0.999, eps: 1e-8, decay: 1, l2: 0, stepSize: lr, sqrtBc2: 1, clip: 1, emaDecay: 0.9 });
    expect(bad.applied).toBe(false);
    expect(one.params).toEqual(before);
    model.dispose();
  });

  it('EMA: the shadow follows the TypeScript Ema update for update', async () => {
    const { model } = modelOf(64, { hidden_dim: 16, time_dim: 4, condition_dim: 4 });
    const net = new NativeMlp(native.addon!, model);
    const ema = new Ema(model.params, 0.99);
    net.pullWeights();
    net.handle.block('ema').set(net.params);
    const rng = new Rng(5);
    for (let n = 0; n < 5; n++) {
      tf.tidy(() => model.params.variables().forEach((v) => v.assign(tf.add(v, tf.tensor(rng.normalArray(v.size), v.shape)))));
      ema.update();
      net.pullWeights();
      net.handle.emaUpdate(emaDecayAt(0.99, n));
    }
    const shadow = await ema.values();
    const block = net.handle.block('ema');
    model.params.list().forEach(({ name }, i) => {
      const off = net.named.get(name)!.byteOffset / 4;
      expect(relDiff(block.subarray(off, off + shadow[i].length), shadow[i])).toBeLessThan(1e-6);
    });
    ema.dispose();
    model.dispose();
  });

  /** A conditional model with train-like weights (LN γ/β and biases perturbed from the init). */
  const perturbedModel = (seed: number) => {
    const { model } = modelOf(128, { hidden_dim: 32, time_dim: 8, condition_dim: 4, conditions: ['domain', 'dataset', 'label', 'sample_rate'] });
    const rng = new Rng(seed);
    tf.tidy(() => model.params.variables().forEach((v) => v.assign(tf.add(v, tf.mul(tf.tensor(rng.normalArray(v.size), v.shape), 0.05)))));
    return { model, rng };
  };
  const b = 6;
  const ids = { domain: Int32Array.from([0, 1, 2, 0, 1, 2]), dataset: new Int32Array(b), label: Int32Array.from([0, 1, 0, 1, 0, 1]), fsHz: Float32Array.from([12000, 48000, 0, 12000, 1000, 25600]) };

  for (const method of ['euler', 'heun', 'rk4'] as SamplerName[]) {
    for (const route of ['plain', 'hidden'] as const) {
      it(`${method} (${route} route) with guidance 2 and all four conditions samples what the TypeScript sampler does; encode-to-noise too`, () => {
        const { model, rng } = perturbedModel(11);
        const net = new NativeMlp(native.addon!, model);
        net.pullWeights();
        const x0 = rng.normalArray(b * 128);
        const steps = 8;
        const want = tf.tidy(() => integrate(model.field(ids, 2), tf.tensor2d(x0, [b, 128]), method, steps).dataSync());
        const got = net.integrate(x0, ids, method, steps, 2, 0, 1, route) as Float32Array;
        expect(relDiff(got, want)).toBeLessThan(1e-4);
        const back = tf.tidy(() => integrate(model.field(ids, 1), tf.tensor2d(got, [b, 128]), method, steps, 1, 0).dataSync());
        expect(relDiff(net.integrate(got, ids, method, steps, 1, 1, 0, route), back)).toBeLessThan(1e-4);
        model.dispose();
      });
    }

    it(`${method}: the hidden-coordinate route is the plain sampler reassociated (float64, relative 1e-12), guided and not, both directions`, () => {
      const { model, rng } = perturbedModel(12);
      const net = new NativeMlp(native.addon!, model, { precision: 'f64' });
      net.pullWeights();
      const x0 = rng.normalArray(b * 128);
      for (const [guidance, from, to] of [[2, 0, 1], [1, 0, 1], [1.5, 1, 0]]) {
        const plain = net.integrate(x0, ids, method, 5, guidance, from, to, 'plain');
        const hidden = net.integrate(x0, ids, method, 5, guidance, from, to, 'hidden');
        expect(relDiff(hidden, plain)).toBeLessThan(1e-12);
        expect(relDiff(hidden, x0)).toBeGreaterThan(1e-3); // the sample moved: the check is not vacuous
      }
      // The hidden route keeps W3·W1x between calls: new output weights must not sample with the old product.
      for (const name of ['vel.fc3.w', 'vel.fc3.b', 'vel.fc1.w_signal']) {
        const w = net.named.get(name)!;
        w.set(w.map((v) => v * 1.5));
        expect(relDiff(net.integrate(x0, ids, method, 5, 2, 0, 1, 'hidden'), net.integrate(x0, ids, method, 5, 2, 0, 1, 'plain'))).toBeLessThan(1e-12);
      }
      model.dispose();
    });
  }
});
