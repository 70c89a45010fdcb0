import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { runSpecSchema } from '../../../../src-main/config/schema.js';
import { anomalyScores } from '../../../../src-main/engine/flow/anomaly-score.js';
import { FS_BUCKETS, sampleRateBucket } from '../../../../src-main/engine/flow/condition-encoder.js';
import { Ema, emaDecayAt } from '../../../../src-main/engine/flow/ema.js';
import { emaParts, loadEmaWeights } from '../../../../src-main/engine/flow/ema-checkpoint.js';
import { FlowModel, type FlowModelShape } from '../../../../src-main/engine/flow/flow-model.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { tinySpec } from '../fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const allConds = tinySpec({ model: { conditions: ['domain', 'dataset', 'label', 'sample_rate'] } }).model;
const shape: FlowModelShape = { length: 64, channels: 1, domains: 2, datasets: 2, labels: 3, conditional: true };

describe('conditions', () => {
  it('label and sample rate are conditions with unknown tokens distinct from every real id', () => {
    const model = new FlowModel(allConds, shape, 1);
    expect(model.cond.unknownLabel).toBe(3);
    expect(model.cond.hiddenDim).toBe(4 * allConds.condition_dim);
    const n = 4;
    const rows = (label: number[], fs: number[]) => tf.tidy(() => model.cond.apply({
      domain: new Int32Array(n), dataset: new Int32Array(n), label: Int32Array.from(label), fsHz: Float32Array.from(fs),
    }, null).arraySync() as number[][]);
    const byLabel = rows([0, 1, 2, 3], [12000, 12000, 12000, 12000]);
    const byRate = rows([0, 0, 0, 0], [12000, 48000, 1000, 0]);
    const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));
    for (let i = 0; i < 3; i++) expect(dist(byLabel[3], byLabel[i])).toBeGreaterThan(1e-3); // unknown label vs each real
    for (let i = 0; i < 3; i++) expect(dist(byRate[3], byRate[i])).toBeGreaterThan(1e-3); // unknown rate vs each real
    expect(dist(byRate[0], byRate[1])).toBeGreaterThan(1e-3);
    expect(() => model.cond.apply({ domain: new Int32Array(1), dataset: new Int32Array(1), label: Int32Array.from([4]) }, null)).toThrow(/outside 0..3/);
    model.dispose();
  });

  it('sample-rate buckets are half-octaves of log₂ fs; missing rates are unknown', () => {
    expect(sampleRateBucket(1000)).toBe(8);
    expect(sampleRateBucket(12000)).toBe(15); // round(2·log₂ 12) + 8
    expect(sampleRateBucket(48000)).toBe(19);
    expect(sampleRateBucket(1e9)).toBe(FS_BUCKETS - 1);
    expect(sampleRateBucket(0)).toBe(FS_BUCKETS);
    expect(sampleRateBucket(NaN)).toBe(FS_BUCKETS);
  });

  it('condition dropout (model.condition_dropout) drops all of a window\'s conditions together, at the configured rate', () => {
    const spec = tinySpec({ model: { conditions: ['domain', 'label'], condition_dropout: 0.3 } }).model;
    const model = new FlowModel(spec, shape, 1);
    const n = 2000;
    const d = model.cond.dropConditions({ domain: new Int32Array(n), dataset: new Int32Array(n), label: new Int32Array(n), fsHz: new Float32Array(n).fill(12000) }, new Rng(3), spec.condition_dropout);
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      const u = d.domain[i] === 2;
      expect(d.label![i] === 3).toBe(u);
      expect(d.fsHz![i] === 0).toBe(u);
      dropped += Number(u);
    }
    expect(dropped / n).toBeGreaterThan(0.26);
    expect(dropped / n).toBeLessThan(0.34);
    model.dispose();
  });

  it('config keys are reachable and validated', () => {
    expect(() => runSpecSchema.parse({ model: { conditions: ['domain', 'rpm'] } })).toThrow();
    expect(() => runSpecSchema.parse({ model: { ema_decay: 1 } })).toThrow();
    const m = runSpecSchema.parse({ model: { velocity_net: 'dit', sampler: 'rk4', guidance_scale: 2 } }).model;
    expect([m.velocity_net, m.sampler, m.guidance_scale, m.condition_dropout, m.ema_decay]).toEqual(['dit', 'rk4', 2, 0.1, 0]);
  });
});

