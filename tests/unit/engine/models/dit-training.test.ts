import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { loadCheckpoint, restoreModel, saveCheckpoint } from '../../../../src-main/engine/checkpoint/checkpoint.js';
import { loadEmaWeights } from '../../../../src-main/engine/flow/ema-checkpoint.js';
import { FlowModel } from '../../../../src-main/engine/flow/flow-model.js';
import type { CheckpointEvent, EngineEvent, EpochEvent, SampledEvent } from '../../../../src-main/engine/protocol.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { runSampling } from '../../../../src-main/engine/sample.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const ditModel = { velocity_net: 'dit', token_dim: 32, heads: 2, depth: 2, hidden_dim: 64, patch_size: 8 };

describe('a short DiT training run (hand-made sinusoid windows)', () => {
  const spec = tinySpec({
    model: { ...ditModel, ema_decay: 0.9, conditions: ['domain', 'label'], sampler: 'heun', sample_steps: 6, guidance_scale: 2 },
    task: { epochs: 6, lr: 3e-3 }, trainer: { steps_per_epoch: 4 },
  });
  const events: EngineEvent[] = [];
  let dir = '';
  let tensorsBefore = 0;
  beforeAll(async () => {
    dir = tempDir('dit');
    tensorsBefore = tf.memory().numTensors;
    await runTraining(trainRequest(spec, dir), (e) => events.push(e), { stopRequested: false }, { data: sineData() });
  });

  it('completes with a falling loss and no leaked tensors', () => {
    const epochs = events.filter((e) => e.event === 'epoch') as EpochEvent[];
    expect(epochs.length).toBe(6);
    expect(epochs[5].train_flow_loss).toBeLessThan(0.8 * epochs[0].train_flow_loss);
    expect(events.at(-1)).toMatchObject({ event: 'finished', status: 'completed' });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('its checkpoint rebuilds the DiT from the config inside, carries EMA weights, and samples with Heun + CFG', async () => {
    // The final checkpoint: interval ones (every epoch by default) are pruned by keep-N.
    const ck = events.filter((e) => e.event === 'checkpoint').at(-1) as CheckpointEvent;
    const loaded = await loadCheckpoint(ck.path);
    const model = restoreModel(loaded);
    expect(model.net.constructor.name).toBe('VelocityDit');
    expect(loaded.meta.param_names).toContain('dit.block1.mlp.fc2.w');
    const live = Float32Array.from(model.params.get('dit.final.out.w').dataSync());
    expect(loadEmaWeights(model, loaded.arrays)).toBe(true);
    const shadow = model.params.get('dit.final.out.w').dataSync();
    expect(live.some((v, i) => Math.abs(v - shadow[i]) > 1e-7)).toBe(true); // the shadow lags the live weights
    model.dispose();

    const out = join(dir, 'samples.csv');
    const got: EngineEvent[] = [];
    await runSampling({ type: 'sample', run_id: 'test-run', checkpoint_path: ck.path, count: 5, out_path: out, seed: 1, domain: 'fast', label: 'normal' }, (e) => got.push(e), { backend: undefined });
    const s = got.find((e) => e.event === 'sampled') as SampledEvent;
    expect(s).toMatchObject({ sampler: 'heun', sample_steps: 6, guidance_scale: 2, ema: true, count: 5 });
    expect(existsSync(out)).toBe(true);
    await expect(runSampling({ type: 'sample', run_id: 'r', checkpoint_path: ck.path, count: 1, out_path: out, seed: 1, fs_hz: 12000 }, () => {}))
      .rejects.toThrow(/not conditioned on fs_hz/);
  });
});

describe('DiT checkpoint round trip', () => {
  it('restoreModel gives the same velocity field as the saved model', async () => {
    const spec = tinySpec({ model: { ...ditModel, patch_size: 16 } });
    const shape = { length: 64, channels: 2, domains: 2, datasets: 1, labels: 1, conditional: true };
    const model = new FlowModel(spec.model, shape, 3);
    // Move the zero-initialised gates/output away from 0 so the field is not trivially 0.
    tf.tidy(() => model.params.variables().forEach((v, i) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05, 'float32', i)))));
    const path = join(tempDir('dit-ckpt'), 'm.fbckpt');
    await saveCheckpoint(path, {
      run_id: 'r', created: new Date().toISOString(), config: spec, step: 0, epoch: 0, model_shape: shape, rng: new Rng(1).getState(),
      manifest_hash: 'h', class_names: ['a'], domain_names: ['x', 'y'], dataset_names: ['d'], window_length: 64, channels: 2,
      normalization: { method: 'none', scope: 'window' }, metrics: { train_flow_loss: null, val_flow_loss: null },
    }, model, null);
    const restored = restoreModel(await loadCheckpoint(path));
    const x = tf.randomNormal([3, 128]) as tf.Tensor2D;
    const t = tf.tensor1d([0.2, 0.5, 0.8]);
    const ids = { domain: Int32Array.from([0, 1, 2]), dataset: new Int32Array(3) };
    const a = model.velocity(x, t, ids);
    const b = restored.velocity(x, t, ids);
    expect(tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0])).toBeGreaterThan(1e-3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([x, t, a, b]);
    model.dispose();
    restored.dispose();
  });
});
