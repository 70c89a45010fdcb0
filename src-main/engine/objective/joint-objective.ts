/**
 * One optimiser step of the joint objective: flow (rectified flow MSE) plus, with
 * task.use_contrastive, NT-Xent on two augmented views through the velocity model's encoder
 * trunk and a projection head, balanced by task.balancing (balancer.ts).
 *
 * Gradients: each task's gradient is taken separately (the two losses share parameters but
 * no activations, so this costs the same as one joint backward pass), then combined as
 *   g = w_flow·∇L_flow + w_con·∇L_con   (+ closed-form ∂L/∂s_i for uncertainty weighting).
 * That also gives GradNorm its per-task norms on the shared layer for free.
 * Gradient accumulation: micro-batch gradients and losses are averaged (one mean per
 * micro-batch, as the loop always did); NT-Xent's negatives are those of its own micro-batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { TaskSpec } from '../../config/schema.js';
import type { WindowSet } from '../../data/index.js';
import { makeViews, type Views } from '../contrastive/augmentations.js';
import { ntXent } from '../contrastive/nt-xent.js';
import { ProjectionHead } from '../contrastive/projection-head.js';
import type { FlowModel } from '../flow/flow-model.js';
import { readScalar } from '../backend/device-read.js';
import { ParamRegistry } from '../nn/params.js';
import type { Balancer, BalancingState, LossParts, SharedNorms } from './balancer.js';
import { DivergenceError } from './divergence-error.js';
import { makeBalancer } from './make-balancer.js';
import { Rng } from '../../data/rng.js';
import { gatherBatch, type Batch } from '../train/batches.js';
import { batchFlowLoss, drawEvaluation, drawTraining, type FlowDraws } from '../train/flow-step.js';

export interface StepDraws {
  flow: FlowDraws;
  /** The two augmented views [B, L, C] the encoder sees; null when the branch is off (or B < 2). */
  views: Views | null;
}

export interface MicroBatch {
  batch: Batch;
  draws: StepDraws;
}

export interface StepResult {
  /** Mean gradients, one per JointObjective.variables() entry (the caller disposes them). */
  grads: tf.Tensor[];
  parts: LossParts;
  /** Raw per-task gradient norms on the shared layer (GradNorm only). */
  sharedNorms: SharedNorms | null;
}

/** Everything the objective adds to a run beyond the model, for checkpoints. */
export interface ObjectiveState {
  balancing: BalancingState;
  sharedLayer: string | null;
}

export interface ValidationResult {
  flow: number;
  contrastive: number | null;
  total: number;
}

/** How validate() computes its two losses (evaluation mode, no gradient); the native engine answers synchronously. */
export interface EvaluationLosses {
  flow(batch: Batch, draws: FlowDraws): number | Promise<number>;
  contrastive(views: Views, n: number): number | Promise<number>;
}

export class JointObjective {
  /** The projection head's parameters (the model's are in model.params). */
  readonly params = new ParamRegistry();
  readonly head: ProjectionHead | null = null;
  readonly balancer: Balancer;
  private sharedIndex: number | null = null;
  /** The tf model's losses unless an engine that trains the run brings its own (engine/native/). */
  private evaluation: EvaluationLosses = {
    flow: (batch, draws) => readScalar(() => batchFlowLoss(this.model, batch, draws)),
    contrastive: (views, n) => readScalar(() => this.contrastiveLoss(views, n, false)),
  };

  constructor(
    readonly model: FlowModel,
    readonly task: TaskSpec,
    seed: number,
  ) {
    if (task.use_contrastive) {
      this.head = new ProjectionHead(this.params, Rng.derive(seed, 'init-projection'), model.featureDim, task.projection_hidden_dim, task.projection_dim);
    }
    this.balancer = makeBalancer(task);
  }

  get contrastive(): boolean {
    return this.head !== null;
  }

  /** The optimiser's variables, fixed order: model, projection head, balancing. */
  variables(): tf.Variable[] {
    return [...this.model.params.variables(), ...this.params.variables(), ...this.balancer.variables];
  }

  /** Name of the GradNorm shared layer once found (after the first step), else null. */
  sharedLayer(): string | null {
    return this.sharedIndex === null ? null : this.model.params.list()[this.sharedIndex].name;
  }

  /**
   * The GradNorm shared layer's parameter index, named by SHARED_LAYERS (for engines that
   * measure its norms themselves, engine/native/); remembered as the one found.
   */
  sharedLayerByName(): number {
    if (this.sharedIndex === null) {
      const names = this.model.params.list().map((p) => p.name);
      const j = SHARED_LAYERS.map((n) => names.indexOf(n)).find((i) => i >= 0);
      if (j === undefined) throw new Error(`GradNorm: the model has none of the shared layers ${SHARED_LAYERS.join(', ')}`);
      this.sharedIndex = j;
    }
    return this.sharedIndex;
  }

