/**
 * The training loop's seam to the native engine: the same `step(micro, where)` as
 * JointObjective.step, for the objectives the native engine covers (the flow loss alone,
 * fixed weights), computed by the addon. The weights stay the loop's tf variables, so the
 * optimiser, clipping, EMA, the stability guard's rollbacks and checkpoints are the ones
 * every backend uses, and a checkpoint resumes on either engine.
 */
import * as tf from '@tensorflow/tfjs';
import { DivergenceError } from '../objective/divergence-error.js';
import type { JointObjective, MicroBatch, StepResult } from '../objective/joint-objective.js';
import type { NativeAddon } from './addon-types.js';
import { NativeMlp } from './native-mlp.js';

export class NativeFlowStep {
  readonly net: NativeMlp;

  constructor(
    addon: NativeAddon,
    private readonly objective: JointObjective,
  ) {
    if (objective.contrastive) throw new Error('NativeFlowStep: the contrastive branch is not covered by the native engine');
    this.net = new NativeMlp(addon, objective.model);
  }

  /** One step's mean flow loss and gradients over the micro-batches (JointObjective.step's contract). */
  step(micro: MicroBatch[], where: string): StepResult {
    if (micro.length === 0) throw new Error('NativeFlowStep.step: no micro-batches');
    const w = this.objective.balancer.weights();
    const k = micro.length;
    this.net.pullWeights();
    let flowSum = 0;
    micro.forEach(({ batch, draws }, i) => {
      const loss = this.net.lossAndGrad(batch.x, draws.flow, w.flow / k, i > 0);
      if (!Number.isFinite(loss)) {
        throw new DivergenceError(`training diverged: flow loss is ${loss} at ${where}; lower task.lr or set task.gradient_clipping > 0`);
      }
      flowSum += loss;
    });
    const grads = this.objective.model.params.list().map(({ name, variable }) => tf.tensor(this.net.grad(name), variable.shape));
    const flow = flowSum / k;
    return { grads, parts: { flow, contrastive: null, total: this.objective.balancer.total(flow, null), weights: w }, sharedNorms: null };
  }
}
