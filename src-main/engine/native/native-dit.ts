/**
 * A FlowModel's `dit` network (flow/dit-velocity.ts) on the native engine: the addon's
 * DitEngine (native/src/dit_flow_model.h) built from the model's spec and shape, and, with
 * a projection head, the contrastive branch (native/src/dit_contrastive.h) whose head
 * parameters mirror the objective's registry (proj.*).
 */
import * as tf from '@tensorflow/tfjs';
import type { Views } from '../contrastive/augmentations.js';
import type { FlowModel } from '../flow/flow-model.js';
import type { ParamRegistry } from '../nn/params.js';
import type { FlowDraws } from '../train/flow-step.js';
import type { DitEngineHandle, NativeAddon, NativeArray } from './addon-types.js';
import { NativeNet, type NativeNetOptions } from './native-net.js';

export interface NativeDitOptions extends NativeNetOptions {
  /** The objective's registry holding the projection head (the contrastive branch), if any. */
  head?: { params: ParamRegistry; hidden: number; out: number };
}

export class NativeDit extends NativeNet<DitEngineHandle> {
  /** The head's parameter and gradient blocks, by name (empty without a head). */
  readonly headNamed = new Map<string, NativeArray>();
  readonly headGradNamed = new Map<string, NativeArray>();
  private readonly headRegistry: ParamRegistry | null;

  constructor(addon: NativeAddon, model: FlowModel, options: NativeDitOptions = {}) {
    const { spec, shape } = model;
    if (spec.velocity_net !== 'dit') throw new Error(`NativeDit: model.velocity_net is ${spec.velocity_net}, not dit`);
    const conditions = [...model.cond.conditions];
    const handle = new addon.DitEngine({
      L: shape.length, channels: shape.channels, patch: spec.patch_size, d: spec.token_dim, depth: spec.depth, heads: spec.heads,
      hidden: spec.hidden_dim, T: spec.time_dim, C: spec.condition_dim, timeScale: spec.time_scale,
      conditions, conditionRows: conditions.map((c) => model.params.get(`cond.${c}_table`).shape[0]),
      ...(options.head ? { head: { hidden: options.head.hidden, out: options.head.out } } : {}),
      precision: options.precision ?? 'f32', kernels: options.kernels ?? 'fast',
    });
    super(handle, model, options);
    this.headRegistry = options.head?.params ?? null;
    if (this.headRegistry) {
      const params = handle.block('headParams');
      const grads = handle.block('headGrads');
      const theirs = this.headRegistry.list();
      handle.headLayout().forEach((p, i) => {
        const t = theirs[i];
        if (!t || t.name !== p.name || t.variable.shape.join(',') !== p.shape.join(',')) {
          throw new Error(`native engine: head parameter ${i} is ${p.name} [${p.shape}] but the objective has ${t ? `${t.name} [${t.variable.shape}]` : 'none'}`);
        }
        this.headNamed.set(p.name, params.subarray(p.offset, p.offset + p.size));
        this.headGradNamed.set(p.name, grads.subarray(p.offset, p.offset + p.size));
      });
    }
  }

  /** Copies the model's and the head's tf variables into the parameter blocks. */
  override pullWeights(): void {
    super.pullWeights();
    for (const { name, variable } of this.headRegistry?.list() ?? []) {
      (this.headNamed.get(name) as NativeArray).set(variable.dataSync() as Float32Array);
    }
  }

  /** Assigns the parameter blocks (model and head) to the tf variables. */
  override pushWeights(): void {
    super.pushWeights();
    tf.tidy(() => {
      for (const { name, variable } of this.headRegistry?.list() ?? []) {
        variable.assign(tf.tensor(Float32Array.from(this.headNamed.get(name) as NativeArray), variable.shape));
      }
    });
  }

  /** The flow loss of one batch with evaluation draws (no gradient). */
  flowLoss(x: Float32Array, draws: FlowDraws): number {
    return this.handle.loss(draws.t.length, this.arr(x), this.arr(draws.t), this.arr(draws.noise), this.rows(draws.ids));
  }

  /** NT-Xent of two views [n, L, C] (no gradient). */
  contrastiveLoss(views: Views, n: number, temperature: number): number {
    const rows = this.rows(this.model.cond.unknownIds(2 * n));
    return this.handle.contrastiveLoss(n, this.arr(views.view1), this.arr(views.view2), rows, temperature);
  }

  /** NT-Xent of two views [n, L, C] (flattened) at temperature τ; gradients ×gradScale into the blocks. */
  contrastiveLossAndGrad(views: Views, n: number, temperature: number, gradScale: number, accumulate: boolean): number {
    const rows = this.rows(this.model.cond.unknownIds(2 * n));
    return this.handle.contrastiveLossAndGrad(n, this.arr(views.view1), this.arr(views.view2), rows, temperature, gradScale, accumulate);
  }
}
