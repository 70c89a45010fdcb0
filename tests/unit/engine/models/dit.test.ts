import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { FlowModel, type FlowModelShape } from '../../../../src-main/engine/flow/flow-model.js';
import { sinusoidalPositions } from '../../../../src-main/engine/flow/positional-encoding.js';
import { bmm } from '../../../../src-main/engine/nn/batched-matmul.js';
import { multiHeadSelfAttention, type AttentionWeights } from '../../../../src-main/engine/nn/attention.js';
import { modulate } from '../../../../src-main/engine/nn/adaln.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { AdamW } from '../../../../src-main/engine/train/adamw.js';
import { drawTraining, flowLossAndGrads } from '../../../../src-main/engine/train/flow-step.js';
import type { Batch } from '../../../../src-main/engine/train/batches.js';
import { tinySpec } from '../fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const ditSpec = (m: Record<string, unknown> = {}) =>
  tinySpec({ model: { velocity_net: 'dit', token_dim: 16, heads: 2, depth: 2, hidden_dim: 32, patch_size: 8, ...m } }).model;
const shapeOf = (length: number, channels: number): FlowModelShape => ({ length, channels, domains: 2, datasets: 1, labels: 3, conditional: true });

function batchOf(n: number, D: number, seed = 3): Batch {
  const rng = new Rng(seed);
  return { x: rng.normalArray(n * D), n, domain: Int32Array.from({ length: n }, (_, i) => i % 2), dataset: new Int32Array(n), label: Int32Array.from({ length: n }, (_, i) => i % 3), fsHz: new Float32Array(n).fill(12000), dropped: 0 };
}

/** Plain autodiff attention: tf.matMul with transpose flags, no custom gradients. */
function plainAttention(h: tf.Tensor2D, w: AttentionWeights, B: number, T: number, H: number): tf.Tensor2D {
  const d = h.shape[1];
  const dh = d / H;
  const qkv = tf.add(tf.matMul(h, w.wQkv), w.bQkv);
  const [q, k, v] = tf.split(qkv, 3, 1).map((x) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, H, dh]), [0, 2, 1, 3]), [B * H, T, dh]));
  const a = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dh)));
  const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(a, v), [B, H, T, dh]), [0, 2, 1, 3]), [B * T, d]);
  return tf.add(tf.matMul(o, w.wOut), w.bOut) as tf.Tensor2D;
}

describe('DiT building blocks', () => {
  it('bmm and its explicit gradient match tf.matMul autodiff', () => {
    const a = tf.randomNormal([3, 4, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const b = tf.randomNormal([3, 5, 2], 0, 1, 'float32', 2) as tf.Tensor3D;
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(bmm(x as tf.Tensor3D, y as tf.Tensor3D))))([a, b]);
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y))))([a, b]);
    for (let i = 0; i < 2; i++) expect(tf.max(tf.abs(tf.sub(ours[i], ref[i]))).dataSync()[0]).toBeLessThan(1e-5);
    expect(() => bmm(a, a)).toThrow(/do not chain/);
  });

  it('multi-head attention: value and every gradient match a plain autodiff implementation', () => {
    const B = 2, T = 4, d = 8, H = 2;
    const r = (shape: number[], s: number) => tf.randomNormal(shape, 0, 0.5, 'float32', s);
    const h = r([B * T, d], 1) as tf.Tensor2D;
    const w: AttentionWeights = { wQkv: r([d, 3 * d], 2) as tf.Tensor2D, bQkv: r([3 * d], 3) as tf.Tensor1D, wOut: r([d, d], 4) as tf.Tensor2D, bOut: r([d], 5) as tf.Tensor1D };
    const target = r([B * T, d], 6);
    const lossOf = (f: typeof plainAttention) => (hh: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, e: tf.Tensor) =>
      tf.sum(tf.mul(f(hh as tf.Tensor2D, { wQkv: a as tf.Tensor2D, bQkv: b as tf.Tensor1D, wOut: c as tf.Tensor2D, bOut: e as tf.Tensor1D }, B, T, H), target));
    const args = [h, w.wQkv, w.bQkv, w.wOut, w.bOut];
    const ours = tf.grads(lossOf(multiHeadSelfAttention))(args);
    const ref = tf.grads(lossOf(plainAttention))(args);
    expect(tf.max(tf.abs(tf.sub(multiHeadSelfAttention(h, w, B, T, H), plainAttention(h, w, B, T, H)))).dataSync()[0]).toBeLessThan(1e-5);
    ours.forEach((g, i) => {
      expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
      expect(tf.max(tf.abs(tf.sub(g, ref[i]))).dataSync()[0]).toBeLessThan(1e-4);
    });
    // And against a central finite difference on one weight entry.
    const f = (delta: number) => tf.tidy(() => {
      const wq = tf.add(w.wQkv, tf.scatterND([[1, 9]], [delta], [d, 3 * d])) as tf.Tensor2D;
      return lossOf(multiHeadSelfAttention)(h, wq, w.bQkv, w.wOut, w.bOut).dataSync()[0];
    });
    const fd = (f(1e-2) - f(-1e-2)) / 2e-2;
    expect(ours[1].arraySync() as number[][]).toSatisfy((g: number[][]) => Math.abs(g[1][9] - fd) < 2e-2 * Math.max(1, Math.abs(fd)));
  });

  it('modulate is x ⊙ (1 + scale) + shift per window, and positions are sin/cos of n/10000^(2i/d)', () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]); // B=2, T=2
    const y = modulate(x, tf.tensor2d([[1, 0], [0, -1]]), tf.tensor2d([[1, 0], [-0.5, 2]]), 2).arraySync();
    expect(y).toEqual([[3, 2], [7, 4], [2.5, 17], [3.5, 23]]);
    const pe = sinusoidalPositions(3, 4);
    expect(pe[2 * 4 + 0]).toBeCloseTo(Math.sin(2), 6);
    expect(pe[2 * 4 + 1]).toBeCloseTo(Math.cos(2), 6);
    expect(pe[2 * 4 + 2]).toBeCloseTo(Math.sin(2 / 100), 6);
    expect(pe[2 * 4 + 3]).toBeCloseTo(Math.cos(2 / 100), 6);
  });
});

