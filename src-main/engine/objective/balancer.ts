/**
 * The Balancer seam: what decides the weights of the joint objective
 * L = w_flow·L_flow + w_con·L_con (+ balancing terms), and the shapes every balancer shares.
 * The implementations, one file each (make-balancer.ts picks one from task.balancing):
 *   fixed        w = (flow_loss_weight, contrastive_loss_weight)       fixed-weights.ts
 *   uncertainty  Kendall et al. 2018, learnable log-variances          uncertainty-weighting.ts
 *   gradnorm     Chen et al. 2018, equalised shared-layer grad norms   gradnorm.ts
 * Their checkpoint states are declared here too, so this file imports none of them.
 */
import type * as tf from '@tensorflow/tfjs';
import type { TaskSpec } from '../../config/schema.js';

export interface TaskWeights {
  flow: number;
  contrastive: number;
}

/** One evaluation of the objective (means over the micro-batches of an optimiser step). */
export interface LossParts {
  flow: number;
  /** null when the contrastive branch is off. */
  contrastive: number | null;
  /** The value being minimised, balancing terms included. */
  total: number;
  weights: TaskWeights;
}

/** Raw (unweighted) ‖∇_W L_i‖₂ of each task on the shared layer W. */
export interface SharedNorms {
  flow: number;
  contrastive: number;
}

/** Uncertainty weighting's state: [s_flow, s_contrastive] = log σ_i². */
export interface UncertaintyState {
  logVars: [number, number];
}

/** GradNorm's state. */
export interface GradNormState {
  /** [w_flow, w_contrastive] */
  weights: [number, number];
  /** L_i(0), the losses at the first step; null before it. */
  initialLosses: [number, number] | null;
  adam: { step: number; m: [number, number]; v: [number, number] };
  /** Last targets and weighted norms (for the log). */
  last: { norms: [number, number]; targets: [number, number]; grads: [number, number] } | null;
}

export type BalancingState =
  | { kind: 'fixed'; weights: TaskWeights }
  | ({ kind: 'uncertainty' } & UncertaintyState)
  | ({ kind: 'gradnorm' } & GradNormState);

export interface Balancer {
  readonly kind: TaskSpec['balancing'];
  /** Trainable balancing variables the main optimiser updates (registered before it is built). */
  readonly variables: tf.Variable[];
  /** true: step() must measure SharedNorms for afterStep. */
  readonly needsSharedNorms: boolean;
  weights(): TaskWeights;
  /** The minimised total for raw losses (contrastive null = flow only). */
  total(flow: number, contrastive: number | null): number;
  /** ∂total/∂variables for raw losses, one tensor per variable (the caller disposes them). */
  variableGrads(flow: number, contrastive: number | null): tf.Tensor[];
  /** After the optimiser step: GradNorm's weight update, uncertainty's read-back of its s_i. */
  afterStep(parts: LossParts, norms: SharedNorms | null): void | Promise<void>;
  /** Balancing state as per-step metric fields (log_var_flow, gradnorm_target_flow, …). */
  logFields(): Record<string, number>;
  getState(): BalancingState;
  setState(state: BalancingState): void;
  dispose(): void;
}
