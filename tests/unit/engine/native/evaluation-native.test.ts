/**
 * The evaluation's generation and encode-to-noise run on the native engine where it covers the
 * model, and give what the tf solver gives: generated windows (evaluate/generation.ts sample)
 * and the latent anomaly scores (flow/anomaly-score.ts with the native `encode`), for the mlp
 * and the dit, against the same calls with the native engine out of the way.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { anomalyScores } from '../../../../src-main/engine/flow/anomaly-score.js';
import { sample } from '../../../../src-main/engine/evaluate/generation.js';
import { nativeSamplerFor } from '../../../../src-main/engine/native/native-sampling.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { modelOf, native, relDiff } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** fn with FLOWBENCH_BACKEND=wasm (the tf solver) and without it (native), restored after. */
function bothEngines<T>(fn: () => T): { tf: T; native: T } {
  const saved = process.env.FLOWBENCH_BACKEND;
  try {
    process.env.FLOWBENCH_BACKEND = 'wasm';
    const onTf = fn();
    delete process.env.FLOWBENCH_BACKEND;
    return { tf: onTf, native: fn() };
  } finally {
    if (saved === undefined) delete process.env.FLOWBENCH_BACKEND;
    else process.env.FLOWBENCH_BACKEND = saved;
  }
}

const NETS = {
  mlp: { velocity_net: 'mlp', hidden_dim: 32, time_dim: 8, condition_dim: 4, sample_steps: 6 },
  dit: { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 1, heads: 2, hidden_dim: 32, time_dim: 8, condition_dim: 4, sample_steps: 6 },
} as const;

describe.skipIf(!native.addon)('evaluation on the native engine', () => {
  for (const [name, spec] of Object.entries(NETS)) {
    it(`${name}: generated windows equal the tf sampler's (guidance 2), and only the native path is taken without the override`, () => {
      const { model } = modelOf(64, { ...spec, conditions: ['domain', 'dataset', 'label'] });
      const ids = { domain: 1, dataset: 0, label: 0, fsHz: 12000 };
      const got = bothEngines(() => ({ windows: sample(model, 10, ids, 5, 2).data, native: nativeSamplerFor(model) !== null }));
      expect(got.tf.native).toBe(false);
      expect(got.native.native).toBe(true);
      expect(relDiff(got.native.windows, got.tf.windows)).toBeLessThan(1e-4);
      model.dispose();
    });

    it(`${name}: latent anomaly scores from the native encode-to-noise equal the tf solver's`, () => {
      const { model } = modelOf(64, spec);
      const x = tf.tensor2d(new Rng(9).normalArray(12 * 64), [12, 64]);
      const onTf = anomalyScores(model, x, { seed: 1, draws: 2 });
      const net = nativeSamplerFor(model, {})!; // {}: no FLOWBENCH_BACKEND, also when CI forces wasm
      const onNative = anomalyScores(model, x, { seed: 1, draws: 2, encode: (xb, bIds, m, s) => Float32Array.from(net.integrate(xb, bIds, m, s, 1, 1, 0)) });
      expect(relDiff(onNative.latent_norm, onTf.latent_norm)).toBeLessThan(1e-4);
      expect(onNative.latent_norm.some((v) => v > 0)).toBe(true);
      expect(Array.from(onNative.flow_loss)).toEqual(Array.from(onTf.flow_loss)); // the flow-loss terms stay on tf
      x.dispose();
      model.dispose();
    });
  }
});
