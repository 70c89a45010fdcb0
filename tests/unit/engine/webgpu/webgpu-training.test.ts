/**
 * A whole training run (runTraining: steps, clipping, validation, preview, EMA, interval and
 * final checkpoints, resume) on the webgpu backend gives wasm's losses. On a machine without a
 * GPU this runs on Mesa's software OpenGL ES adapter (llvmpipe). Skipped, saying why, only when
 * no adapter can be created; FLOWBENCH_REQUIRE_WEBGPU=1 turns that skip into a failure.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, type BackendInfo } from '../../../../src-main/engine/backend/select-backend.js';
import { webGpuErrors } from '../../../../src-main/engine/backend/webgpu.js';
import type { CheckpointEvent, EngineEvent, StepEvent, TrainRequest } from '../../../../src-main/engine/protocol/index.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';
import { startWebGpu } from './start-webgpu.js';

/** 2 epochs × 4 steps; validation every 2 steps, a preview every 4, checkpoints at 3, 4 (epoch end), 6 and 8 (final). */
const specFor = (backend: 'wasm' | 'webgpu') => tinySpec({
  model: { velocity_net: 'mlp', ema_decay: 0.9 },
  task: { epochs: 2, gradient_clipping: 1, checkpoint_interval: 3, keep_checkpoints: 10 },
  trainer: { steps_per_epoch: 4, log_every_n_steps: 1, val_every_n_steps: 2, preview_every_n_steps: 4 },
  engine: { backend },
});

async function train(req: TrainRequest, backend: BackendInfo) {
  const events: EngineEvent[] = [];
  const finished = await runTraining(req, (e) => events.push(e), { stopRequested: false }, { data: sineData(), backend });
  const of = <K extends EngineEvent['event']>(k: K) => events.filter((e) => e.event === k) as Extract<EngineEvent, { event: K }>[];
  return { events, finished, of, steps: of('step') as StepEvent[] };
}

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

// wasm first: moving a tensor off webgpu would need a synchronous read, so wasm's run is done before webgpu starts.
const onWasm = await train(trainRequest(specFor('wasm'), tempDir('webgpu-ref')), await initBackend('wasm'));
const { gpu, why } = await startWebGpu('webgpu training tests');

describe.skipIf(why !== null)('a training run on webgpu (tiny mlp, 8 steps) against the same run on wasm', () => {
  const dir = tempDir('webgpu-run');
  let run: Awaited<ReturnType<typeof train>>;
  let seconds = 0;

  it('completes on webgpu with every part of the loop: validation, preview, interval and final checkpoints', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const t0 = performance.now();
    run = await train(trainRequest(specFor('webgpu'), dir), gpu!);
    seconds = (performance.now() - t0) / 1000;
    console.info(`[webgpu] 8-step run on ${gpu!.adapter?.name} in ${seconds.toFixed(1)} s`);
    expect(run.finished.status).toBe('completed');
    expect(run.of('started')[0]!.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(run.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.steps.filter((s) => s.val_flow_loss !== undefined)).toHaveLength(4);
    expect(run.of('preview')).toHaveLength(2);
    expect(run.of('preview')[0]!.generated[0]!.y.every(Number.isFinite)).toBe(true);
    const ckpts = run.of('checkpoint') as CheckpointEvent[];
    expect(ckpts.map((c) => [c.kind, c.step])).toEqual([['interval', 3], ['interval', 4], ['interval', 6], ['final', 8]]);
    expect(ckpts.every((c) => c.stable)).toBe(true);
    expect(webGpuErrors()).toEqual([]);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('gives wasm\'s losses, gradient norms and validation losses within 1e-4 relative', () => {
    // As in webgpu-parity.test.ts: different reduction orders, ~1e-6 here; a wrong kernel moves the loss by percent.
    let worst = 0;
    run.steps.forEach((s, i) => {
      const w = onWasm.steps[i]!;
      expect(w.step).toBe(s.step);
      for (const k of ['flow_loss', 'grad_norm'] as const) worst = Math.max(worst, relDiff(s[k], w[k]));
      if (s.val_flow_loss !== undefined) worst = Math.max(worst, relDiff(s.val_flow_loss, w.val_flow_loss!));
    });
    console.info(`[webgpu] worst relative difference to wasm over the run ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('resumes on webgpu from the mid-epoch checkpoint of step 3 and continues like the uninterrupted run', async () => {
    const from = (run.of('checkpoint') as CheckpointEvent[]).find((c) => c.step === 3)!;
    // A run folder holding only that checkpoint (resume takes the newest one that verifies).
    const again = tempDir('webgpu-resume');
    await fs.mkdir(join(again, 'checkpoints'));
    const path = join(again, 'checkpoints', basename(from.path));
    await fs.copyFile(from.path, path);
    const resumed = await train({ ...trainRequest(specFor('webgpu'), again), resume: { checkpoint_path: path } }, gpu!);
    expect(resumed.finished.status).toBe('completed');
    expect(resumed.events.some((e) => e.event === 'recovery' && e.kind === 'resume')).toBe(true);
    expect(resumed.steps.map((s) => s.step)).toEqual([4, 5, 6, 7, 8]);
    resumed.steps.forEach((s, i) => expect(relDiff(s.flow_loss, run.steps[i + 3]!.flow_loss)).toBeLessThan(1e-5));
    expect(webGpuErrors()).toEqual([]);
  });
});
