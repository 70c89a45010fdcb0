/**
 * What every native velocity network shares on the TypeScript side: the addon's parameter
 * block checked against the model's registry (same names, shapes and order, so a checkpoint
 * is the same whichever engine trains), weights copied in and out, the model's own condition
 * logic (unknown rows, sample-rate buckets) for the table rows the addon reads, and the
 * loss/gradient and sampling calls. A network class only builds its addon handle.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConditionIds } from '../flow/condition-encoder.js';
import type { FlowModel } from '../flow/flow-model.js';
import type { SamplerName } from '../flow/samplers.js';
import { storageView } from '../backend/fused.js';
import type { FlowDraws } from '../train/flow-step.js';
import type { NativeArray, NativeParamInfo, SamplingRoute } from './addon-types.js';

/** The calls NativeNet makes on an addon engine (MlpEngine and DitEngine both have them). */
export interface NativeNetHandle {
  layout(): NativeParamInfo[];
  block(which: 'params' | 'grads'): NativeArray;
  lossAndGrad(B: number, x: NativeArray, t: NativeArray, noise: NativeArray, rows: Int32Array, mask: NativeArray | null, gradScale: number, accumulate: boolean): number;
  /** route: how the mlp integrates (addon-types.ts SamplingRoute); other networks ignore it. */
  integrate(B: number, x: NativeArray, method: string, steps: number, from: number, to: number, rows: Int32Array, uncondRows: Int32Array | null, guidance: number, route?: SamplingRoute): void;
}

export interface NativeNetOptions {
  precision?: 'f32' | 'f64';
  kernels?: 'fast' | 'reference';
}

export class NativeNet<H extends NativeNetHandle = NativeNetHandle> {
  /** The contiguous parameter block and its gradient twin. */
  readonly params: NativeArray;
  readonly grads: NativeArray;
  /** Views into `params`, by the TypeScript engine's parameter names, in its order. */
  readonly named = new Map<string, NativeArray>();
  private readonly gradNamed = new Map<string, NativeArray>();
  protected readonly f64: boolean;

  constructor(
    readonly handle: H,
    readonly model: FlowModel,
    options: NativeNetOptions = {},
  ) {
    this.f64 = options.precision === 'f64';
    this.params = handle.block('params');
    this.grads = handle.block('grads');
    const ours = handle.layout();
    const theirs = model.params.list();
    ours.forEach((p, i) => {
      const t = theirs[i];
      if (!t || t.name !== p.name || t.variable.shape.join(',') !== p.shape.join(',')) {
        throw new Error(`native engine: parameter ${i} is ${p.name} [${p.shape}] but the TypeScript model has ${t ? `${t.name} [${t.variable.shape}]` : 'none'}`);
      }
      this.named.set(p.name, this.params.subarray(p.offset, p.offset + p.size));
      this.gradNamed.set(p.name, this.grads.subarray(p.offset, p.offset + p.size));
    });
    if (theirs.length !== ours.length) throw new Error(`native engine: ${ours.length} parameters, the TypeScript model has ${theirs.length}`);
  }

  /** The gradient block's view for one parameter. */
  grad(name: string): NativeArray {
    const g = this.gradNamed.get(name);
    if (!g) throw new Error(`native engine: no parameter named "${name}"`);
    return g;
  }

  /** Copies the model's tf variables into the parameter block (no readback copy on wasm/cpu). */
  pullWeights(): void {
    for (const { name, variable } of this.model.params.list()) {
      const view = storageView(variable as unknown as Parameters<typeof storageView>[0]);
      (this.named.get(name) as NativeArray).set(view ?? (variable.dataSync() as Float32Array));
    }
  }

  /** Assigns the parameter block to the model's tf variables. */
  pushWeights(): void {
    tf.tidy(() => {
      for (const { name, variable } of this.model.params.list()) {
        variable.assign(tf.tensor(Float32Array.from(this.named.get(name) as NativeArray), variable.shape));
      }
    });
  }

  /** Table rows [k·B], condition-major, as the TypeScript encoder would look them up. */
  rows(ids: ConditionIds): Int32Array {
    const seen = this.model.conditionFor(ids);
    const b = seen.domain.length;
    const conditions = this.model.cond.conditions;
    const out = new Int32Array(conditions.length * b);
    conditions.forEach((c, j) => out.set(this.model.cond.rowsFor(c, seen), j * b));
    return out;
  }

  /** Flow loss of one batch (x [B·D] data) with its draws; gradient ×gradScale into the grads block. */
  lossAndGrad(x: Float32Array, draws: FlowDraws, gradScale: number, accumulate: boolean): number {
    const b = draws.t.length;
    const mask = draws.train?.conditionHiddenMask ?? null;
    return this.handle.lossAndGrad(b, this.arr(x), this.arr(draws.t), this.arr(draws.noise), this.rows(draws.ids), mask && this.arr(mask), gradScale, accumulate);
  }

  /**
   * Integrates the evaluation-mode field (with classifier-free guidance w when the model is
   * conditional and w ≠ 1) from `from` to `to`.  x0 [B·D] (not modified), ids [B] → [B·D],
   * in the engine's precision (Float64Array for 'f64'). route: the mlp's sampling route.
   */
  integrate(x0: Float32Array, ids: ConditionIds, method: SamplerName, steps: number, guidance = 1, from = 0, to = 1, route?: SamplingRoute): NativeArray {
    const b = ids.domain.length;
    const x = this.f64 ? Float64Array.from(x0) : Float32Array.from(x0);
    const guided = guidance !== 1 && this.model.shape.conditional;
    const uncond = guided ? this.rows(this.model.cond.unknownIds(b)) : null;
    this.handle.integrate(b, x, method, steps, from, to, this.rows(ids), uncond, guidance, route);
    return x;
  }

  protected arr(a: Float32Array): NativeArray {
    return this.f64 ? Float64Array.from(a) : a;
  }
}