describe('EMA of weights', () => {
  it('s ← d_n·s + (1 − d_n)·w with d_n = min(decay, (1+n)/(10+n)), by hand', async () => {
    const model = new FlowModel(tinySpec().model, shape, 1);
    const w = model.params.get('time.fc1.b');
    const ema = new Ema(model.params, 0.5);
    let s = 0; // time.fc1.b starts at 0
    const before = tf.memory().numTensors;
    for (let n = 0; n < 4; n++) {
      const val = n + 1;
      tf.tidy(() => w.assign(tf.fill(w.shape, val)));
      ema.update();
      const d = Math.min(0.5, (1 + n) / (10 + n));
      s = d * s + (1 - d) * val;
    }
    expect(emaDecayAt(0.999, 0)).toBeCloseTo(0.1, 10);
    expect(emaDecayAt(0.5, 100)).toBe(0.5);
    const idx = model.params.list().findIndex((p) => p.name === 'time.fc1.b');
    expect((await ema.values())[idx][0]).toBeCloseTo(s, 5);
    expect(tf.memory().numTensors).toBe(before); // each update replaces the shadow, nothing accumulates
    // withShadow swaps in the EMA weights and restores the live ones.
    const inside = ema.withShadow(() => w.dataSync()[0]);
    expect(inside).toBeCloseTo(s, 5);
    expect(w.dataSync()[0]).toBe(4);

    // The checkpoint part round-trips the shadow; loadEmaWeights puts it into a model.
    const part = emaParts(ema, model)[0];
    const saved = await part.save();
    const arrays = new Map(saved.arrays!.map((a) => [a.name, a]));
    const ema2 = new Ema(model.params, 0.5);
    emaParts(ema2, model)[0].load(saved.state, arrays);
    expect(ema2.updates).toBe(4);
    expect((await ema2.values())[idx][0]).toBeCloseTo(s, 5);
    const prefixed = new Map(saved.arrays!.map((a) => [`part.ema/${a.name}`, a]));
    const restored = new FlowModel(tinySpec().model, shape, 99);
    expect(loadEmaWeights(restored, new Map())).toBe(false);
    expect(loadEmaWeights(restored, prefixed)).toBe(true);
    expect(restored.params.get('time.fc1.b').dataSync()[0]).toBeCloseTo(s, 5);
    for (const x of [ema, ema2]) x.dispose();
    restored.dispose();
    model.dispose();
  });
});

describe('anomaly scores', () => {
  it('latent = |‖z‖²/D − 1| of the encoded noise; flow_loss per window over fixed draws; batch-independent', () => {
    const model = new FlowModel(tinySpec({ model: { sampler: 'heun', sample_steps: 8 } }).model, shape, 5);
    const rng = new Rng(11);
    const x = tf.tensor2d(rng.normalArray(6 * 64), [6, 64]);
    const before = tf.memory().numTensors;
    const a = anomalyScores(model, x, { draws: 4, batchSize: 4 });
    const b = anomalyScores(model, x, { draws: 4, batchSize: 6 });
    expect(tf.memory().numTensors).toBe(before);
    for (const k of ['latent', 'latent_norm', 'flow_loss'] as const) {
      expect(a[k].length).toBe(6);
      for (let i = 0; i < 6; i++) expect(a[k][i]).toBeCloseTo(b[k][i], 4);
    }
    for (let i = 0; i < 6; i++) expect(a.latent[i]).toBeCloseTo(Math.abs(a.latent_norm[i] ** 2 / 64 - 1), 4);
    // flow_loss recomputed by hand for window 0 from the same draws.
    const eps = new Rng(0).normalArray(4 * 64);
    const x0 = x.slice([0, 0], [1, 64]);
    let byHand = 0;
    for (let k = 0; k < 4; k++) {
      const tk = (k + 0.5) / 4;
      byHand += tf.tidy(() => {
        const e = tf.tensor2d(eps.subarray(k * 64, (k + 1) * 64), [1, 64]);
        const xt = tf.add(tf.mul(e, 1 - tk), tf.mul(x0, tk)) as tf.Tensor2D;
        const v = model.velocity(xt, tf.tensor1d([tk]), model.cond.unknownIds(1));
        return tf.mean(tf.squaredDifference(v, tf.sub(x0, e))).dataSync()[0];
      }) / 4;
    }
    expect(a.flow_loss[0]).toBeCloseTo(byHand, 4);
    tf.dispose([x, x0]);
    model.dispose();
  });
});
