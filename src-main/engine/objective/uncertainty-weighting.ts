/**
 * Homoscedastic uncertainty weighting (Kendall, Gal & Cipolla 2018), in the common form
 *   L = Σ_i exp(−s_i)·L_i + s_i,   s_i = log σ_i² learnable, weight w_i = exp(−s_i).
 * The +s_i term is what the reference lacked (its free multipliers went to 0). For fixed
 * L_i the optimum is s_i = log L_i (w_i = 1/L_i), so weights never reach 0 for finite losses.
 * The s_i are tf.Variables the main optimiser updates; their gradient is closed-form:
 *   ∂L/∂s_i = 1 − exp(−s_i)·L_i.
 * The s_i are also kept in JS, read back after each optimiser step (afterStep), so weights and
 * totals need no device read inside a step (webgpu reads only asynchronously).
 */
import * as tf from '@tensorflow/tfjs';
import { readValue } from '../backend/device-read.js';
import type { Balancer, BalancingState, LossParts, TaskWeights } from './balancer.js';

export class UncertaintyWeighting implements Balancer {
  readonly kind = 'uncertainty' as const;
  readonly needsSharedNorms = false;
  readonly variables: tf.Variable[];
  private readonly sFlow: tf.Variable;
  private readonly sCon: tf.Variable;
  /** The s_i the last gradients were taken at (what that step's weights came from), for the log. */
  private used: [number, number] | null = null;
  /** The variables' values as of the last afterStep or setState. */
  private s: [number, number];

  constructor(initial: [number, number] = [0, 0]) {
    this.sFlow = tf.variable(tf.scalar(initial[0]), true);
    this.sCon = tf.variable(tf.scalar(initial[1]), true);
    this.variables = [this.sFlow, this.sCon];
    this.s = [initial[0], initial[1]];
  }

  logVars(): [number, number] {
    return [...this.s];
  }

  weights(): TaskWeights {
    const [a, b] = this.logVars();
    return { flow: Math.exp(-a), contrastive: Math.exp(-b) };
  }

  total(flow: number, contrastive: number | null): number {
    const [a, b] = this.logVars();
    return Math.exp(-a) * flow + a + (contrastive === null ? 0 : Math.exp(-b) * contrastive + b);
  }

  variableGrads(flow: number, contrastive: number | null): tf.Tensor[] {
    const [a, b] = this.logVars();
    this.used = [a, b];
    return [tf.scalar(1 - Math.exp(-a) * flow), tf.scalar(contrastive === null ? 0 : 1 - Math.exp(-b) * contrastive)];
  }

  /** The optimiser has moved the s_i: read them back. */
  async afterStep(_parts: LossParts): Promise<void> {
    this.s = [await readValue(this.sFlow), await readValue(this.sCon)];
  }

  /** s_i as used by the last step (so exp(−s_i) equals that step's logged weights). */
  logFields(): Record<string, number> {
    const [a, b] = this.used ?? this.logVars();
    return { log_var_flow: a, log_var_contrastive: b };
  }

  getState(): BalancingState {
    return { kind: 'uncertainty', logVars: this.logVars() };
  }

  setState(state: BalancingState): void {
    if (state.kind !== 'uncertainty') throw new Error(`balancing state is "${state.kind}", this run uses "uncertainty"`);
    tf.tidy(() => {
      this.sFlow.assign(tf.scalar(state.logVars[0]));
      this.sCon.assign(tf.scalar(state.logVars[1]));
    });
    this.s = [state.logVars[0], state.logVars[1]];
  }

  dispose(): void {
    this.sFlow.dispose();
    this.sCon.dispose();
  }
}
