/**
 * The evaluation's frozen-feature readout: mean‖max pooling of the dit trunk, z-scoring
 * with training statistics and L2 normalisation, the probe's C by group k-fold CV (which
 * must not leak through groups), and the few-shot readout chosen on training episodes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { encodeWindows, readoutDim, readoutFeatures, readoutsOf } from '../../../src-main/engine/evaluate/features.js';
import type { WindowSet } from '../../../src-main/data/index.js';
import { applyWhitener, fitWhitener, groupFolds, l2NormalizeRows, symmetricEigen, normalizeFeatures, safeStats, selectC, selectFewShotReadout } from '../../../src-main/engine/evaluate/readout.js';
import { VelocityDit } from '../../../src-main/engine/flow/dit-velocity.js';
import { FlowModel } from '../../../src-main/engine/flow/flow-model.js';
import { Rng } from '../../../src-main/data/rng.js';
import type { Matrix } from '../../../src-main/engine/metrics/index.js';
import { tinySpec } from '../engine/fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const mat = (rows: number[][]): Matrix => ({ data: Float64Array.from(rows.flat()), n: rows.length, d: rows[0].length });

describe('pooled readouts', () => {
  it('features read at flow time t < 1 see each window noised to (1 − t)·ε + t·x, ε fixed per row and seed', async () => {
    const spec = tinySpec({ model: { velocity_net: 'dit', token_dim: 16, heads: 2, depth: 1, hidden_dim: 32, patch_size: 8 } }).model;
    const model = new FlowModel(spec, { length: 64, channels: 1, domains: 1, datasets: 1, labels: 2, conditional: true }, 5);
    const n = 4;
    const xs = new Rng(9).normalArray(n * 64);
    const set = { x: xs, n, length: 64, channels: 1 } as unknown as WindowSet;
    const clean = await encodeWindows(model, set, undefined, 'std');
    expect(Array.from((await encodeWindows(model, set, undefined, 'std', { t: 1, seed: 3 })).data)).toEqual(Array.from(clean.data));
    const noisy = await encodeWindows(model, set, undefined, 'std', { t: 0.6, seed: 3 });
    // By hand for row 2: its own noise stream, the context at t = 0.6.
    const rng = Rng.derive(3, 'feature-noise-2');
    const x2 = Float32Array.from(xs.subarray(128, 192), (v) => 0.4 * rng.normal() + 0.6 * v);
    const want = readoutFeatures(model, tf.tensor3d(x2, [1, 64, 1]), 'std', 0.6).dataSync();
    for (let j = 0; j < 16; j++) expect(noisy.data[2 * 16 + j]).toBeCloseTo(want[j], 4);
    expect(noisy.data[2 * 16]).not.toBeCloseTo(clean.data[2 * 16], 4);
    // The same row alone gets the same noise (not the batch's position), and another seed other noise.
    const alone = await encodeWindows(model, set, [2], 'std', { t: 0.6, seed: 3 });
    expect(Array.from(alone.data)).toEqual(Array.from(noisy.data.subarray(32, 48)));
    const other = await encodeWindows(model, set, [2], 'std', { t: 0.6, seed: 4 });
    expect(other.data[0]).not.toBeCloseTo(alone.data[0], 4);
    model.dispose();
  });


  it('mean_max is [encoderFeatures ‖ token max], std the tokens\' standard deviation, mean_std both; mlp offers only mean', () => {
    const spec = tinySpec({ model: { velocity_net: 'dit', token_dim: 16, heads: 2, depth: 2, hidden_dim: 32, patch_size: 8 } }).model;
    const model = new FlowModel(spec, { length: 64, channels: 1, domains: 2, datasets: 1, labels: 3, conditional: true }, 4);
    expect(readoutsOf(model)).toEqual(['mean', 'mean_max', 'std', 'mean_std']);
    expect(readoutDim(model, 'mean_max')).toBe(32);
    const x = tf.tensor3d(new Rng(2).normalArray(3 * 64), [3, 64, 1]);
    const mean = model.encoderFeatures(x).arraySync() as number[][];
    const mm = readoutFeatures(model, x, 'mean_max').arraySync() as number[][];
    const sd = readoutFeatures(model, x, 'std').arraySync() as number[][];
    const ms = readoutFeatures(model, x, 'mean_std').arraySync() as number[][];
    // The trunk's tokens by hand: [3, tokens, 16] at t = 1, unknown condition.
    const net = model.net as VelocityDit;
    const tokens = tf.tidy(() => {
      const ctx = model.context(tf.ones([3]) as tf.Tensor1D, model.cond.unknownIds(3), null);
      return tf.reshape(net.trunk(net.embedTokens(tf.reshape(x, [3, 64]) as tf.Tensor2D), ctx), [3, net.tokens, 16]).arraySync() as number[][][];
    });
    x.dispose();
    expect(readoutDim(model, 'std')).toBe(16);
    expect(readoutDim(model, 'mean_std')).toBe(32);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 16; j++) {
        const col = tokens[i].map((tok) => tok[j]);
        const m = col.reduce((a, b) => a + b, 0) / col.length;
        const s = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length);
        expect(sd[i][j]).toBeCloseTo(s, 3);
        expect(ms[i][j]).toBeCloseTo(mean[i][j], 5);
        expect(ms[i][16 + j]).toBeCloseTo(sd[i][j], 5);
      }
    }
    for (let i = 0; i < 3; i++) {
      expect(mm[i]).toHaveLength(32);
      for (let j = 0; j < 16; j++) {
        expect(mm[i][j]).toBeCloseTo(mean[i][j], 5);
        expect(mm[i][16 + j]).toBeGreaterThanOrEqual(mm[i][j] - 1e-6); // max ≥ mean
      }
    }
    model.dispose();
    const mlp = new FlowModel(tinySpec({}).model, { length: 64, channels: 1, domains: 2, datasets: 1, conditional: true }, 4);
    expect(readoutsOf(mlp)).toEqual(['mean']);
    const y = tf.zeros([1, 64, 1]) as tf.Tensor3D;
    expect(() => readoutFeatures(mlp, y, 'mean_max')).toThrow(/needs a dit trunk/);
    y.dispose();
    mlp.dispose();
  });
});

describe('feature normalisation', () => {
  it('z-scores with the training statistics, not the test set own, then L2-normalises rows', () => {
    const train = mat([[0, 10], [2, 30]]); // mean [1, 20], std [1, 10]
    const test = mat([[5, 20], [1, 40]]);
    const st = safeStats(train);
    const z = normalizeFeatures(test, 'zscore', st);
    expect(Array.from(z.data)).toEqual([4, 0, 0, 2]);
    const l2 = normalizeFeatures(test, 'zscore_l2', st);
    expect(Array.from(l2.data)).toEqual([1, 0, 0, 1]);
    expect(normalizeFeatures(test, 'raw', st)).toBe(test);
    const n = l2NormalizeRows(mat([[3, 4], [0, 0]]));
    Array.from(n.data).forEach((v, k) => expect(v).toBeCloseTo([0.6, 0.8, 0, 0][k], 12));
  });
});

describe('whitening fitted on training rows', () => {
  it('decomposes a symmetric matrix and whitens training rows to identity covariance', () => {
    const A = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const { values, vectors } = symmetricEigen(A, 3);
    for (let e = 0; e < 3; e++) {
      for (let i = 0; i < 3; i++) {
        let av = 0;
        for (let j = 0; j < 3; j++) av += A[i * 3 + j] * vectors[j * 3 + e];
        expect(av).toBeCloseTo(values[e] * vectors[i * 3 + e], 9);
      }
    }
    const rng = new Rng(9);
    const rows = Array.from({ length: 2000 }, () => { const a = rng.normal(), b = rng.normal(), c = rng.normal(); return [5 + 3 * a, 2 * a + 0.5 * b, -1 + b + c]; });
    const X = mat(rows);
    const Z = applyWhitener(X, fitWhitener(X));
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 3; k++) {
        let c = 0;
        for (let i = 0; i < Z.n; i++) c += Z.data[i * 3 + j] * Z.data[i * 3 + k];
        expect(c / (Z.n - 1)).toBeCloseTo(j === k ? 1 : 0, 1); // ε shrinks variance by < 1 %
      }
    }
  });
});

describe('probe C by group k-fold CV', () => {
  it('keeps every group in one fold', () => {
    const groups = Int32Array.from({ length: 60 }, (_, i) => 100 + Math.floor(i / 4));
    const f = groupFolds(groups, 3);
    for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) if (groups[i] === groups[j]) expect(f[i]).toBe(f[j]);
    expect(new Set(f).size).toBe(3);
  });

  it('prefers weak regularisation when a strong penalty collapses to the majority class', () => {
    const rng = new Rng(7);
    const rows: number[][] = [], y: number[] = [], g: number[] = [];
    const sizes = [60, 20, 20];
    sizes.forEach((n, c) => {
      for (let i = 0; i < n; i++) { rows.push([c * 3 + 0.3 * rng.normal(), rng.normal()]); y.push(c); g.push(rows.length); }
    });
    const r = selectC(mat(rows), y, g, [1e-4, 10], 3, 100);
    expect(r.C).toBe(10);
    expect(r.scores[0].cv_accuracy).toBeLessThan(0.7);
    expect(r.scores[1].cv_accuracy).toBeGreaterThan(0.95);
  });

  it('does not leak through groups: memorisable groups with random labels score at chance', () => {
    const rng = new Rng(11);
    const rows: number[][] = [], y: number[] = [], g: number[] = [];
    for (let grp = 0; grp < 30; grp++) {
      const v = Array.from({ length: 8 }, () => rng.normal());
      const label = grp % 2;
      for (let k = 0; k < 6; k++) { rows.push(v.map((a) => a + 1e-3 * rng.normal())); y.push(label); g.push(grp); }
    }
    // Row-level folds would memorise each group (accuracy ≈ 1); group folds cannot.
    const r = selectC(mat(rows), y, g, [100], 3, 100);
    expect(r.scores[0].cv_accuracy).toBeLessThan(0.8);
  });
});

describe('few-shot readout chosen on training episodes', () => {
  it('picks the informative readout and the normalisation that removes a dominant noisy column', () => {
    const rng = new Rng(5);
    const n = 400;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 8) * 4 + (i % 4));
    // "good": class in column 0 (scale 1) under a huge noise column; "noise": nothing.
    const good = mat(Array.from({ length: n }, (_, i) => [labels[i] + 0.1 * rng.normal(), 1000 * rng.normal()]));
    const noise = mat(Array.from({ length: n }, () => [rng.normal(), rng.normal()]));
    const ch = selectFewShotReadout({ noise, good }, labels, groups, { way: 4, shot: 5, query: 15, episodes: 30, seed: 1 });
    expect(ch.readout).toBe('good');
    expect(ch.norm).not.toBe('raw');
    expect(ch.candidates).toHaveLength(8);
    const raw = ch.candidates.find((c) => c.readout === 'good' && c.norm === 'raw')!;
    const z = ch.candidates.find((c) => c.readout === 'good' && c.norm === 'zscore')!;
    expect(z.train_accuracy).toBeGreaterThan(raw.train_accuracy + 0.3);
  });
});
