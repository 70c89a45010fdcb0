/**
 * The one-class anomaly pieces: the healthy-reference kNN score (columns standardised by
 * the reference only) and the per-t flow-loss profile the evaluation feeds it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { auroc } from '../../../src-main/engine/metrics/index.js';
import { healthyReferenceKnn } from '../../../src-main/engine/evaluate/downstream.js';
import { anomalyScores } from '../../../src-main/engine/flow/anomaly-score.js';
import { FlowModel } from '../../../src-main/engine/flow/flow-model.js';
import { Rng } from '../../../src-main/data/rng.js';
import { modelSchema } from '../../../src-main/config/schema.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const matrix = (rows: number[][]) => ({ data: Float64Array.from(rows.flat()), n: rows.length, d: rows[0]!.length });

describe('healthyReferenceKnn', () => {
  it('ranks rows far from the healthy reference above rows inside it', () => {
    const rng = new Rng(3);
    const ref = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
    const inside = Array.from({ length: 20 }, () => [rng.normal(), rng.normal()]);
    const outside = Array.from({ length: 20 }, () => [4 + rng.normal(), rng.normal()]);
    const s = healthyReferenceKnn(matrix(ref), matrix([...inside, ...outside]), 5);
    expect(auroc([...inside.map(() => 0), ...outside.map(() => 1)], s)).toBeGreaterThan(0.97);
  });

  it('standardises by the reference: a column that is huge but constant-scale in the reference does not drown a shift in another', () => {
    const rng = new Rng(4);
    // Column 0 varies by ±1000 in the reference and in every test row alike; column 1 carries the anomaly (shift of 3σ).
    const ref = Array.from({ length: 60 }, () => [1000 * rng.normal(), rng.normal()]);
    const ok = Array.from({ length: 20 }, () => [1000 * rng.normal(), rng.normal()]);
    const bad = Array.from({ length: 20 }, () => [1000 * rng.normal(), 3 + rng.normal()]);
    const s = healthyReferenceKnn(matrix(ref), matrix([...ok, ...bad]), 5);
    expect(auroc([...ok.map(() => 0), ...bad.map(() => 1)], s)).toBeGreaterThan(0.9);
  });
});

describe('anomalyScores flow_loss_profile', () => {
  it('holds K per-t terms per window whose mean is flow_loss, and flowLossOnly skips the latent', () => {
    const spec = modelSchema.parse({ hidden_dim: 32, time_dim: 16, condition_dim: 16, sample_steps: 4 });
    const model = new FlowModel(spec, { length: 64, channels: 1, domains: 1, datasets: 1, conditional: true }, 0);
    try {
      const x = tf.tensor2d(new Rng(5).normalArray(6 * 64), [6, 64]);
      const full = anomalyScores(model, x, { draws: 4, seed: 1 });
      const only = anomalyScores(model, x, { draws: 4, seed: 1, flowLossOnly: true });
      x.dispose();
      expect(full.draws).toBe(4);
      expect(full.flow_loss_profile).toHaveLength(6 * 4);
      for (let i = 0; i < 6; i++) {
        const terms = Array.from(full.flow_loss_profile.subarray(i * 4, i * 4 + 4));
        expect(terms.every((v) => v > 0)).toBe(true);
        expect(full.flow_loss[i]).toBeCloseTo(terms.reduce((a, b) => a + b, 0) / 4, 5);
      }
      // The same fixed draws: the profile does not depend on whether the latent was computed.
      expect(Array.from(only.flow_loss_profile)).toEqual(Array.from(full.flow_loss_profile));
      expect(full.latent_norm.every((v) => v > 0)).toBe(true);
      expect(only.latent_norm.every((v) => v === 0)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});
