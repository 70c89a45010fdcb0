/**
 * The training loop's seam to the native `dit` engine: JointObjective.step's contract
 * (the flow loss and, with task.use_contrastive, NT-Xent on the two views; every balancer)
 * with each task's gradient computed by the addon and combined as JointObjective does:
 *   g = w_flow·∇L_flow + w_con·∇L_con (+ the balancer's closed-form ∂L/∂s), mean over micro-batches.
 * GradNorm's per-task norms on the shared layer come from the same per-task gradients. The
 * weights stay the loop's tf variables, so the optimiser, clipping, EMA, rollbacks and
 * checkpoints are the ones every backend uses, and a checkpoint resumes on either engine.
 * The objective's validation losses are computed by the addon too (evaluateWith).
 */
import * as tf from '@tensorflow/tfjs';
import { DivergenceError } from '../objective/divergence-error.js';
import type { JointObjective, MicroBatch, StepResult } from '../objective/joint-objective.js';
import type { NativeAddon, NativeArray } from './addon-types.js';
import { NativeDit } from './native-dit.js';

function sliceNorm(a: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export class NativeDitStep {
  readonly net: NativeDit;

  constructor(
    addon: NativeAddon,
    private readonly objective: JointObjective,
  ) {
    const { task } = objective;
    this.net = new NativeDit(addon, objective.model, objective.contrastive
      ? { head: { params: objective.params, hidden: task.projection_hidden_dim, out: task.projection_dim } }
      : {});
    // Validation on the same engine (with the weights the loop holds at that moment).
    const net = this.net;
    objective.evaluateWith({
      flow: (batch, draws) => {
        net.pullWeights();
        return net.flowLoss(batch.x, draws);
      },
      contrastive: (views, n) => {
        net.pullWeights();
        return net.contrastiveLoss(views, n, task.temperature);
      },
    });
  }

  step(micro: MicroBatch[], where: string): StepResult {
    if (micro.length === 0) throw new Error('NativeDitStep.step: no micro-batches');
    const { objective, net } = this;
    const { balancer } = objective;
    const w = balancer.weights();
    net.pullWeights();
    const modelSum = new Float32Array(net.grads.length);
    const headSum = net.headGradNamed.size ? new Float32Array(net.handle.block('headGrads').length) : new Float32Array(0);
    const headGrads: NativeArray | null = headSum.length ? net.handle.block('headGrads') : null;
    let extraSum: tf.Tensor[] | null = null;
    let flowSum = 0;
    let conSum = 0;
    let conCount = 0;
    const normSum = { flow: 0, contrastive: 0 };
    const shared = objective.contrastive && balancer.needsSharedNorms ? net.named.get(objective.model.params.list()[objective.sharedLayerByName()].name) : null;
    const sharedRange = shared ? [shared.byteOffset / shared.BYTES_PER_ELEMENT, shared.byteOffset / shared.BYTES_PER_ELEMENT + shared.length] : null;
    for (const { batch, draws } of micro) {
      const f = net.lossAndGrad(batch.x, draws.flow, 1, false);
      if (!Number.isFinite(f)) throw new DivergenceError(`training diverged: flow loss is ${f} at ${where}; lower task.lr or set task.gradient_clipping > 0`);
      let c: number | null = null;
      if (!draws.views) {
        for (let i = 0; i < modelSum.length; i++) modelSum[i] += net.grads[i] * w.flow;
      } else {
        const flowGrads = Float32Array.from(net.grads);
        c = net.contrastiveLossAndGrad(draws.views, batch.n, objective.task.temperature, 1, false);
        if (!Number.isFinite(c)) throw new DivergenceError(`training diverged: contrastive loss is ${c} at ${where}; lower task.lr or set task.gradient_clipping > 0`);
        for (let i = 0; i < modelSum.length; i++) modelSum[i] += flowGrads[i] * w.flow + net.grads[i] * w.contrastive;
        for (let i = 0; i < headSum.length; i++) headSum[i] += (headGrads as NativeArray)[i] * w.contrastive;
        if (sharedRange) {
          normSum.flow += sliceNorm(flowGrads, sharedRange[0], sharedRange[1]);
          normSum.contrastive += sliceNorm(net.grads, sharedRange[0], sharedRange[1]);
        }
        conSum += c;
        conCount++;
      }
      flowSum += f;
      const extra = balancer.variableGrads(f, c);
      if (extraSum) {
        const prev: tf.Tensor[] = extraSum;
        extraSum = prev.map((g, i) => tf.add(g, extra[i]));
        tf.dispose([prev, extra]);
      } else extraSum = extra;
    }
    const k = micro.length;
    const grads = tf.tidy(() => [
      ...objective.model.params.list().map(({ name, variable }) => {
        const view = net.named.get(name) as NativeArray;
        const start = view.byteOffset / view.BYTES_PER_ELEMENT;
        const g = modelSum.subarray(start, start + view.length);
        return tf.tensor(k === 1 ? g.slice() : g.map((v) => v / k), variable.shape);
      }),
      ...objective.params.list().map(({ name, variable }) => {
        const view = net.headGradNamed.get(name) as NativeArray;
        const start = view.byteOffset / view.BYTES_PER_ELEMENT;
        const g = headSum.subarray(start, start + view.length);
        return tf.tensor(k === 1 ? g.slice() : g.map((v) => v / k), variable.shape);
      }),
      ...(extraSum ?? []).map((g) => (k === 1 ? tf.clone(g) : tf.div(g, k))),
    ]);
    tf.dispose(extraSum ?? []);
    const flow = flowSum / k;
    const contrastive = conCount ? conSum / conCount : null;
    const sharedNorms = sharedRange && conCount ? { flow: normSum.flow / conCount, contrastive: normSum.contrastive / conCount } : null;
    return { grads, parts: { flow, contrastive, total: balancer.total(flow, contrastive), weights: w }, sharedNorms };
  }
}
