/**
 * The native engine's hand-written backward pass: every parameter's gradient against
 * central finite differences (float64, small shapes, both the naive and the BLAS kernels)
 * and against the TypeScript engine's autodiff (float32, relative 1e-4 per parameter).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { NativeMlp } from '../../../../src-main/engine/native/native-mlp.js';
import { batchAndDraws, checkAgainstTypeScript, checkFiniteDifferences, modelOf, native } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});


describe.skipIf(!native.addon)('native mlp gradients', () => {
  for (const kernels of ['reference', 'fast'] as const) {
    it(`match central finite differences in float64 for every parameter (${kernels} kernels)`, () => {
      const { model } = modelOf(8, { hidden_dim: 6, time_dim: 5, condition_dim: 3, time_scale: 3 });
      const net = new NativeMlp(native.addon!, model, { precision: 'f64', kernels });
      net.pullWeights();
      const { batch, draws } = batchAndDraws(model, 6);
      // Non-trivial LN γ/β and biases (zeros/ones at init would hide their terms).
      const p = net.params as Float64Array;
      for (let i = 0; i < p.length; i++) p[i] += 0.05 * Math.sin(3.7 * i);
      expect(checkFiniteDifferences(net, batch, draws)).toBe(p.length);
      // Both condition paths were exercised: some real and some unknown table rows got gradient.
      const table = Array.from(net.grad('cond.domain_table'));
      expect(table.slice(0, 3).some((g) => g !== 0) && table.slice(6, 9).some((g) => g !== 0)).toBe(true);
      model.dispose();
    });
  }

  it('match the TypeScript engine in float32 (relative 1e-4 per parameter) and give the same loss', () => {
    const { model } = modelOf(256, { hidden_dim: 64, time_dim: 16, condition_dim: 8 });
    const { batch, draws } = batchAndDraws(model, 16);
    const net = new NativeMlp(native.addon!, model);
    net.pullWeights();
    checkAgainstTypeScript(net, model, batch, draws, false);
    model.dispose();
  });

  it('refuses a table row outside the table with a message naming the condition', () => {
    const { model } = modelOf(8, { hidden_dim: 6, time_dim: 4, condition_dim: 3 });
    const net = new NativeMlp(native.addon!, model);
    const { batch, draws } = batchAndDraws(model, 4);
    draws.ids.domain[1] = 9;
    expect(() => net.lossAndGrad(batch.x, draws, 1, false)).toThrow(/condition domain: row 9 at position 1 is outside 0\.\.2/);
    model.dispose();
  });
});
