/**
 * The native addon's JavaScript surface (native/src/addon.cc), as TypeScript types. Arrays
 * are Float32Array for precision 'f32' and Float64Array for 'f64' (the gradient checks).
 */
import type { FusedAdamWAttrs } from '../backend/fused.js';

export type NativeArray = Float32Array | Float64Array;

/** How the addon integrates a sample (MlpFlowModel::Route in native/src/mlp_flow_model.h). */
export type SamplingRoute = 'auto' | 'plain' | 'hidden';

export interface MlpEngineOptions {
  /** Signal values per window, L·C. */
  D: number;
  /** model.hidden_dim */
  H: number;
  /** model.time_dim */
  T: number;
  /** model.condition_dim */
  C: number;
  timeScale: number;
  /** model.conditions, in order. */
  conditions: string[];
  /** Rows of each condition table (real ids + the unknown row). */
  conditionRows: number[];
  precision?: 'f32' | 'f64';
  /** 'reference' = the naive loops instead of BLAS (tests). */
  kernels?: 'fast' | 'reference';
}

export interface NativeParamInfo {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** The update's scalars (train/adamw.ts): the same as the wasm fused kernel's. */
export type NativeAdamScalars = FusedAdamWAttrs;

/** trainStep's scalars: the update's (its gradScale is the clip factor), the clip bound and the EMA decay (0: none). */
export type NativeTrainScalars = Omit<NativeAdamScalars, 'gradScale'> & { clip: number; emaDecay: number };

export interface MlpEngineHandle {
  readonly numParams: number;
  layout(): NativeParamInfo[];
  /** A typed array over the whole block (params, gradients, Adam moments, EMA shadow). */
  block(which: 'params' | 'grads' | 'm' | 'v' | 'ema'): NativeArray;
  /**
   * Flow loss of one batch; its gradient ×gradScale goes into the grads block (added when
   * accumulate). x, noise [B·D], t [B], rows [k·B] (condition-major), mask [B·k·C] | null.
   */
  lossAndGrad(B: number, x: NativeArray, t: NativeArray, noise: NativeArray, rows: Int32Array, mask: NativeArray | null, gradScale: number, accumulate: boolean): number;
  gradSumSquares(): number;
  adamStep(s: NativeAdamScalars): void;
  emaUpdate(decay: number): void;
  /**
   * The whole optimiser step in one call: lossAndGrad (scale 1) → global norm → clip factor
   * (clip > 0 and norm > clip: clip/(norm + 1e-6)) riding into adamStep → emaUpdate(emaDecay)
   * when emaDecay > 0. A non-finite loss or norm updates nothing (applied false).
   */
  trainStep(B: number, x: NativeArray, t: NativeArray, noise: NativeArray, rows: Int32Array, mask: NativeArray | null, s: NativeTrainScalars): { loss: number; norm: number; applied: boolean };
  /** Evaluation-mode v̂.  xt [B·D], t [B], rows [k·B] → out [B·D]. */
  velocity(B: number, xt: NativeArray, t: NativeArray, rows: Int32Array, out: NativeArray): void;
  /**
   * x [B·D] ← Φ_{from→to}(x) with the (guided, when uncondRows is given) field. route: 'plain'
   * (a whole forward pass per evaluation), 'hidden' (the same ODE in the first layer's
   * coordinates, docs/PERFORMANCE.md), 'auto' (default: the one with fewer multiply-adds).
   */
  integrate(B: number, x: NativeArray, method: string, steps: number, from: number, to: number, rows: Int32Array, uncondRows: Int32Array | null, guidance: number, route?: SamplingRoute): void;
}

export interface NativeAddon {
  MlpEngine: new (options: MlpEngineOptions) => MlpEngineHandle;
  DitEngine: new (options: DitEngineOptions) => DitEngineHandle;
  /** The BLAS's thread count for this process (engine.threads). */
  setThreads(n: number): void;
  info(): { blas: string; config?: string; core?: string; threads: number };
  /** data/rng.ts NormalPairFiller: the run generator's normal pairs from counter a; returns the counter after them. */
  fillNormals(a: number, out: Float32Array, offset: number, pairs: number, mean: number, std: number): number;
}

/** The `dit` model's sizes (flow/dit-velocity.ts DitShape) plus the context embedding's. */
export interface DitEngineOptions {
  /** data.window_length */
  L: number;
  channels: number;
  patch: number;
  /** model.token_dim */
  d: number;
  depth: number;
  heads: number;
  /** model.hidden_dim: each block's feed-forward width */
  hidden: number;
  /** model.time_dim */
  T: number;
  /** model.condition_dim */
  C: number;
  timeScale: number;
  conditions: string[];
  conditionRows: number[];
  /** The contrastive branch's projection head (task.projection_hidden_dim, task.projection_dim). */
  head?: { hidden: number; out: number };
  precision?: 'f32' | 'f64';
  kernels?: 'fast' | 'reference';
}

/** The `dit` engine: the same calls as MlpEngineHandle's model part (no optimiser state). */
export interface DitEngineHandle {
  readonly numParams: number;
  layout(): NativeParamInfo[];
  block(which: 'params' | 'grads' | 'headParams' | 'headGrads'): NativeArray;
  /** The projection head's parameters (proj.*); [] without a head. */
  headLayout(): NativeParamInfo[];
  lossAndGrad(B: number, x: NativeArray, t: NativeArray, noise: NativeArray, rows: Int32Array, mask: NativeArray | null, gradScale: number, accumulate: boolean): number;
  /**
   * NT-Xent of the two views [n·D] through the encoder trunk and the head; gradients
   * ×gradScale into the grads and headGrads blocks (added when accumulate). rows [k·2n].
   */
  contrastiveLossAndGrad(n: number, view1: NativeArray, view2: NativeArray, rows: Int32Array, temperature: number, gradScale: number, accumulate: boolean): number;
  /** The flow loss alone (evaluation mode, no gradient). */
  loss(B: number, x: NativeArray, t: NativeArray, noise: NativeArray, rows: Int32Array): number;
  /** NT-Xent alone (no gradient). */
  contrastiveLoss(n: number, view1: NativeArray, view2: NativeArray, rows: Int32Array, temperature: number): number;
  velocity(B: number, xt: NativeArray, t: NativeArray, rows: Int32Array, out: NativeArray): void;
  integrate(B: number, x: NativeArray, method: string, steps: number, from: number, to: number, rows: Int32Array, uncondRows: Int32Array | null, guidance: number): void;
}
