/**
 * GradNorm (Chen, Badrinarayanan, Lee & Rabinovich 2018) for two tasks (flow, contrastive).
 * W is the shared layer: the trunk's input weight matrix both losses reach (mlp:
 * vel.fc1.w_signal, dit: dit.embed.w; joint-objective.ts findSharedLayer picks it at step 1).
 * With raw norms n_i = ‖∇_W L_i‖₂ and weighted norms G_i = w_i·n_i:
 *   L̃_i = L_i(t) / L_i(0),   r_i = L̃_i / mean_j L̃_j      (relative inverse training rate)
 *   target_i = Ḡ · r_i^α,    Ḡ = mean_j G_j               (held constant, as in the paper)
 *   L_grad = Σ_i |G_i − target_i|,   ∂L_grad/∂w_i = sign(G_i − target_i) · n_i
 * w takes one Adam step on L_grad (its own optimiser, task.gradnorm_lr), then is
 * renormalised so Σ w_i = T (= 2 tasks) with every w_i ≥ task.gradnorm_min_weight.
 * So a task that trains slower (larger r_i) or has a smaller gradient gets a larger weight.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Balancer, BalancingState, GradNormState, LossParts, SharedNorms, TaskWeights } from './balancer.js';

export interface GradNormOptions {
  alpha: number;
  lr: number;
  minWeight: number;
}

const TASKS = 2;

export class GradNorm implements Balancer {
  readonly kind = 'gradnorm' as const;
  readonly variables: tf.Variable[] = [];
  readonly needsSharedNorms = true;
  private s: GradNormState = { weights: [1, 1], initialLosses: null, adam: { step: 0, m: [0, 0], v: [0, 0] }, last: null };

  constructor(readonly options: GradNormOptions) {
    if (options.minWeight * TASKS >= TASKS) throw new Error(`task.gradnorm_min_weight ${options.minWeight} must be < 1`);
  }

  weights(): TaskWeights {
    return { flow: this.s.weights[0], contrastive: this.s.weights[1] };
  }

  total(flow: number, contrastive: number | null): number {
    return this.s.weights[0] * flow + (contrastive === null ? 0 : this.s.weights[1] * contrastive);
  }

  variableGrads(): tf.Tensor[] {
    return [];
  }

  afterStep(parts: LossParts, norms: SharedNorms | null): void {
    if (parts.contrastive === null || !norms) return;
    const losses: [number, number] = [parts.flow, parts.contrastive];
    if (!this.s.initialLosses) this.s.initialLosses = [Math.max(losses[0], 1e-12), Math.max(losses[1], 1e-12)];
    const raw: [number, number] = [norms.flow, norms.contrastive];
    // A zero (or non-finite) norm says nothing about balance (e.g. a zero-initialised output layer at step 1).
    if (!raw.every((n) => Number.isFinite(n) && n > 0)) return;
    const step = gradNormStep(this.s.weights, raw, losses, this.s.initialLosses, this.options.alpha);
    // Adam on w (bias-corrected), then the renormalisation that keeps Σw = T, w ≥ floor.
    const a = this.s.adam;
    a.step += 1;
    const b1 = 0.9;
    const b2 = 0.999;
    const next = this.s.weights.map((w, i) => {
      a.m[i] = b1 * a.m[i] + (1 - b1) * step.grads[i];
      a.v[i] = b2 * a.v[i] + (1 - b2) * step.grads[i] ** 2;
      const mHat = a.m[i] / (1 - b1 ** a.step);
      const vHat = a.v[i] / (1 - b2 ** a.step);
      return w - (this.options.lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    });
    this.s.weights = renormalize(next, TASKS, this.options.minWeight) as [number, number];
    this.s.last = { norms: step.norms, targets: step.targets, grads: step.grads };
  }

  logFields(): Record<string, number> {
    if (!this.s.last) return {};
    return {
      gradnorm_norm_flow: this.s.last.norms[0],
      gradnorm_norm_contrastive: this.s.last.norms[1],
      gradnorm_target_flow: this.s.last.targets[0],
      gradnorm_target_contrastive: this.s.last.targets[1],
    };
  }

  getState(): BalancingState {
    return { kind: 'gradnorm', ...structuredClone(this.s) };
  }

  setState(state: BalancingState): void {
    if (state.kind !== 'gradnorm') throw new Error(`balancing state is "${state.kind}", this run uses "gradnorm"`);
    const { kind: _k, ...rest } = state;
    this.s = structuredClone(rest);
  }

  dispose(): void {}
}

export interface GradNormStepResult {
  /** G_i = w_i·n_i */
  norms: [number, number];
  /** Ḡ·r_i^α */
  targets: [number, number];
  /** ∂L_grad/∂w_i = sign(G_i − target_i)·n_i */
  grads: [number, number];
}

/** The GradNorm quantities for weights w, raw shared-layer norms n, losses L(t) and L(0). */
export function gradNormStep(w: number[], n: number[], loss: number[], loss0: number[], alpha: number): GradNormStepResult {
  const G = w.map((wi, i) => wi * n[i]);
  const Gbar = G.reduce((a, b) => a + b, 0) / G.length;
  const ratio = loss.map((l, i) => l / loss0[i]);
  const ratioMean = ratio.reduce((a, b) => a + b, 0) / ratio.length;
  const targets = ratio.map((r) => Gbar * (r / ratioMean) ** alpha);
  const grads = G.map((g, i) => Math.sign(g - targets[i]) * n[i]);
  return { norms: G as [number, number], targets: targets as [number, number], grads: grads as [number, number] };
}

/** Rescale w to Σw = total with every w_i ≥ floor (entries clamped at the floor, the rest share the remainder). */
export function renormalize(w: number[], total: number, floor: number): number[] {
  const out = w.map((x) => (Number.isFinite(x) ? Math.max(x, 0) : 0));
  const fixed = new Array<boolean>(out.length).fill(false);
  for (let iter = 0; iter <= out.length; iter++) {
    const freeSum = out.reduce((s, x, i) => (fixed[i] ? s : s + x), 0);
    const nFixed = fixed.filter(Boolean).length;
    const budget = total - nFixed * floor;
    const nFree = out.length - nFixed;
    for (let i = 0; i < out.length; i++) {
      if (fixed[i]) out[i] = floor;
      else out[i] = freeSum > 0 ? (out[i] * budget) / freeSum : budget / nFree;
    }
    let changed = false;
    for (let i = 0; i < out.length; i++) {
      if (!fixed[i] && out[i] < floor) {
        fixed[i] = true;
        changed = true;
      }
    }
    if (!changed) break;
  }
  return out.map((x, i) => (fixed[i] ? floor : x));
}
