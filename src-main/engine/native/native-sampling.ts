/**
 * Sampling on the native engine: the addon integrates the (guided) field of an `mlp` or `dit` model
 * with the model's current weights (EMA already loaded), unless FLOWBENCH_BACKEND forces a
 * tf backend or the addon or model is not available, in which case callers use flow/samplers.ts.
 */
import type { FlowModel } from '../flow/flow-model.js';
import { loadNativeAddon } from './loader.js';
import { nativeSamples } from '../../config/native-coverage.js';
import { NativeDit } from './native-dit.js';
import { NativeMlp } from './native-mlp.js';

/** A native sampler holding a copy of the model's weights, or null (use the tf sampler). */
export function nativeSamplerFor(model: FlowModel, env: NodeJS.ProcessEnv = process.env): Pick<NativeMlp, 'integrate'> | null {
  const forced = env.FLOWBENCH_BACKEND;
  if (forced === 'wasm' || forced === 'cpu') return null;
  const load = loadNativeAddon();
  if (!load.addon || !nativeSamples(model.spec)) return null;
  if (model.spec.velocity_net === 'dit') {
    const dit = new NativeDit(load.addon, model);
    dit.pullWeights();
    return dit;
  }
  const net = new NativeMlp(load.addon, model);
  net.pullWeights();
  return net;
}
