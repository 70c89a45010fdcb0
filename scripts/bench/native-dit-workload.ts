/**
 * The `dit` benchmark workload on the native engine: what train/loop.ts runs for a dit
 * (NativeDitStep: the addon's loss and gradients as tensors → clipByGlobalNorm → the fused
 * AdamW on the tf variables), same shapes, draws and model as workload.ts's wasm dit.
 */
import { loadNativeAddon } from '../../src-main/engine/native/loader.js';
import { NativeDitStep } from '../../src-main/engine/native/native-dit-step.js';
import { trainRate, type TrainResult, type WorkloadShape } from './workload.js';

export function nativeDitTrainRate(shape: WorkloadShape, steps: number, threads = 1): Promise<TrainResult> {
  const load = loadNativeAddon();
  if (!load.addon) throw new Error(`native engine unavailable: ${load.reason}`);
  const addon = load.addon;
  addon.setThreads(threads);
  return trainRate({ ...shape, net: 'dit' }, steps, { stepperFor: (objective) => new NativeDitStep(addon, objective) });
}
