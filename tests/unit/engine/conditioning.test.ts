import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { FlowModel } from '../../../src-main/engine/flow/flow-model.js';
import { sinusoidalEmbedding } from '../../../src-main/engine/flow/time-embedding.js';
import { Rng } from '../../../src-main/data/rng.js';
import { tinySpec } from './fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Number of embedding dims whose range over t ∈ [0, 1] exceeds 0.1. */
function varyingDims(scale: number, dim = 64): number {
  const t = tf.linspace(0, 1, 101) as tf.Tensor1D;
  const e = sinusoidalEmbedding(t, dim, scale);
  const range = tf.sub(tf.max(e, 0), tf.min(e, 0)).dataSync();
  return Array.from(range).filter((r) => r > 0.1).length;
}

describe('time embedding', () => {
  it('matches [sin(s·f_k), cos(s·f_k)] with f_k = exp(−ln(1e4)·k/half)', () => {
    const e = sinusoidalEmbedding(tf.tensor1d([0.3]), 4, 1000).dataSync();
    const s = 300;
    const f = [1, Math.exp(-Math.log(1e4) / 2)];
    expect(Array.from(e)).toEqual([Math.sin(s * f[0]), Math.sin(s * f[1]), Math.cos(s * f[0]), Math.cos(s * f[1])].map((v) => expect.closeTo(v, 3)));
  });

  it('with t scaled by 1000 (nearly) every dim varies across t; unscaled most are constant', () => {
    expect(varyingDims(1)).toBeLessThan(24); // the reference's defect
    // Only the cosines of the lowest frequencies (s·f_k ≲ 0.2 rad) stay nearly flat.
    expect(varyingDims(1000)).toBeGreaterThanOrEqual(56);
  });
});

describe('condition encoder', () => {
  it('the unknown token is its own row, distinct from every real id, and unconditional models ignore ids', () => {
    const spec = tinySpec();
    const model = new FlowModel(spec.model, { length: 64, channels: 1, domains: 2, datasets: 1, conditional: true }, 1);
    expect(model.cond.unknownDomain).toBe(2);
    expect(model.cond.unknownDataset).toBe(1);
    const ids = { domain: Int32Array.from([0, 1, 2]), dataset: Int32Array.from([0, 0, 1]) };
    const c = model.cond.apply(ids, null).arraySync() as number[][];
    const dist = (a: number[], b: number[]): number => Math.hypot(...a.map((v, i) => v - b[i]));
    expect(dist(c[2], c[0])).toBeGreaterThan(1e-3);
    expect(dist(c[2], c[1])).toBeGreaterThan(1e-3);

    const dropped = model.cond.dropConditions({ domain: new Int32Array(1000), dataset: new Int32Array(1000) }, new Rng(5));
    const frac = dropped.domain.filter((d) => d === 2).length / 1000;
    expect(frac).toBeGreaterThan(0.06);
    expect(frac).toBeLessThan(0.14);

    const uncond = new FlowModel(spec.model, { length: 64, channels: 1, domains: 2, datasets: 1, conditional: false }, 1);
    expect(Array.from(uncond.conditionFor(ids).domain)).toEqual([2, 2, 2]);
    model.dispose();
    uncond.dispose();
  });

  it('reference-size MLP has the reference parameter count plus the time MLP and condition encoder', () => {
    const spec = tinySpec({ model: { hidden_dim: 256, time_dim: 64, condition_dim: 64 } });
    const model = new FlowModel(spec.model, { length: 1024, channels: 1, domains: 1, datasets: 1, conditional: true }, 1);
    const timeMlp = 2 * (64 * 64 + 64);
    const cond = 2 * 2 * 64 + (128 * 128 + 128) + 2 * 128 + (128 * 64 + 64);
    expect(model.params.count()).toBe(625_152 + timeMlp + cond);
    model.dispose();
  });
});
