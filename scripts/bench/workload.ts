/**
 * The benchmark workload, built from the engine's own pieces as train/loop.ts uses them:
 * FlowModel, JointObjective (draw → step → afterStep), clipByGlobalNorm, AdamW, eulerSample
 * (the loop's reliability guard, logging and checkpoints are left out).
 * Shapes follow the PyTorch peer (shared/bench/torch_reference.py): B windows of L·C values.
 */
import * as tf from '@tensorflow/tfjs';
import { runSpecSchema, type RunSpec } from '../../src-main/config/schema.js';
import { FlowModel } from '../../src-main/engine/flow/flow-model.js';
import { eulerSample } from '../../src-main/engine/flow/samplers.js';
import { Rng } from '../../src-main/data/rng.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import type { Batch } from '../../src-main/engine/train/batches.js';
import { clipByGlobalNorm } from '../../src-main/engine/train/clipping.js';
import { JointObjective, type MicroBatch, type StepResult } from '../../src-main/engine/objective/joint-objective.js';

export interface WorkloadShape {
  batch: number;
  length: number;
  channels: number;
  hidden: number;
  /** model.velocity_net */
  net: string;
}

export const PHASES = ['draws', 'forward_backward', 'clipping', 'optimizer'] as const;
export type Phase = (typeof PHASES)[number];

export interface TrainResult {
  steps_per_s: number;
  /** Process CPU time per step (user + system): steadier than wall time on a busy machine. */
  cpu_ms_per_step: number;
  /** Mean milliseconds per step in each phase (only when timed per phase). */
  phases_ms?: Record<Phase, number>;
  tensors_start: number;
  tensors_end: number;
  params: number;
}

export function benchSpec(shape: WorkloadShape): RunSpec {
  return runSpecSchema.parse({
    environment: { seed: 0 },
    data: { window_length: shape.length, stride: shape.length },
    model: { velocity_net: shape.net, hidden_dim: shape.hidden, time_dim: 64, condition_dim: 64, sample_steps: 50 },
    task: { batch_size: shape.batch, lr: 1e-4, lr_scheduler: 'constant' },
  });
}

export function buildModel(spec: RunSpec, shape: WorkloadShape): FlowModel {
  return new FlowModel(spec.model, { length: shape.length, channels: shape.channels, domains: 2, datasets: 1, conditional: true }, 0);
}

export function fixedBatch(shape: WorkloadShape): Batch {
  const n = shape.batch;
  const rng = new Rng(1);
  return {
    x: rng.normalArray(n * shape.length * shape.channels),
    n,
    domain: Int32Array.from({ length: n }, (_, i) => i % 2),
    dataset: new Int32Array(n),
    dropped: 0,
  };
}

/**
 * Trains `steps` timed steps after `warmup` untimed ones (the peer does 10) and returns steps/s.
 */
export interface TrainOptions {
  warmup?: number;
  /** Read back after each phase to time it (slower overall). */
  phases?: boolean;
  /** false: the plain-op AdamW reference instead of the fused kernel (ablation). */
  fusedOptimizer?: boolean;
  /** What computes the step's losses and gradients (a native engine's step); default the objective. */
  stepperFor?: (objective: JointObjective) => { step(micro: MicroBatch[], where: string): StepResult | Promise<StepResult> };
}

export async function trainRate(shape: WorkloadShape, steps: number, options: TrainOptions = {}): Promise<TrainResult> {
  const spec = benchSpec(shape);
  const model = buildModel(spec, shape);
  const objective = new JointObjective(model, spec.task, 0);
  const optimizer = new AdamW(objective.variables(), { kind: spec.task.optimizer, weightDecay: spec.task.weight_decay, fused: options.fusedOptimizer });
  const stepper = options.stepperFor?.(objective) ?? objective;
  const batch = fixedBatch(shape);
  const rng = Rng.derive(0, 'train');
  const clipNorm = spec.task.gradient_clipping;
  const lr = spec.task.lr;
  const phases: Record<Phase, number> = { draws: 0, forward_backward: 0, clipping: 0, optimizer: 0 };
  const sync = (): void => {
    // Wait for the last op: wasm runs synchronously, so a tiny read is enough.
    const v = model.params.variables();
    v[v.length - 1].dataSync();
  };
  const step = async (timed: boolean): Promise<void> => {
    let t = performance.now();
    const lap = (p: Phase): void => {
      if (!timed) return;
      sync();
      const now = performance.now();
      phases[p] += now - t;
      t = now;
    };
    const draws = objective.draw(batch, rng);
    lap('draws');
    const result = await stepper.step([{ batch, draws }], 'bench');
    const grads = result.grads;
    lap('forward_backward');
    const clip = await clipByGlobalNorm(grads, clipNorm);
    lap('clipping');
    optimizer.apply(clip.grads, lr);
    tf.dispose(clip.grads);
    tf.dispose(grads);
    await objective.afterStep(result);
    lap('optimizer');
  };
  try {
    for (let i = 0; i < (options.warmup ?? 10); i++) await step(false);
    const tensorsStart = tf.memory().numTensors;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) await step(options.phases ?? false);
    sync();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    const result: TrainResult = {
      steps_per_s: steps / seconds,
      cpu_ms_per_step: (cpu.user + cpu.system) / 1000 / steps,
      tensors_start: tensorsStart,
      tensors_end: tf.memory().numTensors,
      params: model.params.count(),
    };
    if (options.phases) {
      result.phases_ms = Object.fromEntries(PHASES.map((p) => [p, phases[p] / steps])) as Record<Phase, number>;
    }
    return result;
  } finally {
    optimizer.dispose();
    objective.dispose();
    model.dispose();
  }
}

export interface SampleResult {
  windows_per_s: number;
  /** Process CPU time per window. */
  cpu_ms_per_window: number;
}

/** Windows/s sampling B windows with sample_steps Euler steps, `repeats` times after one warm-up (as the peer). */
export function sampleRate(shape: WorkloadShape, repeats: number): SampleResult {
  const spec = benchSpec(shape);
  const model = buildModel(spec, shape);
  const ids = { domain: new Int32Array(shape.batch), dataset: new Int32Array(shape.batch) };
  const rng = new Rng(2);
  const D = model.signalDim;
  const once = (): void => {
    const x0 = tf.tensor2d(rng.normalArray(shape.batch * D), [shape.batch, D]);
    const x1 = eulerSample((x, t) => model.velocity(x, t, ids, null), x0, spec.model.sample_steps);
    x1.dataSync();
    tf.dispose([x0, x1]);
  };
  try {
    return timeSampling(once, repeats, shape.batch);
  } finally {
    model.dispose();
  }
}

/** Wall rate and CPU cost of `repeats` sampling calls of `batch` windows each, after one warm-up call. */
export function timeSampling(once: () => void, repeats: number, batch: number): SampleResult {
  once();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < repeats; i++) once();
  const cpu = process.cpuUsage(c0);
  const windows = repeats * batch;
  return { windows_per_s: (windows * 1000) / (performance.now() - t0), cpu_ms_per_window: (cpu.user + cpu.system) / 1000 / windows };
}
