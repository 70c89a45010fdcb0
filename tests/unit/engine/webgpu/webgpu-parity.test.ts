/**
 * The webgpu backend trains the reference MLP flow model like wasm does: a few steps from the
 * same initial weights and the same draws give the same losses. On a machine without a GPU
 * this runs on Mesa's software OpenGL ES adapter (llvmpipe; .ci/run installs it).
 * Skipped, saying why, only when no adapter can be created; FLOWBENCH_REQUIRE_WEBGPU=1
 * (.ci/run) turns that skip into a failure.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src-main/data/rng.js';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { webGpuErrors } from '../../../../src-main/engine/backend/webgpu.js';
import { FlowModel } from '../../../../src-main/engine/flow/flow-model.js';
import { AdamW } from '../../../../src-main/engine/train/adamw.js';
import { asyncFlowStep } from '../../../../src-main/engine/train/async-flow-step.js';
import { gatherBatch } from '../../../../src-main/engine/train/batches.js';
import { drawTraining } from '../../../../src-main/engine/train/flow-step.js';
import { sineWindows, tinySpec } from '../fixtures.js';
import { startWebGpu } from './start-webgpu.js';

const STEPS = 6;
const B = 16;
const LR = 3e-3;
const spec = tinySpec({ model: { velocity_net: 'mlp', hidden_dim: 32 } });
const windows = sineWindows(64, 64, 1, 1);

/** Losses and final weights of STEPS steps on the active backend; model init and draws are seeded. */
async function train(): Promise<{ losses: number[]; norms: number[]; weights: Float32Array[] }> {
  const model = new FlowModel(spec.model, { length: 64, channels: 1, domains: 2, datasets: 1, labels: 1, conditional: true }, 7);
  const opt = new AdamW(model.params.variables(), { kind: 'adamw', weightDecay: 1e-4 });
  const rng = new Rng(3);
  const losses: number[] = [];
  const norms: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    const idx = Int32Array.from({ length: B }, (_, i) => (s * B + i) % windows.n);
    const batch = gatherBatch(windows, idx, 1e9);
    const r = await asyncFlowStep(model, batch, drawTraining(model, batch, rng), opt, LR, 1);
    losses.push(r.loss);
    norms.push(r.norm);
  }
  const weights = await Promise.all(model.params.variables().map(async (v) => Float32Array.from(await v.data() as Float32Array)));
  opt.dispose();
  model.dispose();
  return { losses, norms, weights };
}

// wasm first: moving a tensor off webgpu would need a synchronous read, so wasm's run is done before webgpu starts.
await initBackend('wasm');
const onWasm = await train();
const { gpu, why } = await startWebGpu('webgpu tests');

describe.skipIf(why !== null)('webgpu backend against wasm (reference MLP, a few steps)', () => {
  it('runs on a named adapter', () => {
    const info = gpu!;
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.name).toBe('webgpu');
    expect(info.adapter?.name.length).toBeGreaterThan(0);
    console.info(`[webgpu] adapter ${info.adapter?.name} (${info.adapter?.description}; software: ${info.adapter?.software}, via ${info.adapter?.via})`);
  });

  it('gives wasm\'s losses, gradient norms and weights within float32 reduction-order tolerance', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const onGpu = await train();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(webGpuErrors()).toEqual([]); // e.g. a kernel binding more storage buffers than the adapter allows
    // The two backends sum in different orders (GPU tree reductions and tiled matmuls vs
    // XNNPACK's blocked loops): float32 rounding, ~1e-7 relative per op, grows through a few
    // hundred dependent ops and six Adam steps to ~1e-5. 1e-4 relative is that with headroom;
    // a wrong kernel (or a step skipped) moves the loss by percent.
    for (let s = 0; s < STEPS; s++) {
      expect(Math.abs(onGpu.losses[s] - onWasm.losses[s]) / onWasm.losses[s]).toBeLessThan(1e-4);
      expect(Math.abs(onGpu.norms[s] - onWasm.norms[s]) / onWasm.norms[s]).toBeLessThan(1e-4);
    }
    // The steps did something (losses are not all equal), so agreement is not trivial.
    expect(new Set(onWasm.losses).size).toBe(STEPS);
    console.info(`[webgpu] worst relative loss difference ${Math.max(...onGpu.losses.map((l, s) => Math.abs(l - onWasm.losses[s]) / onWasm.losses[s])).toExponential(2)}`);
    let worst = 0;
    onGpu.weights.forEach((w, i) => w.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - onWasm.weights[i][j])); }));
    console.info(`[webgpu] worst weight difference ${worst.toExponential(2)}`);
    // Adam moves each weight by up to ≈ lr a step whatever the gradient's size, so a weight
    // whose gradient is at rounding-noise level can differ by a fraction of lr: lr/10 here.
    expect(worst).toBeLessThan(LR / 10);
  });
});
