/**
 * Checkpoints in the safetensors layout read in Python (numpy alone, Debian python3-numpy)
 * with the engine's exact weights; a checkpoint in the older .fbckpt layout (a file written
 * by the version-1 writer, kept as a fixture) still loads and rebuilds its model.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-main/data/rng.js';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { loadCheckpoint, restoreModel, saveCheckpoint } from '../../../src-main/engine/checkpoint/checkpoint.js';
import { FlowModel } from '../../../src-main/engine/flow/flow-model.js';
import { AdamW } from '../../../src-main/engine/train/adamw.js';
import { tempDir, tinySpec } from './fixtures.js';

const repo = join(import.meta.dirname, '../../..');
const shape = { length: 64, channels: 1, domains: 2, datasets: 1, labels: 2, conditional: true };
const meta = (spec: ReturnType<typeof tinySpec>) => ({
  run_id: 'interop', created: '2026-12-04T16:30:00.000Z', config: spec, step: 5, epoch: 1, model_shape: shape,
  rng: new Rng(1).getState(), manifest_hash: 'synthetic', class_names: ['a', 'b'], domain_names: ['d0', 'd1'], dataset_names: ['s'],
  window_length: 64, channels: 1, normalization: { method: 'zscore', scope: 'window' }, metrics: { train_flow_loss: 0.5, val_flow_loss: null },
});

beforeAll(async () => {
  await initBackend('wasm');
});

describe('checkpoint interop', () => {
  it('Python with numpy reads the header, the metadata and every tensor, equal to the engine weights', async () => {
    const spec = tinySpec({ model: { hidden_dim: 16, time_dim: 8, condition_dim: 4 } });
    const model = new FlowModel(spec.model, shape, spec.environment.seed);
    const optimizer = new AdamW(model.params.variables(), { kind: 'adamw', weightDecay: 0 });
    const file = join(tempDir('interop'), 'step-5.fbckpt');
    await saveCheckpoint(file, meta(spec), model, optimizer);
    const py = spawnSync('/usr/bin/python3', [join(repo, 'scripts/read_checkpoint.py'), file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
    const out = JSON.parse(py.stdout) as { metadata: Record<string, unknown>; tensors: Record<string, { shape: number[]; values: number[] }> };
    expect(out.metadata.run_id).toBe('interop');
    expect(out.metadata.param_names).toEqual(model.params.list().map((p) => p.name));
    for (const p of model.params.list()) {
      const t = out.tensors[`param/${p.name}`]!;
      expect(t.shape, p.name).toEqual(p.variable.shape);
      expect(Float32Array.from(t.values), p.name).toEqual(p.variable.dataSync());
      expect(out.tensors[`adam.m/${p.name}`]!.shape).toEqual(p.variable.shape);
    }
    optimizer.dispose();
    model.dispose();
  });

  it('an older .fbckpt checkpoint (version-1 layout) still loads and rebuilds its model', async () => {
    const ckpt = await loadCheckpoint(join(repo, 'tests/fixtures/checkpoints/legacy-v1.fbckpt'));
    expect(ckpt.meta.run_id).toBe('legacy-fixture');
    const restored = restoreModel(ckpt);
    // The fixture holds a freshly initialised model: the same config and seed rebuild it exactly.
    const fresh = new FlowModel(ckpt.meta.config.model, ckpt.meta.model_shape, ckpt.meta.config.environment.seed);
    expect(restored.params.list().map((p) => p.name)).toEqual(ckpt.meta.param_names);
    restored.params.list().forEach((p, i) => expect(p.variable.dataSync(), p.name).toEqual(fresh.params.list()[i]!.variable.dataSync()));
    restored.dispose();
    fresh.dispose();
  });
});