describe('DiT velocity network', () => {
  it('maps [B, L·C] to [B, L·C] for several (L, C, p), starts at v̂ ≡ 0, and features are [B, d]', () => {
    for (const [L, C, p] of [[64, 1, 8], [96, 3, 16], [128, 2, 32], [64, 2, 1]]) {
      const model = new FlowModel(ditSpec({ patch_size: p }), shapeOf(L, C), 1);
      const B = 3;
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([B, L * C]) as tf.Tensor2D;
      const t = tf.tensor1d([0.1, 0.5, 0.9]);
      const v = model.velocity(x, t, model.cond.unknownIds(B));
      expect(v.shape).toEqual([B, L * C]);
      expect(tf.tidy(() => tf.max(tf.abs(v)).dataSync()[0])).toBe(0); // AdaLN-Zero: zero output layer
      const x3 = tf.reshape(x, [B, L, C]) as tf.Tensor3D;
      const f = model.encoderFeatures(x3);
      expect(f.shape).toEqual([B, 16]);
      expect(model.featureDim).toBe(16);
      tf.dispose([x, x3, t, v, f]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it('refuses a patch that does not divide the window and a width not divisible by heads', () => {
    expect(() => new FlowModel(ditSpec({ patch_size: 7 }), shapeOf(64, 1), 1)).toThrow(/model.patch_size 7 does not divide data.window_length 64/);
    expect(() => new FlowModel(ditSpec({ token_dim: 15, heads: 2 }), shapeOf(64, 1), 1)).toThrow(/token_dim 15 is not divisible by model.heads 2/);
  });

  it('fresh model (identity trunk): features are invariant to a circular shift by whole patches, not by half a patch', () => {
    const model = new FlowModel(ditSpec({ patch_size: 8 }), shapeOf(64, 1), 2);
    const base = new Rng(4).normalArray(64);
    const roll = (k: number) => Float32Array.from(base, (_, i) => base[(i + k) % 64]);
    const feat = (a: Float32Array) => tf.tidy(() => Array.from(model.encoderFeatures(tf.tensor3d(a, [1, 64, 1])).dataSync()));
    const f0 = feat(base);
    const d = (a: number[]) => Math.max(...a.map((v, i) => Math.abs(v - f0[i])));
    expect(d(feat(roll(8)))).toBeLessThan(1e-5);
    expect(d(feat(roll(4)))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('after two optimiser steps every parameter (incl. the encoder trunk) receives gradient; no tensors leak', () => {
    const spec = ditSpec({ conditions: ['domain', 'dataset', 'label', 'sample_rate'] });
    const model = new FlowModel(spec, shapeOf(64, 2), 4);
    const opt = new AdamW(model.params.variables(), { kind: 'adamw', weightDecay: 0 });
    const rng = new Rng(9);
    const batch = batchOf(8, 128);
    let before = 0;
    let grads: tf.Tensor[] = [];
    for (let s = 0; s < 3; s++) {
      tf.dispose(grads);
      if (s === 1) before = tf.memory().numTensors; // after the optimiser's first (state-creating) step
      grads = flowLossAndGrads(model, batch, drawTraining(model, batch, rng), 1).grads;
      if (s < 2) opt.apply(grads, 1e-2);
    }
    const names = model.params.list().map((p) => p.name);
    const zero = names.filter((_, i) => tf.tidy(() => tf.max(tf.abs(grads[i])).dataSync()[0]) === 0);
    expect(zero).toEqual([]);
    expect(names).toContain('cond.label_table');
    expect(names).toContain('cond.sample_rate_table');
    expect(names).toContain('dit.block1.attn.qkv.w');
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);

    // encoderFeatures is differentiable w.r.t. the trunk (what the contrastive branch trains).
    const vars = model.params.variables();
    const x = tf.randomNormal([4, 64, 2]) as tf.Tensor3D;
    const { grads: fg } = tf.variableGrads(() => tf.sum(tf.square(model.encoderFeatures(x))), vars);
    const trunk = model.params.list().filter((p) => p.name.startsWith('dit.block0.attn') || p.name === 'dit.embed.w');
    for (const p of trunk) expect(tf.max(tf.abs(fg[p.variable.name])).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, ...Object.values(fg)]);
    opt.dispose();
    model.dispose();
  });

  it('mlp fallback features are the first hidden layer at t = 1, [B, hidden_dim]', () => {
    const model = new FlowModel(tinySpec().model, shapeOf(64, 1), 1);
    const f = model.encoderFeatures(tf.randomNormal([5, 64, 1]) as tf.Tensor3D);
    expect(f.shape).toEqual([5, 32]);
    // LN then SiLU: SiLU's minimum is −0.2785.
    expect(tf.min(f).dataSync()[0]).toBeGreaterThan(-0.28);
    model.dispose();
  });
});