  /** Training draws: the flow's (t, ε, dropout) first, then the two views. */
  draw(batch: Batch, rng: Rng): StepDraws {
    const flow = drawTraining(this.model, batch, rng);
    const { length, channels } = this.model.shape;
    const views = this.contrastive && batch.n >= 2 ? makeViews(batch.x, batch.n, length, channels, this.task.augmentations, rng) : null;
    return { flow, views };
  }

  /**
   * L_con = NT-Xent(g(f(x̃¹)), g(f(x̃²)); τ), f = FlowModel.encoderFeatures (the velocity
   * net's own trunk), g = the projection head.  views: [n, L, C] each → scalar.
   */
  contrastiveLoss(views: Views, n: number, training: boolean): tf.Scalar {
    const head = this.head;
    if (!head) throw new Error('contrastiveLoss: task.use_contrastive is off');
    const { length, channels } = this.model.shape;
    return tf.tidy(() => {
      const project = (v: Float32Array): tf.Tensor2D => head.apply(this.model.encoderFeatures(tf.tensor3d(v, [n, length, channels]), { training }));
      return ntXent(project(views.view1), project(views.view2), this.task.temperature);
    });
  }

  async step(micro: MicroBatch[], where: string): Promise<StepResult> {
    if (micro.length === 0) throw new Error('JointObjective.step: no micro-batches');
    const modelVars = this.model.params.variables();
    const conVars = [...modelVars, ...this.params.variables()];
    const w = this.balancer.weights();
    let sums: tf.Tensor[] | null = null;
    let flowSum = 0;
    let conSum = 0;
    let conCount = 0;
    const normSum = { flow: 0, contrastive: 0 };
    for (const { batch, draws } of micro) {
      const f = await gradsOf(() => batchFlowLoss(this.model, batch, draws.flow), modelVars);
      const c = draws.views ? await gradsOf(() => this.contrastiveLoss(draws.views!, batch.n, true), conVars) : null;
      if (!Number.isFinite(f.value) || (c && !Number.isFinite(c.value))) {
        tf.dispose([f.grads, c?.grads ?? [], sums ?? []]);
        const what = !Number.isFinite(f.value) ? `flow loss is ${f.value}` : `contrastive loss is ${c!.value}`;
        throw new DivergenceError(`training diverged: ${what} at ${where}; lower task.lr or set task.gradient_clipping > 0`);
      }
      if (c && this.balancer.needsSharedNorms) {
        if (this.sharedIndex === null) this.sharedIndex = await findSharedLayer(this.model.params.list().map((p) => p.name), f.grads, c.grads);
        normSum.flow += await norm(f.grads[this.sharedIndex]);
        normSum.contrastive += await norm(c.grads[this.sharedIndex]);
      }
      const extra = this.balancer.variableGrads(f.value, c ? c.value : null);
      const combined = tf.tidy(() => [
        ...modelVars.map((_, j) => (c ? tf.add(tf.mul(f.grads[j], w.flow), tf.mul(c.grads[j], w.contrastive)) : scaled(f.grads[j], w.flow))),
        ...this.params.variables().map((v, j) => (c ? tf.mul(c.grads[modelVars.length + j], w.contrastive) : tf.zerosLike(v))),
        ...extra.map((g) => tf.clone(g)),
      ]);
      tf.dispose([f.grads, c?.grads ?? [], extra]);
      flowSum += f.value;
      if (c) {
        conSum += c.value;
        conCount++;
      }
      if (sums) {
        const prev: tf.Tensor[] = sums;
        sums = prev.map((g, i) => tf.add(g, combined[i]));
        tf.dispose([prev, combined]);
      } else sums = combined;
    }
    const k = micro.length;
    const grads = k === 1 ? sums! : sums!.map((g) => tf.div(g, k));
    if (k > 1) tf.dispose(sums!);
    const flow = flowSum / k;
    const contrastive = conCount ? conSum / conCount : null;
    const parts: LossParts = { flow, contrastive, total: this.balancer.total(flow, contrastive), weights: w };
    const sharedNorms = this.balancer.needsSharedNorms && conCount ? { flow: normSum.flow / conCount, contrastive: normSum.contrastive / conCount } : null;
    return { grads, parts, sharedNorms };
  }

