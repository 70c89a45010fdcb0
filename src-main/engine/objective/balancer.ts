/**
 * The joint objective L = w_flow·L_flow + w_con·L_con (+ balancing terms), as named parts,
 * and the Balancer seam that decides the weights (task.balancing):
 *   fixed        w = (flow_loss_weight, contrastive_loss_weight)
 *   uncertainty  Kendall et al. 2018, learnable log-variances (uncertainty-weighting.ts)
 *   gradnorm     Chen et al. 2018, weights that equalise shared-layer gradient norms (gradnorm.ts)
 */
import type * as tf from '@tensorflow/tfjs';
import type { TaskSpec } from '../../config/schema.js';
import { GradNorm, type GradNormState } from './gradnorm.js';
import { UncertaintyWeighting, type UncertaintyState } from './uncertainty-weighting.js';

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
  /** After the optimiser step: GradNorm's weight update (others do nothing). */
  afterStep(parts: LossParts, norms: SharedNorms | null): void;
  /** Balancing state as per-step metric fields (log_var_flow, gradnorm_target_flow, …). */
  logFields(): Record<string, number>;
  getState(): BalancingState;
  setState(state: BalancingState): void;
  dispose(): void;
}

/** Fixed weights; the contrastive weight is 0 when the branch is off. */
export class FixedWeights implements Balancer {
  readonly kind = 'fixed' as const;
  readonly variables: tf.Variable[] = [];
  readonly needsSharedNorms = false;
  private w: TaskWeights;

  constructor(weights: TaskWeights) {
    this.w = { ...weights };
  }

  weights(): TaskWeights {
    return { ...this.w };
  }

  total(flow: number, contrastive: number | null): number {
    return this.w.flow * flow + (contrastive === null ? 0 : this.w.contrastive * contrastive);
  }

  variableGrads(): tf.Tensor[] {
    return [];
  }

  afterStep(): void {}

  logFields(): Record<string, number> {
    return {};
  }

  getState(): BalancingState {
    return { kind: 'fixed', weights: this.weights() };
  }

  setState(state: BalancingState): void {
    if (state.kind !== 'fixed') throw new Error(`balancing state is "${state.kind}", this run uses "fixed"`);
    this.w = { ...state.weights };
  }

  dispose(): void {}
}

/** The balancer a run's task section asks for. Without the contrastive branch, always fixed. */
export function makeBalancer(task: TaskSpec): Balancer {
  if (!task.use_contrastive) return new FixedWeights({ flow: task.flow_loss_weight, contrastive: 0 });
  switch (task.balancing) {
    case 'fixed':
      return new FixedWeights({ flow: task.flow_loss_weight, contrastive: task.contrastive_loss_weight });
    case 'uncertainty':
      return new UncertaintyWeighting();
    case 'gradnorm':
      return new GradNorm({ alpha: task.gradnorm_alpha, lr: task.gradnorm_lr, minWeight: task.gradnorm_min_weight });
  }
}
