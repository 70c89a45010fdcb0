/**
 * The benchmark workload on the native engine, same shapes, draws and model as workload.ts:
 *   native       the whole step in the addon: draws (the run's Rng, in JS) → one trainStep
 *                call (loss and gradients → global norm → clip factor riding into one-pass
 *                AdamW → EMA when model.ema_decay > 0; the loop does not run this path yet)
 *   native-loop  what train/loop.ts runs today: NativeFlowStep (the addon's gradients as
 *                tensors) → clipByGlobalNorm → the fused wasm AdamW on the tf variables
 *   sampling     B windows, 50 Euler steps, in the addon (route: 'auto' picks the hidden-coordinate
 *                sampler at these shapes; 'plain' is the whole forward pass per step, for comparison).
 */
import * as tf from '@tensorflow/tfjs';
import { loadNativeAddon } from '../../src-main/engine/native/loader.js';
import { NativeFlowStep } from '../../src-main/engine/native/native-flow-step.js';
import { NativeMlp } from '../../src-main/engine/native/native-mlp.js';
import type { NativeAddon, SamplingRoute } from '../../src-main/engine/native/addon-types.js';
import { Rng } from '../../src-main/data/rng.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { clipByGlobalNorm } from '../../src-main/engine/train/clipping.js';
import { JointObjective } from '../../src-main/engine/objective/joint-objective.js';
import { benchSpec, buildModel, fixedBatch, timeSampling, type SampleResult, type TrainResult, type WorkloadShape } from './workload.js';

export type NativeMode = 'native' | 'native-loop';

function addon(threads: number): NativeAddon {
  const load = loadNativeAddon();
  if (!load.addon) throw new Error(`native engine unavailable: ${load.reason}`);
  load.addon.setThreads(threads);
  return load.addon;
}

/** Steps/s of `steps` timed steps after 10 untimed ones (as the peer). */
export async function nativeTrainRate(shape: WorkloadShape, steps: number, mode: NativeMode, threads = 1): Promise<TrainResult> {
  const spec = benchSpec(shape);
  const model = buildModel(spec, shape);
  const objective = new JointObjective(model, spec.task, 0);
  const batch = fixedBatch(shape);
  const rng = Rng.derive(0, 'train');
  const { lr, gradient_clipping: clipNorm, weight_decay: wd } = spec.task;
  const native = new NativeFlowStep(addon(threads), objective);
  const optimizer = mode === 'native-loop' ? new AdamW(objective.variables(), { kind: spec.task.optimizer, weightDecay: wd }) : null;
  const net = native.net;
  net.pullWeights();
  let t = 0;
  const step = async (): Promise<void> => {
    const draws = objective.draw(batch, rng);
    if (optimizer) {
      const result = native.step([{ batch, draws }], 'bench');
      const clip = await clipByGlobalNorm(result.grads, clipNorm);
      optimizer.apply(clip.grads, lr);
      tf.dispose([clip.grads, result.grads]);
      return;
    }
    const { flow } = draws;
    t += 1;
    net.handle.trainStep(shape.batch, batch.x, flow.t, flow.noise, net.rows(flow.ids), flow.train?.conditionHiddenMask ?? null, {
      beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: lr / (1 - 0.9 ** t), sqrtBc2: Math.sqrt(1 - 0.999 ** t),
      decay: spec.task.optimizer === 'adamw' ? 1 - lr * wd : 1, l2: spec.task.optimizer === 'adam' ? wd : 0,
      clip: clipNorm, emaDecay: spec.model.ema_decay,
    });
  };
  try {
    for (let i = 0; i < 10; i++) await step();
    const tensorsStart = tf.memory().numTensors;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) await step();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return {
      steps_per_s: steps / seconds, cpu_ms_per_step: (cpu.user + cpu.system) / 1000 / steps,
      tensors_start: tensorsStart, tensors_end: tf.memory().numTensors, params: model.params.count(),
    };
  } finally {
    optimizer?.dispose();
    objective.dispose();
    model.dispose();
  }
}

/** Windows/s sampling B windows with sample_steps Euler steps in the addon, `repeats` times after one warm-up. */
export function nativeSampleRate(shape: WorkloadShape, repeats: number, threads = 1, route: SamplingRoute = 'auto'): SampleResult {
  const spec = benchSpec(shape);
  const model = buildModel(spec, shape);
  const net = new NativeMlp(addon(threads), model);
  net.pullWeights();
  const ids = { domain: new Int32Array(shape.batch), dataset: new Int32Array(shape.batch) };
  const rng = new Rng(2);
  const once = (): void => void net.integrate(rng.normalArray(shape.batch * model.signalDim), ids, 'euler', spec.model.sample_steps, 1, 0, 1, route);
  try {
    return timeSampling(once, repeats, shape.batch);
  } finally {
    model.dispose();
  }
}