  /** After the optimiser applied a step's gradients (GradNorm updates its weights here). */
  async afterStep(result: StepResult): Promise<void> {
    await this.balancer.afterStep(result.parts, result.sharedNorms);
  }

  /**
   * Mean losses over a window set with draws fixed per run (same every call): the flow
   * draws from the 'val' stream (as before the contrastive branch), the views from 'val-views'.
   */
  async validate(set: WindowSet, seed: number, batchSize: number, amplitudeLimit: number): Promise<ValidationResult | null> {
    if (set.n === 0) return null;
    const frng = Rng.derive(seed, 'val');
    const vrng = Rng.derive(seed, 'val-views');
    const { length, channels } = this.model.shape;
    let flowSum = 0;
    let conSum = 0;
    let count = 0;
    let conCount = 0;
    for (let i = 0; i < set.n; i += batchSize) {
      const idx = new Int32Array(Math.min(batchSize, set.n - i)).map((_, k) => i + k);
      const batch = gatherBatch(set, idx, amplitudeLimit);
      if (batch.n === 0) continue;
      flowSum += (await this.evaluation.flow(batch, drawEvaluation(this.model, batch, frng))) * batch.n;
      count += batch.n;
      if (this.contrastive && batch.n >= 2) {
        const views = makeViews(batch.x, batch.n, length, channels, this.task.augmentations, vrng);
        conSum += (await this.evaluation.contrastive(views, batch.n)) * batch.n;
        conCount += batch.n;
      }
    }
    if (count === 0) return null;
    const flow = flowSum / count;
    const contrastive = conCount ? conSum / conCount : null;
    return { flow, contrastive, total: this.balancer.total(flow, contrastive) };
  }

  /** validate() computes its losses with `losses` from now on (the engine that trains the run). */
  evaluateWith(losses: EvaluationLosses): void {
    this.evaluation = losses;
  }

  getState(): ObjectiveState {
    return { balancing: this.balancer.getState(), sharedLayer: this.sharedLayer() };
  }

  setState(state: ObjectiveState): void {
    this.balancer.setState(state.balancing);
    if (state.sharedLayer) {
      const i = this.model.params.list().findIndex((p) => p.name === state.sharedLayer);
      if (i < 0) throw new Error(`objective state: shared layer "${state.sharedLayer}" is not a parameter of this model`);
      this.sharedIndex = i;
    }
  }

  dispose(): void {
    this.params.dispose();
    this.balancer.dispose();
  }
}

/** Value and gradients of a scalar loss w.r.t. vars (zeros for variables it does not reach). */
async function gradsOf(loss: () => tf.Scalar, vars: tf.Variable[]): Promise<{ value: number; grads: tf.Tensor[] }> {
  const out = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(loss, vars);
    return { value, grads: vars.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
  });
  return { value: await readScalar(() => out.value), grads: out.grads };
}

function scaled(g: tf.Tensor, w: number): tf.Tensor {
  return w === 1 ? tf.clone(g) : tf.mul(g, w);
}

async function norm(g: tf.Tensor): Promise<number> {
  return Math.sqrt(await readScalar(() => tf.sum(tf.square(g))));
}

/**
 * GradNorm's shared layer W: the trunk's input layer, the weight matrix that embeds the
 * signal for both the velocity and the encoder (mlp: vel.fc1.w_signal; dit: dit.embed.w).
 * The paper uses the last shared layer; here that would be wrong or dead: the mlp's
 * encoder is one layer deep (first = last), and the dit's adaLN-Zero gates start at 0, so
 * its deeper blocks get no gradient at step 1 when W is chosen. (The dit's zero-initialised
 * output layer also leaves the flow's gradient on W at 0 for the first step; GradNorm skips
 * updates while a norm is 0.) Another net: the last weight matrix both gradients reach.
 * Found once, at the first step; logged by the loop.
 */
const SHARED_LAYERS = ['vel.fc1.w_signal', 'dit.embed.w'];

async function findSharedLayer(names: string[], flow: tf.Tensor[], con: tf.Tensor[]): Promise<number> {
  const reached = async (g: tf.Tensor): Promise<boolean> => (await readScalar(() => tf.any(tf.notEqual(g, 0)))) === 1;
  for (const name of SHARED_LAYERS) {
    const j = names.indexOf(name);
    if (j >= 0) return j;
  }
  for (let j = names.length - 1; j >= 0; j--) {
    if (flow[j].rank >= 2 && (await reached(flow[j])) && (await reached(con[j]))) return j;
  }
  throw new Error('GradNorm: no weight matrix receives gradient from both the flow and the contrastive loss (no shared layer)');
}
