/** Fixed task weights (task.balancing: fixed), and the only balancer without the contrastive branch. */
import type * as tf from '@tensorflow/tfjs';
import type { Balancer, BalancingState, TaskWeights } from './balancer.js';

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
