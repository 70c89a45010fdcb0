/**
 * A FlowModel's `dit` network (flow/dit-velocity.ts) on the native engine: the addon's
 * DitEngine (native/src/dit_flow_model.h) built from the model's spec and shape.
 */
import type { FlowModel } from '../flow/flow-model.js';
import type { DitEngineHandle, NativeAddon } from './addon-types.js';
import { NativeNet, type NativeNetOptions } from './native-net.js';

export class NativeDit extends NativeNet<DitEngineHandle> {
  constructor(addon: NativeAddon, model: FlowModel, options: NativeNetOptions = {}) {
    const { spec, shape } = model;
    if (spec.velocity_net !== 'dit') throw new Error(`NativeDit: model.velocity_net is ${spec.velocity_net}, not dit`);
    const conditions = [...model.cond.conditions];
    const handle = new addon.DitEngine({
      L: shape.length, channels: shape.channels, patch: spec.patch_size, d: spec.token_dim, depth: spec.depth, heads: spec.heads,
      hidden: spec.hidden_dim, T: spec.time_dim, C: spec.condition_dim, timeScale: spec.time_scale,
      conditions, conditionRows: conditions.map((c) => model.params.get(`cond.${c}_table`).shape[0]),
      precision: options.precision ?? 'f32', kernels: options.kernels ?? 'fast',
    });
    super(handle, model, options);
  }
}
