/**
 * The native engine inside the real training loop (in process): 200 steps from the same
 * initial weights give wasm's losses within 1e-3 relative; the same seed on native gives
 * identical losses; the started event names the engine and why faster ones were skipped;
 * a model the native engine does not cover (mlp + contrastive) falls back to wasm and says why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSpec } from '../../../../src-main/config/schema.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import type { EngineEvent, StartedEvent, StepEvent } from '../../../../src-main/engine/protocol/index.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';
import { native, withoutBackendOverride } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

async function train(spec: RunSpec): Promise<{ started: StartedEvent; losses: number[] }> {
  const events: EngineEvent[] = [];
  await withoutBackendOverride(() => runTraining(trainRequest(spec, tempDir('native')), (e) => events.push(e), { stopRequested: false }, { data: sineData() }));
  const started = events.find((e) => e.event === 'started') as StartedEvent;
  const losses = (events.filter((e) => e.event === 'step') as StepEvent[]).map((e) => e.flow_loss);
  return { started, losses };
}

// 64 windows / batch 16 = 4 steps an epoch: 50 epochs = 200 steps, a loss at every step.
const steps200 = (backend: string, model: Record<string, unknown> = {}): RunSpec =>
  tinySpec({ task: { epochs: 50 }, trainer: { log_every_n_steps: 1 }, engine: { backend }, model });

describe.skipIf(!native.addon)('native engine in the training loop', () => {
  let nat: Awaited<ReturnType<typeof train>>;
  let wasm: Awaited<ReturnType<typeof train>>;
  beforeAll(async () => {
    nat = await train(steps200('native'));
    wasm = await train(steps200('wasm'));
  }, 120_000);

  it('records which engine ran and why the faster one was skipped', () => {
    expect(nat.started.backend).toBe('native');
    expect(nat.started.backend_threads).toBe(1);
    expect(nat.started.versions.blas).toMatch(/OpenBLAS|accelerate/i);
    expect(wasm.started.backend).toBe('wasm');
    expect(wasm.started.backend_skipped.native).toBe('engine.backend = wasm');
  });

  it('200 steps from the same initial weights: the losses of wasm within 1e-3 relative, and the loss falls', () => {
    expect(nat.losses).toHaveLength(200);
    expect(wasm.losses).toHaveLength(200);
    const worst = Math.max(...nat.losses.map((l, i) => Math.abs(l - wasm.losses[i]) / Math.abs(wasm.losses[i])));
    console.log(`native vs wasm, 200 steps: worst relative loss difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-3);
    expect(nat.losses.slice(-20).reduce((a, b) => a + b) / 20).toBeLessThan(0.8 * nat.losses.slice(0, 20).reduce((a, b) => a + b) / 20);
  });

  it('same seed, same engine: identical losses', async () => {
    const again = await train(steps200('native'));
    expect(again.losses).toEqual(nat.losses);
  }, 60_000);

  it('engine.threads 2 runs OpenBLAS on 2 threads (started event and the BLAS agree) and trains the same losses', async () => {
    try {
      const two = await train(tinySpec({ task: { epochs: 5 }, trainer: { log_every_n_steps: 1 }, engine: { backend: 'native', threads: 2 } }));
      expect(two.started.backend_threads).toBe(2);
      expect(native.addon!.info().threads).toBe(2);
      expect(two.losses).toHaveLength(20);
      const worst = Math.max(...two.losses.map((l, i) => Math.abs(l - nat.losses[i]) / Math.abs(nat.losses[i])));
      expect(worst).toBeLessThan(1e-5);
    } finally {
      native.addon!.setThreads(1);
    }
  }, 60_000);

  it('auto picks native for the mlp and falls back to wasm, saying why, for the mlp with the contrastive branch', async () => {
    const short = { task: { epochs: 1 }, trainer: { steps_per_epoch: 1 } };
    const auto = await train(tinySpec({ ...short, engine: { backend: 'auto' } }));
    expect(auto.started.backend).toBe('native');
    const con = await train(tinySpec({ ...short, task: { ...short.task, use_contrastive: true, projection_dim: 8, projection_hidden_dim: 16 } }));
    expect(con.started.backend).toBe('wasm');
    expect(con.started.backend_skipped.native).toMatch(/the contrastive branch\) is not covered by the native engine for model\.velocity_net = mlp/);
  }, 60_000);

  it('forcing native on a model it does not cover fails with the reason', async () => {
    await expect(train(tinySpec({ engine: { backend: 'native' }, task: { use_contrastive: true, projection_dim: 8, projection_hidden_dim: 16 } })))
      .rejects.toThrow(/engine\.backend = native was requested but the native engine cannot run this run: task\.use_contrastive = true \(the contrastive branch\)/);
  });
});
