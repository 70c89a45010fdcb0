/**
 * The native `dit` engine's hand-written backward pass: every parameter's gradient against
 * central finite differences (float64, small shapes, both the naive and the BLAS kernels)
 * and against the TypeScript engine's autodiff (float32, relative 1e-4 per parameter), with
 * the same loss. Weights are moved off their AdaLN-Zero init first: zero gates and a zero
 * output layer would hide most terms.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import type { FlowModel } from '../../../../src-main/engine/flow/flow-model.js';
import { NativeDit } from '../../../../src-main/engine/native/native-dit.js';
import { batchAndDraws, checkAgainstTypeScript, checkFiniteDifferences, modelOf, native, norm } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});


/** Adds a deterministic non-zero pattern to every weight of the TypeScript model. */
function perturb(model: FlowModel, amount: number): void {
  tf.tidy(() => {
    let k = 0;
    for (const { variable } of model.params.list()) {
      const delta = Float32Array.from({ length: variable.size }, () => amount * Math.sin(3.7 * k++));
      variable.assign(tf.add(variable, tf.tensor(delta, variable.shape)));
    }
  });
}

const small = { velocity_net: 'dit', patch_size: 2, token_dim: 4, depth: 2, heads: 2, hidden_dim: 6, time_dim: 4, condition_dim: 3, time_scale: 3 };

describe.skipIf(!native.addon)('native dit gradients', () => {
  it('lays out the parameters as the TypeScript model does (names, shapes, order)', () => {
    const { model } = modelOf(8, small);
    const net = new NativeDit(native.addon!, model);
    expect([...net.named.keys()]).toEqual(model.params.list().map((p) => p.name));
    expect([...net.named.keys()]).toContain('dit.block1.attn.qkv.w');
    model.dispose();
  });

  for (const kernels of ['reference', 'fast'] as const) {
    it(`match central finite differences in float64 for every parameter (${kernels} kernels)`, () => {
      const { model } = modelOf(8, small);
      perturb(model, 0.3);
      const net = new NativeDit(native.addon!, model, { precision: 'f64', kernels });
      net.pullWeights();
      const { batch, draws } = batchAndDraws(model, 3);
      const p = net.params as Float64Array;
      expect(checkFiniteDifferences(net, batch, draws)).toBe(p.length);
      // Every block parameter received gradient (the perturbation opened every gate).
      for (const name of ['dit.block0.attn.qkv.w', 'dit.block1.ada.w', 'dit.embed.w', 'time.fc1.w']) expect(norm(net.grad(name))).toBeGreaterThan(0);
      model.dispose();
    });
  }

  it('match the TypeScript engine in float32 (relative 1e-4 per parameter) and give the same loss', () => {
    const { model } = modelOf(128, { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 2, heads: 4, hidden_dim: 32, time_dim: 16, condition_dim: 8 });
    perturb(model, 0.05);
    const { batch, draws } = batchAndDraws(model, 8);
    const net = new NativeDit(native.addon!, model);
    net.pullWeights();
    checkAgainstTypeScript(net, model, batch, draws, true);
    model.dispose();
  });

  it('refuses a table row outside the table with a message naming the condition', () => {
    const { model } = modelOf(8, small);
    const net = new NativeDit(native.addon!, model);
    const { batch, draws } = batchAndDraws(model, 4);
    draws.ids.domain[1] = 9;
    expect(() => net.lossAndGrad(batch.x, draws, 1, false)).toThrow(/condition domain: row 9 at position 1 is outside 0\.\.2/);
    model.dispose();
  });
});
