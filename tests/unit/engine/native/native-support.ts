/**
 * Shared by the native engine's tests: the addon (or the reason it is absent, printed once
 * so a skipped suite is visible in the output) and a FlowModel + training draws to feed it.
 */
import type { RunSpec } from '../../../../src-main/config/schema.js';
import { FlowModel } from '../../../../src-main/engine/flow/flow-model.js';
import { loadNativeAddon } from '../../../../src-main/engine/native/loader.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { gatherBatch, type Batch } from '../../../../src-main/engine/train/batches.js';
import { drawTraining, type FlowDraws } from '../../../../src-main/engine/train/flow-step.js';
import type { NativeNet } from '../../../../src-main/engine/native/native-net.js';
import * as tf from '@tensorflow/tfjs';
import { flowLossAndGrads } from '../../../../src-main/engine/train/flow-step.js';
import { sineWindows, tinySpec } from '../fixtures.js';

export const norm = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
export const diffNorm = (a: ArrayLike<number>, b: ArrayLike<number>): number => norm(Array.from(a, (v, i) => v - b[i]!));
/** ‖a − b‖ / ‖b‖ (b of zero norm: ‖a − b‖ / 1e-30). */
export const relDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => diffNorm(a, b) / Math.max(norm(b), 1e-30);

export const native = loadNativeAddon();
if (!native.addon) console.warn(`[native engine tests skipped] the addon is absent: ${native.reason}`);

/**
 * Runs fn with FLOWBENCH_BACKEND unset: the parity tests pick each engine through
 * engine.backend, also when CI forces the rest of the suite onto wasm.
 */
export async function withoutBackendOverride<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.FLOWBENCH_BACKEND;
  delete process.env.FLOWBENCH_BACKEND;
  try {
    return await fn();
  } finally {
    if (saved !== undefined) process.env.FLOWBENCH_BACKEND = saved;
  }
}

/** A model of the given sizes with two domains and one dataset (plus unknown rows). */
export function modelOf(length: number, model: Record<string, unknown>, seed = 7): { spec: RunSpec; model: FlowModel } {
  // Condition dropout 0.5 so a batch trains both real and unknown table rows.
  const spec = tinySpec({ data: { window_length: length, stride: length }, model: { condition_dropout: 0.5, ...model } });
  const m = new FlowModel(spec.model, { length, channels: 1, domains: 2, datasets: 1, labels: 1, conditional: true }, seed);
  return { spec, model: m };
}

/** A batch of n sine windows and its training draws (t, ε, condition dropout, hidden dropout). */
export function batchAndDraws(model: FlowModel, n: number, seed = 3): { batch: Batch; draws: FlowDraws } {
  const set = sineWindows(n, model.shape.length, 1, seed);
  const batch = gatherBatch(set, Int32Array.from({ length: n }, (_, i) => i), 1e4);
  const draws = drawTraining(model, batch, new Rng(seed + 100));
  return { batch, draws };
}

/**
 * Central finite differences (h 1e-6) of a float64 engine's flow loss for every parameter,
 * against its analytic gradient; throws naming the first parameter off by more than
 * 1e-7 + 1e-5·|fd|. Returns how many parameters it checked.
 */
export function checkFiniteDifferences(net: NativeNet, batch: Batch, draws: FlowDraws): number {
  const p = net.params as Float64Array;
  net.lossAndGrad(batch.x, draws, 1, false);
  const analytic = Float64Array.from(net.grads);
  const h = 1e-6;
  let checked = 0;
  for (const [name, view] of net.named) {
    const offset = view.byteOffset / 8;
    for (let j = 0; j < view.length; j++) {
      const i = offset + j;
      const keep = p[i]!;
      p[i] = keep + h;
      const up = net.lossAndGrad(batch.x, draws, 1, false);
      p[i] = keep - h;
      const down = net.lossAndGrad(batch.x, draws, 1, false);
      p[i] = keep;
      const fd = (up - down) / (2 * h);
      const err = Math.abs(fd - analytic[i]!);
      if (err > 1e-7 + 1e-5 * Math.abs(fd)) throw new Error(`${name}[${j}]: analytic ${analytic[i]} vs finite difference ${fd}`);
      checked++;
    }
  }
  return checked;
}

/**
 * The engine's float32 flow loss and every parameter's gradient against the TypeScript
 * engine's on the same batch and draws: loss within 1e-5 relative, each gradient within 1e-4
 * relative (throws naming the parameter). nonZero: every TypeScript gradient must be non-zero
 * (a model perturbed so that every gate is open).
 */
export function checkAgainstTypeScript(net: NativeNet, model: FlowModel, batch: Batch, draws: FlowDraws, nonZero: boolean): void {
  const ts = flowLossAndGrads(model, batch, draws, 1);
  try {
    const loss = net.lossAndGrad(batch.x, draws, 1, false);
    if (!(Math.abs(loss - ts.flowLoss) / ts.flowLoss < 1e-5)) throw new Error(`loss ${loss} vs TypeScript ${ts.flowLoss}`);
    model.params.list().forEach(({ name }, i) => {
      const want = ts.grads[i]!.dataSync();
      if (nonZero && !(norm(want) > 0)) throw new Error(`${name}: the TypeScript gradient is zero`);
      const rel = diffNorm(net.grad(name), want) / Math.max(norm(want), 1e-12);
      if (!(rel < 1e-4)) throw new Error(`${name}: relative difference ${rel} (‖g‖ = ${norm(want)})`);
    });
  } finally {
    tf.dispose(ts.grads);
  }
}
