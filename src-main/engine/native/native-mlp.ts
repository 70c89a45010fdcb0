/**
 * A FlowModel's `mlp` network on the native engine: the addon's MlpEngine built from the
 * model's spec and shape; the parameter block, weights and calls are NativeNet's.
 */
import type { FlowModel } from '../flow/flow-model.js';
import type { MlpEngineHandle, NativeAddon } from './addon-types.js';
import { NativeNet, type NativeNetOptions } from './native-net.js';

export type NativeMlpOptions = NativeNetOptions;

export class NativeMlp extends NativeNet<MlpEngineHandle> {
  constructor(addon: NativeAddon, model: FlowModel, options: NativeMlpOptions = {}) {
    if (model.spec.velocity_net !== 'mlp') throw new Error(`NativeMlp holds the mlp velocity network, not model.velocity_net = ${model.spec.velocity_net}`);
    const { spec } = model;
    const conditions = [...model.cond.conditions];
    const handle = new addon.MlpEngine({
      D: model.signalDim, H: spec.hidden_dim, T: spec.time_dim, C: spec.condition_dim, timeScale: spec.time_scale,
      conditions, conditionRows: conditions.map((c) => model.params.get(`cond.${c}_table`).shape[0]),
      precision: options.precision ?? 'f32', kernels: options.kernels ?? 'fast',
    });
    super(handle, model, options);
  }
}
